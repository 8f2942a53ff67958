package io.kvbench.driver;

/** The driver's clock: the system's in the node, virtual time in the simulator. */
public interface TimeSource {
    TimeSource SYSTEM = new TimeSource() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }
    };

    /** Monotonic time, for deadlines (a parked request's) and durations. */
    long nanoTime();

    /** The leader's clock stamped on each proposed command, from which sessions expire (§6.3). Never negative. */
    long currentTimeMillis();
}
