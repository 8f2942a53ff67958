package io.kvbench.bench.load;

/**
 * Shares of reads, writes and compare-and-sets, in percent; they must add up to 100.
 */
public record OperationMix(int readPercent, int writePercent, int casPercent) {

    public OperationMix {
        if (readPercent < 0 || writePercent < 0 || casPercent < 0
                || readPercent + writePercent + casPercent != 100) {
            throw new IllegalArgumentException("mix must be non-negative percentages adding up to 100, got "
                    + readPercent + "/" + writePercent + "/" + casPercent);
        }
    }

    public static OperationMix writesOnly() {
        return new OperationMix(0, 100, 0);
    }

    @Override
    public String toString() {
        return "read=" + readPercent + ",write=" + writePercent + ",cas=" + casPercent;
    }
}
