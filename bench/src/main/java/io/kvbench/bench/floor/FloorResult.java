package io.kvbench.bench.floor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The machine's floor, measured in the same run as the load (DESIGN.md, "Measuring"): what one fsync of the
 * data directory's filesystem and one loopback TCP round trip cost here, now.
 *
 * @param directory              the directory whose filesystem was fsynced
 * @param samples                samples per probe (after warm-up samples, which are discarded)
 * @param fsyncMicrosP50         64-byte append + {@code FileChannel.force(false)}
 * @param fsyncMicrosP99         same, 99th percentile
 * @param roundTripMicrosP50     8-byte ping-pong between two Netty event loops over 127.0.0.1
 * @param roundTripMicrosP99     same, 99th percentile
 * @param transport              the Netty transport used, "epoll" or "nio"
 */
public record FloorResult(
        Path directory,
        int samples,
        double fsyncMicrosP50,
        double fsyncMicrosP99,
        double roundTripMicrosP50,
        double roundTripMicrosP99,
        String transport) {

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
        return map;
    }
}
