package io.kvbench.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** {@link ClientRequest}s and {@link ClientResponse}s to and from frames. */
public final class ClientCodec {
    /** Request id and kind. */
    private static final int COMMON_BYTES = 8 + 1;

    private ClientCodec() {
    }

    public static ByteBuf encodeRequest(ByteBufAllocator allocator, ClientRequest request) {
        ByteBuf out = WireFormat.startFrame(allocator, FrameType.CLIENT_REQUEST, COMMON_BYTES + request.payload().length);
        out.writeLong(request.requestId());
        out.writeByte(request.kind().code());
        out.writeBytes(request.payload());
        return WireFormat.finishFrame(out);
    }

    public static ByteBuf encodeResponse(ByteBufAllocator allocator, ClientResponse response) {
        ByteBuf out = WireFormat.startFrame(allocator, FrameType.CLIENT_RESPONSE, COMMON_BYTES + bodyBytesHint(response));
        out.writeLong(response.requestId());
        out.writeByte(response.kind().code());
        if (response instanceof ClientResponse.Result r) {
            out.writeBytes(r.result());
        } else if (response instanceof ClientResponse.NotLeader r) {
            out.writeInt(r.leaderId());
            WireFormat.writeString(out, r.leaderClientAddress());
        } else if (response instanceof ClientResponse.Error r) {
            out.writeByte(r.code().code());
            WireFormat.writeString(out, r.message());
        } else if (response instanceof ClientResponse.Status r) {
            WireFormat.writeString(out, r.json());
        }
        return WireFormat.finishFrame(out);
    }

    private static int bodyBytesHint(ClientResponse response) {
        if (response instanceof ClientResponse.Result r) return r.result().length;
        if (response instanceof ClientResponse.Error r) return 1 + WireFormat.stringBytes(r.message());
        if (response instanceof ClientResponse.Status r) return WireFormat.stringBytes(r.json());
        return 4 + WireFormat.stringBytes(((ClientResponse.NotLeader) response).leaderClientAddress());
    }

    /** The {@link FrameBodyDecoder} of the client port (server side). */
    public static ClientRequest decodeRequest(FrameType type, ByteBuf body) {
        expectType(type, FrameType.CLIENT_REQUEST);
        long requestId = body.readLong();
        RequestKind kind = RequestKind.fromCode(body.readUnsignedByte());
        byte[] payload = WireFormat.readRemainingBytes(body);
        if (kind == RequestKind.STATUS && !ClientRequest.validStatusPayload(payload)) {
            throw new FrameFormatException("STATUS request " + requestId + " with a " + payload.length
                    + "-byte payload (expected none, or the one-byte histogram flag)");
        }
        return new ClientRequest(requestId, kind, payload);
    }

    /** The {@link FrameBodyDecoder} of a {@link ClientConnection}. */
    public static ClientResponse decodeResponse(FrameType type, ByteBuf body) {
        expectType(type, FrameType.CLIENT_RESPONSE);
        long requestId = body.readLong();
        ResponseKind kind = ResponseKind.fromCode(body.readUnsignedByte());
        ClientResponse response = switch (kind) {
            case RESULT -> new ClientResponse.Result(requestId, WireFormat.readRemainingBytes(body));
            case NOT_LEADER -> new ClientResponse.NotLeader(requestId, body.readInt(),
                    WireFormat.readString(body, "leaderClientAddress"));
            case ERROR -> new ClientResponse.Error(requestId, ErrorCode.fromCode(body.readUnsignedByte()),
                    WireFormat.readString(body, "message"));
            case STATUS -> new ClientResponse.Status(requestId, WireFormat.readString(body, "json"));
        };
        WireFormat.expectEnd(body, type);
        return response;
    }

    private static void expectType(FrameType type, FrameType expected) {
        if (type.port() != FrameType.Port.CLIENT) {
            throw new WrongPortException(type, "peer frame " + type + " on a client connection");
        }
        if (type != expected) throw new FrameFormatException("expected " + expected + ", got " + type);
    }
}
