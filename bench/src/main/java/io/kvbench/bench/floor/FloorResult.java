package io.kvbench.bench.floor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The machine's floor, measured in the same run as the load (DESIGN.md, "Measuring"): what the best durable small
 * write of the data directory's filesystem and one loopback TCP round trip cost here, now.
 *
 * @param directory                  the directory whose filesystem was fsynced
 * @param samples                    samples per probe (after warm-up samples, which are discarded)
 * @param fsyncMicrosP50             the floor's fsync: the faster at p50 of the two ways {@link FsyncProbe}
 *                                   measures (named by {@code fsyncMethod}), 64-byte write +
 *                                   {@code FileChannel.force(false)}
 * @param fsyncMicrosP99             same way, 99th percentile
 * @param roundTripMicrosP50         8-byte ping-pong between two Netty event loops over 127.0.0.1
 * @param roundTripMicrosP99         same, 99th percentile
 * @param transport                  the Netty transport used, "epoll" or "nio"
 * @param fsyncMethod                which way the fsync figures come from: {@link #PREALLOCATED} or
 *                                   {@link #GROWING_FILE}
 * @param growingFileFsyncMicrosP50  64-byte append to a growing file + fdatasync (size metadata too)
 * @param growingFileFsyncMicrosP99  same, 99th percentile
 * @param preallocatedFsyncMicrosP50 64-byte overwrite of zeros written and synced beforehand + fdatasync
 * @param preallocatedFsyncMicrosP99 same, 99th percentile
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
        double preallocatedFsyncMicrosP99) {

    public static final String PREALLOCATED = "preallocated";
    public static final String GROWING_FILE = "growing-file";

    /**
     * The least a 3-node majority write can cost: the leader's fsync and one round trip to a follower (the
     * follower's fsync overlaps the leader's, so it adds nothing at the floor).
     */
    public double majorityWriteFloorMicros() {
        return fsyncMicrosP50 + roundTripMicrosP50;
    }

    /** The same sum at the 99th percentile: what a p99 write latency is compared against. */
    public double majorityWriteFloorMicrosP99() {
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
        map.put("majorityWriteFloorMicros", majorityWriteFloorMicros());
        map.put("transport", transport);
        map.put("fsyncMethod", fsyncMethod);
        map.put("growingFileFsyncMicrosP50", growingFileFsyncMicrosP50);
        map.put("growingFileFsyncMicrosP99", growingFileFsyncMicrosP99);
        map.put("preallocatedFsyncMicrosP50", preallocatedFsyncMicrosP50);
        map.put("preallocatedFsyncMicrosP99", preallocatedFsyncMicrosP99);
        return map;
    }
}
