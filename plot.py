#!/usr/bin/python3
"""Draw kvbench charts from results files only (formats: docs/results-format.md).

Run with Debian's interpreter, which has matplotlib (apt-get install python3-matplotlib):
    /usr/bin/python3 plot.py spectrum run-a/latency.hgrm run-b/latency.hgrm --labels a b --out cmp/latency
    /usr/bin/python3 plot.py timeseries results/run-1
    /usr/bin/python3 plot.py elections v1/elections.csv v2/elections.csv --labels v1 v2   # default: each run.json's targetLabel
    /usr/bin/python3 plot.py compare results/compare.csv
    /usr/bin/python3 plot.py all results

Every chart is written as PREFIX.png and PREFIX.svg, next to the (first) input unless --out PREFIX is given.
Exit codes: 0 drawn, 2 bad input (missing file, wrong columns, bad number), 3 matplotlib not importable.
"""

import argparse
import csv
import json
import math
import os
import sys

EXIT_BAD_INPUT = 2
EXIT_NO_MATPLOTLIB = 3

TIMESERIES_COLUMNS = ["elapsed_s", "ops", "errors", "timeouts", "p50_us", "p90_us", "p99_us", "max_us"]
FAULTS_COLUMNS = ["fault_start_s", "recovered_s", "fault", "victim"]
ELECTIONS_COLUMNS = [
    "run_id", "git_sha", "target", "trial", "seed", "fault", "victim", "old_leader", "old_term", "new_leader",
    "new_term", "terms_elapsed", "fault_to_candidate_ms", "fault_to_leader_ms", "fault_to_first_ack_ms",
    "writes_failed", "writes_timed_out", "cluster_size", "election_timeout_min_ms", "election_timeout_max_ms",
    "heartbeat_ms", "load_rate",
]
COMPARE_COLUMNS = [
    "metric", "a_median", "a_ci_low", "a_ci_high", "b_median", "b_ci_low", "b_ci_high", "delta_pct", "p_value",
    "n_a", "n_b", "significant",
]
ELECTION_METRICS = [
    ("fault_to_leader_ms", "fault to new leader"),
    ("fault_to_first_ack_ms", "fault to first acknowledged write"),
]
# x = 1/(1-p): the axis HdrHistogram's plotter and hdr-plot use, so the tail gets as much room as the median.
PERCENTILE_TICKS = [(2.0, "50%"), (10.0, "90%"), (100.0, "99%"), (1e3, "99.9%"), (1e4, "99.99%"), (1e5, "99.999%")]
HGRM_UNIT_TO_MS = {"ms": 1.0, "us": 1e-3, "ns": 1e-6}


class InputError(Exception):
    """Bad input: reported as one line on stderr, exit code 2."""


# ---------------------------------------------------------------------------------------------- reading inputs

def read_csv(path, required_columns):
    """Rows as dicts (empty cell -> None); every required column must be in the header."""
    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file")
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [column for column in required_columns if column not in header]
            if missing:
                raise InputError(f"{path}: missing column(s) {','.join(missing)}; expected {','.join(required_columns)}")
            return [{key: (value if value not in ("", None) else None) for key, value in row.items()} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"{path}: cannot read: {error}") from error


def number(row, column, path, line):
    """The cell as a float, or None when empty (= not measured)."""
    cell = row.get(column)
    if cell is None:
        return None
    try:
        return float(cell)
    except ValueError:
        raise InputError(f"{path} line {line}: column {column} is not a number: {cell!r}") from None


