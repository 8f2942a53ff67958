package io.kvbench.bench.floor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The machine's floor, measured in the same run as the load (DESIGN.md, "Measuring"): what the best durable small
 * write of the data directory's filesystem, the same write by every node of a cluster sharing that disk at once, and
 * one loopback TCP round trip cost here, now; and the CPU a majority write with nothing but its messages and fsyncs
 * costs each role ({@link MajorityWriteSkeleton}), the <b>CPU floor</b>, {@link #cpuFloor}.
 *
 * <p>Two floors come from it. The <b>majority-write floor</b>, {@link #majorityWriteFloorMicros()}: two round trips
 * (client to leader and back, leader to a follower and back) plus the fsync a majority write waits for while all
 * {@code clusterSize} nodes fsync the one disk ({@link ContendedFsyncProbe}): the least a write acknowledged by a
 * majority of a cluster on this one machine can cost. The <b>single-fsync floor</b>,
 * {@link #singleFsyncFloorMicros()}: one lone fsync plus one round trip, the older and lower yardstick, kept so that
 * figures stay comparable with earlier runs. Both assume the nodes share this disk and talk over loopback.
 *
 * @param directory                   the directory whose filesystem was fsynced
 * @param samples                     samples per probe (after warm-up samples, which are discarded); rounds of the
 *                                    contended probe
 * @param fsyncMicrosP50              the floor's fsync: the faster at p50 of the two ways {@link FsyncProbe}
 *                                    measures (named by {@code fsyncMethod}), 64-byte write +
 *                                    {@code FileChannel.force(false)}
 * @param fsyncMicrosP99              same way, 99th percentile
 * @param roundTripMicrosP50          8-byte ping-pong between two Netty event loops over 127.0.0.1
 * @param roundTripMicrosP99          same, 99th percentile
 * @param transport                   the Netty transport used, "epoll" or "nio"
 * @param fsyncMethod                 which way the fsync figures come from: {@link #PREALLOCATED} or
 *                                    {@link #GROWING_FILE}
 * @param growingFileFsyncMicrosP50   64-byte append to a growing file + fdatasync (size metadata too)
 * @param growingFileFsyncMicrosP99   same, 99th percentile
 * @param preallocatedFsyncMicrosP50  64-byte overwrite of zeros written and synced beforehand + fdatasync
 * @param preallocatedFsyncMicrosP99  same, 99th percentile
 * @param clusterSize                 N: the writers of the contended probe, one per node sharing the disk
 * @param contendedFsyncMicrosP50     N writers fsync at once (each a 64-byte overwrite of preallocated space, as a
 *                                    WAL with preallocated segments writes), per round the time by which a
 *                                    majority of them had finished ("second of three"); p50 over the rounds
 * @param contendedFsyncMicrosP99     same, 99th percentile over the rounds
 * @param contendedEachFsyncMicrosP50 every single fsync of the contended probe, p50 (a diagnostic: when it is far
 *                                    above {@code fsyncMicrosP50} the filesystem serializes the nodes' fsyncs)
 * @param contendedEachFsyncMicrosP99 same, 99th percentile
 * @param skeletons                   the CPU floor: {@link MajorityWriteSkeleton} runs, one per fsync placement in
 *                                    {@link MajorityWriteSkeleton.FsyncPlacement} order, one write in flight, then
 *                                    the same many in flight; empty when not measured
 */
public record FloorResult(
        Path directory,
        int samples,
        double fsyncMicrosP50,
        double fsyncMicrosP99,
        double roundTripMicrosP50,
        double roundTripMicrosP99,
        String transport,
        String fsyncMethod,
        double growingFileFsyncMicrosP50,
        double growingFileFsyncMicrosP99,
        double preallocatedFsyncMicrosP50,
        double preallocatedFsyncMicrosP99,
        int clusterSize,
        double contendedFsyncMicrosP50,
        double contendedFsyncMicrosP99,
        double contendedEachFsyncMicrosP50,
        double contendedEachFsyncMicrosP99,
        List<MajorityWriteSkeleton.Result> skeletons) {

    public static final String PREALLOCATED = "preallocated";
    public static final String GROWING_FILE = "growing-file";
    /** Round trips in a majority write's path: client to leader and back, leader to a follower and back. */
    public static final int MAJORITY_WRITE_ROUND_TRIPS = 2;

    public FloorResult {
        skeletons = List.copyOf(skeletons);
    }

    /** A floor without the CPU floor's skeleton runs (as before 2026-12-07's evening, and in tests). */
    public FloorResult(Path directory, int samples, double fsyncMicrosP50, double fsyncMicrosP99,
            double roundTripMicrosP50, double roundTripMicrosP99, String transport, String fsyncMethod,
            double growingFileFsyncMicrosP50, double growingFileFsyncMicrosP99, double preallocatedFsyncMicrosP50,
            double preallocatedFsyncMicrosP99, int clusterSize, double contendedFsyncMicrosP50,
            double contendedFsyncMicrosP99, double contendedEachFsyncMicrosP50, double contendedEachFsyncMicrosP99) {
        this(directory, samples, fsyncMicrosP50, fsyncMicrosP99, roundTripMicrosP50, roundTripMicrosP99, transport,
                fsyncMethod, growingFileFsyncMicrosP50, growingFileFsyncMicrosP99, preallocatedFsyncMicrosP50,
                preallocatedFsyncMicrosP99, clusterSize, contendedFsyncMicrosP50, contendedFsyncMicrosP99,
                contendedEachFsyncMicrosP50, contendedEachFsyncMicrosP99, List.of());
    }

    /**
     * The CPU floor with records made durable as {@code placement} says: the skeleton's run, if measured. {@link
     * MajorityWriteSkeleton.FsyncPlacement#EVENT_LOOP} is the least (no hand-off);
     * {@link MajorityWriteSkeleton.FsyncPlacement#SEPARATE_THREAD} the least with a WAL thread, as kvnode's default.
     */
    public Optional<MajorityWriteSkeleton.Result> cpuFloor(MajorityWriteSkeleton.FsyncPlacement placement) {
        return cpuFloor(placement, 1);
    }

    /** The CPU floor with {@code inFlight} writes in flight, if measured ({@link Floor} measures 1 and 64). */
    public Optional<MajorityWriteSkeleton.Result> cpuFloor(MajorityWriteSkeleton.FsyncPlacement placement, int inFlight) {
        return skeletons.stream()
                .filter(skeleton -> skeleton.placement() == placement && skeleton.inFlight() == inFlight).findFirst();
    }

    /** The CPU floor measured with {@code inFlight} writes in flight over {@code connections}, if it was. */
    public Optional<MajorityWriteSkeleton.Result> cpuFloor(MajorityWriteSkeleton.FsyncPlacement placement, int inFlight,
            int connections) {
        return cpuFloor(placement, inFlight).filter(skeleton -> skeleton.connections() == connections);
    }

    /**
     * The least a majority write on this machine can cost, at p50: {@code 2 x RTT p50 + contended fsync p50}. The
     * leader's own fsync runs in parallel with the round trip to the followers, so only the majority's fsync adds.
     */
    public double majorityWriteFloorMicros() {
        return MAJORITY_WRITE_ROUND_TRIPS * roundTripMicrosP50 + contendedFsyncMicrosP50;
    }

    /** The same sum at the 99th percentile, {@code 2 x RTT p99 + contended fsync p99}: what a p99 is compared against. */
    public double majorityWriteFloorMicrosP99() {
        return MAJORITY_WRITE_ROUND_TRIPS * roundTripMicrosP99 + contendedFsyncMicrosP99;
    }

    /** The older, lower yardstick: one lone fsync and one round trip ({@code p50_over_floor} in summary.csv). */
    public double singleFsyncFloorMicros() {
        return fsyncMicrosP50 + roundTripMicrosP50;
    }

    /** The same sum at the 99th percentile ({@code p99_over_floor}). */
    public double singleFsyncFloorMicrosP99() {
        return fsyncMicrosP99 + roundTripMicrosP99;
    }

    public Map<String, Object> describe() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("directory", directory.toString());
        map.put("samples", samples);
        map.put("fsyncMicrosP50", fsyncMicrosP50);
        map.put("fsyncMicrosP99", fsyncMicrosP99);
        map.put("roundTripMicrosP50", roundTripMicrosP50);
        map.put("roundTripMicrosP99", roundTripMicrosP99);
        map.put("clusterSize", clusterSize);
        map.put("contendedFsyncMicrosP50", contendedFsyncMicrosP50);
        map.put("contendedFsyncMicrosP99", contendedFsyncMicrosP99);
        map.put("majorityWriteFloorMicros", majorityWriteFloorMicros());
        map.put("majorityWriteFloorMicrosP99", majorityWriteFloorMicrosP99());
        map.put("singleFsyncFloorMicros", singleFsyncFloorMicros());
        map.put("singleFsyncFloorMicrosP99", singleFsyncFloorMicrosP99());
        map.put("transport", transport);
        map.put("fsyncMethod", fsyncMethod);
        map.put("growingFileFsyncMicrosP50", growingFileFsyncMicrosP50);
        map.put("growingFileFsyncMicrosP99", growingFileFsyncMicrosP99);
        map.put("preallocatedFsyncMicrosP50", preallocatedFsyncMicrosP50);
        map.put("preallocatedFsyncMicrosP99", preallocatedFsyncMicrosP99);
        map.put("contendedEachFsyncMicrosP50", contendedEachFsyncMicrosP50);
        map.put("contendedEachFsyncMicrosP99", contendedEachFsyncMicrosP99);
        if (!skeletons.isEmpty()) {
            Map<String, Object> cpuFloor = new LinkedHashMap<>();
            for (MajorityWriteSkeleton.Result skeleton : skeletons) {
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("leaderCpuMicrosPerWrite", skeleton.leaderCpuMicrosPerWrite());
                run.put("followerCpuMicrosPerWrite", skeleton.followerCpuMicrosPerWrite());
                run.put("clientCpuMicrosPerWrite", skeleton.clientCpuMicrosPerWrite());
                run.put("totalCpuMicrosPerWrite", skeleton.totalCpuMicrosPerWrite());
                run.put("writeMicrosP50", skeleton.writeMicrosP50());
                run.put("writeMicrosP99", skeleton.writeMicrosP99());
                run.put("writes", skeleton.writes());
                run.put("inFlight", skeleton.inFlight());
                run.put("connections", skeleton.connections());
                run.put("payloadBytes", skeleton.payloadBytes());
                cpuFloor.put(skeleton.label(), run);
            }
            map.put("cpuFloor", cpuFloor);
        }
        return map;
    }
}
