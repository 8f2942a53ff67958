package io.kvbench.node;

import io.kvbench.net.NodeAddresses;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.net.InetSocketAddress;

/** A node address option's value, {@code host:port}: a malformed one is a usage error (exit 2) that says what is wrong. */
public final class NodeAddressConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
        try {
            return NodeAddresses.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