def read_hgrm(path, value_unit):
    """(values_ms, x = 1/(1-percentile)) from HdrHistogram's outputPercentileDistribution text."""
    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file")
    values, inverse_tails = [], []
    try:
        with open(path, encoding="utf-8") as handle:
            for line_number, line in enumerate(handle, start=1):
                fields = line.split()
                if not fields or line.lstrip().startswith("#") or fields[0] == "Value":
                    continue
                if len(fields) == 3 and fields[1].startswith("1.0"):
                    continue  # HdrHistogram prints the 100% row without 1/(1-p): it is infinite
                if len(fields) != 4:
                    raise InputError(f"{path} line {line_number}: expected 4 columns "
                                     f"(Value Percentile TotalCount 1/(1-Percentile)), found {len(fields)}")
                try:
                    value, percentile, inverse_tail = float(fields[0]), float(fields[1]), float(fields[3])
                except ValueError:
                    raise InputError(f"{path} line {line_number}: not a number in {line.strip()!r}") from None
                if percentile >= 1.0 or math.isinf(inverse_tail):
                    continue  # the 100% row has 1/(1-p) = infinity, which a log axis cannot place
                values.append(value * HGRM_UNIT_TO_MS[value_unit])
                inverse_tails.append(inverse_tail)
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read: {error}") from error
    if not values:
        raise InputError(f"{path}: no percentile rows (is it an .hgrm file from outputPercentileDistribution?)")
    return values, inverse_tails


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of already sorted values."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


# ---------------------------------------------------------------------------------------------- output

def output_prefix(out, first_input, default_name):
    if out:
        return out
    directory = first_input if os.path.isdir(first_input) else os.path.dirname(os.path.abspath(first_input))
    return os.path.join(directory, default_name)


def save(figure, prefix):
    directory = os.path.dirname(os.path.abspath(prefix))
    os.makedirs(directory, exist_ok=True)
    written = []
    for extension in ("png", "svg"):
        path = f"{prefix}.{extension}"
        figure.savefig(path, dpi=120 if extension == "png" else None, bbox_inches="tight")
        written.append(path)
    plt.close(figure)
    for path in written:
        print(path)


def labels_for(files, labels):
    if labels is None:
        names = [os.path.basename(path) for path in files]
        if len(set(names)) == len(names):
            return [os.path.splitext(name)[0] for name in names]
        return [os.path.basename(os.path.dirname(os.path.abspath(path))) for path in files]  # run-a/latency.hgrm
    if len(labels) != len(files):
        raise InputError(f"{len(files)} file(s) but {len(labels)} label(s): give one --labels entry per file")
    return labels


# ---------------------------------------------------------------------------------------------- charts

def plot_spectrum(files, labels, out, value_unit):
    labels = labels_for(files, labels)
    spectra = [read_hgrm(path, value_unit) for path in files]
    figure, axes = plt.subplots(figsize=(9, 5.5), constrained_layout=True)
    for (values, inverse_tails), label in zip(spectra, labels):
        axes.plot(inverse_tails, values, label=f"{label} (max {max(values):.3g} ms)", linewidth=1.6)
    axes.set_xscale("log")
    largest = max(max(inverse_tails) for _, inverse_tails in spectra)
    ticks = [(x, text) for x, text in PERCENTILE_TICKS if x <= max(largest * 1.01, 100.0)]
    axes.set_xticks([x for x, _ in ticks])
    axes.set_xticklabels([text for _, text in ticks])
    axes.minorticks_off()
    axes.set_xlim(1.0, max(largest, ticks[-1][0]) * 1.2)
    axes.set_ylim(bottom=0)
    axes.set_xlabel("percentile")
    axes.set_ylabel("latency (ms)")
    axes.set_title("Latency by percentile")
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(loc="upper left")
    save(figure, output_prefix(out, files[0], "latency-spectrum"))


def read_timeseries(path):
    rows = read_csv(path, TIMESERIES_COLUMNS)
    if not rows:
        raise InputError(f"{path}: no rows")
    series = {column: [] for column in TIMESERIES_COLUMNS}
    for line, row in enumerate(rows, start=2):
        for column in TIMESERIES_COLUMNS:
            series[column].append(number(row, column, path, line))
    if any(value is None for value in series["elapsed_s"]):
        raise InputError(f"{path}: elapsed_s must be set on every row")
    return series


