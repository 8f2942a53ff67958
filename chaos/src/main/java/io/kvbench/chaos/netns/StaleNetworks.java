package io.kvbench.chaos.netns;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes cluster networks whose owner is gone. A harness killed with SIGKILL runs no shutdown hook, so its
 * bridge, veths and namespaces stay; each bridge's alias names its owner's pid. A network is removed only when
 * that pid no longer runs and none of its namespaces holds a process (a node the dead harness left running keeps
 * its network until it is stopped).
 */
final class StaleNetworks {
    private static final String ALIAS_PREFIX = "kvbench-pid-";
    private static final Pattern BRIDGE = Pattern.compile("^\\d+: (" + NetworkNamespaces.NAME_PREFIX + "(\\d+)br)[:@].*\\\\\\s+alias "
            + ALIAS_PREFIX + "(\\d+)\\s*$");
    private static boolean swept;

    private StaleNetworks() {
    }

    static String ownerAlias(long pid) {
        return ALIAS_PREFIX + pid;
    }

    /** Sweeps the first time a JVM builds a network; a failure to sweep only prints a note. */
    static synchronized void sweepOnce() {
        if (swept) return;
        swept = true;
        try {
            sweep();
        } catch (IOException e) {
            System.err.println("kvbench: could not look for leftover cluster networks: " + e.getMessage());
        }
    }

    /** Removes the networks of dead owners now. */
    static void sweep() throws IOException {
        String bridges = IpCommand.run("ip", "-o", "link", "show", "type", "bridge");
        List<String> namespaces = namespaceNames();
        for (String line : bridges.split("\n")) {
            Matcher matcher = BRIDGE.matcher(line);
            if (!matcher.matches()) continue;
            long owner = Long.parseLong(matcher.group(3));
            if (ProcessHandle.of(owner).isPresent()) continue;
            String bridge = matcher.group(1);
            String namespacePrefix = NetworkNamespaces.NAME_PREFIX + owner + "c" + matcher.group(2) + "n";
            List<String> owned = namespaces.stream().filter(name -> name.startsWith(namespacePrefix)).toList();
            if (!owned.stream().allMatch(StaleNetworks::isEmpty)) {
                System.err.println("kvbench: leftover network " + bridge + " of dead pid " + owner + " still has processes in "
                        + owned + "; not removing it");
                continue;
            }
            for (String port : portsOf(bridge)) IpCommand.attempt("ip", "link", "del", port);
            for (String namespace : owned) IpCommand.attempt("ip", "netns", "del", namespace);
            IpCommand.attempt("ip", "link", "del", bridge);
            System.err.println("kvbench: removed leftover network " + bridge + " " + owned + " of dead pid " + owner);
        }
    }

    /** {@code ip netns list} names (it prints {@code name (id: N)} for namespaces with an id). */
    private static List<String> namespaceNames() throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : IpCommand.run("ip", "netns", "list").split("\n")) {
            String name = line.trim().split("\\s+")[0];
            if (!name.isEmpty()) names.add(name);
        }
        return names;
    }

    private static boolean isEmpty(String namespace) {
        try {
            return IpCommand.run("ip", "netns", "pids", namespace).isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> portsOf(String bridge) throws IOException {
        List<String> ports = new ArrayList<>();
        for (String line : IpCommand.run("ip", "-o", "link", "show", "master", bridge).split("\n")) {
            String[] tokens = line.trim().split("\\s+");
            if (tokens.length < 2) continue;
            String name = tokens[1];
            int end = name.indexOf('@');
            ports.add(end >= 0 ? name.substring(0, end) : name.replace(":", ""));
        }
        return ports;
    }
}
