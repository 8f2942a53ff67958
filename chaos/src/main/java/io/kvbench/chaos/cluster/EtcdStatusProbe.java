package io.kvbench.chaos.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks etcd members for their status through the v3 JSON gateway ({@code POST /v3/maintenance/status}, the call
 * behind {@code etcdctl endpoint status}), over HTTP/1.1 keep-alive connections so that polling every few
 * milliseconds does not open a socket each time (Java 17's HttpClient has no close; its idle connections go
 * with it). Plain http only: the harness's etcd client speaks no TLS either.
 */
public final class EtcdStatusProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Duration timeout;
    private final HttpClient client;

    /** @param timeout the wait for a connection and for an answer; a member slower than this counts as not answering */
    public EtcdStatusProbe(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /** The member's status, or empty if it does not answer 200 with a member id within the timeout. */
    public Optional<EtcdMemberStatus> status(URI clientUrl) {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(clientUrl.resolve("/v3/maintenance/status"))
                    .timeout(timeout).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) return Optional.empty();
            return parse(response.body());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Reads a status answer; empty if it is not JSON or has no member id. */
    public static Optional<EtcdMemberStatus> parse(String body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            return Optional.empty();
        }
        JsonNode header = json.path("header");
        String memberId = header.path("member_id").asText("");
        if (memberId.isEmpty()) return Optional.empty();
        // uint64s arrive as JSON strings; asLong parses them (a term never comes near 2^63)
        return Optional.of(new EtcdMemberStatus(header.path("cluster_id").asText(""), memberId,
                json.path("leader").asText(""), header.path("raft_term").asLong(0), body));
    }
}
