package io.kvbench.chaos.netns;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Skips a test, saying why, where network namespaces cannot be created (not root, no iproute2, EPERM). */
final class NamespaceAssumptions {
    private NamespaceAssumptions() {
    }

    static void requireNamespaces() {
        NetnsAvailability availability = NetworkNamespaces.available();
        if (!availability.available()) {
            System.out.println("SKIPPED: network namespaces unavailable: " + availability.reason());
        }
        assumeTrue(availability.available(), () -> "network namespaces unavailable: " + availability.reason());
    }
}
