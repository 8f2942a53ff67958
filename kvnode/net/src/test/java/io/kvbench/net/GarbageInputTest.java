package io.kvbench.net;

import io.kvbench.raft.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever arrives, a server answers with one error frame (when it can) and closes that connection only. */
class GarbageInputTest {
    private final List<ClientRequest> requestsHandled = new ArrayList<>();
    private final List<Message> messagesDelivered = new ArrayList<>();

    private EmbeddedChannel clientPort() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ClientServer.configurePipeline(channel, new ClientServerConfig(1024, 8),
                (request, reply) -> requestsHandled.add(request));
        return channel;
    }

    private EmbeddedChannel peerPort() {
        EmbeddedChannel channel = new EmbeddedChannel();
        PeerServer.configurePipeline(channel, new PeerServerConfig("c1", 1, Set.of(2, 3), 1024, 60_000),
                messagesDelivered::add);
        return channel;
    }

    /** The one error frame the client port sent, after checking it closed the connection. */
    private static ClientResponse.Error clientError(EmbeddedChannel channel) {
        channel.runPendingTasks();
        assertThat(channel.isOpen()).as("connection closed").isFalse();
        ByteBuf out = channel.readOutbound();
        assertThat(channel.<Object>readOutbound()).as("only one error frame").isNull();
        Object decoded = Frames.roundTrip(ClientCodec::decodeResponse, out);
        assertThat(decoded).isInstanceOf(ClientResponse.Error.class);
        return (ClientResponse.Error) decoded;
    }

    private static Object peerReply(EmbeddedChannel channel) {
        channel.runPendingTasks();
        assertThat(channel.isOpen()).as("connection closed").isFalse();
        ByteBuf out = channel.readOutbound();
        assertThat(channel.<Object>readOutbound()).as("only one error frame").isNull();
        return Frames.roundTrip(PeerCodec::decode, out);
    }

    @Test
    void anUnknownFrameTypeIsNamedInHex() {
        EmbeddedChannel channel = clientPort();

        channel.writeInbound(Frames.handMade(2 + 9, 1, 0x7f, new byte[9]));

        ClientResponse.Error error = clientError(channel);
        assertThat(error.requestId()).isZero();
        assertThat(error.code()).isEqualTo(ErrorCode.MALFORMED);
        assertThat(error.message()).isEqualTo("unknown frame type 0x7f from embedded");
    }

    @Test
    void aBadVersionIsRefusedBeforeTheBodyArrives() {
        EmbeddedChannel channel = clientPort();

        // Only the first five bytes of a frame whose body never comes.
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{0, 0, 0, 100, 2}));

        assertThat(clientError(channel).message()).contains("unsupported frame version 2 (expected 1)");
        assertThat(requestsHandled).isEmpty();
    }

    @Test
    void anOversizedLengthPrefixIsTooLarge() {
        EmbeddedChannel channel = clientPort();

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{0x7f, 0, 0, 0}));

        ClientResponse.Error error = clientError(channel);
        assertThat(error.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(error.message()).contains("frame length 2130706432 exceeds the maximum of 1020");
    }

    @Test
    void aLengthShorterThanTheHeaderIsMalformed() {
        EmbeddedChannel channel = clientPort();

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{0, 0, 0, 1, 1}));

        assertThat(clientError(channel).message()).contains("frame length 1 is shorter than a frame header");
    }

    @Test
    void aBodyShorterThanItsFieldsIsTruncated() {
        EmbeddedChannel channel = clientPort();

        // A request needs eight bytes of id and one of kind; this one has three.
        channel.writeInbound(Frames.handMade(2 + 3, 1, FrameType.CLIENT_REQUEST.code(), new byte[3]));

        assertThat(clientError(channel).message()).contains("truncated body of CLIENT_REQUEST(0x20) frame");
    }

    @Test
    void anUnknownRequestKindIsMalformed() {
        EmbeddedChannel channel = clientPort();

        channel.writeInbound(Frames.handMade(2 + 9, 1, FrameType.CLIENT_REQUEST.code(),
                new byte[]{0, 0, 0, 0, 0, 0, 0, 5, 99}));

        assertThat(clientError(channel).message()).contains("unknown request kind 99");
    }

    @Test
    void randomBytesCloseTheConnectionWithOneError() {
        Random random = new Random(42);
        for (int trial = 0; trial < 200; trial++) {
            EmbeddedChannel channel = clientPort();
            byte[] garbage = new byte[2 + random.nextInt(64)];
            random.nextBytes(garbage);
            // Start with a plausible length so the garbage reaches the version, type and body checks too.
            garbage[0] = 0;
            garbage[1] = 0;
            channel.writeInbound(Unpooled.wrappedBuffer(garbage));
            // Zeros after the garbage: if it happened to be whole frames, a zero length prefix is refused next.
            if (channel.isOpen()) channel.writeInbound(Unpooled.wrappedBuffer(new byte[2048]));

            assertThat(clientError(channel).code()).isIn(ErrorCode.MALFORMED, ErrorCode.TOO_LARGE);
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void garbageOnThePeerPortIsAnsweredWithAProtocolError() {
        EmbeddedChannel channel = peerPort();

        channel.writeInbound(Frames.handMade(2, 1, 0x7f, new byte[0]));

        assertThat(peerReply(channel)).isEqualTo(new PeerControl.ProtocolError("unknown frame type 0x7f from embedded"));
        assertThat(messagesDelivered).isEmpty();
    }

    @Test
    void aTruncatedAppendRequestOnThePeerPortIsRefused() {
        EmbeddedChannel channel = peerPort();
        channel.writeInbound(PeerCodec.encode(Frames.ALLOCATOR, new PeerControl.Hello("c1", 2, 1, 1)));
        assertThat(Frames.roundTrip(PeerCodec::decode, channel.readOutbound())).isEqualTo(new PeerControl.HelloOk("c1", 1));
        ByteBuf append = PeerCodec.encode(Frames.ALLOCATOR, new Message.AppendRequest(2, 1, 1, 0, 0,
                List.of(io.kvbench.raft.Entry.command(1, 1, new byte[10])), 0));
        // Claim one byte less than was encoded, so the entry's data runs past the end of the frame.
        append.setInt(0, append.getInt(0) - 1);
        append.writerIndex(append.writerIndex() - 1);

        channel.writeInbound(append);

        assertThat(peerReply(channel)).isInstanceOfSatisfying(PeerControl.ProtocolError.class,
                error -> assertThat(error.reason()).contains("truncated body").contains("APPEND_REQUEST"));
        assertThat(messagesDelivered).isEmpty();
    }

    @Test
    void aClientFrameOnThePeerPortIsAnsweredInTheClientProtocol() {
        EmbeddedChannel channel = peerPort();

        channel.writeInbound(ClientCodec.encodeRequest(Frames.ALLOCATOR, ClientRequest.status(1)));

        ClientResponse.Error error = clientError(channel);
        assertThat(error.message()).contains("this is a raft peer port, not a client port");
    }

    @Test
    void aHelloOnTheClientPortIsAnsweredInThePeerProtocol() {
        EmbeddedChannel channel = clientPort();

        channel.writeInbound(PeerCodec.encode(Frames.ALLOCATOR, new PeerControl.Hello("c1", 2, 1, 1)));

        assertThat(peerReply(channel)).isEqualTo(new PeerControl.HelloRejected("this is a client port, not a raft peer port"));
        assertThat(requestsHandled).isEmpty();
    }

    @Test
    void framesBeforeTheGarbageAreStillHandled() {
        EmbeddedChannel channel = clientPort();
        ByteBuf input = ClientCodec.encodeRequest(Frames.ALLOCATOR, ClientRequest.status(1));
        input.writeBytes(new byte[]{0, 0, 0, 2, 9, 9});

        channel.writeInbound(input);

        assertThat(requestsHandled).containsExactly(ClientRequest.status(1));
        assertThat(clientError(channel).message()).contains("unsupported frame version 9");
    }
}
