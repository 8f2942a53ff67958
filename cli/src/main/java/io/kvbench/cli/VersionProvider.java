package io.kvbench.cli;

import picocli.CommandLine;

/** {@code kvbench --version}: the build's version and, inside a checkout, {@code git describe}. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String describe = Git.describe(Home.directory());
        return new String[] {"kvbench 0.11" + (describe.isEmpty() ? "" : " (" + describe + ")"),
                "Java " + System.getProperty("java.version") + " " + System.getProperty("java.vendor")};
    }
}
