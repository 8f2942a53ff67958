package io.kvbench.client;

import java.util.Locale;

/**
 * The cluster refused the write: it would have taken the replicated state over its quota. Not applied, on any replica,
 * now or later (the refusal is stored in the session, so a retry gets it again). Reads go on; deletes free space
 * (docs/limits.md). Not retried by the client.
 */
public final class QuotaExceededException extends KvException {
    private final long usedBytes;
    private final long quotaBytes;
    private final long neededBytes;

    public QuotaExceededException(String operation, long usedBytes, long quotaBytes, long neededBytes) {
        super(String.format(Locale.ROOT, "%s: quota exceeded: the store holds %,d of its %,d bytes and this write needs "
                + "%,d more; not applied (delete keys to free space)", operation, usedBytes, quotaBytes, neededBytes));
        this.usedBytes = usedBytes;
        this.quotaBytes = quotaBytes;
        this.neededBytes = neededBytes;
    }

    public long usedBytes() {
        return usedBytes;
    }

    public long quotaBytes() {
        return quotaBytes;
    }

    public long neededBytes() {
        return neededBytes;
    }
}
