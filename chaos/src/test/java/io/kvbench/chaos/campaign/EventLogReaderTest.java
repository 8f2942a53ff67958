package io.kvbench.chaos.campaign;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventLogReaderTest {
    @TempDir
    Path directory;

    @Test
    void findsTheFirstCandidateAndLeaderAboveTheOldTermAfterTheFaultAndSkipsATornLine() throws Exception {
        Path log = directory.resolve("events.jsonl");
        Files.writeString(log, String.join("\n",
                "{\"event\":\"started\",\"node\":2,\"mono_ns\":50}",
                "{\"event\":\"role\",\"node\":2,\"mono_ns\":100,\"wall_ms\":1,\"role\":\"LEADER\",\"term\":3,\"leader\":2}",
                "{\"event\":\"role\",\"node\":2,\"mono_ns\":900,\"wall_ms\":1,\"role\":\"CANDIDATE\",\"term\":5,\"leader\":0}",
                "{\"event\":\"role\",\"node\":2,\"mono_ns\":700,\"wall_ms\":1,\"role\":\"CANDIDATE\",\"term\":4,\"leader\":0}",
                "{\"event\":\"role\",\"node\":2,\"mono_ns\":950,\"wall_ms\":1,\"role\":\"LEADER\",\"term\":5,\"leader\":2}",
                "{\"event\":\"role\",\"node\":2,\"mono_ns\":99"));
        List<EventLogReader.RoleEvent> events = EventLogReader.roleEvents(log);
        assertThat(events).hasSize(4);
        assertThat(EventLogReader.first(events, "CANDIDATE", 3, 500)).get().extracting(EventLogReader.RoleEvent::monoNanos).isEqualTo(700L);
        assertThat(EventLogReader.first(events, "LEADER", 3, 500)).get().extracting(EventLogReader.RoleEvent::term).isEqualTo(5L);
        assertThat(EventLogReader.first(events, "LEADER", 5, 500)).isEmpty();
    }
}
