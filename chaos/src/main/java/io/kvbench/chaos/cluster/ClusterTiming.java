package io.kvbench.chaos.cluster;

/**
 * A cluster's election settings, in milliseconds. etcd has a single election timeout; its range is reported as
 * [timeout, 2 x timeout), the range etcd randomizes over.
 */
public record ClusterTiming(int electionTimeoutMinMillis, int electionTimeoutMaxMillis, int heartbeatMillis) {
    public ClusterTiming {
        if (heartbeatMillis <= 0 || electionTimeoutMinMillis <= 0 || electionTimeoutMaxMillis < electionTimeoutMinMillis) {
            throw new IllegalArgumentException("bad timing: election [" + electionTimeoutMinMillis + ", "
                    + electionTimeoutMaxMillis + ") heartbeat " + heartbeatMillis);
        }
    }
}
