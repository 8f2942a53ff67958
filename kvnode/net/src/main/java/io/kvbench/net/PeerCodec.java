package io.kvbench.net;

import io.kvbench.raft.Entry;
import io.kvbench.raft.EntryType;
import io.kvbench.raft.Message;
import io.kvbench.raft.Snapshot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.ArrayList;
import java.util.List;

/**
 * Raft {@link Message}s and {@link PeerControl} frames to and from bytes. Every raft body starts with
 * {@code [i32 from][i32 to][i64 term]}; the rest follows each record's fields in declaration order.
 */
public final class PeerCodec {
    private static final int COMMON_BYTES = 4 + 4 + 8;
    /** index, term, type, data length. */
    private static final int ENTRY_HEADER_BYTES = 8 + 8 + 1 + 4;

    private PeerCodec() {
    }

    /** A whole frame holding {@code frame}, a raft {@link Message} or a {@link PeerControl}. */
    public static ByteBuf encode(ByteBufAllocator allocator, Object frame) {
        if (frame instanceof Message message) return encodeMessage(allocator, message);
        if (frame instanceof PeerControl control) return encodeControl(allocator, control);
        throw new IllegalArgumentException("not a peer frame: " + frame);
    }

    /** The {@link FrameBodyDecoder} of the peer port. */
    public static Object decode(FrameType type, ByteBuf body) {
        if (type.port() != FrameType.Port.PEER) {
            throw new WrongPortException(type, "client frame " + type + " on the peer port");
        }
        Object frame = switch (type) {
            case HELLO -> new PeerControl.Hello(WireFormat.readString(body, "clusterId"), body.readInt(),
                    body.readInt(), body.readUnsignedShort());
            case HELLO_OK -> new PeerControl.HelloOk(WireFormat.readString(body, "clusterId"), body.readInt());
            case HELLO_REJECTED -> new PeerControl.HelloRejected(WireFormat.readString(body, "reason"));
            case PROTOCOL_ERROR -> new PeerControl.ProtocolError(WireFormat.readString(body, "reason"));
            default -> decodeMessage(type, body);
        };
        WireFormat.expectEnd(body, type);
        return frame;
    }

    private static ByteBuf encodeControl(ByteBufAllocator allocator, PeerControl control) {
        if (control instanceof PeerControl.Hello hello) {
            ByteBuf out = WireFormat.startFrame(allocator, FrameType.HELLO, WireFormat.stringBytes(hello.clusterId()) + 10);
            WireFormat.writeString(out, hello.clusterId());
            out.writeInt(hello.fromNodeId());
            out.writeInt(hello.toNodeId());
            out.writeShort(hello.protocolVersion());
            return WireFormat.finishFrame(out);
        }
        if (control instanceof PeerControl.HelloOk ok) {
            ByteBuf out = WireFormat.startFrame(allocator, FrameType.HELLO_OK, WireFormat.stringBytes(ok.clusterId()) + 4);
            WireFormat.writeString(out, ok.clusterId());
            out.writeInt(ok.nodeId());
            return WireFormat.finishFrame(out);
        }
        if (control instanceof PeerControl.HelloRejected rejected) {
            return stringFrame(allocator, FrameType.HELLO_REJECTED, rejected.reason());
        }
        return stringFrame(allocator, FrameType.PROTOCOL_ERROR, ((PeerControl.ProtocolError) control).reason());
    }

    private static ByteBuf stringFrame(ByteBufAllocator allocator, FrameType type, String value) {
        ByteBuf out = WireFormat.startFrame(allocator, type, WireFormat.stringBytes(value));
        WireFormat.writeString(out, value);
        return WireFormat.finishFrame(out);
    }

    private static ByteBuf encodeMessage(ByteBufAllocator allocator, Message message) {
        ByteBuf out = WireFormat.startFrame(allocator, frameType(message), COMMON_BYTES + bodyBytesHint(message));
        out.writeInt(message.from());
        out.writeInt(message.to());
        out.writeLong(message.term());
        if (message instanceof Message.VoteRequest m) {
            out.writeLong(m.lastLogIndex());
            out.writeLong(m.lastLogTerm());
            WireFormat.writeBoolean(out, m.preVote());
            WireFormat.writeBoolean(out, m.transfer());
        } else if (message instanceof Message.VoteResponse m) {
            WireFormat.writeBoolean(out, m.granted());
            WireFormat.writeBoolean(out, m.preVote());
        } else if (message instanceof Message.AppendRequest m) {
            out.writeLong(m.prevLogIndex());
            out.writeLong(m.prevLogTerm());
            out.writeLong(m.leaderCommit());
            out.writeInt(m.entries().size());
            for (Entry entry : m.entries()) {
                out.writeLong(entry.index());
                out.writeLong(entry.term());
                out.writeByte(entry.type().code());
                WireFormat.writeBytes(out, entry.data());
            }
        } else if (message instanceof Message.AppendResponse m) {
            WireFormat.writeBoolean(out, m.success());
            out.writeLong(m.matchIndex());
            out.writeLong(m.conflictTerm());
            out.writeLong(m.conflictIndex());
        } else if (message instanceof Message.Heartbeat m) {
            out.writeLong(m.commitIndex());
            out.writeLong(m.readRound());
        } else if (message instanceof Message.HeartbeatResponse m) {
            out.writeLong(m.readRound());
        } else if (message instanceof Message.SnapshotRequest m) {
            writeSnapshot(out, m.snapshot());
        } else if (message instanceof Message.SnapshotChunk m) {
            writeSnapshot(out, m.snapshot());
            out.writeLong(m.totalBytes());
            out.writeLong(m.offset());
            WireFormat.writeBytes(out, m.data());
        } else if (message instanceof Message.SnapshotChunkAck m) {
            writeSnapshot(out, m.snapshot());
            out.writeLong(m.receivedBytes());
        }
        // TimeoutNow carries nothing beyond the common fields.
        return WireFormat.finishFrame(out);
    }

