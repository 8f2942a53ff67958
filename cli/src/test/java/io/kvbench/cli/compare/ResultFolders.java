package io.kvbench.cli.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small results folders in the formats of docs/results-format.md, for the tests. */
final class ResultFolders {

    static final String LOAD_HEADER = "target,mode,target_rate,achieved_rate,count,errors,timeouts,mean_us,p50_us,"
            + "p90_us,p99_us,p999_us,p9999_us,max_us,service_p50_us,service_p99_us,duration_s,warmup_s\n";
    static final String ELECTIONS_HEADER = "run_id,git_sha,target,trial,seed,fault,victim,old_leader,old_term,"
            + "new_leader,new_term,terms_elapsed,fault_to_candidate_ms,fault_to_leader_ms,fault_to_first_ack_ms,"
            + "writes_failed,writes_timed_out,cluster_size,election_timeout_min_ms,election_timeout_max_ms,"
            + "heartbeat_ms,load_rate\n";

    private ResultFolders() {
    }

    /** A fixed-rate load summary with the given write latencies (microseconds). */
    static void openLoop(Path folder, double p50, double p99, double p999) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("summary.csv"), LOAD_HEADER + String.format(java.util.Locale.ROOT,
                "kvnode,OPEN_LOOP,1000.000,999.000,30000,0,0,900.000,%s,1500,%s,%s,9000,12000,400,800,30.000,5.000\n",
                p50, p99, p999));
    }

    /** A closed-loop load summary with the given achieved rate (operations per second). */
    static void closedLoop(Path folder, double achievedRate) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("summary.csv"), LOAD_HEADER + String.format(java.util.Locale.ROOT,
                "kvnode,CLOSED_LOOP,,%s,300000,0,0,900,800,1500,4000,7000,9000,12000,400,800,30.000,5.000\n",
                achievedRate));
    }

    /** An elections.csv whose trials have the given fault-to-leader and fault-to-first-ack times. */
    static void elections(Path folder, double[] leaderMillis, double[] firstAckMillis) throws IOException {
        Files.createDirectories(folder);
        StringBuilder text = new StringBuilder(ELECTIONS_HEADER);
        for (int trial = 0; trial < leaderMillis.length; trial++) {
            text.append(String.format(java.util.Locale.ROOT,
                    "run-1,abc1234,kvnode,%d,%d,kill-leader,n2,n2,4,n3,5,1,150.0,%s,%s,0,1,3,150,300,50,1000\n",
                    trial + 1, 1000 + trial, leaderMillis[trial], firstAckMillis[trial]));
        }
        Files.writeString(folder.resolve("elections.csv"), text.toString());
    }
}
