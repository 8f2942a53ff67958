package io.kvbench.net;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The NIO fallback, used where native epoll does not load, carries the same frames. */
class NioTransportTest {
    @Test
    void aRequestRoundTripsOverNio() throws Exception {
        try (NettyResources resources = new NettyResources("nio-test", 1, false);
             ClientServer server = new ClientServer(resources, ClientServerConfig.defaults(),
                     (request, reply) -> reply.reply(new ClientResponse.Result(request.requestId(), request.payload())))) {
            assertThat(resources.nativeEpoll()).isFalse();
            InetSocketAddress address = server.start(new InetSocketAddress("127.0.0.1", 0));

            try (ClientConnection connection = ClientConnection.connect(resources, address).get(10, TimeUnit.SECONDS)) {
                assertThat(connection.command(new byte[]{1, 2, 3}).get(10, TimeUnit.SECONDS))
                        .isEqualTo(new ClientResponse.Result(1, new byte[]{1, 2, 3}));
            }
        }
    }
}
