package io.kvbench.driver;

import io.kvbench.kv.KvResult;
import io.kvbench.net.ClientReplyChannel;
import io.kvbench.raft.Entry;
import io.kvbench.raft.Message;
import io.kvbench.raft.RoleChange;
import io.kvbench.raft.Snapshot;

import java.io.IOException;
import java.util.List;

/** {@link DriverObserver#all}: forwards every call to each observer in turn. */
final class DriverObservers implements DriverObserver {
    private final List<DriverObserver> observers;

    DriverObservers(DriverObserver... observers) {
        this.observers = List.of(observers);
    }

    @Override
    public void roleChanged(RoleChange change) {
        for (DriverObserver observer : observers) observer.roleChanged(change);
    }

    @Override
    public void leaderReady(long term, long commitIndex) {
        for (DriverObserver observer : observers) observer.leaderReady(term, commitIndex);
    }

    @Override
    public void messageSent(Message message) {
        for (DriverObserver observer : observers) observer.messageSent(message);
    }

    @Override
    public void messageReceived(Message message) {
        for (DriverObserver observer : observers) observer.messageReceived(message);
    }

    @Override
    public void readyHandled() {
        for (DriverObserver observer : observers) observer.readyHandled();
    }

    @Override
    public void entryApplied(Entry entry, KvResult result, boolean tookEffect) {
        for (DriverObserver observer : observers) observer.entryApplied(entry, result, tookEffect);
    }

    @Override
    public void readServed(ClientReplyChannel channel, long readIndex) {
        for (DriverObserver observer : observers) observer.readServed(channel, readIndex);
    }

    @Override
    public void writeAnswered(long arrivedNanos) {
        for (DriverObserver observer : observers) observer.writeAnswered(arrivedNanos);
    }

    @Override
    public void storageFailed(IOException cause, String description) {
        for (DriverObserver observer : observers) observer.storageFailed(cause, description);
    }

    @Override
    public void snapshotInstalled(WrittenSnapshot written, long appliedSince) {
        for (DriverObserver observer : observers) observer.snapshotInstalled(written, appliedSince);
    }

    @Override
    public void snapshotDropped(long index, String reason) {
        for (DriverObserver observer : observers) observer.snapshotDropped(index, reason);
    }

    @Override
    public void snapshotSendStarted(int followerId, Snapshot snapshot, long totalBytes) {
        for (DriverObserver observer : observers) observer.snapshotSendStarted(followerId, snapshot, totalBytes);
    }

    @Override
    public void snapshotSendFinished(int followerId, Snapshot snapshot, long totalBytes, long nanos) {
        for (DriverObserver observer : observers) observer.snapshotSendFinished(followerId, snapshot, totalBytes, nanos);
    }

    @Override
    public void snapshotSendStopped(int followerId, Snapshot snapshot, String reason) {
        for (DriverObserver observer : observers) observer.snapshotSendStopped(followerId, snapshot, reason);
    }

    @Override
    public void snapshotReceiveStarted(int leaderId, Snapshot snapshot, long totalBytes) {
        for (DriverObserver observer : observers) observer.snapshotReceiveStarted(leaderId, snapshot, totalBytes);
    }

    @Override
    public void snapshotReceived(int leaderId, Snapshot snapshot, long totalBytes, long nanos) {
        for (DriverObserver observer : observers) observer.snapshotReceived(leaderId, snapshot, totalBytes, nanos);
    }

    @Override
    public void snapshotReceiveStopped(Snapshot snapshot, String reason) {
        for (DriverObserver observer : observers) observer.snapshotReceiveStopped(snapshot, reason);
    }

    @Override
    public void leadershipTransferStarted(int targetId) {
        for (DriverObserver observer : observers) observer.leadershipTransferStarted(targetId);
    }
}
