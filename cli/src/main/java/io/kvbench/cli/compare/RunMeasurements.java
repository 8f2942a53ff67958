package io.kvbench.cli.compare;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** The metric values found in one run's folder; a metric with no value there is absent. */
public record RunMeasurements(Path directory, Map<Metric, Double> values) {

    public RunMeasurements {
        values = Map.copyOf(values);
    }

    public Optional<Double> value(Metric metric) {
        return Optional.ofNullable(values.get(metric));
    }
}
