package io.kvbench.cli.compare;

import java.io.IOException;
import java.io.PrintWriter;

/**
 * The version commands' one way of ending: the body's exit code, or its failure as one line on stderr
 * ({@code kvbench NAME: message}) and the failure's exit code (1 failed, 2 bad usage or input).
 */
public final class CommandFailures {

    /** A command's work, returning its exit code. */
    @FunctionalInterface
    public interface Body {
        int run() throws CompareException, IOException, InterruptedException;
    }

    private CommandFailures() {
    }

    public static int run(String command, PrintWriter errors, Body body) {
        try {
            return body.run();
        } catch (CompareException failure) {
            return say(errors, command, failure.getMessage(), failure.exitCode());
        } catch (IOException failure) {
            return say(errors, command, failure.toString(), CompareException.FAILED);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return say(errors, command, "interrupted", CompareException.FAILED);
        }
    }

    private static int say(PrintWriter errors, String command, String message, int exitCode) {
        errors.println("kvbench " + command + ": " + message);
        errors.flush();
        return exitCode;
    }
}
