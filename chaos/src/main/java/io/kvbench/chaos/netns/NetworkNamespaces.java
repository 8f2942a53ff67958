package io.kvbench.chaos.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Entry point of the package: {@link #available()} says whether network namespaces can be used here, by building
 * and removing a throwaway one with everything a {@link BridgeNetwork} needs (a namespace, a veth pair into it, a
 * bridge, the tc drop class and a u32 filter). Names of everything we create start with {@value #NAME_PREFIX}.
 */
public final class NetworkNamespaces {
    /** Prefix of every namespace and link this package creates. */
    public static final String NAME_PREFIX = "kvb";
    private static final AtomicInteger PROBES = new AtomicInteger();
    private static volatile NetnsAvailability cached;

    private NetworkNamespaces() {
    }

    /** Probes once per JVM (a dozen {@code ip}/{@code tc} runs) and remembers the answer. */
    public static NetnsAvailability available() {
        NetnsAvailability result = cached;
        if (result == null) {
            synchronized (NetworkNamespaces.class) {
                if (cached == null) cached = probe();
                result = cached;
            }
        }
        return result;
    }

    /** Tries now, without the cache. */
    public static NetnsAvailability probe() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return NetnsAvailability.no("network namespaces are Linux only; this is " + System.getProperty("os.name"));
        }
        for (String program : List.of("ip", "tc")) {
            try {
                IpCommand.attempt(program, "-V");
            } catch (IOException e) {
                return NetnsAvailability.no(e.getMessage());
            }
        }
        long pid = ProcessHandle.current().pid();
        int probe = PROBES.incrementAndGet();
        String namespace = NAME_PREFIX + "probe" + pid + "x" + probe;
        // link names are limited to 15 characters: a pid has at most 7 digits
        String veth = NAME_PREFIX + "p" + pid + "v";
        String bridge = NAME_PREFIX + "p" + pid + "b";
        try {
            IpCommand.batch(List.of("ip"), List.of(
                    "netns add " + namespace,
                    "link add " + veth + " type veth peer name eth0 netns " + namespace,
                    "link add " + bridge + " type bridge",
                    "link set dev " + veth + " master " + bridge));
            PartitionRules.prepare(List.of(veth));
            IpCommand.batch(List.of("tc"), List.of(PartitionRules.dropFilter(veth, 100, "198.18.0.10")));
            return NetnsAvailability.yes();
        } catch (IOException e) {
            return NetnsAvailability.no(e.getMessage() + userNote());
        } finally {
            try {
                IpCommand.attemptBatch(List.of("ip"), List.of("link del " + veth, "netns del " + namespace, "link del " + bridge));
            } catch (IOException e) {
                // best effort: the probe's answer stands; a leftover carries our pid in its name
            }
        }
    }

    /** " (not root: euid N)" when the effective uid is not 0, the usual reason for EPERM. */
    private static String userNote() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String effective = line.substring(4).trim().split("\\s+")[1];
                    return effective.equals("0") ? "" : " (not root: euid " + effective + "; namespaces need root or CAP_SYS_ADMIN and CAP_NET_ADMIN)";
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: nothing to add
        }
        return "";
    }
}