def read_faults(path):
    rows = read_csv(path, FAULTS_COLUMNS)
    faults = []
    for line, row in enumerate(rows, start=2):
        start = number(row, "fault_start_s", path, line)
        if start is None:
            raise InputError(f"{path} line {line}: fault_start_s must be set")
        faults.append((start, number(row, "recovered_s", path, line), row["fault"] or "fault", row["victim"] or "?"))
    return faults


def latency_points(series, column):
    """(t, ms) where the interval answered something: an empty interval has no latency (the load generator writes 0)."""
    return [(t, v / 1000.0) for t, v, ops in zip(series["elapsed_s"], series[column], series["ops"])
            if v is not None and ops]


def plot_latency(axes, series, title):
    for column, label in (("p50_us", "p50"), ("p99_us", "p99"), ("max_us", "max")):
        points = latency_points(series, column)
        axes.plot([t for t, _ in points], [v for _, v in points], label=label, linewidth=1.3, drawstyle="steps-pre")
    axes.set_yscale("log")
    axes.set_ylabel("latency (ms)")
    axes.set_title(title)


def plot_rates(axes, series, prefix, style):
    # ops counts completions in (previous elapsed_s, elapsed_s], so divide by the interval to get a rate.
    elapsed = series["elapsed_s"]
    previous = [0.0] + elapsed[:-1]
    intervals = [max(now - before, 1e-9) for now, before in zip(elapsed, previous)]
    for column, label in (("ops", "ops/s"), ("errors", "errors/s"), ("timeouts", "timeouts/s")):
        rates = [(value or 0.0) / interval for value, interval in zip(series[column], intervals)]
        axes.plot(elapsed, rates, label=prefix + label, linewidth=1.3, drawstyle="steps-pre", linestyle=style)


def plot_timeseries(directory, out):
    """DIR/timeseries.csv with DIR/faults.csv shaded; a campaign's DIR/load/timeseries.csv (same time zero) below it."""
    if not os.path.isdir(directory):
        raise InputError(f"{directory}: no such directory")
    series = read_timeseries(os.path.join(directory, "timeseries.csv"))
    faults_path = os.path.join(directory, "faults.csv")
    faults = read_faults(faults_path) if os.path.exists(faults_path) else []
    load_path = os.path.join(directory, "load", "timeseries.csv")
    load = read_timeseries(load_path) if os.path.exists(load_path) else None
    if load is None:
        figure, (latency_axes, rate_axes) = plt.subplots(2, 1, figsize=(10, 7), sharex=True,
                                                         gridspec_kw={"height_ratios": [2, 1]}, constrained_layout=True)
        latency_panels = [latency_axes]
    else:
        figure, (latency_axes, load_axes, rate_axes) = plt.subplots(
            3, 1, figsize=(10, 10), sharex=True, gridspec_kw={"height_ratios": [2, 2, 1]}, constrained_layout=True)
        latency_panels = [latency_axes, load_axes]
    plot_latency(latency_axes, series, "Latency per interval" if load is None
                 else "Latency per interval: checked clients (one operation outstanding each)")
    plot_rates(rate_axes, series, "", "-")
    if load is not None:
        plot_latency(load_axes, load, "Latency per interval: open-loop load generator (from the intended send time)")
        plot_rates(rate_axes, load, "load ", "--")
    rate_axes.set_ylabel("operations per second")
    rate_axes.set_xlabel("time since load start (s)")
    end = max(series["elapsed_s"][-1], load["elapsed_s"][-1] if load else 0.0)
    panels = latency_panels + [rate_axes]
    for index, (start, recovered, fault, victim) in enumerate(faults):
        for axes in panels:
            axes.axvspan(start, recovered if recovered is not None else end, color="tab:red", alpha=0.15,
                         label="fault until recovery" if axes in latency_panels and index == 0 else None)
        for axes in latency_panels:
            axes.annotate(f"{fault} {victim}", (start, 1.0), xycoords=("data", "axes fraction"),
                          fontsize=8, va="top", rotation=90, color="tab:red")
    for axes in panels:
        axes.grid(True, alpha=0.3)
        axes.legend(loc="upper right", fontsize=8)
    save(figure, output_prefix(out, directory, "timeseries"))


