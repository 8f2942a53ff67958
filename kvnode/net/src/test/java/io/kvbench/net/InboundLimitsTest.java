package io.kvbench.net;

import io.kvbench.raft.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The limits of issue 20, finding 3, one rule per test, on embedded channels (no sockets, no clock): connections
 * per port, the budget for unfinished frames, the deadline for a started frame, the small frame limit before a
 * peer's handshake, and refusals counted and logged at most once per interval.
 */
class InboundLimitsTest {
    private static final int MIB = 1 << 20;
    private final List<ClientRequest> requestsHandled = new ArrayList<>();
    private final List<Message> messagesDelivered = new ArrayList<>();
    private final RecordingLogger log = new RecordingLogger();
    private final AtomicLong nanoClock = new AtomicLong();

    private PortIntake clientIntake(PortLimits limits) {
        return new PortIntake("client port", limits, log, nanoClock::get);
    }

    private EmbeddedChannel clientConnection(PortIntake intake) {
        EmbeddedChannel channel = new EmbeddedChannel();
        ClientServer.configurePipeline(channel, ClientServerConfig.of(intake.limits()), intake,
                (request, reply) -> requestsHandled.add(request));
        return channel;
    }

    /** The first {@code bytes} of a client COMMAND frame of {@code frameBytes} bytes in all. */
    private static ByteBuf startOfCommand(int frameBytes, int bytes) {
        ByteBuf whole = ClientCodec.encodeRequest(Frames.ALLOCATOR, ClientRequest.command(7, new byte[frameBytes - 6 - 1 - 8]));
        assertThat(whole.readableBytes()).isEqualTo(frameBytes);
        ByteBuf start = Unpooled.copiedBuffer(whole.slice(0, bytes));
        whole.release();
        return start;
    }

    private static ClientResponse.Error clientError(EmbeddedChannel channel) {
        channel.runPendingTasks();
        assertThat(channel.isOpen()).as("connection closed").isFalse();
        ByteBuf out = channel.readOutbound();
        assertThat(out).as("an error frame").isNotNull();
        return (ClientResponse.Error) Frames.roundTrip(ClientCodec::decodeResponse, out);
    }

