package io.kvbench.bench.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Control-plane calls to one etcd member (health, status), through the JDK's HTTP client: these are not
 * measured, so they need not share the load path's Netty stack.
 */
final class EtcdControl {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(REQUEST_TIMEOUT).build();

    /** True if {@code GET /health} answers {@code "health":"true"} (the member has a leader). */
    boolean healthy(URI clientUrl) {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(clientUrl.resolve("/health"))
                    .timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && EtcdJson.parseTree(response.body().getBytes())
                    .path("health").asText().equals("true");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code POST /v3/maintenance/status}: this member's id and the leader it knows, if it answers. */
    Optional<MemberStatus> status(URI clientUrl) {
        try {
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(clientUrl.resolve("/v3/maintenance/status"))
                    .timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            JsonNode json = EtcdJson.parseTree(response.body());
            // uint64 ids arrive as JSON strings; compare them as text.
            String memberId = json.path("header").path("member_id").asText("");
            String leaderId = json.path("leader").asText("");
            if (memberId.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new MemberStatus(memberId, leaderId, json.path("header").path("raft_term").asLong(0)));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    record MemberStatus(String memberId, String leaderId, long raftTerm) {
        boolean isLeader() {
            return !leaderId.isEmpty() && !leaderId.equals("0") && memberId.equals(leaderId);
        }
    }
}
