package io.kvbench.bench.etcd;

import io.kvbench.net.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * A local etcd cluster on 127.0.0.1: one process per member, free client and peer ports, data directories
 * and log files under the run directory. Faults for the chaos suite act on one member by its pid: SIGKILL,
 * SIGSTOP, SIGCONT, restart. {@link #close()} stops every process this object started; a JVM shutdown hook
 * does the same if the caller never gets to close it.
 */
public final class EtcdCluster implements AutoCloseable {
    /** What each member's etcd command line starts with (nice -n -5; see EtcdMember). */
    public static final List<String> COMMAND_PREFIX = EtcdMember.NICE_PREFIX;

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final EtcdClusterSpec spec;
    private final Path runDirectory;
    private final List<EtcdMember> members;
    private final EtcdControl control = new EtcdControl();
    private final Thread shutdownHook = new Thread(this::stopAll, "etcd-cluster-shutdown");
    private boolean closed;

    private EtcdCluster(EtcdClusterSpec spec, Path runDirectory, List<EtcdMember> members) {
        this.spec = spec;
        this.runDirectory = runDirectory;
        this.members = members;
    }

    /** Starts every member and waits until each reports healthy; on failure stops what it started. */
    public static EtcdCluster start(EtcdClusterSpec spec, Path runDirectory) throws IOException {
        requireInstalled(spec.etcdBinary());
        Files.createDirectories(runDirectory);
        List<Integer> ports = FreePorts.allocate(2 * spec.memberCount());
        List<EtcdMember> members = new ArrayList<>();
        for (int index = 0; index < spec.memberCount(); index++) {
            members.add(new EtcdMember("member" + index, ports.get(2 * index), ports.get(2 * index + 1), runDirectory));
        }
        String initialCluster = members.stream().map(member -> member.name + "=" + member.peerUrl())
                .collect(Collectors.joining(","));
        String clusterToken = "kvbench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        members.forEach(member -> member.configure(spec, initialCluster, clusterToken));

        EtcdCluster cluster = new EtcdCluster(spec, runDirectory, members);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            for (EtcdMember member : members) {
                member.start();
            }
            cluster.awaitHealthy(spec.startTimeout());
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private static void requireInstalled(Path etcdBinary) {
        if (!Files.isExecutable(etcdBinary)) {
            throw new IllegalStateException("etcd not found at " + etcdBinary
                    + "; install it with: apt-get install -y etcd-server");
        }
    }

    public int memberCount() {
        return members.size();
    }

    public Path runDirectory() {
        return runDirectory;
    }

    public List<URI> clientUrls() {
        return members.stream().map(EtcdMember::clientUrl).toList();
    }

    public URI clientUrl(int member) {
        return members.get(member).clientUrl();
    }

    public Path logFile(int member) {
        return members.get(member).logFile;
    }

    public long pid(int member) {
        return members.get(member).pid();
    }

    public boolean isAlive(int member) {
        return members.get(member).isAlive();
    }

    /** Waits until every running member answers {@code /health} true, or throws naming the members' logs. */
    public void awaitHealthy(Duration timeout) throws IOException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        for (EtcdMember member : members) {
            if (!member.isAlive()) {
                continue;
            }
            while (!control.healthy(member.clientUrl())) {
                if (!member.isAlive()) {
                    throw new IOException(member.name + " exited while starting; see " + member.logFile);
                }
                if (System.nanoTime() - deadlineNanos > 0) {
                    throw new IOException(member.name + " not healthy after " + timeout + "; see " + member.logFile);
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        }
    }

    /**
     * The member that says it is the leader ({@code header.member_id == leader} in
     * {@code /v3/maintenance/status}), or empty if none does right now.
     */
    public OptionalInt findLeader() {
        for (int index = 0; index < members.size(); index++) {
            if (!members.get(index).isAlive()) {
                continue;
            }
            Optional<EtcdControl.MemberStatus> status = control.status(members.get(index).clientUrl());
            if (status.isPresent() && status.get().isLeader()) {
                return OptionalInt.of(index);
            }
        }
        return OptionalInt.empty();
    }

    /** Polls {@link #findLeader()} until a leader appears or the timeout passes. */
    public int awaitLeader(Duration timeout) throws IOException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        while (true) {
            OptionalInt leader = findLeader();
            if (leader.isPresent()) {
                return leader.getAsInt();
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new IOException("no etcd leader after " + timeout);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** SIGKILL: the member dies at once, losing nothing it had fsynced. */
    public void kill(int member) throws IOException {
        members.get(member).kill();
    }

    /** When the last SIGKILL or SIGSTOP to the member left ({@link System#nanoTime()}); empty before the first. */
    public OptionalLong signalSentNanos(int member) {
        return members.get(member).signalSentNanos();
    }

    /** SIGSTOP: the member freezes (a long GC pause or a hung VM, as its peers see it). */
    public void pause(int member) throws IOException {
        members.get(member).pause();
    }

    /** SIGCONT after {@link #pause(int)}. */
    public void resume(int member) throws IOException {
        members.get(member).resume();
    }

    /** Kills the member if it runs, then starts it again on its data directory and ports. */
    public void restart(int member) throws IOException {
        members.get(member).kill();
        members.get(member).start();
    }

    /** Stops every process this cluster started (SIGCONT first if paused, SIGTERM, then SIGKILL). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or will run; stopping twice is harmless
        }
    }

    private void stopAll() {
        for (EtcdMember member : members) {
            member.stop();
        }
    }

    @Override
    public String toString() {
        return "EtcdCluster" + clientUrls() + " heartbeat=" + spec.heartbeatIntervalMillis()
                + "ms election=" + spec.electionTimeoutMillis() + "ms in " + runDirectory;
    }
}
