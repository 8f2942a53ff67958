package io.kvbench.sim;

import io.kvbench.raft.Mutation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulation can fail: break one rule of the protocol on purpose, in the core or in the driver that runs it
 * (the node's own Ready handling: sending before the persist, answering before the apply, judging a write by its own
 * quota rather than the one the leader stamped), and some seeds must catch it. (The Figure 8 commit rule is caught by
 * a scripted scenario in the core's tests: with the start-of-term no-op, random runs rarely reach the exact
 * interleaving. IGNORE_VOTE_FENCE matters only on a rebuilt node, so StorageFaultsSimulationTest, whose seeds lose and
 * rebuild storage, checks it.)
 */
class MutationCheckTest {
    @ParameterizedTest
    @EnumSource(value = Mutation.class, names = {"SKIP_UP_TO_DATE_CHECK", "ACK_BEFORE_PERSIST", "SELF_VOTE_BEFORE_PERSIST",
            "SEND_BEFORE_PERSIST", "REPLY_BEFORE_APPLY", "QUOTA_FROM_OWN_CONFIG"})
    void aBrokenRuleIsCaughtBySomeSeed(Mutation rule) {
        SeedSweep sweep = SeedSweep.run(1, 300, rule);
        System.out.println(rule + ": " + sweep.failures().size() + " of 300 seeds caught it; first: "
                + sweep.failures().stream().limit(8).map(r -> String.valueOf(r.options().seed())).toList());
        sweep.failures().stream().limit(1).forEach(r -> System.out.println("  " + r.describe()));
        assertThat(sweep.failures()).as("seeds that caught %s", rule).isNotEmpty();
    }
}
