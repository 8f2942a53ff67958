package io.kvbench.cli.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Writes small results folders in the formats of docs/results-format.md, for the tests. */
final class ResultFolders {

    static final String LOAD_HEADER = "target,mode,target_rate,achieved_rate,count,errors,timeouts,mean_us,p50_us,"
            + "p90_us,p99_us,p999_us,p9999_us,max_us,service_p50_us,service_p99_us,duration_s,warmup_s\n";
    static final String ELECTIONS_HEADER = "run_id,git_sha,target,trial,seed,fault,victim,old_leader,old_term,"
            + "new_leader,new_term,terms_elapsed,fault_to_candidate_ms,fault_to_leader_ms,fault_to_first_ack_ms,"
            + "writes_failed,writes_timed_out,cluster_size,election_timeout_min_ms,election_timeout_max_ms,"
            + "heartbeat_ms,load_rate\n";
    static final String COMMIT_A = "a".repeat(40);
    static final String COMMIT_B = "b".repeat(40);

    private ResultFolders() {
    }

    /** A fixed-rate load summary with the given write latencies (microseconds), no run.json. */
    static void openLoop(Path folder, double p50, double p99, double p999) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("summary.csv"), LOAD_HEADER + String.format(Locale.ROOT,
                "kvnode,OPEN_LOOP,1000.000,999.000,30000,0,0,900.000,%s,1500,%s,%s,9000,12000,400,800,30.000,5.000\n",
                p50, p99, p999));
    }

    /** A closed-loop load summary with the given achieved rate (operations per second), no run.json. */
    static void closedLoop(Path folder, double achievedRate) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("summary.csv"), LOAD_HEADER + String.format(Locale.ROOT,
                "kvnode,CLOSED_LOOP,,%s,300000,0,0,900,800,1500,4000,7000,9000,12000,400,800,30.000,5.000\n",
                achievedRate));
    }

    /**
     * A closed-loop run as {@code kvbench load} writes it: summary.csv (with the floor columns) and run.json
     * ({@code target}, {@code fsyncMode}, {@code gitSha}, {@code parameters}).
     */
    static void peakRun(Path folder, String target, int clients, double achievedRate, double p50Micros, String commit)
            throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("summary.csv"), LOAD_HEADER.strip()
                + ",floor_fsync_p50_us,floor_fsync_p99_us,floor_rtt_p50_us,floor_rtt_p99_us,p50_over_floor,p99_over_floor\n"
                + String.format(Locale.ROOT, "%s,CLOSED_LOOP,0.000,%s,300000,0,0,900,%s,1500,%s,7000,9000,12000,400,"
                        + "800,10.000,5.000,100,200,50,100,%s,%s\n", target, achievedRate, p50Micros, 4 * p50Micros,
                        p50Micros / 150, 4 * p50Micros / 300));
        String fsync = target.equals("etcd") ? "etcd default: WAL fdatasync before each Raft Ready is acknowledged (batched)"
                : "always";
        Files.writeString(folder.resolve("run.json"), """
                {"target": "%s", "fsyncMode": "%s", "gitSha": "%s", "gitDescribe": "v-test",
                 "parameters": {"mode": "CLOSED_LOOP", "targetRatePerSecond": 1000.0, "durationSeconds": 10.0,
                   "warmupSeconds": 5.0, "connections": %d, "inFlightLimit": %d, "keyCount": 1000,
                   "keyDistribution": "UNIFORM", "zipfianTheta": 0.99, "valueSizeBytes": 100, "readPercent": 0,
                   "writePercent": 100, "casPercent": 0, "seed": 1},
                 "availableProcessors": 2, "kernel": "6.1.0-test"}
                """.formatted(target, fsync, commit, clients, clients));
    }

    /** An elections.csv whose trials have the given fault-to-leader and fault-to-first-ack times, no run.json. */
    static void elections(Path folder, double[] leaderMillis, double[] firstAckMillis) throws IOException {
        elections(folder, leaderMillis, firstAckMillis, 50);
    }

    static void elections(Path folder, double[] leaderMillis, double[] firstAckMillis, int heartbeatMillis)
            throws IOException {
        Files.createDirectories(folder);
        StringBuilder text = new StringBuilder(ELECTIONS_HEADER);
        for (int trial = 0; trial < leaderMillis.length; trial++) {
            text.append(String.format(Locale.ROOT,
                    "run-1,abc1234,kvnode,%d,%d,kill-leader,n2,n2,4,n3,5,1,150.0,%s,%s,0,1,3,150,300,%d,1000\n",
                    trial + 1, 1000 + trial, leaderMillis[trial], firstAckMillis[trial], heartbeatMillis));
        }
        Files.writeString(folder.resolve("elections.csv"), text.toString());
    }

    /** A chaos campaign as {@code kvbench chaos} writes it: elections.csv and run.json (with {@code extraKeys} on top). */
    static void campaign(Path folder, int heartbeatMillis, double[] leaderMillis, double[] firstAckMillis,
            String commit, Map<String, Object> extraKeys) throws IOException {
        elections(folder, leaderMillis, firstAckMillis, heartbeatMillis);
        StringBuilder extra = new StringBuilder();
        extraKeys.forEach((key, value) -> extra.append(", \"").append(key).append("\": ")
                .append(value instanceof String ? "\"" + value + "\"" : value));
        Files.writeString(folder.resolve("run.json"), """
                {"runId": "t", "target": "kvnode", "clusterSize": 3, "electionTimeoutMinMillis": 150,
                 "electionTimeoutMaxMillis": 300, "heartbeatMillis": %d, "leaderTiming": "event-log",
                 "campaign": {"runId": "t", "gitSha": "%s", "fault": "kill-leader", "trials": %d, "loadRate": 400.0,
                   "clientFanOut": true},
                 "verdict": "pass", "network": "loopback"%s}
                """.formatted(heartbeatMillis, commit, leaderMillis.length, extra));
    }
}
