package io.kvbench.chaos.campaign;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The key names of one campaign: unique-key writers write {@code <prefix>c<process>-<seq>}, register clients use
 * {@code <prefix>r<index>}. The prefix is new for every campaign, so a cluster that outlives its campaigns (a
 * described one, see docs/clusters.md) can run another without the old values reading as lost writes,
 * duplicates or non-linearizable registers. The load generator's keys ({@code key-...}) never match.
 */
final class CampaignKeys {
    private final String prefix;

    CampaignKeys(String prefix) {
        if (prefix.indexOf('-') >= 0) throw new IllegalArgumentException("a key prefix may not contain '-': " + prefix);
        this.prefix = prefix;
    }

    /** A prefix from the run id (letters and digits only) and a random nonce, e.g. {@code 20261126T0910.3f9a1c/}. */
    static CampaignKeys forRun(String runId) {
        String letters = runId.replaceAll("[^A-Za-z0-9]", "");
        if (letters.length() > 24) letters = letters.substring(letters.length() - 24);
        String nonce = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24)).toLowerCase(Locale.ROOT);
        return new CampaignKeys(letters + "." + nonce + "/");
    }

    String prefix() {
        return prefix;
    }

    String uniqueKey(int process, long seq) {
        return prefix + "c" + process + "-" + seq;
    }

    String registerKey(int index) {
        return prefix + "r" + index;
    }

    boolean isUniqueKey(String key) {
        return key.startsWith(prefix + "c");
    }

    boolean isRegisterKey(String key) {
        return key.startsWith(prefix + "r");
    }

    /** The writer part of a unique key ({@code <prefix>c<process>}), which names who wrote its values. */
    String writerOf(String uniqueKey) {
        return uniqueKey.substring(0, uniqueKey.indexOf('-', prefix.length()));
    }
}
