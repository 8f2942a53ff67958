package io.kvbench.sim;

/** Which faults a simulated run injects. Seeds cycle through them so every mix gets coverage. */
public enum FaultMix {
    /** A healthy network with random delay only; also flaps connections while the leader lives. */
    CALM(false, false, false),
    /** Drops, duplicates and reordering. */
    LOSSY(true, false, false),
    /** Symmetric and one-way partitions, plus loss. */
    PARTITIONS(true, true, false),
    /** Crashes and restarts that lose what was not persisted, plus loss. */
    CRASHES(true, false, true),
    /** Everything at once. */
    CHAOS(true, true, true);

    final boolean lossy;
    final boolean partitions;
    final boolean crashes;

    FaultMix(boolean lossy, boolean partitions, boolean crashes) {
        this.lossy = lossy;
        this.partitions = partitions;
        this.crashes = crashes;
    }
}
