package io.kvbench.client.cli;

import io.kvbench.net.OptionRange;
import io.kvbench.client.KvClientOptions;
import io.kvbench.net.NodeAddresses;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.net.InetSocketAddress;
import java.util.List;

/** The options every client subcommand shares: where the cluster is and how long to wait for it. */
public final class ClusterOptions {
    @Option(names = "--nodes", required = true, split = ",", paramLabel = "HOST:PORT[,HOST:PORT...]", hideParamSyntax = true,
            converter = NodeAddressConverter.class,
            description = "Client addresses of the cluster's nodes, comma-separated; any node will do, the client "
                    + "follows redirects to the leader.")
    List<InetSocketAddress> nodes;

    @OptionRange(min = 1, max = 3_600_000)
    @Option(names = "--timeout-ms", paramLabel = "MILLIS", defaultValue = "10000",
            description = "Give up after this long, retries included (default: ${DEFAULT-VALUE}). "
                    + "A write that times out may or may not have been applied.")
    long timeoutMillis;

    /** The client's options; --timeout-ms was checked before the command ran (its OptionRange). */
    KvClientOptions clientOptions() {
        KvClientOptions defaults = KvClientOptions.defaults();
        return defaults.withOperationTimeoutMillis(timeoutMillis)
                .withAttemptTimeoutMillis(Math.min(defaults.attemptTimeoutMillis(), timeoutMillis));
    }

    /** Says which address is malformed and how, so picocli can report it as a usage error (exit 2). */
    public static final class NodeAddressConverter implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            try {
                return NodeAddresses.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
