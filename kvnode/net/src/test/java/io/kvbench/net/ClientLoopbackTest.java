package io.kvbench.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A client server and client connections on loopback; the "runtime" answers from its own thread. */
class ClientLoopbackTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    private final NettyResources resources = new NettyResources("client-test", 2);
    /** Stands in for the core's thread: replies never come from the I/O thread that received the request. */
    private final ExecutorService runtimeThread = Executors.newSingleThreadExecutor();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : opened) closeable.close();
        runtimeThread.shutdownNow();
        resources.close();
    }

    private InetSocketAddress startServer(ClientServerConfig config, ClientRequestHandler handler) {
        ClientServer server = new ClientServer(resources, config, handler);
        opened.add(server);
        return server.start(ANY_LOOPBACK_PORT);
    }

    private ClientConnection connect(InetSocketAddress address) throws Exception {
        ClientConnection connection = ClientConnection.connect(resources, address).get(10, TimeUnit.SECONDS);
        opened.add(connection);
        return connection;
    }

    /** Answers a COMMAND or READ with its payload reversed, STATUS with fixed JSON. */
    private void answerOnRuntimeThread(ClientRequest request, ClientReplyChannel reply) {
        runtimeThread.execute(() -> {
            if (request.kind() == RequestKind.STATUS) {
                reply.reply(new ClientResponse.Status(request.requestId(), "{\"role\":\"leader\"}"));
                return;
            }
            byte[] payload = request.payload();
            byte[] reversed = new byte[payload.length];
            for (int i = 0; i < payload.length; i++) reversed[i] = payload[payload.length - 1 - i];
            reply.reply(new ClientResponse.Result(request.requestId(), reversed));
        });
    }

    private static byte[] number(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    private static byte[] reversedNumber(long value) {
        byte[] forward = number(value);
        byte[] reversed = new byte[8];
        for (int i = 0; i < 8; i++) reversed[i] = forward[7 - i];
        return reversed;
    }

    @Test
    void manyPipelinedRequestsEachGetTheirOwnAnswer() throws Exception {
        InetSocketAddress address = startServer(ClientServerConfig.defaults(), this::answerOnRuntimeThread);
        ClientConnection connection = connect(address);
        int requests = 20_000;
        // Below the server's in-flight bound of 1024 per connection, sent in waves that keep it nearly full.
        int window = 1_000;

        for (int start = 0; start < requests; start += window) {
            List<CompletableFuture<ClientResponse>> wave = new ArrayList<>();
            for (int i = start; i < start + window; i++) {
                wave.add(i % 2 == 0 ? connection.command(number(i)) : connection.read(number(i)));
            }
            CompletableFuture.allOf(wave.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < window; i++) {
                byte[] expected = reversedNumber(start + i);
                assertThat(wave.get(i).join()).isInstanceOfSatisfying(ClientResponse.Result.class,
                        result -> assertThat(result.result()).isEqualTo(expected));
            }
        }

        assertThat(connection.pendingRequestCount()).isZero();
    }

    @Test
    void everyResponseKindTravelsBackToTheClient() throws Exception {
        InetSocketAddress address = startServer(ClientServerConfig.defaults(), (request, reply) -> runtimeThread.execute(() -> {
            long id = request.requestId();
            String kind = new String(request.payload());
            reply.reply(switch (kind) {
                case "not-leader" -> new ClientResponse.NotLeader(id, 3, "127.0.0.1:7003");
                case "error" -> new ClientResponse.Error(id, ErrorCode.STORAGE_FAILED, "disk full");
                default -> new ClientResponse.Status(id, "{}");
            });
        }));
        ClientConnection connection = connect(address);

        assertThat(connection.command("not-leader".getBytes()).get(10, TimeUnit.SECONDS))
                .isEqualTo(new ClientResponse.NotLeader(1, 3, "127.0.0.1:7003"));
        assertThat(connection.read("error".getBytes()).get(10, TimeUnit.SECONDS))
                .isEqualTo(new ClientResponse.Error(2, ErrorCode.STORAGE_FAILED, "disk full"));
        assertThat(connection.status().get(10, TimeUnit.SECONDS)).isEqualTo(new ClientResponse.Status(3, "{}"));
    }

    @Test
    void requestsBeyondTheInFlightBoundAreAnsweredOverloaded() throws Exception {
        ConcurrentLinkedQueue<ClientReplyChannel> held = new ConcurrentLinkedQueue<>();
        InetSocketAddress address = startServer(new ClientServerConfig(WireFormat.DEFAULT_CLIENT_MAX_FRAME_BYTES, 4),
                (request, reply) -> held.add(reply));
        ClientConnection connection = connect(address);
        List<CompletableFuture<ClientResponse>> admitted = new ArrayList<>();
        for (int i = 0; i < 4; i++) admitted.add(connection.command(number(i)));
        Await.until("four requests reach the runtime", () -> held.size() == 4);

        ClientResponse fifth = connection.command(number(4)).get(10, TimeUnit.SECONDS);

        assertThat(fifth).isInstanceOfSatisfying(ClientResponse.Error.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.OVERLOADED));
        held.forEach(reply -> runtimeThread.execute(() -> reply.reply(new ClientResponse.Result(reply.requestId(), new byte[0]))));
        CompletableFuture.allOf(admitted.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        connection.command(number(5));
        Await.until("once answered there is room again: the sixth reaches the runtime", () -> held.size() == 5);
    }

    @Test
    void aSecondReplyToTheSameRequestIsIgnored() throws Exception {
        CompletableFuture<Boolean> secondReplySent = new CompletableFuture<>();
        InetSocketAddress address = startServer(ClientServerConfig.defaults(), (request, reply) -> {
            reply.reply(new ClientResponse.Error(request.requestId(), ErrorCode.TIMEOUT, "too slow"));
            secondReplySent.complete(reply.reply(new ClientResponse.Result(request.requestId(), new byte[1])));
        });
        ClientConnection connection = connect(address);

        assertThat(connection.command(new byte[1]).get(10, TimeUnit.SECONDS)).isInstanceOf(ClientResponse.Error.class);
        assertThat(secondReplySent.get(10, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void closingTheServerFailsEveryPendingRequestWithATypedException() throws Exception {
        ConcurrentLinkedQueue<ClientReplyChannel> held = new ConcurrentLinkedQueue<>();
        ClientServer server = new ClientServer(resources, ClientServerConfig.defaults(), (request, reply) -> held.add(reply));
        opened.add(server);
        ClientConnection connection = connect(server.start(ANY_LOOPBACK_PORT));
        List<CompletableFuture<ClientResponse>> pending = new ArrayList<>();
        for (int i = 0; i < 50; i++) pending.add(connection.command(number(i)));
        Await.until("all requests reach the runtime", () -> held.size() == 50);

        server.close();

        for (CompletableFuture<ClientResponse> future : pending) {
            assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionClosedException.class);
        }
        assertThat(connection.isOpen()).isFalse();
        assertThat(held.peek().isOpen()).isFalse();
        assertThat(held.peek().reply(new ClientResponse.Result(held.peek().requestId(), new byte[0]))).isFalse();
        assertThatThrownBy(() -> connection.status().get(10, TimeUnit.SECONDS))
                .as("sending after the close fails at once").hasCauseInstanceOf(ConnectionClosedException.class);
    }

    @Test
    void garbageOnOneConnectionLeavesAnotherWorking() throws Exception {
        InetSocketAddress address = startServer(ClientServerConfig.defaults(), this::answerOnRuntimeThread);
        ClientConnection healthy = connect(address);
        assertThat(healthy.status().get(10, TimeUnit.SECONDS)).isInstanceOf(ClientResponse.Status.class);

        try (RawSocket garbage = new RawSocket(address)) {
            garbage.write(new byte[]{0, 0, 0, 9, 1, 0x7f, 1, 2, 3, 4, 5, 6, 7});

            Object error = garbage.readFrame(ClientCodec::decodeResponse);
            assertThat(error).isInstanceOfSatisfying(ClientResponse.Error.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED);
                assertThat(e.message()).startsWith("unknown frame type 0x7f from /127.0.0.1:");
            });
            assertThat(garbage.closedByPeer()).isTrue();
        }

        assertThat(healthy.command(number(7)).get(10, TimeUnit.SECONDS))
                .isEqualTo(new ClientResponse.Result(2, reversedNumber(7)));
    }

    @Test
    void anOversizedRequestIsRefusedAsTooLarge() throws Exception {
        InetSocketAddress address = startServer(new ClientServerConfig(1024, 16), this::answerOnRuntimeThread);
        ClientConnection connection = connect(address);

        CompletableFuture<ClientResponse> tooLarge = connection.command(new byte[2048]);

        assertThatThrownBy(() -> tooLarge.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ConnectionClosedException.class)
                .hasMessageContaining("TOO_LARGE");
    }
}
