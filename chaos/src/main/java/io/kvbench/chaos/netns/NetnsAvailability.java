package io.kvbench.chaos.netns;

/**
 * Whether this machine lets us build a namespaced cluster network, found by trying ({@link NetworkNamespaces#available()}).
 *
 * @param reason why not (the failing command and its stderr, and whether we are root); "" when available
 */
public record NetnsAvailability(boolean available, String reason) {
    static NetnsAvailability yes() {
        return new NetnsAvailability(true, "");
    }

    static NetnsAvailability no(String reason) {
        return new NetnsAvailability(false, reason);
    }
}
