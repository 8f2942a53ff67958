package io.kvbench.cli;

import io.kvbench.chaos.campaign.CampaignProgress;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.LongSupplier;

/**
 * {@code kvbench chaos}'s progress on stderr: trials done of all, how many recovered, the p50 of the time from
 * the fault to the first acknowledged write so far (the election times come from the nodes' event logs once the
 * campaign ends), and the time left at the pace so far. On a terminal one line is rewritten after every trial;
 * into a file or pipe a line is printed about every twentieth of the campaign, and after the last trial.
 */
final class ChaosProgressLine implements CampaignProgress {
    private final PrintStream out;
    private final boolean rewriteInPlace;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final List<Double> firstAckMillis = new ArrayList<>();
    private int recovered;
    private int previousLength;

    ChaosProgressLine(PrintStream out, boolean rewriteInPlace, LongSupplier nanoClock) {
        this.out = out;
        this.rewriteInPlace = rewriteInPlace;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    /** On stderr, rewritten in place when the command runs on a terminal. */
    static ChaosProgressLine onStderr() {
        return new ChaosProgressLine(System.err, System.console() != null, System::nanoTime);
    }

    @Override
    public void trialDone(int trialsDone, int trials, boolean trialRecovered, OptionalDouble faultToFirstAckMillis) {
        if (trialRecovered) recovered++;
        faultToFirstAckMillis.ifPresent(firstAckMillis::add);
        boolean last = trialsDone >= trials;
        int every = Math.max(1, (trials + 19) / 20);
        if (!rewriteInPlace && !last && trialsDone % every != 0) return;
        String line = line(trialsDone, trials);
        if (rewriteInPlace) {
            out.print("\r" + line + " ".repeat(Math.max(0, previousLength - line.length())) + (last ? "\n" : ""));
            previousLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    String line(int trialsDone, int trials) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "chaos: %d/%d trials, %d recovered", trialsDone, trials,
                recovered));
        if (!firstAckMillis.isEmpty()) {
            List<Double> sorted = new ArrayList<>(firstAckMillis);
            Collections.sort(sorted);
            double p50 = sorted.get((int) Math.ceil(0.5 * sorted.size()) - 1); // nearest rank, as the campaign's summaries
            line.append(String.format(Locale.ROOT, ", fault to first ack p50 %.1f ms", p50));
        }
        long elapsedNanos = nanoClock.getAsLong() - startNanos;
        long leftSeconds = Math.round(elapsedNanos / 1e9 / trialsDone * (trials - trialsDone));
        line.append(trialsDone >= trials ? ", done" : String.format(Locale.ROOT, ", ETA %dm%02ds", leftSeconds / 60, leftSeconds % 60));
        return line.toString();
    }
}
