package io.kvbench.net;

import io.kvbench.raft.Entry;
import io.kvbench.raft.Message;
import io.kvbench.raft.Snapshot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PeerCodecTest {
    static List<Object> everyPeerFrame() {
        return List.of(
                new Message.VoteRequest(1, 2, 7, 100, 6, false, false),
                new Message.VoteRequest(3, 1, Long.MAX_VALUE, 0, 0, true, true),
                new Message.VoteResponse(2, 1, 7, true, false),
                new Message.VoteResponse(2, 1, 8, false, true),
                new Message.AppendRequest(1, 3, 9, 41, 8, List.of(), 40),
                new Message.AppendRequest(1, 3, 9, 41, 8, List.of(
                        Entry.noop(42, 9),
                        Entry.command(43, 9, "put x 1".getBytes(StandardCharsets.UTF_8)),
                        Entry.command(44, 9, new byte[0]),
                        Entry.command(45, 9, new byte[5_000])), 43),
                new Message.AppendResponse(3, 1, 9, true, 45, 0, 0),
                new Message.AppendResponse(3, 1, 9, false, 0, 4, 17),
                new Message.Heartbeat(1, 2, 9, 45, 12),
                new Message.HeartbeatResponse(2, 1, 9, 12),
                new Message.SnapshotRequest(1, 2, 9, new Snapshot(1_000, 8)),
                new Message.SnapshotRequest(1, 2, 9, Snapshot.EMPTY),
                new Message.SnapshotChunk(1, 2, 9, new Snapshot(1_000, 8), 70_000, 65_536, new byte[]{1, 2, 3, (byte) 0xff}),
                new Message.SnapshotChunk(1, 2, 9, new Snapshot(1_000, 8), 0, 0, new byte[0]),
                new Message.SnapshotChunkAck(2, 1, 9, new Snapshot(1_000, 8), 65_540),
                new Message.TimeoutNow(1, 2, 9),
                new PeerControl.Hello("cluster-é-1", 1, 2, PeerControl.PROTOCOL_VERSION),
                new PeerControl.HelloOk("cluster-é-1", 2),
                new PeerControl.HelloRejected("wrong cluster"),
                new PeerControl.ProtocolError(""));
    }

    @ParameterizedTest
    @MethodSource("everyPeerFrame")
    void everyFrameDecodesToAnEqualValue(Object frame) {
        Object decoded = Frames.roundTrip(PeerCodec::decode, PeerCodec.encode(Frames.ALLOCATOR, frame));

        // Recursive comparison compares the byte arrays inside entries and snapshots by content.
        assertThat(decoded).usingRecursiveComparison().withEqualsForType(Arrays::equals, byte[].class).isEqualTo(frame);
        assertThat(decoded).isInstanceOf(frame.getClass());
    }

    @ParameterizedTest
    @MethodSource("everyPeerFrame")
    void aFrameArrivingOneByteAtATimeDecodesTheSame(Object frame) {
        List<Object> decoded = Frames.decode(PeerCodec::decode,
                Frames.oneByteAtATime(PeerCodec.encode(Frames.ALLOCATOR, frame)));

        assertThat(decoded).singleElement().usingRecursiveComparison().withEqualsForType(Arrays::equals, byte[].class).isEqualTo(frame);
    }

    @Test
    void manyFramesInOneBufferDecodeInOrder() {
        ByteBuf all = Unpooled.buffer();
        for (Object frame : everyPeerFrame()) {
            ByteBuf encoded = PeerCodec.encode(Frames.ALLOCATOR, frame);
            all.writeBytes(encoded);
            encoded.release();
        }

        List<Object> decoded = Frames.decode(PeerCodec::decode, all);

        assertThat(decoded).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(everyPeerFrame());
    }

    @Test
    void theTestsCoverEveryPeerFrameType() {
        Set<FrameType> covered = EnumSet.noneOf(FrameType.class);
        for (Object frame : everyPeerFrame()) {
            ByteBuf encoded = PeerCodec.encode(Frames.ALLOCATOR, frame);
            covered.add(FrameType.fromCode(encoded.getUnsignedByte(5)));
            encoded.release();
        }
        List<FrameType> peerTypes = new ArrayList<>();
        for (FrameType type : FrameType.values()) if (type.port() == FrameType.Port.PEER) peerTypes.add(type);

        assertThat(covered).containsExactlyInAnyOrderElementsOf(peerTypes);
    }

    @Test
    void theHeaderCarriesTheLengthAfterItselfTheVersionAndTheType() {
        ByteBuf encoded = PeerCodec.encode(Frames.ALLOCATOR, new Message.TimeoutNow(1, 2, 3));

        assertThat(encoded.getUnsignedInt(0)).isEqualTo(encoded.readableBytes() - 4);
        assertThat(encoded.getUnsignedByte(4)).isEqualTo((short) 1);
        assertThat(encoded.getUnsignedByte(5)).isEqualTo((short) FrameType.TIMEOUT_NOW.code());
        assertThat(encoded.readableBytes()).isEqualTo(6 + 4 + 4 + 8);
        encoded.release();
    }
}
