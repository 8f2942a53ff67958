package io.kvbench.cli;

/** Entry point of the kvbench command; subcommands arrive with the CLI issue. */
public final class KvbenchMain {
    public static void main(String[] args) {
        System.out.println("kvbench 0.11.0-SNAPSHOT");
    }
}
