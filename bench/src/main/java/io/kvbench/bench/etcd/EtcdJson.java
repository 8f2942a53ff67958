package io.kvbench.bench.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvbench.bench.target.OpResult;
import io.kvbench.bench.target.Operation;
import io.kvbench.bench.target.OperationKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Requests and responses of etcd's v3 JSON gateway (grpc-gateway over the KV service): keys and values are
 * base64 strings; fields that hold their default (false, 0, empty) are left out of responses, so a missing
 * {@code succeeded} means false and a missing {@code kvs} means no key. Public for the chaos suite's failover probe,
 * which writes through the same gateway.
 */
public final class EtcdJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Base64.Encoder ENCODER = Base64.getEncoder();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    private EtcdJson() {
    }

    public static String path(OperationKind kind) {
        return switch (kind) {
            case PUT -> "/v3/kv/put";
            case GET -> "/v3/kv/range";
            case CAS -> "/v3/kv/txn";
        };
    }

    public static byte[] requestBody(Operation operation) {
        String key = encode(operation.key().getBytes(StandardCharsets.UTF_8));
        ObjectNode body = MAPPER.createObjectNode();
        switch (operation.kind()) {
            case PUT -> body.put("key", key).put("value", encode(operation.value()));
            case GET -> body.put("key", key);
            case CAS -> {
                ObjectNode compare = body.putArray("compare").addObject().put("key", key).put("result", "EQUAL");
                if (operation.expected() == null) {
                    // "Absent" is create_revision == 0 in etcd's compare.
                    compare.put("target", "CREATE").put("create_revision", "0");
                } else {
                    compare.put("target", "VALUE").put("value", encode(operation.expected()));
                }
                ArrayNode success = body.putArray("success");
                success.addObject().putObject("request_put").put("key", key).put("value", encode(operation.value()));
            }
            default -> throw new IllegalStateException("unknown kind " + operation.kind());
        }
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize an etcd request", e);
        }
    }

    /** Reads a 200 response; a body with an error field (etcd reports some errors that way) is FAILED. */
    public static OpResult parseResponse(OperationKind kind, byte[] body) {
        JsonNode json;
        try {
            json = MAPPER.readTree(body);
        } catch (IOException e) {
            return OpResult.failed("bad_json");
        }
        if (json.has("error") || json.has("code")) {
            return OpResult.failed(errorKind(json));
        }
        return switch (kind) {
            case PUT -> OpResult.ok();
            case GET -> {
                JsonNode kvs = json.path("kvs");
                if (!kvs.isArray() || kvs.isEmpty()) {
                    yield OpResult.notFound();
                }
                yield OpResult.ok(DECODER.decode(kvs.get(0).path("value").asText("")));
            }
            case CAS -> json.path("succeeded").asBoolean(false) ? OpResult.ok() : OpResult.casMismatch();
        };
    }

    /** A non-200 response: the etcd error code when the body has one (e.g. 14 "request timed out"). */
    static OpResult parseFailure(int httpStatus, byte[] body) {
        try {
            JsonNode json = MAPPER.readTree(body);
            if (json != null && json.has("code")) {
                return OpResult.failed("http_" + httpStatus + "_" + errorKind(json));
            }
        } catch (IOException e) {
            // not JSON: the status alone says what happened
        }
        return OpResult.failed("http_" + httpStatus);
    }

    private static String errorKind(JsonNode json) {
        return "etcd_code_" + json.path("code").asInt(-1);
    }

    static JsonNode parseTree(byte[] body) throws IOException {
        return MAPPER.readTree(body);
    }

    private static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }
}
