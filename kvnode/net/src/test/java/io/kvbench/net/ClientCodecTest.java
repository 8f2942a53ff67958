package io.kvbench.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClientCodecTest {
    static List<ClientRequest> everyRequestKind() {
        return List.of(
                ClientRequest.command(1, "put k v".getBytes(StandardCharsets.UTF_8)),
                ClientRequest.command(Long.MAX_VALUE, new byte[0]),
                ClientRequest.command(-1, new byte[100_000]),
                ClientRequest.read(2, "get k".getBytes(StandardCharsets.UTF_8)),
                ClientRequest.status(3),
                ClientRequest.statusWithLatencyHistograms(4));
    }

    @Test
    void aStatusRequestCarriesNothingOrTheHistogramFlag() {
        assertThat(ClientRequest.status(1).wantsLatencyHistograms()).isFalse();
        assertThat(ClientRequest.statusWithLatencyHistograms(1).wantsLatencyHistograms()).isTrue();
        assertThat(ClientRequest.read(1, new byte[] {ClientRequest.STATUS_WITH_LATENCY_HISTOGRAMS}).wantsLatencyHistograms())
                .isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ClientRequest(1, RequestKind.STATUS, new byte[] {2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("histogram flag");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ClientRequest(1, RequestKind.STATUS, new byte[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStatusFrameWithAnyOtherPayloadIsAFrameError() {
        io.netty.buffer.ByteBuf body = io.netty.buffer.Unpooled.buffer().writeLong(7).writeByte(RequestKind.STATUS.code())
                .writeByte(9);
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClientCodec.decodeRequest(FrameType.CLIENT_REQUEST, body))
                    .isInstanceOf(FrameFormatException.class).hasMessageContaining("STATUS request 7 with a 1-byte payload");
        } finally {
            body.release();
        }
    }

    static List<ClientResponse> everyResponseKind() {
        return List.of(
                new ClientResponse.Result(1, new byte[]{0, 1, (byte) 0xfe}),
                new ClientResponse.Result(2, new byte[0]),
                new ClientResponse.NotLeader(3, 2, "127.0.0.1:7002"),
                new ClientResponse.NotLeader(4, 0, ""),
                new ClientResponse.Status(5, "{\"role\":\"leader\",\"term\":7}"));
    }

    @ParameterizedTest
    @MethodSource("everyRequestKind")
    void everyRequestDecodesToAnEqualValue(ClientRequest request) {
        Object decoded = Frames.roundTrip(ClientCodec::decodeRequest, ClientCodec.encodeRequest(Frames.ALLOCATOR, request));

        assertThat(decoded).isEqualTo(request);
    }

    @ParameterizedTest
    @MethodSource("everyResponseKind")
    void everyResponseDecodesToAnEqualValue(ClientResponse response) {
        Object decoded = Frames.roundTrip(ClientCodec::decodeResponse, ClientCodec.encodeResponse(Frames.ALLOCATOR, response));

        assertThat(decoded).isEqualTo(response);
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyErrorCodeDecodesToAnEqualValue(ErrorCode code) {
        ClientResponse error = new ClientResponse.Error(9, code, "because " + code);

        Object decoded = Frames.roundTrip(ClientCodec::decodeResponse, ClientCodec.encodeResponse(Frames.ALLOCATOR, error));

        assertThat(decoded).isEqualTo(error);
    }

    @Test
    void aRequestArrivingOneByteAtATimeDecodesTheSame() {
        ClientRequest request = ClientRequest.read(77, "get k".getBytes(StandardCharsets.UTF_8));

        List<Object> decoded = Frames.decode(ClientCodec::decodeRequest,
                Frames.oneByteAtATime(ClientCodec.encodeRequest(Frames.ALLOCATOR, request)));

        assertThat(decoded).containsExactly(request);
    }

    @Test
    void aRequestIsTheIdTheKindAndThePayloadAfterTheHeader() {
        var encoded = ClientCodec.encodeRequest(Frames.ALLOCATOR, ClientRequest.command(5, new byte[]{42}));

        assertThat(encoded.readableBytes()).isEqualTo(6 + 8 + 1 + 1);
        assertThat(encoded.getLong(6)).isEqualTo(5);
        assertThat(encoded.getByte(14)).isEqualTo((byte) RequestKind.COMMAND.code());
        assertThat(encoded.getByte(15)).isEqualTo((byte) 42);
        encoded.release();
    }
}