    @Test
    void unfinishedLargeFramesReserveTheirLengthAndOneThatDoesNotFitIsRefused() {
        PortIntake intake = clientIntake(new PortLimits(100, 10_000, 4 * MIB));
        EmbeddedChannel first = clientConnection(intake);
        EmbeddedChannel second = clientConnection(intake);
        EmbeddedChannel third = clientConnection(intake);
        first.writeInbound(startOfCommand(2 * MIB, 1000));
        second.writeInbound(startOfCommand(2 * MIB, 10));
        assertThat(intake.stats().bufferedBytes()).isEqualTo(4L * MIB);

        third.writeInbound(startOfCommand(2 * MIB, 10));
        ClientResponse.Error error = clientError(third);
        assertThat(error.code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(error.message()).contains("4194304 of 4194304 bytes of the port's budget");
        assertThat(intake.stats().refused()).containsEntry("bufferBudget", 1L);
        assertThat(log.lines).singleElement().asString().contains("client port: inbound buffer budget exhausted");

        // The first frame completes: its reservation is released and the request handled whole.
        ByteBuf whole = ClientCodec.encodeRequest(Frames.ALLOCATOR, ClientRequest.command(7, new byte[2 * MIB - 15]));
        first.writeInbound(Unpooled.copiedBuffer(whole.slice(1000, whole.readableBytes() - 1000)));
        whole.release();
        assertThat(requestsHandled).singleElement().satisfies(request -> assertThat(request.payload()).hasSize(2 * MIB - 15));
        assertThat(intake.stats().bufferedBytes()).isEqualTo(2L * MIB);
        // The second closes with its frame unfinished: released too.
        second.close();
        assertThat(intake.stats().bufferedBytes()).isZero();
        first.finishAndReleaseAll();
    }

    @Test
    void smallFramesAreNotBudgeted() {
        PortIntake intake = clientIntake(new PortLimits(100, 10_000, 2 * MIB));
        EmbeddedChannel channel = clientConnection(intake);
        channel.writeInbound(startOfCommand(FrameDecoder.UNBUDGETED_FRAME_BYTES, 100));
        assertThat(intake.stats().bufferedBytes()).isZero();
        assertThat(channel.isOpen()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void aFrameNotCompleteByItsDeadlineClosesItsConnectionAndFreesItsReservation() {
        PortIntake intake = clientIntake(new PortLimits(100, 200, 4 * MIB));
        EmbeddedChannel slow = clientConnection(intake);
        slow.writeInbound(startOfCommand(1 * MIB, 5000));
        assertThat(intake.stats().bufferedBytes()).isEqualTo(1L * MIB);
        slow.advanceTimeBy(199, TimeUnit.MILLISECONDS);
        slow.runScheduledPendingTasks();
        assertThat(slow.isOpen()).isTrue();

        slow.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        slow.runScheduledPendingTasks();
        ClientResponse.Error error = clientError(slow);
        assertThat(error.code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(error.message()).contains("was not complete 200 ms after its first byte (5000 bytes had arrived)");
        assertThat(intake.stats().bufferedBytes()).isZero();
        assertThat(intake.stats().refused()).containsEntry("frameTimeout", 1L);
    }

    @Test
    void aRefusedFrameKeepsItsReservationUntilItsBufferIsFreedWithItsConnection() {
        InboundBudget budget = new InboundBudget(4 * MIB);
        // A handler that does not close on the refusal: the decoder's buffer, and so the reservation, stay held.
        List<Throwable> refusals = new ArrayList<>();
        EmbeddedChannel lingering = new EmbeddedChannel(new FrameDecoder(2 * MIB, ClientCodec::decodeRequest, budget, 200),
                new io.netty.channel.ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(io.netty.channel.ChannelHandlerContext context, Throwable cause) {
                        refusals.add(cause);
                    }
                });
        lingering.writeInbound(startOfCommand(1 * MIB, 300_000));
        lingering.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        lingering.runScheduledPendingTasks();
        assertThat(refusals).singleElement().isInstanceOf(InboundRefusedException.class);
        assertThat(budget.reservedBytes()).as("held while the connection lingers").isEqualTo(1L * MIB);
        lingering.writeInbound(Unpooled.copiedBuffer(new byte[1000])); // read after the refusal: discarded
        assertThat(budget.reservedBytes()).isEqualTo(1L * MIB);
        lingering.close();
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void aFrameThatCompletesInTimeLeavesNoDeadlineBehind() {
        PortIntake intake = clientIntake(new PortLimits(100, 200, 4 * MIB));
        EmbeddedChannel channel = clientConnection(intake);
        ByteBuf whole = ClientCodec.encodeRequest(Frames.ALLOCATOR, ClientRequest.command(1, new byte[100_000]));
        channel.writeInbound(Unpooled.copiedBuffer(whole.slice(0, 3)));             // even the length prefix is split
        channel.advanceTimeBy(150, TimeUnit.MILLISECONDS);
        channel.writeInbound(Unpooled.copiedBuffer(whole.slice(3, whole.readableBytes() - 3)));
        whole.release();
        channel.advanceTimeBy(1000, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        assertThat(requestsHandled).hasSize(1);
        assertThat(intake.stats().refused()).containsEntry("frameTimeout", 0L);
        channel.finishAndReleaseAll();
    }

    @Test
    void connectionsBeyondThePortsLimitAreRefusedAndAClosedOneFreesItsPlace() {
        PortIntake intake = clientIntake(new PortLimits(2, 10_000, 4 * MIB));
        EmbeddedChannel first = clientConnection(intake);
        clientConnection(intake);
        EmbeddedChannel third = clientConnection(intake);
        ClientResponse.Error error = clientError(third);
        assertThat(error.code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(error.message()).contains("at most 2 client connections");
        assertThat(intake.stats().connections()).isEqualTo(2);
        assertThat(intake.stats().refused()).containsEntry("connectionLimit", 1L);

        first.close();
        assertThat(intake.stats().connections()).isEqualTo(1);
        EmbeddedChannel fourth = clientConnection(intake);
        assertThat(fourth.isOpen()).isTrue();
        assertThat(intake.stats().connections()).isEqualTo(2);
    }

    @Test
    void beforeTheHandshakeAPeerConnectionMaySendOnlySmallFrames() {
        PeerServerConfig config = new PeerServerConfig("c1", 1, Set.of(2, 3), WireFormat.DEFAULT_PEER_MAX_FRAME_BYTES,
                60_000, 4096, new PortLimits(16, 10_000, 32 * MIB));
        PortIntake intake = new PortIntake("peer port", config.limits(), log, nanoClock::get);

        EmbeddedChannel stranger = peerConnection(config, intake);
        ByteBuf header = Unpooled.buffer().writeInt(16 * MIB - 4).writeByte(1).writeByte(FrameType.HELLO.code());
        stranger.writeInbound(header);
        stranger.runPendingTasks();
        assertThat(stranger.isOpen()).isFalse();
        PeerControl.ProtocolError error = (PeerControl.ProtocolError) Frames.roundTrip(PeerCodec::decode, stranger.readOutbound());
        assertThat(error.reason()).contains("before the handshake").contains("at most 4096 bytes");
        assertThat(intake.stats().refused()).containsEntry("frameTooLarge", 1L);
        assertThat(intake.stats().bufferedBytes()).isZero();

        // A member that said Hello may send frames up to the port's limit (reserved while unfinished).
        EmbeddedChannel member = peerConnection(config, intake);
        member.writeInbound(PeerCodec.encode(Frames.ALLOCATOR, new PeerControl.Hello("c1", 2, 1, PeerControl.PROTOCOL_VERSION)));
        assertThat(member.<Object>readOutbound()).isNotNull(); // HelloOk
        ByteBuf bigStart = Unpooled.buffer().writeInt(1 * MIB - 4).writeByte(1).writeByte(FrameType.APPEND_REQUEST.code());
        member.writeInbound(bigStart);
        assertThat(member.isOpen()).isTrue();
        assertThat(intake.stats().bufferedBytes()).isEqualTo(1L * MIB);
        member.finishAndReleaseAll();
        assertThat(intake.stats().bufferedBytes()).isZero();
    }

    @Test
    void theHelloSizeTheConfigurationChecksIsTheEncodedOne() {
        for (String clusterId : new String[] {"c", "kvbench-12345-67890", "é".repeat(100)}) {
            ByteBuf hello = PeerCodec.encode(Frames.ALLOCATOR, new PeerControl.Hello(clusterId, 1, 2, PeerControl.PROTOCOL_VERSION));
            assertThat(PeerServerConfig.helloFrameBytes(clusterId)).isEqualTo(hello.readableBytes());
            hello.release();
        }
    }

    @Test
    void aClusterIdTooLongForTheHandshakeFrameIsRefusedAtConfiguration() {
        assertThatThrownBy(() -> new PeerServerConfig("x".repeat(5000), 1, Set.of(2), WireFormat.DEFAULT_PEER_MAX_FRAME_BYTES,
                60_000, 4096, new PortLimits(16, 10_000, 32 * MIB)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("above the handshake frame limit");
        assertThatThrownBy(() -> new PeerServerConfig("c", 1, Set.of(2), WireFormat.DEFAULT_PEER_MAX_FRAME_BYTES,
                60_000, 4096, new PortLimits(16, 10_000, MIB)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below its largest frame");
    }

    @Test
    void refusalsAreAllCountedButLoggedAtMostOncePerIntervalPerReason() {
        PortIntake intake = clientIntake(new PortLimits(100, 10_000, 4 * MIB));
        for (int i = 0; i < 100; i++) intake.refused(Refusal.CONNECTION_LIMIT, "attempt " + i);
        intake.refused(Refusal.FRAME_TIMEOUT, "slow");
        assertThat(log.lines).hasSize(2);
        assertThat(log.lines.get(0)).contains("attempt 0");

        nanoClock.addAndGet(PortIntake.LOG_INTERVAL_NANOS);
        intake.refused(Refusal.CONNECTION_LIMIT, "attempt 100");
        assertThat(log.lines).hasSize(3);
        assertThat(log.lines.get(2)).contains("attempt 100").contains("(and 99 more since the last report of this reason)");
        assertThat(intake.stats().refused()).containsEntry("connectionLimit", 101L).containsEntry("frameTimeout", 1L);
    }

    @Test
    void defaultBudgetsFollowTheHeapWithinBounds() {
        InboundLimits small = InboundLimits.defaults(256L * MIB);
        assertThat(small.client().bufferBudgetBytes()).isEqualTo(32L * MIB);
        assertThat(small.peer().bufferBudgetBytes()).isEqualTo(32L * MIB);
        InboundLimits tiny = InboundLimits.defaults(16L * MIB);
        assertThat(tiny.client().bufferBudgetBytes()).isEqualTo(4L * MIB);   // two 2 MiB client frames
        assertThat(tiny.peer().bufferBudgetBytes()).isEqualTo(32L * MIB);    // two 16 MiB peer frames
        assertThat(InboundLimits.defaults(64L << 30).client().bufferBudgetBytes()).isEqualTo(256L * MIB);
    }

    private EmbeddedChannel peerConnection(PeerServerConfig config, PortIntake intake) {
        EmbeddedChannel channel = new EmbeddedChannel();
        PeerServer.configurePipeline(channel, config, intake, messagesDelivered::add, id -> { }, id -> { });
        return channel;
    }

    /** Keeps what would be logged at WARNING and above. */
    static final class RecordingLogger implements System.Logger {
        final List<String> lines = new ArrayList<>();

        @Override
        public String getName() {
            return "recording";
        }

        @Override
        public boolean isLoggable(Level level) {
            return level.getSeverity() >= Level.WARNING.getSeverity();
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            if (isLoggable(level)) lines.add(message);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (isLoggable(level)) lines.add(format);
        }

        @Override
        public void log(Level level, Supplier<String> messageSupplier) {
            if (isLoggable(level)) lines.add(messageSupplier.get());
        }
    }
}
