package io.kvbench.chaos.cluster.described;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandTemplateTest {
    @Test
    void replacesEveryPlaceholderVerbatim() {
        CommandTemplate template = CommandTemplate.parse("ssh {host} 'kill -9 $(cat {pidFile})' # {host} again");
        assertThat(template.placeholders()).containsExactlyInAnyOrder("host", "pidFile");
        assertThat(template.render(Map.of("host", "kv@10.0.0.1", "pidFile", "/run/a b.pid")))
                .isEqualTo("ssh kv@10.0.0.1 'kill -9 $(cat /run/a b.pid)' # kv@10.0.0.1 again");
    }

    @Test
    void leavesShellBracesAlone() {
        String shell = "for i in {1..3}; do { echo ${HOME} $x; }; done; awk '{print $1}'";
        CommandTemplate template = CommandTemplate.parse(shell);
        assertThat(template.placeholders()).isEmpty();
        assertThat(template.render(Map.of())).isEqualTo(shell);
    }

    @Test
    void doubledBracesAroundANameAreLiteral() {
        CommandTemplate template = CommandTemplate.parse("awk '{{print}}' {file}");
        assertThat(template.placeholders()).containsExactly("file");
        assertThat(template.render(Map.of("file", "f.txt", "print", "unused"))).isEqualTo("awk '{print}' f.txt");
    }

    @Test
    void valuesWithRegexReplacementCharactersAreInsertedAsTheyAre() {
        assertThat(CommandTemplate.parse("echo {v}").render(Map.of("v", "$1 \\ $(x)"))).isEqualTo("echo $1 \\ $(x)");
    }

    @Test
    void escapedTextRendersToItself() {
        String literal = "awk '{print}' ${HOME} {x} {{y}} { a; } {1..3}";
        String escaped = CommandTemplate.escape(literal);
        assertThat(CommandTemplate.parse(escaped).placeholders()).isEmpty();
        assertThat(CommandTemplate.parse(escaped).render(Map.of())).isEqualTo(literal);
    }

    @Test
    void aPlaceholderWithoutAValueIsAnError() {
        assertThatThrownBy(() -> CommandTemplate.parse("kill {pid}").render(Map.of("id", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no value for {pid}");
    }
}
