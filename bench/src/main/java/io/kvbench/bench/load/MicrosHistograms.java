package io.kvbench.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * All latency histograms here hold microseconds, up to 60 s, with 3 significant digits (HdrHistogram's
 * usual setting: 0.1% value precision). Longer values are clamped to the top so that a stuck operation is
 * still counted rather than throwing.
 */
public final class MicrosHistograms {

    public static final long HIGHEST_TRACKABLE_MICROS = 60_000_000L;
    public static final int SIGNIFICANT_DIGITS = 3;

    private MicrosHistograms() {
    }

    public static Recorder newRecorder() {
        return new Recorder(HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
    }

    public static Histogram newHistogram() {
        return new Histogram(HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
    }

    public static long clampedMicros(long nanos) {
        return Math.min(Math.max(nanos / 1000, 0), HIGHEST_TRACKABLE_MICROS);
    }
}
