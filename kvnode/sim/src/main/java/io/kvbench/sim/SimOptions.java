package io.kvbench.sim;

import io.kvbench.raft.Mutation;

/**
 * One simulated run. Time is virtual: a tick is {@link Simulation#TICK} time units; network and fsync
 * delays are fractions of a tick.
 *
 * @param seed                   the only source of randomness: the same options replay the same run exactly
 * @param nodeCount              3 or 5 cores
 * @param faults                 which faults to inject during the fault phase
 * @param clientCount            clients issuing writes, cas and reads with retries
 * @param faultPhaseTicks        how long faults are injected; then everything heals
 * @param livenessBoundTicks     after healing, a leader must exist and every pending operation complete within this
 * @param connectionClosedHint   tell peers "connection to X closed" when X crashes (the fast-failover hint)
 * @param mutation               a rule the cores or their drivers break on purpose (mutation check); NONE normally
 * @param storageFaults          with crashes: a node also loses its whole storage and is rebuilt as {@code kvbench
 *                               node-rebuild} does, and bits flip in a stopped node's hard state file
 *                               (docs/storage-recovery.md)
 * @param appendAcksPerTurn      followers send one append acknowledgement per leader and turn ({@code kvnode run
 *                               --append-acks per-turn}); off normally
 * @param tickAtNextDeadline     a node's timer fires at its driver's next action and counts the ticks since at once,
 *                               and every input first counts the ticks due ({@code kvnode run --tick-timer
 *                               next-deadline}, {@code DeadlineTicks}); off normally: a tick event every tick
 */
public record SimOptions(long seed, int nodeCount, FaultMix faults, int clientCount, int faultPhaseTicks,
                         int livenessBoundTicks, boolean connectionClosedHint, Mutation mutation, boolean storageFaults,
                         boolean appendAcksPerTurn, boolean tickAtNextDeadline) {

    /** The default mix for a seed: cycles through fault mixes and cluster sizes. */
    public static SimOptions forSeed(long seed) {
        FaultMix mix = FaultMix.values()[(int) Math.floorMod(seed, FaultMix.values().length)];
        int nodes = Math.floorMod(seed / FaultMix.values().length, 2) == 0 ? 3 : 5;
        return new SimOptions(seed, nodes, mix, 4, 600, 400, Math.floorMod(seed, 3) != 0, Mutation.NONE, false, false, false);
    }

    public SimOptions withMutation(Mutation rule) {
        return new SimOptions(seed, nodeCount, faults, clientCount, faultPhaseTicks, livenessBoundTicks,
                connectionClosedHint, rule, storageFaults, appendAcksPerTurn, tickAtNextDeadline);
    }

    public SimOptions withFaults(FaultMix mix, int nodes) {
        return new SimOptions(seed, nodes, mix, clientCount, faultPhaseTicks, livenessBoundTicks,
                connectionClosedHint, mutation, storageFaults, appendAcksPerTurn, tickAtNextDeadline);
    }

    public SimOptions withHint(boolean hint) {
        return new SimOptions(seed, nodeCount, faults, clientCount, faultPhaseTicks, livenessBoundTicks, hint, mutation,
                storageFaults, appendAcksPerTurn, tickAtNextDeadline);
    }

    public SimOptions withStorageFaults(boolean storage) {
        return new SimOptions(seed, nodeCount, faults, clientCount, faultPhaseTicks, livenessBoundTicks,
                connectionClosedHint, mutation, storage, appendAcksPerTurn, tickAtNextDeadline);
    }

    public SimOptions withAppendAcksPerTurn(boolean perTurn) {
        return new SimOptions(seed, nodeCount, faults, clientCount, faultPhaseTicks, livenessBoundTicks,
                connectionClosedHint, mutation, storageFaults, perTurn, tickAtNextDeadline);
    }

    public SimOptions withTickAtNextDeadline(boolean atDeadline) {
        return new SimOptions(seed, nodeCount, faults, clientCount, faultPhaseTicks, livenessBoundTicks,
                connectionClosedHint, mutation, storageFaults, appendAcksPerTurn, atDeadline);
    }

    /** The command that replays this run. */
    public String replayHint() {
        return "replay: mvn -q -pl kvnode/sim -am test -Dtest=SimulationReplayTest -Dsim.replay=" + seed
                + (storageFaults ? " -Dsim.storageFaults=true" : "")
                + (appendAcksPerTurn ? " -Dsim.appendAcksPerTurn=true" : "")
                + (tickAtNextDeadline ? " -Dsim.tickAtNextDeadline=true" : "") + (mutation != Mutation.NONE ? " -Dsim.mutation=" + mutation : "")
                + " (options " + this + ")";
    }
}
