package io.kvbench.bench.target;

import java.util.Objects;

/**
 * One request to a {@link Target}.
 *
 * @param kind     PUT, GET or CAS
 * @param key      the key, non-empty
 * @param value    the value to write (PUT, CAS); null for GET
 * @param expected for CAS, the value the key must hold for the write to happen; null means "the key must be absent"
 */
public record Operation(OperationKind kind, String key, byte[] value, byte[] expected) {

    public Operation {
        Objects.requireNonNull(kind, "kind");
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key must be non-empty");
        }
        if (kind != OperationKind.GET && value == null) {
            throw new IllegalArgumentException(kind + " needs a value");
        }
    }

    public static Operation put(String key, byte[] value) {
        return new Operation(OperationKind.PUT, key, value, null);
    }

    public static Operation get(String key) {
        return new Operation(OperationKind.GET, key, null, null);
    }

    public static Operation compareAndSet(String key, byte[] expected, byte[] value) {
        return new Operation(OperationKind.CAS, key, value, expected);
    }
}