def read_elections(path):
    rows = read_csv(path, ELECTIONS_COLUMNS)
    samples = {}
    for metric, _ in ELECTION_METRICS:
        values = [number(row, metric, path, line) for line, row in enumerate(rows, start=2)]
        samples[metric] = sorted(value for value in values if value is not None)
    return samples


def target_label(path):
    """run.json's targetLabel next to a campaign's elections.csv (what was measured: version, settings, probe), or None."""
    try:
        with open(os.path.join(os.path.dirname(os.path.abspath(path)), "run.json"), encoding="utf-8") as run:
            label = json.load(run).get("targetLabel")
    except (OSError, ValueError, AttributeError):
        return None
    return label if isinstance(label, str) and label else None


def with_target_labels(files, names):
    """Each campaign's target label as its legend; its name first where two campaigns measured the same target."""
    targets = [target_label(path) for path in files]
    return [name if target is None else target if targets.count(target) == 1 else f"{name}: {target}"
            for name, target in zip(names, targets)]


def plot_elections(files, labels, out):
    labels = labels_for(files, labels) if labels is not None else with_target_labels(files, labels_for(files, None))
    samples = [read_elections(path) for path in files]
    figure, grid = plt.subplots(2, 2, figsize=(12, 8), constrained_layout=True)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for column, (metric, description) in enumerate(ELECTION_METRICS):
        cdf_axes, histogram_axes = grid[0][column], grid[1][column]
        drawn = False
        for index, (sample, label) in enumerate(zip(samples, labels)):
            values = sample[metric]
            if not values:
                continue
            drawn = True
            color = colors[index % len(colors)]
            p50, p99, largest = percentile(values, 0.50), percentile(values, 0.99), values[-1]
            fractions = [100.0 * (rank + 1) / len(values) for rank in range(len(values))]
            cdf_axes.step(values, fractions, where="post", color=color,
                          label=f"{label}: n={len(values)}, p50 {p50:.0f}, p99 {p99:.0f}, max {largest:.0f} ms")
            for mark, marker in ((p50, "o"), (p99, "^"), (largest, "x")):
                cdf_axes.plot([mark], [100.0 * sum(1 for v in values if v <= mark) / len(values)], marker=marker,
                              color=color, linestyle="none")
            histogram_axes.hist(values, bins=min(50, max(5, len(values) // 4)), color=color, alpha=0.5, label=label)
            for mark, style in ((p50, ":"), (p99, "--"), (largest, "-")):
                histogram_axes.axvline(mark, color=color, linestyle=style, linewidth=1)
        for axes in (cdf_axes, histogram_axes):
            axes.set_xlabel(f"{description} (ms)")
            axes.grid(True, alpha=0.3)
            if not drawn:
                axes.text(0.5, 0.5, "not measured", transform=axes.transAxes, ha="center", va="center")
        cdf_axes.set_ylabel("cumulative percent of trials")
        cdf_axes.set_ylim(0, 100)
        cdf_axes.set_title(f"CDF: {description}\n(o p50, ^ p99, x max)", fontsize=10)
        histogram_axes.set_ylabel("trials")
        histogram_axes.set_title(f"Histogram: {description}\n(dotted p50, dashed p99, solid max)", fontsize=10)
        if drawn:
            cdf_axes.legend(loc="lower right", fontsize=8)
            histogram_axes.legend(loc="upper right", fontsize=8)
    figure.suptitle("Leader election after a fault (Raft paper §9.3, Figure 16 style)")
    save(figure, output_prefix(out, files[0], "elections"))


def read_compare(path):
    rows = read_csv(path, COMPARE_COLUMNS)
    if not rows:
        raise InputError(f"{path}: no rows")
    entries = []
    for line, row in enumerate(rows, start=2):
        if row["metric"] is None:
            raise InputError(f"{path} line {line}: metric must be set")
        values = {column: number(row, column, path, line) for column in COMPARE_COLUMNS[1:-1]}
        significant = (row["significant"] or "").strip().lower()
        if significant not in ("true", "false"):
            raise InputError(f"{path} line {line}: significant must be true or false, not {row['significant']!r}")
        entries.append((row["metric"], values, significant == "true"))
    return entries


def delta_interval(values):
    """The widest delta % the two medians' confidence intervals allow: (b_low/a_high - 1, b_high/a_low - 1)."""
    a_low, a_high, b_low, b_high = (values[c] for c in ("a_ci_low", "a_ci_high", "b_ci_low", "b_ci_high"))
    if None in (a_low, a_high, b_low, b_high) or a_low <= 0 or a_high <= 0:
        return None
    return 100.0 * (b_low / a_high - 1.0), 100.0 * (b_high / a_low - 1.0)


def plot_compare(path, out):
    entries = read_compare(path)
    figure, axes = plt.subplots(figsize=(9, 1.6 + 0.45 * len(entries)), constrained_layout=True)
    positions = list(range(len(entries)))[::-1]
    for position, (metric, values, significant) in zip(positions, entries):
        delta = values["delta_pct"] or 0.0
        color = ("tab:orange" if delta > 0 else "tab:blue") if significant else "lightgrey"
        axes.barh(position, delta, color=color, edgecolor="black" if significant else "grey", linewidth=0.5)
        interval = delta_interval(values)
        if interval is not None:
            axes.errorbar(delta, position, xerr=[[max(delta - interval[0], 0)], [max(interval[1] - delta, 0)]],
                          color="black", capsize=3, linewidth=1)
        p_value = values["p_value"]
        note = f"{delta:+.1f}%" if significant else "~"
        if p_value is not None:
            note += f"  p={p_value:.3g}"
        # Put the note beyond the whisker so the two never overlap.
        anchor = delta if interval is None else (max(delta, interval[1]) if delta >= 0 else min(delta, interval[0]))
        axes.annotate(note, (anchor, position), xytext=(6 if delta >= 0 else -6, 0), textcoords="offset points",
                      ha="left" if delta >= 0 else "right", va="center", fontsize=8)
    axes.set_yticks(positions)
    axes.set_yticklabels([metric for metric, _, _ in entries])
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_xlabel("change of median, b vs a (%); whiskers: range allowed by both medians' CIs")
    axes.set_title("Comparison b vs a (grey, ~: not significant)")
    axes.grid(True, axis="x", alpha=0.3)
    axes.margins(x=0.25)
    save(figure, output_prefix(out, path, "compare"))


def run_label(path, directory):
    """A legend label for a file found under DIR: its folder relative to DIR, or DIR's own name."""
    folder = os.path.relpath(os.path.dirname(os.path.abspath(path)), os.path.abspath(directory))
    return os.path.basename(os.path.abspath(directory)) if folder == "." else folder


def plot_all(directory, value_unit):
    if not os.path.isdir(directory):
        raise InputError(f"{directory}: no such directory")
    timeseries_dirs, hgrm_files, election_files, compare_files = [], [], [], []
    for root, subdirectories, files in os.walk(directory):
        subdirectories.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            if name == "timeseries.csv":
                timeseries_dirs.append(root)
            elif name.endswith(".hgrm"):
                hgrm_files.append(path)
            elif name == "elections.csv":
                election_files.append(path)
            elif name == "compare.csv":
                compare_files.append(path)
    if not (timeseries_dirs or hgrm_files or election_files or compare_files):
        raise InputError(f"{directory}: no timeseries.csv, *.hgrm, elections.csv or compare.csv found")
    for timeseries_dir in timeseries_dirs:
        plot_timeseries(timeseries_dir, None)
    if hgrm_files:
        labels = [os.path.splitext(os.path.relpath(path, directory))[0] for path in hgrm_files]
        plot_spectrum(hgrm_files, labels, os.path.join(directory, "latency-spectrum"), value_unit)
    if election_files:
        labels = with_target_labels(election_files, [run_label(path, directory) for path in election_files])
        plot_elections(election_files, labels, os.path.join(directory, "elections"))
    for compare_file in compare_files:
        plot_compare(compare_file, None)


# ---------------------------------------------------------------------------------------------- command line

def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="plot.py", description=__doc__.split("\n\n")[0],
                                     epilog="File formats: docs/results-format.md. "
                                            "Exit codes: 0 drawn, 2 bad input, 3 matplotlib missing.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    spectrum = commands.add_parser("spectrum", help="latency percentile spectrum of .hgrm files, overlaid")
    spectrum.add_argument("files", nargs="+", metavar="FILE.hgrm")
    spectrum.add_argument("--labels", nargs="+", help="one legend label per file (default: file names)")
    spectrum.add_argument("--value-unit", choices=sorted(HGRM_UNIT_TO_MS), default="ms",
                          help="unit of the Value column (default ms)")
    spectrum.add_argument("--out", metavar="PREFIX", help="write PREFIX.png and PREFIX.svg")

    timeseries = commands.add_parser("timeseries", help="p50/p99/max and rates per interval, faults shaded")
    timeseries.add_argument("directory", metavar="DIR",
                            help="folder with timeseries.csv (and optional faults.csv, load/timeseries.csv)")
    timeseries.add_argument("--out", metavar="PREFIX")

    elections = commands.add_parser("elections", help="CDF and histogram of election times, one line per file")
    elections.add_argument("files", nargs="+", metavar="FILE.csv")
    elections.add_argument("--labels", nargs="+", help="one legend label per file (default: each run's run.json targetLabel, else its file or folder name)")
    elections.add_argument("--out", metavar="PREFIX")

    compare = commands.add_parser("compare", help="bar chart of delta %% with CI whiskers from compare.csv")
    compare.add_argument("file", metavar="FILE.csv")
    compare.add_argument("--out", metavar="PREFIX")

    everything = commands.add_parser("all", help="draw every chart the known files under DIR allow")
    everything.add_argument("directory", metavar="DIR")
    everything.add_argument("--value-unit", choices=sorted(HGRM_UNIT_TO_MS), default="ms",
                            help="unit of the Value column of .hgrm files (default ms)")
    return parser.parse_args(argv)


def import_matplotlib():
    global plt
    try:
        import matplotlib
        matplotlib.use("Agg")  # no display needed: files only
        import matplotlib.pyplot as pyplot
    except ImportError:
        print("plot.py: matplotlib is not importable by " + sys.executable
              + "; install Debian's python3-matplotlib (apt-get install python3-matplotlib) and run with /usr/bin/python3",
              file=sys.stderr)
        sys.exit(EXIT_NO_MATPLOTLIB)
    plt = pyplot


def main(argv):
    arguments = parse_arguments(argv)
    import_matplotlib()
    try:
        if arguments.command == "spectrum":
            plot_spectrum(arguments.files, arguments.labels, arguments.out, arguments.value_unit)
        elif arguments.command == "timeseries":
            plot_timeseries(arguments.directory, arguments.out)
        elif arguments.command == "elections":
            plot_elections(arguments.files, arguments.labels, arguments.out)
        elif arguments.command == "compare":
            plot_compare(arguments.file, arguments.out)
        else:
            plot_all(arguments.directory, arguments.value_unit)
    except InputError as error:
        print(f"plot.py: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


plt = None

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