    private static void writeSnapshot(ByteBuf out, Snapshot snapshot) {
        out.writeLong(snapshot.lastIndex());
        out.writeLong(snapshot.lastTerm());
    }

    private static Snapshot readSnapshot(ByteBuf in) {
        long lastIndex = in.readLong();
        long lastTerm = in.readLong();
        if (lastIndex < 0 || lastTerm < 0) throw new FrameFormatException("negative snapshot position " + lastIndex + "@" + lastTerm);
        return new Snapshot(lastIndex, lastTerm);
    }

    private static Message.SnapshotChunk decodeSnapshotChunk(int from, int to, long term, ByteBuf in) {
        Snapshot snapshot = readSnapshot(in);
        long totalBytes = in.readLong();
        long offset = in.readLong();
        byte[] data = WireFormat.readBytes(in, "chunk data");
        try {
            return new Message.SnapshotChunk(from, to, term, snapshot, totalBytes, offset, data);
        } catch (IllegalArgumentException e) {
            throw new FrameFormatException(e.getMessage());
        }
    }

    private static int bodyBytesHint(Message message) {
        if (message instanceof Message.AppendRequest m) {
            int bytes = 8 * 3 + 4;
            for (Entry entry : m.entries()) bytes += ENTRY_HEADER_BYTES + entry.data().length;
            return bytes;
        }
        if (message instanceof Message.SnapshotChunk m) return 8 * 4 + 4 + m.data().length;
        return 8 * 3 + 2;
    }

    static FrameType frameType(Message message) {
        if (message instanceof Message.VoteRequest) return FrameType.VOTE_REQUEST;
        if (message instanceof Message.VoteResponse) return FrameType.VOTE_RESPONSE;
        if (message instanceof Message.AppendRequest) return FrameType.APPEND_REQUEST;
        if (message instanceof Message.AppendResponse) return FrameType.APPEND_RESPONSE;
        if (message instanceof Message.Heartbeat) return FrameType.HEARTBEAT;
        if (message instanceof Message.HeartbeatResponse) return FrameType.HEARTBEAT_RESPONSE;
        if (message instanceof Message.SnapshotRequest) return FrameType.SNAPSHOT_REQUEST;
        if (message instanceof Message.TimeoutNow) return FrameType.TIMEOUT_NOW;
        if (message instanceof Message.SnapshotChunk) return FrameType.SNAPSHOT_CHUNK;
        if (message instanceof Message.SnapshotChunkAck) return FrameType.SNAPSHOT_CHUNK_ACK;
        throw new IllegalArgumentException("unknown message " + message);
    }

    private static Message decodeMessage(FrameType type, ByteBuf in) {
        int from = in.readInt();
        int to = in.readInt();
        long term = in.readLong();
        return switch (type) {
            case VOTE_REQUEST -> new Message.VoteRequest(from, to, term, in.readLong(), in.readLong(),
                    WireFormat.readBoolean(in, "preVote"), WireFormat.readBoolean(in, "transfer"));
            case VOTE_RESPONSE -> new Message.VoteResponse(from, to, term, WireFormat.readBoolean(in, "granted"),
                    WireFormat.readBoolean(in, "preVote"));
            case APPEND_REQUEST -> decodeAppendRequest(from, to, term, in);
            case APPEND_RESPONSE -> new Message.AppendResponse(from, to, term, WireFormat.readBoolean(in, "success"),
                    in.readLong(), in.readLong(), in.readLong());
            case HEARTBEAT -> new Message.Heartbeat(from, to, term, in.readLong(), in.readLong());
            case HEARTBEAT_RESPONSE -> new Message.HeartbeatResponse(from, to, term, in.readLong());
            case SNAPSHOT_REQUEST -> new Message.SnapshotRequest(from, to, term, readSnapshot(in));
            case SNAPSHOT_CHUNK -> decodeSnapshotChunk(from, to, term, in);
            case SNAPSHOT_CHUNK_ACK -> new Message.SnapshotChunkAck(from, to, term, readSnapshot(in), in.readLong());
            case TIMEOUT_NOW -> new Message.TimeoutNow(from, to, term);
            default -> throw new IllegalStateException("not a raft frame type: " + type);
        };
    }

    private static Message.AppendRequest decodeAppendRequest(int from, int to, long term, ByteBuf in) {
        long prevLogIndex = in.readLong();
        long prevLogTerm = in.readLong();
        long leaderCommit = in.readLong();
        long count = in.readUnsignedInt();
        // Checked before allocating so a garbage count cannot make us build a huge list.
        if (count * ENTRY_HEADER_BYTES > in.readableBytes()) {
            throw new FrameFormatException("truncated body: " + count + " entries cannot fit in "
                    + in.readableBytes() + " bytes");
        }
        List<Entry> entries = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            long index = in.readLong();
            long entryTerm = in.readLong();
            EntryType entryType = EntryType.fromCode(in.readUnsignedByte());
            entries.add(new Entry(index, entryTerm, entryType, WireFormat.readBytes(in, "entry data")));
        }
        return new Message.AppendRequest(from, to, term, prevLogIndex, prevLogTerm, entries, leaderCommit);
    }
}
