package io.kvbench.chaos.netns;

import io.kvbench.chaos.cluster.PeerLink;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tc lines a cut or heal produces and the bookkeeping behind them, without root: a recording {@link TcRunner}
 * stands in for tc. (BridgeNetworkTest runs the same rules against the kernel.)
 */
class PartitionRulesTest {
    private static final Map<Integer, String> VETHS = Map.of(1, "v1", 2, "v2", 3, "v3");
    private static final Map<Integer, String> ADDRESSES = Map.of(1, "198.18.7.11", 2, "198.18.7.12", 3, "198.18.7.13");

    /** Records every batch; a cut fails at line {@code failCutAtLine} (1-based) when set. */
    private static final class RecordingTc implements TcRunner {
        final List<List<String>> cuts = new ArrayList<>();
        final List<List<String>> heals = new ArrayList<>();
        int failCutAtLine;
        boolean closed;

        @Override
        public IpCommand.Result runNow(List<String> lines) {
            cuts.add(lines);
            if (failCutAtLine > 0) {
                return new IpCommand.Result(List.of("tc", "-batch", "-"), lines, 1, "",
                        "RTNETLINK answers: File exists\nCommand failed -:" + failCutAtLine + "\n");
            }
            return new IpCommand.Result(List.of("tc", "-batch", "-"), lines, 0, "", "");
        }

        @Override
        public IpCommand.Result runAll(List<String> lines) {
            heals.add(lines);
            return new IpCommand.Result(List.of("tc", "-force", "-batch", "-"), lines, 0, "", "");
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final RecordingTc tc = new RecordingTc();
    private final PartitionRules rules = new PartitionRules(VETHS, ADDRESSES, tc);

    @Test
    void cuttingOneDirectionDropsTheSendersPacketsAtTheReceiversPortOnly() throws Exception {
        rules.cut(List.of(new PeerLink(1, 2)));

        assertThat(tc.cuts).containsExactly(List.of("filter add dev v2 parent 1: protocol ip prio 101 u32 match ip src 198.18.7.11/32 flowid 1:1"));
        assertThat(rules.isCut(new PeerLink(1, 2))).isTrue();
        assertThat(rules.isCut(new PeerLink(2, 1))).as("the other direction still flows").isFalse();
        assertThat(rules.isIsolated(1)).isFalse();
        assertThat(rules.isIsolated(2)).isFalse();

        rules.heal(List.of(new PeerLink(1, 2)));
        assertThat(tc.heals).containsExactly(List.of("filter del dev v2 parent 1: prio 101"));
        assertThat(rules.cutLinks()).isEmpty();
    }

    @Test
    void isolateCutsEveryLinkToAndFromTheNodeInOneRunAndIsIdempotent() throws Exception {
        rules.isolate(2);
        rules.isolate(2);

        assertThat(tc.cuts).hasSize(1);
        assertThat(tc.cuts.get(0)).containsExactlyInAnyOrder(
                "filter add dev v2 parent 1: protocol ip prio 101 u32 match ip src 198.18.7.11/32 flowid 1:1",
                "filter add dev v1 parent 1: protocol ip prio 102 u32 match ip src 198.18.7.12/32 flowid 1:1",
                "filter add dev v3 parent 1: protocol ip prio 102 u32 match ip src 198.18.7.12/32 flowid 1:1",
                "filter add dev v2 parent 1: protocol ip prio 103 u32 match ip src 198.18.7.13/32 flowid 1:1");
        assertThat(rules.cutLinks()).containsExactlyInAnyOrderElementsOf(PeerLink.allOf(2, List.of(1, 2, 3)));
        assertThat(rules.isIsolated(2)).isTrue();
        assertThat(rules.isIsolated(1)).isFalse();
    }

    @Test
    void isolateIsTheSameAsCuttingEveryLinkOfTheNode() throws Exception {
        rules.cut(PeerLink.allOf(3, List.of(1, 2, 3)));
        assertThat(rules.isIsolated(3)).isTrue();
        rules.isolate(3);
        assertThat(tc.cuts).as("nothing left to cut").hasSize(1);

        rules.rejoin(3);
        assertThat(tc.heals).hasSize(1);
        assertThat(tc.heals.get(0)).hasSize(4);
        assertThat(rules.cutLinks()).isEmpty();
    }

    @Test
    void isolateAddsOnlyTheMissingDirectionsAndRejoinHealsThemAllWhoeverCutThem() throws Exception {
        rules.cut(List.of(new PeerLink(1, 2)));
        rules.cut(List.of(new PeerLink(3, 1)));
        rules.isolate(2);

        assertThat(tc.cuts.get(2)).hasSize(3).doesNotContain(
                "filter add dev v2 parent 1: protocol ip prio 101 u32 match ip src 198.18.7.11/32 flowid 1:1");

        rules.rejoin(2);
        assertThat(tc.heals.get(0)).containsExactlyInAnyOrder(
                "filter del dev v2 parent 1: prio 101",
                "filter del dev v1 parent 1: prio 102",
                "filter del dev v3 parent 1: prio 102",
                "filter del dev v2 parent 1: prio 103");
        assertThat(rules.cutLinks()).as("a link not touching n2 stays cut").containsExactly(new PeerLink(3, 1));

        rules.healAll();
        assertThat(tc.heals.get(1)).containsExactly("filter del dev v1 parent 1: prio 103");
        assertThat(rules.cutLinks()).isEmpty();
    }

    @Test
    void healingWhatIsNotCutRunsNothing() throws Exception {
        rules.heal(List.of(new PeerLink(1, 2)));
        rules.rejoin(3);
        rules.healAll();
        assertThat(tc.heals).isEmpty();
        assertThat(tc.cuts).isEmpty();
    }

    @Test
    void aFailedCutRemovesWhatItAddedAndRecordsNothing() {
        tc.failCutAtLine = 2;
        List<PeerLink> link = PeerLink.bothWays(1, 3);
        assertThatThrownBy(() -> rules.cut(link)).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot cut [n1->n3, n3->n1]")
                .hasMessageContaining("at `filter add dev v1 parent 1: protocol ip prio 103");
        assertThat(tc.heals).containsExactly(List.of("filter del dev v3 parent 1: prio 101", "filter del dev v1 parent 1: prio 103"));
        assertThat(rules.cutLinks()).isEmpty();
    }

    @Test
    void unknownNodesAreRefusedBeforeAnythingIsCut() {
        assertThatThrownBy(() -> rules.cut(List.of(new PeerLink(1, 2), new PeerLink(1, 9))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no node 9 in [1, 2, 3]");
        assertThatThrownBy(() -> rules.isolate(4)).isInstanceOf(IllegalArgumentException.class).hasMessage("no node 4 in [1, 2, 3]");
        assertThatThrownBy(() -> new PeerLink(2, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n2 has no peer link to itself");
        assertThat(tc.cuts).isEmpty();
    }

    @Test
    void closeReleasesTheRunner() {
        rules.close();
        assertThat(tc.closed).isTrue();
    }
}
