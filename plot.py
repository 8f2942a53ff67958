#!/usr/bin/python3
"""Draw kvbench charts from results files only (formats: docs/results-format.md).

Run with Debian's interpreter, which has matplotlib (apt-get install python3-matplotlib):
    /usr/bin/python3 plot.py spectrum run-a/latency.hgrm run-b/latency.hgrm --labels a b --out cmp/latency
    /usr/bin/python3 plot.py timeseries results/run-1
    /usr/bin/python3 plot.py elections v1/elections.csv v2/elections.csv --labels v1 v2   # default: each run.json's targetLabel
    /usr/bin/python3 plot.py compare results/compare.csv
    /usr/bin/python3 plot.py operations results/chaos-run
    /usr/bin/python3 plot.py sweep results/sweep-run/sweep.csv
    /usr/bin/python3 plot.py all results

Every chart is written as PREFIX.png and PREFIX.svg, next to the (first) input unless --out PREFIX is given.
Titles and legends say what ran, from the run.json beside each input (target, commit, scenario, date).
Exit codes: 0 drawn, 2 bad input (missing file, wrong columns, bad number), 3 matplotlib not importable.
"""

import argparse
import csv
import json
import math
import os
import statistics
import re
import sys
import textwrap

EXIT_BAD_INPUT = 2
EXIT_NO_MATPLOTLIB = 3

TIMESERIES_COLUMNS = ["elapsed_s", "ops", "errors", "timeouts", "p50_us", "p90_us", "p99_us", "max_us"]
# Written by kvbench load since issue 19 (empty where not measured): the run's processes' CPU, run-queue wait and JVM
# stop-the-world time.
TIMESERIES_SCHEDULER_COLUMNS = ["cpu_ms", "run_queue_wait_ms", "jvm_stopped_ms"]
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
HISTORY_COLUMNS = ["process", "kind", "key", "invoke_ns", "complete_ns", "outcome"]
SWEEP_COLUMNS = ["target", "fraction_of_peak", "offered_rate", "achieved_rate", "p50_us", "p99_us", "saturated"]
# One latency spectrum per measure: each .hgrm name is one measure; the campaign's election.hgrm and
# unavailability.hgrm are drawn as the elections CDF instead (a dozen trials are not a spectrum).
SPECTRUM_MEASURES = {
    "latency.hgrm": ("latency-spectrum", "Request latency, from the intended send time"),
    "service.hgrm": ("service-spectrum", "Service time, from the actual send"),
}
ELECTION_HGRM_FILES = ("election.hgrm", "unavailability.hgrm")
OUTCOME_COLORS = {"OK": "tab:blue", "FAIL": "tab:red", "UNKNOWN": "tab:orange"}
KIND_MARKERS = {"PUT": "o", "GET": "^", "CAS": "s", "DELETE": "D"}
FAULT_COLOR = "tab:red"
FAULT_LABELS_AT_MOST = 12      # fault numbers written above the chart; every k-th beyond that
FAULT_TABLE_ROWS_PER_COLUMN = 50


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


# ---------------------------------------------------------------------------------------------- run descriptions

def find_run_json(path):
    """The run.json describing a file or folder: in its own folder, else the one or two above (a campaign's load/)."""
    directory = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    for _ in range(3):
        candidate = os.path.join(directory, "run.json")
        if os.path.isfile(candidate):
            try:
                with open(candidate, encoding="utf-8") as handle:
                    run = json.load(handle)
                return run if isinstance(run, dict) else None
            except (OSError, ValueError):
                return None  # a run.json that does not parse only costs the labels, never the chart
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return None


def short_sha(run):
    sha = run.get("gitSha") or (run.get("campaign") or {}).get("gitSha") or ""
    return sha[:7] if sha and sha != "unknown" else ""


def run_date(run):
    """The day and minute the run started (UTC), as run.json has it."""
    started = run.get("startedAt") or run.get("startWallTime") or ""
    return started[:16].replace("T", " ") + " UTC" if len(started) >= 16 else ""


def is_campaign(run):
    return "campaign" in run


def is_sweep(run):
    return "sweep" in run


def target_words(run):
    """The target and how it was set up: run.json's targetLabel when it has one (version included), else built."""
    if run.get("targetLabel"):
        return run["targetLabel"]
    if is_sweep(run):
        return " and ".join(run["sweep"].get("targets", [])) + ", local 3-node clusters"
    target = run.get("target", "?")
    if is_campaign(run):
        words = [target]
        if run.get("heartbeatMillis") is not None:
            words.append(f"heartbeat {run['heartbeatMillis']} ms")
        if run.get("electionTimeoutMinMillis") is not None:
            words.append(f"election {run['electionTimeoutMinMillis']}-{run.get('electionTimeoutMaxMillis', '?')} ms")
        return ", ".join(words)
    # etcd's own fsync mode is a sentence; kvnode's is one word worth showing (none is for comparison only).
    return f"{target} (fsync {run['fsyncMode']})" if run.get("fsyncMode") in ("always", "none") else target


def scenario_words(run):
    """What was done to it: the campaign's faults and load, or the load's mode, rate and clients."""
    if is_campaign(run):
        campaign = run["campaign"]
        words = []
        if run.get("clusterSize"):
            words.append(f"{run['clusterSize']} nodes")
        words.append(f"{campaign.get('fault', 'fault')} x{campaign.get('trials', '?')}")
        if campaign.get("loadRate") is not None:
            words.append(f"{campaign['loadRate']:g} writes/s offered")
        if run.get("network") and run["network"] != "loopback":
            words.append(f"network {run['network']}")
        return ", ".join(words)
    if is_sweep(run):
        sweep, peaks = run["sweep"], run.get("peakRates") or {}
        fractions = sweep.get("fractionsOfPeak") or [0]
        return (f"open-loop steps of {sweep.get('stepSeconds', 0):g} s at {min(fractions) * 100:.0f}-{max(fractions) * 100:.0f} % "
                + "of peaks " + ", ".join(f"{target} {rate:,.0f}/s" for target, rate in peaks.items()))
    parameters = run.get("parameters") or {}
    mode = parameters.get("mode")
    if mode == "OPEN_LOOP":
        return (f"open loop {parameters.get('targetRatePerSecond', 0):g} ops/s, "
                f"{parameters.get('connections', '?')} connections")
    if mode == "CLOSED_LOOP":
        return f"closed loop, {parameters.get('inFlightLimit', '?')} clients"
    return ""


def run_title(run):
    """One line that says what ran: target and setup | scenario | commit | date."""
    if not run:
        return ""
    parts = [target_words(run), scenario_words(run)]
    if short_sha(run):
        parts.append("commit " + short_sha(run))
    parts.append(run_date(run))
    return " | ".join(part for part in parts if part)


def wrapped(label, width=42):
    """A legend label broken into lines that fit beside one panel of a two-column chart."""
    return textwrap.fill(label, width, break_on_hyphens=False)


def run_legend(run):
    """A legend entry that tells runs apart: the target and its setup, and the commit."""
    sha = short_sha(run)
    return target_words(run) + (f" @ {sha}" if sha else "")


def titled(measure, runs):
    """A chart title: the measure, and below it what ran when every input came from runs that say the same."""
    titles = {run_title(run) for run in runs if run}
    if len(titles) == 1 and len(runs) == sum(1 for run in runs if run):
        return measure + "\n" + textwrap.fill(titles.pop(), 120)
    return measure


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
    if DESCRIPTIONS is not None:
        DESCRIPTIONS.append(describe_figure(figure, prefix))
    plt.close(figure)
    for path in written:
        print(path)


def describe_figure(figure, prefix):
    """What a chart shows, for tests and tools (plot.py --describe FILE): titles, labels, scales, series, ticks."""
    def texts(items):
        return [item.get_text() for item in items if item.get_text()]

    axes_list = []
    for axes in figure.get_axes():
        legend = axes.get_legend()
        axes_list.append({
            "title": axes.get_title(),
            "xlabel": axes.get_xlabel(),
            "ylabel": axes.get_ylabel(),
            "xscale": axes.get_xscale(),
            "yscale": axes.get_yscale(),
            "visible": bool(axes.axison),
            "lines": [{"label": line.get_label(), "points": len(line.get_xdata())} for line in axes.get_lines()
                      if not line.get_label().startswith("_")],
            "unlabelled_lines": sum(1 for line in axes.get_lines() if line.get_label().startswith("_")),
            "collections": [{"type": type(collection).__name__, "label": collection.get_label(),
                             "points": len(collection.get_offsets())} for collection in axes.collections],
            "patches": len(axes.patches),
            "legend": texts(legend.get_texts()) if legend else [],
            "texts": texts(axes.texts),
            "xticklabels": texts(axes.get_xticklabels()),
            "yticklabels": texts(axes.get_yticklabels()),
        })
    suptitle = figure._suptitle.get_text() if figure._suptitle is not None else ""
    return {"prefix": os.path.abspath(prefix), "suptitle": suptitle, "axes": axes_list}


def unique(labels, files):
    """Labels as given, with the file's folder added to those that would read the same as another."""
    return [label if labels.count(label) == 1 else f"{label} ({os.path.basename(os.path.dirname(os.path.abspath(path)))})"
            for label, path in zip(labels, files)]


def labels_for(files, labels):
    if labels is None:
        runs = [find_run_json(path) for path in files]
        if all(runs):
            return unique([run_legend(run) for run in runs], files)
        names = [os.path.basename(path) for path in files]
        if len(set(names)) == len(names):
            return [os.path.splitext(name)[0] for name in names]
        return [os.path.basename(os.path.dirname(os.path.abspath(path))) for path in files]  # run-a/latency.hgrm
    if len(labels) != len(files):
        raise InputError(f"{len(files)} file(s) but {len(labels)} label(s): give one --labels entry per file")
    return labels


def plain_millisecond_ticks(axes, axis="y"):
    """On a log axis, ticks at 1, 2, 5 x 10^n written as plain numbers (0.5, 1, 20, 500), not 10^n."""
    locator = matplotlib.ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0))
    formatter = matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:g}")
    target = axes.yaxis if axis == "y" else axes.xaxis
    target.set_major_locator(locator)
    target.set_major_formatter(formatter)
    target.set_minor_formatter(matplotlib.ticker.NullFormatter())


# ---------------------------------------------------------------------------------------------- charts

def plot_spectrum(files, labels, out, value_unit, log_y=False, measure=SPECTRUM_MEASURES["latency.hgrm"][1],
                  default_name="latency-spectrum", styles=None, title_runs=None):
    """styles: one dict of line properties per file (default: matplotlib's colour cycle); title_runs: the run.json(s)
    the title describes (default: each file's own)."""
    labels = labels_for(files, labels)
    spectra = [read_hgrm(path, value_unit) for path in files]
    styles = styles or [{} for _ in files]
    figure, axes = plt.subplots(figsize=(9, 5.5), constrained_layout=True)
    for (values, inverse_tails), label, style in zip(spectra, labels, styles):
        axes.plot(inverse_tails, values, label=f"{label} (max {max(values):.3g} ms)", linewidth=1.6, **style)
    axes.set_xscale("log")
    largest = max(max(inverse_tails) for _, inverse_tails in spectra)
    ticks = [(x, text) for x, text in PERCENTILE_TICKS if x <= max(largest * 1.01, 100.0)]
    axes.set_xticks([x for x, _ in ticks])
    axes.set_xticklabels([text for _, text in ticks])
    axes.minorticks_off()
    axes.set_xlim(1.0, max(largest, ticks[-1][0]) * 1.2)
    if log_y:
        axes.set_yscale("log")
        plain_millisecond_ticks(axes)
    else:
        axes.set_ylim(bottom=0)
    axes.set_xlabel("percentile")
    axes.set_ylabel("latency (ms)" + (", log scale" if log_y else ""))
    runs = title_runs if title_runs is not None else [find_run_json(path) for path in files]
    axes.set_title(titled(f"{measure}, by percentile", runs), fontsize=10)
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(loc="upper left", fontsize=8)
    save(figure, output_prefix(out, files[0], default_name))


def read_timeseries(path):
    rows = read_csv(path, TIMESERIES_COLUMNS)
    if not rows:
        raise InputError(f"{path}: no rows")
    columns = TIMESERIES_COLUMNS + [column for column in TIMESERIES_SCHEDULER_COLUMNS if column in rows[0]]
    series = {column: [] for column in columns}
    for line, row in enumerate(rows, start=2):
        for column in columns:
            series[column].append(number(row, column, path, line))
    if any(value is None for value in series["elapsed_s"]):
        raise InputError(f"{path}: elapsed_s must be set on every row")
    # A campaign's file from before its last row said where it ended has whole seconds only, and its last second
    # was always cut short by the end of the load.
    series["whole_seconds_only"] = all("." not in row["elapsed_s"] for row in rows)
    return series


def drop_partial_last_interval(series):
    """The last interval, when the end of the run cut it short: its count would read as a false throughput drop."""
    elapsed = series["elapsed_s"]
    if len(elapsed) < 3:
        return None
    intervals = [now - before for now, before in zip(elapsed[1:], elapsed[:-1])]
    typical = statistics.median(intervals)
    if not (intervals[-1] < 0.9 * typical or series["whole_seconds_only"]):
        return None
    dropped = elapsed[-1]
    for column in TIMESERIES_COLUMNS + TIMESERIES_SCHEDULER_COLUMNS:
        if column in series:
            series[column] = series[column][:-1]
    return dropped


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
    plain_millisecond_ticks(axes)
    axes.set_ylabel("latency (ms), log scale")
    axes.set_title(title, fontsize=10, pad=14)  # room for the fault numbers above the plot


def plot_rates(axes, series, prefix, style):
    # ops counts completions in (previous elapsed_s, elapsed_s], so divide by the interval to get a rate.
    elapsed = series["elapsed_s"]
    previous = [0.0] + elapsed[:-1]
    intervals = [max(now - before, 1e-9) for now, before in zip(elapsed, previous)]
    for column, label in (("ops", "ops/s"), ("errors", "errors/s"), ("timeouts", "timeouts/s")):
        rates = [(value or 0.0) / interval for value, interval in zip(series[column], intervals)]
        axes.plot(elapsed, rates, label=prefix + label, linewidth=1.3, drawstyle="steps-pre", linestyle=style)


def has_scheduler_figures(series):
    return any(value is not None for value in series.get("run_queue_wait_ms", []))


def plot_scheduler(axes, series):
    """The run's processes' CPU, run-queue wait and JVM pauses per second of each interval (SchedulerWait, JvmPauses)."""
    elapsed = series["elapsed_s"]
    previous = [0.0] + elapsed[:-1]
    for column, label in (("cpu_ms", "CPU used, all processes"),
                          ("run_queue_wait_ms", "runnable, waiting for a CPU (run queue)"),
                          ("jvm_stopped_ms", "JVMs stopped (GC and other safepoints)")):
        if column not in series:
            continue
        points = [(t, value / max(t - before, 1e-9) / 1000.0) for t, before, value in zip(elapsed, previous, series[column])
                  if value is not None]
        axes.plot([t for t, _ in points], [v for _, v in points], label=label, linewidth=1.3, drawstyle="steps-pre")
    axes.set_ylabel("seconds per second, summed")
    axes.set_yscale("symlog", linthresh=0.01)
    axes.set_title("Where time went: CPU used, time runnable but waiting, JVMs stopped (nodes' and generator's, summed)",
                   fontsize=10)


def fault_label_step(count):
    """Label every k-th fault (k = 1, 2, 5, 10, 20, 50, ...) so at most FAULT_LABELS_AT_MOST numbers stand above a chart."""
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if math.ceil(count / step) <= FAULT_LABELS_AT_MOST:
            return step
    return math.ceil(count / FAULT_LABELS_AT_MOST)


def shade_faults(panels, labelled_panels, faults, end, legend="fault until recovery"):
    """Each fault as a band from injection to recovery, with a line where it began (a 20 ms band is a hair at 200 s);
    every k-th fault's number above the first labelled panel."""
    step = fault_label_step(len(faults))
    for index, (start, recovered, _, _) in enumerate(faults):
        for axes in panels:
            first = axes in labelled_panels and index == 0
            axes.axvspan(start, recovered if recovered is not None else end, color=FAULT_COLOR, alpha=0.25, linewidth=0,
                         label=legend if first else None)
            axes.axvline(start, color=FAULT_COLOR, alpha=0.5, linewidth=0.6)
        fault_number = index + 1
        if labelled_panels and (fault_number == 1 or fault_number % step == 0):
            labelled_panels[0].annotate(f"#{fault_number}", (start, 1.0), xycoords=("data", "axes fraction"), xytext=(0, 2),
                                        textcoords="offset points", fontsize=7, ha="center", va="bottom", color=FAULT_COLOR)


def fault_table(axes, faults):
    """The faults, numbered as on the chart: what, whom, when (s), and how long until writes were served again."""
    axes.axis("off")
    header = f"{'#':>3} {'fault':<16} {'node':<4} {'at s':>7} {'to ack':>9}"
    rows = []
    for index, (start, recovered, fault, victim) in enumerate(faults, start=1):
        duration = f"{(recovered - start) * 1000:.0f} ms" if recovered is not None else "never"
        rows.append(f"{index:>3} {fault[:16]:<16} {victim[:4]:<4} {start:7.1f} {duration:>9}")
    columns = [rows[i:i + FAULT_TABLE_ROWS_PER_COLUMN] for i in range(0, len(rows), FAULT_TABLE_ROWS_PER_COLUMN)]
    size = 7 if len(rows) <= 25 else 5.5
    for column_index, column in enumerate(columns):
        axes.text(column_index / len(columns), 1.0, "\n".join([header] + column), transform=axes.transAxes,
                  family="monospace", fontsize=size, va="top", ha="left")
    axes.set_title("faults (to ack: until a write was acknowledged again)", fontsize=8, loc="left")


def plot_timeseries(directory, out):
    """DIR/timeseries.csv with DIR/faults.csv shaded; a campaign's DIR/load/timeseries.csv (same time zero) below it."""
    if not os.path.isdir(directory):
        raise InputError(f"{directory}: no such directory")
    series = read_timeseries(os.path.join(directory, "timeseries.csv"))
    faults_path = os.path.join(directory, "faults.csv")
    faults = read_faults(faults_path) if os.path.exists(faults_path) else []
    load_path = os.path.join(directory, "load", "timeseries.csv")
    load = read_timeseries(load_path) if os.path.exists(load_path) else None
    dropped = [drop_partial_last_interval(s) for s in ([series, load] if load else [series])]
    scheduler = has_scheduler_figures(series)
    rows = (2 if load is None else 3) + (1 if scheduler else 0)
    table_columns = max(1, math.ceil(len(faults) / FAULT_TABLE_ROWS_PER_COLUMN))
    width_ratios = [4, 1.3 * table_columns] if faults else [1]
    figure = plt.figure(figsize=(10 + (2.6 * table_columns if faults else 0), (7 if load is None else 10) + (2.5 if scheduler else 0)),
                        constrained_layout=True)
    grid = figure.add_gridspec(rows, len(width_ratios), width_ratios=width_ratios,
                               height_ratios=([2, 1] if load is None else [2, 2, 1]) + ([1] if scheduler else []))
    latency_axes = figure.add_subplot(grid[0, 0])
    panels = [latency_axes]
    for row in range(1, rows):
        panels.append(figure.add_subplot(grid[row, 0], sharex=latency_axes))
    scheduler_axes = panels.pop() if scheduler else None
    latency_panels, rate_axes = panels[:-1], panels[-1]
    plot_latency(latency_axes, series, "Latency per interval" if load is None
                 else "Latency per interval: checked clients (one operation outstanding each)")
    plot_rates(rate_axes, series, "", "-")
    if load is not None:
        plot_latency(latency_panels[1], load, "Latency per interval: open-loop load generator (from the intended send time)")
        plot_rates(rate_axes, load, "load ", "--")
    rate_axes.set_ylabel("operations per second")
    if scheduler_axes is not None:
        plot_scheduler(scheduler_axes, series)
        rate_axes = scheduler_axes  # the time axis's label goes under the lowest panel
    note = "; the last interval, cut short by the end of the run, is not drawn" if any(d is not None for d in dropped) else ""
    rate_axes.set_xlabel("time since load start (s)" + note)
    end = max(series["elapsed_s"][-1], load["elapsed_s"][-1] if load else 0.0)
    shade_faults(panels, latency_panels, faults, end, legend="fault until recovery (numbers: table)")
    if faults:
        fault_table(figure.add_subplot(grid[:, 1]), faults)
    for axes in panels + ([scheduler_axes] if scheduler_axes is not None else []):
        axes.grid(True, alpha=0.3)
        axes.legend(loc="upper right", fontsize=7, framealpha=0.7)
    run = find_run_json(directory)
    figure.suptitle(titled("Latency and throughput over time" + (f", {len(faults)} faults" if faults else ""), [run]),
                    fontsize=10)
    save(figure, output_prefix(out, directory, "timeseries"))


def read_elections(path):
    rows = read_csv(path, ELECTIONS_COLUMNS)
    samples = {}
    for metric, _ in ELECTION_METRICS:
        values = [number(row, metric, path, line) for line, row in enumerate(rows, start=2)]
        samples[metric] = sorted(value for value in values if value is not None)
    return samples


def plot_elections(files, labels, out):
    labels = labels_for(files, labels)
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
            # Wrapped: a long target label on one line widened the legend past its axes and collapsed the layout.
            cdf_axes.step(values, fractions, where="post", color=color,
                          label=wrapped(label) + f"\nn={len(values)}, p50 {p50:.0f}, p99 {p99:.0f}, max {largest:.0f} ms")
            for mark, marker in ((p50, "o"), (p99, "^"), (largest, "x")):
                cdf_axes.plot([mark], [100.0 * sum(1 for v in values if v <= mark) / len(values)], marker=marker,
                              color=color, linestyle="none")
            histogram_axes.hist(values, bins=min(50, max(5, len(values) // 4)), color=color, alpha=0.5, label=wrapped(label))
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
    figure.suptitle(titled("Leader election after a fault (Raft paper §9.3, Figure 16 style)",
                           [find_run_json(path) for path in files]), fontsize=11)
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
    return label_compare_rows(rows, entries)


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


def read_history(path):
    """(kind, outcome, invoke_ns, complete_ns or None) per operation of a campaign's history.csv."""
    rows = read_csv(path, HISTORY_COLUMNS)
    operations = []
    for line, row in enumerate(rows, start=2):
        invoke = number(row, "invoke_ns", path, line)
        if invoke is None:
            raise InputError(f"{path} line {line}: invoke_ns must be set")
        kind, outcome = row["kind"] or "", row["outcome"] or ""
        if outcome not in OUTCOME_COLORS:
            raise InputError(f"{path} line {line}: outcome must be OK, FAIL or UNKNOWN, not {outcome!r}")
        operations.append((kind, outcome, invoke, number(row, "complete_ns", path, line)))
    if not operations:
        raise InputError(f"{path}: no operations")
    return operations


def plot_operations(directory, out):
    """Every operation of DIR/history.csv as a point at its invoke time (Jepsen's latency-raw), faults shaded."""
    if not os.path.isdir(directory):
        raise InputError(f"{directory}: no such directory")
    operations = read_history(os.path.join(directory, "history.csv"))
    faults_path = os.path.join(directory, "faults.csv")
    faults = read_faults(faults_path) if os.path.exists(faults_path) else []
    run = find_run_json(directory)
    zero = (run or {}).get("loadStartNanos")
    zero_note = "time since load start (s)"
    if zero is None:  # a run from before run.json had it: the first invocation, a few ms after the load started
        zero = min(invoke for _, _, invoke, _ in operations)
        zero_note = "time since the first operation (s); faults are placed from the load start, a few ms earlier"
    completed = [(complete - invoke) / 1e6 for _, _, invoke, complete in operations if complete is not None]
    ceiling = max(completed) * 1.5 if completed else 1.0
    figure = plt.figure(figsize=(12, 6), constrained_layout=True)
    axes = figure.add_subplot()
    for outcome, color in OUTCOME_COLORS.items():
        for kind, marker in KIND_MARKERS.items():
            points = [((invoke - zero) / 1e9, (complete - invoke) / 1e6 if complete is not None else ceiling)
                      for op_kind, op_outcome, invoke, complete in operations if op_kind == kind and op_outcome == outcome]
            if points:
                # Rasterized inside the SVG: tens of thousands of vector markers make a file browsers choke on.
                axes.scatter([x for x, _ in points], [y for _, y in points], s=6, marker=marker, color=color, alpha=0.6,
                             linewidths=0, rasterized=True, label=f"{kind} {outcome.lower()} ({len(points)})")
    axes.set_yscale("log")
    plain_millisecond_ticks(axes)
    end = max((invoke - zero) / 1e9 for _, _, invoke, _ in operations)
    shade_faults([axes], [axes], faults, end)
    never = sum(1 for _, _, _, complete in operations if complete is None)
    axes.set_ylabel("latency (ms), log scale" + (f"; never completed ({never}) drawn at the top" if never else ""))
    axes.set_xlabel(zero_note)
    axes.grid(True, alpha=0.3)
    axes.legend(loc="upper right", fontsize=7, ncol=2, markerscale=2)
    axes.set_title("faults numbered as in timeseries.png, whose table lists them" if faults else "", fontsize=8, pad=14)
    figure.suptitle(titled(f"Every operation at its invoke time, by outcome ({len(operations)} operations)", [run]),
                    fontsize=10)
    save(figure, output_prefix(out, directory, "operations"))


def read_sweep(path):
    """{target: [(fraction_of_peak, offered, achieved, p50_ms, p99_ms, saturated)]} from a kvbench sweep's sweep.csv."""
    rows = read_csv(path, SWEEP_COLUMNS)
    if not rows:
        raise InputError(f"{path}: no rows")
    targets = {}
    for line, row in enumerate(rows, start=2):
        values = [number(row, column, path, line) for column in ("fraction_of_peak", "offered_rate", "achieved_rate",
                                                                "p50_us", "p99_us")]
        if None in values:
            raise InputError(f"{path} line {line}: fraction_of_peak, offered_rate, achieved_rate, p50_us and p99_us must be set")
        saturated = (row["saturated"] or "").strip().lower()
        if saturated not in ("true", "false"):
            raise InputError(f"{path} line {line}: saturated must be true or false, not {row['saturated']!r}")
        fraction, offered, achieved, p50, p99 = values
        targets.setdefault(row["target"] or "?", []).append((fraction, offered, achieved, p50 / 1000.0, p99 / 1000.0,
                                                            saturated == "true"))
    return targets


def plot_sweep(path, out, log_y=True):
    """The hockey stick: p50 and p99 against the achieved rate, one colour per target, a point per open-loop step."""
    targets = read_sweep(path)
    figure, axes = plt.subplots(figsize=(10, 6), constrained_layout=True)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, (target, steps) in enumerate(targets.items()):
        color = colors[index % len(colors)]
        steps = sorted(steps)
        achieved = [step[2] for step in steps]
        axes.plot(achieved, [step[3] for step in steps], marker="o", color=color, linewidth=1.5, label=f"{target} p50")
        axes.plot(achieved, [step[4] for step in steps], marker="^", color=color, linewidth=1.5, linestyle="--",
                  label=f"{target} p99")
        saturated = [step for step in steps if step[5]]
        if saturated:
            circled = any(collection.get_label().startswith("circled") for collection in axes.collections)
            axes.scatter([step[2] for step in saturated], [step[4] for step in saturated], s=90, facecolors="none",
                         edgecolors="black", linewidths=1.2, zorder=3,
                         label=None if circled else "circled: achieved < 95 % of offered (saturated)")
    rates = [step[2] for steps in targets.values() for step in steps if step[2] > 0]
    log_x = bool(rates) and max(rates) / min(rates) > 20  # kvnode's steps would squash etcd's into a corner
    if log_x:
        axes.set_xscale("log")
        plain_millisecond_ticks(axes, "x")
    if log_y:
        axes.set_yscale("log")
        plain_millisecond_ticks(axes)
    else:
        axes.set_ylim(bottom=0)
    axes.set_xlabel("achieved rate (operations per second)" + (", log scale" if log_x else ""))
    axes.set_ylabel("latency from the intended send time (ms)" + (", log scale" if log_y else ""))
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(loc="upper left", fontsize=8)
    fractions = sorted({round(step[0] * 100) for steps in targets.values() for step in steps})
    axes.set_title(titled(f"Latency against throughput: open-loop steps at {fractions[0]}-{fractions[-1]} % of each "
                          "target's measured peak", [find_run_json(path)]), fontsize=10)
    save(figure, output_prefix(out, path, "latency-vs-throughput"))


def sweep_spectra(sweep_path, value_unit):
    """Each target's steps at about 10, 50 and 90 % of its own peak, overlaid: kvnode's spectra beside etcd's."""
    directory = os.path.dirname(os.path.abspath(sweep_path))
    files, labels, styles = [], [], []
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, (target, steps) in enumerate(read_sweep(sweep_path).items()):
        for wanted, linestyle in ((0.1, ":"), (0.5, "--"), (0.9, "-")):
            fraction = min((step[0] for step in steps), key=lambda f: abs(f - wanted))
            folder = os.path.join(directory, target, f"step-{round(fraction * 100):03d}")
            hgrm = os.path.join(folder, "latency.hgrm")
            if os.path.isfile(hgrm) and hgrm not in files:
                offered = next(step[1] for step in steps if step[0] == fraction)
                files.append(hgrm)
                labels.append(f"{target} at {round(fraction * 100)} % of its peak ({offered:.0f} ops/s)")
                styles.append({"color": colors[index % len(colors)], "linestyle": linestyle})
    if files:
        plot_spectrum(files, labels, os.path.join(directory, "sweep-spectra"), value_unit, log_y=True,
                      measure="Write latency from the intended send time at fractions of each target's peak",
                      styles=styles, title_runs=[find_run_json(sweep_path)])


def run_label(path, directory):
    """A legend label for a file found under DIR: its folder relative to DIR, or DIR's own name."""
    folder = os.path.relpath(os.path.dirname(os.path.abspath(path)), os.path.abspath(directory))
    return os.path.basename(os.path.abspath(directory)) if folder == "." else folder


def labels_under(files, directory):
    """Legend labels for files found under DIR: what their run.json says ran, else their folder."""
    runs = [find_run_json(path) for path in files]
    labels = [run_legend(run) if run else run_label(path, directory) for run, path in zip(runs, files)]
    return [label if labels.count(label) == 1 else f"{label} ({run_label(path, directory)})" for label, path in zip(labels, files)]


def plot_all(directory, value_unit, log_y=False):
    if not os.path.isdir(directory):
        raise InputError(f"{directory}: no such directory")
    timeseries_dirs, hgrm_files, election_files, compare_files, history_dirs, sweep_files = [], [], [], [], [], []
    for root, subdirectories, files in os.walk(directory):
        subdirectories.sort()
        if "sweep.csv" in files:
            sweep_files.append(os.path.join(root, "sweep.csv"))
            subdirectories[:] = []  # its steps are drawn by the sweep's charts, not one spectrum line each
        for name in sorted(files):
            path = os.path.join(root, name)
            if name == "timeseries.csv":
                timeseries_dirs.append(root)
            elif name.endswith(".hgrm") and name not in ELECTION_HGRM_FILES:
                hgrm_files.append(path)
            elif name == "elections.csv":
                election_files.append(path)
            elif name == "compare.csv":
                compare_files.append(path)
            elif name == "history.csv":
                history_dirs.append(root)
    if not (timeseries_dirs or hgrm_files or election_files or compare_files or history_dirs or sweep_files):
        raise InputError(f"{directory}: no timeseries.csv, *.hgrm, elections.csv, history.csv, sweep.csv or compare.csv found")
    for timeseries_dir in timeseries_dirs:
        plot_timeseries(timeseries_dir, None)
    for history_dir in history_dirs:
        plot_operations(history_dir, None)
    by_measure = {}
    for path in hgrm_files:
        by_measure.setdefault(os.path.basename(path), []).append(path)
    for name, files in by_measure.items():
        default_name, measure = SPECTRUM_MEASURES.get(name, (os.path.splitext(name)[0] + "-spectrum",
                                                            os.path.splitext(name)[0] + " (" + name + ")"))
        plot_spectrum(files, labels_under(files, directory), os.path.join(directory, default_name), value_unit,
                      log_y=log_y, measure=measure)
    if election_files:
        plot_elections(election_files, labels_under(election_files, directory), os.path.join(directory, "elections"))
    for compare_file in compare_files:
        plot_compare(compare_file, None)
    for sweep_file in sweep_files:
        plot_sweep(sweep_file, None)
        sweep_spectra(sweep_file, value_unit)


# ---------------------------------------------------------------------------------------------- command line

def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="plot.py", description=__doc__.split("\n\n")[0],
                                     epilog="File formats: docs/results-format.md. "
                                            "Exit codes: 0 drawn, 2 bad input, 3 matplotlib missing.")
    parser.add_argument("--describe", metavar="FILE.json",
                        help="also write what each chart shows (titles, labels, scales, series, ticks) as JSON")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    spectrum = commands.add_parser("spectrum", help="latency percentile spectrum of .hgrm files, overlaid")
    spectrum.add_argument("files", nargs="+", metavar="FILE.hgrm")
    spectrum.add_argument("--labels", nargs="+", help="one legend label per file (default: file names)")
    spectrum.add_argument("--value-unit", choices=sorted(HGRM_UNIT_TO_MS), default="ms",
                          help="unit of the Value column (default ms)")
    spectrum.add_argument("--log-y", action="store_true", help="latency on a log scale (plain ms ticks)")
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

    operations = commands.add_parser("operations",
                                     help="every operation of DIR/history.csv at its invoke time, by outcome, faults shaded")
    operations.add_argument("directory", metavar="DIR", help="a chaos campaign's folder (history.csv, faults.csv, run.json)")
    operations.add_argument("--out", metavar="PREFIX")

    sweep = commands.add_parser("sweep", help="p50/p99 against achieved rate from a kvbench sweep's sweep.csv")
    sweep.add_argument("file", metavar="FILE.csv")
    sweep.add_argument("--linear-y", action="store_true", help="latency on a linear scale (default: log)")
    sweep.add_argument("--out", metavar="PREFIX")

    everything = commands.add_parser("all", help="draw every chart the known files under DIR allow")
    everything.add_argument("directory", metavar="DIR")
    everything.add_argument("--value-unit", choices=sorted(HGRM_UNIT_TO_MS), default="ms",
                            help="unit of the Value column of .hgrm files (default ms)")
    everything.add_argument("--log-y", action="store_true", help="latency spectra on a log scale")
    add_version_commands(commands)
    return parser.parse_args(argv)


def import_matplotlib():
    global plt, matplotlib
    try:
        import matplotlib as library
        library.use("Agg")  # no display needed: files only
        import matplotlib.pyplot as pyplot
        import matplotlib.ticker  # noqa: F401 (plain_millisecond_ticks)
    except ImportError:
        print("plot.py: matplotlib is not importable by " + sys.executable
              + "; install Debian's python3-matplotlib (apt-get install python3-matplotlib) and run with /usr/bin/python3",
              file=sys.stderr)
        sys.exit(EXIT_NO_MATPLOTLIB)
    plt = pyplot
    matplotlib = library


def main(argv):
    global DESCRIPTIONS
    arguments = parse_arguments(argv)
    import_matplotlib()
    DESCRIPTIONS = [] if arguments.describe else None
    try:
        if arguments.command == "spectrum":
            plot_spectrum(arguments.files, arguments.labels, arguments.out, arguments.value_unit, arguments.log_y)
        elif arguments.command == "timeseries":
            plot_timeseries(arguments.directory, arguments.out)
        elif arguments.command == "elections":
            plot_elections(arguments.files, arguments.labels, arguments.out)
        elif arguments.command == "compare":
            plot_compare(arguments.file, arguments.out)
        elif arguments.command == "operations":
            plot_operations(arguments.directory, arguments.out)
        elif arguments.command == "sweep":
            plot_sweep(arguments.file, arguments.out, log_y=not arguments.linear_y)
        elif arguments.command in VERSION_COMMANDS:
            VERSION_COMMANDS[arguments.command](arguments)
        else:
            plot_all(arguments.directory, arguments.value_unit, arguments.log_y)
    except InputError as error:
        print(f"plot.py: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if arguments.describe:
        with open(arguments.describe, "w", encoding="utf-8") as handle:
            json.dump({"charts": DESCRIPTIONS}, handle, indent=1)
    return 0


plt = None
matplotlib = None
DESCRIPTIONS = None  # a list when --describe is given: one entry per chart saved

# ---------------------------------------------------------------------------------------------- versions and releases
# Charts of `kvbench compare` folders (compare-runs.csv) and of `kvbench history` (history.csv).

VERSION_RUNS_COLUMNS = ["side", "label", "round", "configuration", "metric", "better", "value", "source"]
RELEASE_HISTORY_COLUMNS = [
    "release", "commit", "date", "write_p50_over_floor", "write_p99_over_floor", "peak_throughput_ratio_to_etcd",
    "peak_clients", "election_p50_ms", "election_p99_ms", "unavailability_p50_ms", "unavailability_p99_ms",
]
SIDE_STYLES = {"A": ("tab:blue", "o"), "B": ("tab:orange", "^")}
# key=value, key="a value with spaces", key=50 vs 30 (a key --ignore left out of the pairing)
CONFIGURATION_KEY = re.compile(r'([^\s=]+)=((?:"[^"]*"|[^\s"]+)(?: vs (?:"[^"]*"|[^\s"]+))?)')


def read_version_runs(directory):
    """compare-runs.csv of a compare folder: one dict per value, sources made absolute."""
    path = os.path.join(directory, "compare-runs.csv")
    rows = read_csv(path, VERSION_RUNS_COLUMNS)
    if not rows:
        raise InputError(f"{path}: no rows")
    entries = []
    for line, row in enumerate(rows, start=2):
        value = number(row, "value", path, line)
        if row["side"] not in SIDE_STYLES or value is None or not row["metric"] or not row["configuration"]:
            raise InputError(f"{path} line {line}: side must be A or B, and configuration, metric and value set")
        source = row["source"]
        if source and not os.path.isabs(source):
            source = os.path.join(directory, source)
        entries.append({"side": row["side"], "label": row["label"] or row["side"], "round": row["round"] or "",
                        "configuration": row["configuration"], "metric": row["metric"],
                        "better": row["better"] or "", "value": value, "source": source})
    return entries


def configuration_titles(configurations):
    """Short panel titles: each configuration's experiment (what ran: scenario, target, mode, fault), and, where
    one experiment ran in several configurations, the keys that tell those apart; the keys every configuration
    shares go to the figure's subtitle once (compare.md and compare.csv have every configuration in full)."""
    parsed = []
    for configuration in configurations:
        experiment, _, rest = configuration.partition(": ")
        parsed.append((experiment, dict(CONFIGURATION_KEY.findall(rest))))
    shared = {}
    if parsed:
        shared = {key: value for key, value in parsed[0][1].items()
                  if all(keys.get(key) == value for _, keys in parsed)}
    titles = {}
    for configuration, (experiment, keys) in zip(configurations, parsed):
        siblings = [other for other_experiment, other in parsed if other_experiment == experiment]
        own = " ".join(f"{key}={value}" for key, value in keys.items()
                       if any(other.get(key) != value for other in siblings) or " vs " in value)
        titles[configuration] = experiment + (f"\n{own}" if own else "")
    common = " ".join(f"{key}={value}" for key, value in shared.items())
    return titles, common


def label_compare_rows(rows, entries):
    """compare.csv rows of several configurations (its configuration column) are labelled with the part of the
    configuration that tells them apart, then the metric."""
    configurations = [row.get("configuration") for row in rows]
    if not any(configurations):
        return entries
    titles, _ = configuration_titles(list(dict.fromkeys(c or "" for c in configurations)))
    return [(f"{titles[c or '']}: {metric}".replace("\n", " "), values, significant)
            for c, (metric, values, significant) in zip(configurations, entries)]


def side_labels(entries):
    return {side: next((e["label"] for e in entries if e["side"] == side), side) for side in SIDE_STYLES}


def plot_version_rounds(entries, prefix):
    """One row per configuration, one panel per metric: each round's value of A and of B, the medians dashed."""
    configurations = list(dict.fromkeys(e["configuration"] for e in entries))
    metrics = {c: list(dict.fromkeys(e["metric"] for e in entries if e["configuration"] == c)) for c in configurations}
    titles, common = configuration_titles(configurations)
    labels = side_labels(entries)
    columns = max(len(names) for names in metrics.values())
    figure, grid = plt.subplots(len(configurations), columns, figsize=(3.3 * columns, 2.8 * len(configurations)),
                                squeeze=False, constrained_layout=True)
    for row, configuration in enumerate(configurations):
        for column in range(columns):
            axes = grid[row][column]
            if column >= len(metrics[configuration]):
                axes.axis("off")
                continue
            metric = metrics[configuration][column]
            chosen = [e for e in entries if e["configuration"] == configuration and e["metric"] == metric]
            for side, (color, marker) in SIDE_STYLES.items():
                values = [e["value"] for e in chosen if e["side"] == side]
                if not values:
                    continue
                axes.plot(range(1, len(values) + 1), values, marker=marker, linestyle="none", color=color,
                          label=f"{side}: {labels[side]}")
                ordered = sorted(values)
                middle = len(ordered) // 2
                median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
                axes.axhline(median, color=color, linestyle="--", linewidth=0.8)
            better = chosen[0]["better"]
            axes.set_title(metric + (f"\n({better} is better)" if better else ""), fontsize=8)
            axes.xaxis.set_major_locator(matplotlib_ticker().MaxNLocator(integer=True))
            axes.tick_params(labelsize=7)
            axes.grid(True, alpha=0.3)
            if column == 0:
                axes.set_ylabel(titles[configuration], fontsize=8)
            if row == len(configurations) - 1:
                axes.set_xlabel("round", fontsize=8)
    grid[0][0].legend(fontsize=7)
    figure.suptitle("Each round's value, A and B (dashed: each side's median)"
                    + (f"\nall runs: {common}" if common else ""), fontsize=9)
    save(figure, prefix)


def matplotlib_ticker():
    import matplotlib.ticker
    return matplotlib.ticker


def plot_version_spectra(entries, prefix):
    """Per load configuration, every run's latency spectrum (latency.hgrm beside its summary.csv), A and B
    overlaid; nothing is drawn when no run has one."""
    runs = {}
    for e in entries:
        if e["metric"] != "write_p50_us" or not e["source"]:
            continue
        hgrm = os.path.join(os.path.dirname(e["source"]), "latency.hgrm")
        if os.path.isfile(hgrm):
            runs.setdefault(e["configuration"], []).append((e["side"], hgrm))
    if not runs:
        return
    titles, common = configuration_titles(list(runs))
    labels = side_labels(entries)
    figure, grid = plt.subplots(len(runs), 1, figsize=(9, 3.6 * len(runs)), squeeze=False, constrained_layout=True)
    for row, (configuration, files) in enumerate(runs.items()):
        axes = grid[row][0]
        largest = 100.0
        for side, (color, _) in SIDE_STYLES.items():
            side_files = [path for s, path in files if s == side]
            for number_in_side, path in enumerate(side_files):
                values, inverse_tails = read_hgrm(path, "ms")
                largest = max(largest, max(inverse_tails))
                axes.plot(inverse_tails, values, color=color, linewidth=1.0, alpha=0.6,
                          label=f"{side}: {labels[side]} ({len(side_files)} runs)" if number_in_side == 0 else None)
        axes.set_xscale("log")
        axes.set_yscale("log")
        ticks = [(x, text) for x, text in PERCENTILE_TICKS if x <= largest * 1.01]
        axes.set_xticks([x for x, _ in ticks])
        axes.set_xticklabels([text for _, text in ticks])
        axes.minorticks_off()
        axes.set_xlim(1.0, largest * 1.2)
        axes.set_ylabel("latency (ms, log)")
        axes.set_title(titles[configuration], fontsize=9)
        axes.grid(True, which="major", alpha=0.3)
        axes.legend(loc="upper left", fontsize=8)
    grid[-1][0].set_xlabel("percentile")
    figure.suptitle("Write latency by percentile, one line per run, A and B overlaid"
                    + (f"\nall runs: {common}" if common else ""), fontsize=9)
    save(figure, prefix)


def plot_version_elections(entries, prefix):
    """Per chaos configuration, the CDF of every trial of A's runs and of B's, for each election measure."""
    runs = {}
    for e in entries:
        if e["metric"] == "election_p50_ms" and e["source"] and os.path.isfile(e["source"]):
            runs.setdefault(e["configuration"], []).append((e["side"], e["source"]))
    if not runs:
        return
    titles, common = configuration_titles(list(runs))
    labels = side_labels(entries)
    figure, grid = plt.subplots(len(runs), len(ELECTION_METRICS), figsize=(12, 4 * len(runs)), squeeze=False,
                                constrained_layout=True)
    for row, (configuration, files) in enumerate(runs.items()):
        samples = {side: [read_elections(path) for s, path in files if s == side] for side in SIDE_STYLES}
        for column, (metric, description) in enumerate(ELECTION_METRICS):
            axes = grid[row][column]
            for side, (color, _) in SIDE_STYLES.items():
                values = sorted(v for sample in samples[side] for v in sample[metric])
                if not values:
                    continue
                fractions = [100.0 * (rank + 1) / len(values) for rank in range(len(values))]
                axes.step(values, fractions, where="post", color=color,
                          label=f"{side}: {labels[side]}, {len(samples[side])} runs, n={len(values)}, "
                                f"p50 {percentile(values, 0.5):.1f} ms")
            axes.set_ylim(0, 100)
            axes.set_xlabel(f"{description} (ms)")
            axes.set_ylabel("cumulative percent of trials")
            axes.set_title(titles[configuration], fontsize=9)
            axes.grid(True, alpha=0.3)
            axes.legend(loc="lower right", fontsize=7)
    figure.suptitle("Elections after a fault, every trial of each side's runs"
                    + (f"\nall runs: {common}" if common else ""), fontsize=9)
    save(figure, prefix)


def plot_versions(directory):
    """The charts of a compare folder: compare-rounds, and compare-spectra / compare-elections when the runs
    have latency.hgrm / elections.csv files."""
    if not os.path.isdir(directory):
        raise InputError(f"{directory}: no such directory")
    entries = read_version_runs(directory)
    plot_version_rounds(entries, os.path.join(directory, "compare-rounds"))
    plot_version_spectra(entries, os.path.join(directory, "compare-spectra"))
    plot_version_elections(entries, os.path.join(directory, "compare-elections"))


def plot_history(path, out):
    """history.csv: the headline figures by release, one panel each, releases in file order."""
    rows = read_csv(path, RELEASE_HISTORY_COLUMNS)
    if not rows:
        raise InputError(f"{path}: no rows")
    releases = [row["release"] or "?" for row in rows]
    series = {column: [number(row, column, path, line) for line, row in enumerate(rows, start=2)]
              for column in RELEASE_HISTORY_COLUMNS[3:] if column != "peak_clients"}
    panels = [
        ("write latency over the floor (gate: 10 s at 200 writes/s)", "x floor",
         [("write_p50_over_floor", "p50"), ("write_p99_over_floor", "p99")]),
        ("peak throughput, kvnode over etcd (reference runs)", "ratio", [("peak_throughput_ratio_to_etcd", "ratio")]),
        ("kill to new leader (gate: 5 leader kills)", "ms", [("election_p50_ms", "p50"), ("election_p99_ms", "p99")]),
        ("kill to first acknowledged write (gate: 5 leader kills)", "ms",
         [("unavailability_p50_ms", "p50"), ("unavailability_p99_ms", "p99")]),
    ]
    figure, grid = plt.subplots(2, 2, figsize=(12, 8), constrained_layout=True)
    positions = list(range(len(releases)))
    for index, (title, unit, lines) in enumerate(panels):
        axes = grid[index // 2][index % 2]
        drawn = False
        for column, label in lines:
            points = [(x, v) for x, v in zip(positions, series[column]) if v is not None]
            if points:
                drawn = True
                axes.plot([x for x, _ in points], [v for _, v in points], marker="o", label=label)
        if not drawn:
            axes.text(0.5, 0.5, "not measured", transform=axes.transAxes, ha="center", va="center")
        axes.set_xticks(positions)
        axes.set_xticklabels(releases, rotation=30, ha="right", fontsize=8)
        axes.set_xlim(-0.5, len(releases) - 0.5)
        axes.set_ylabel(unit)
        axes.set_ylim(bottom=0)
        axes.set_title(title, fontsize=10)
        axes.grid(True, alpha=0.3)
        if drawn:
            axes.legend(fontsize=8)
    figure.suptitle("Headline figures by release (RELEASES.md; kvbench history)")
    save(figure, output_prefix(out, path, "history"))


def add_version_commands(commands):
    versions = commands.add_parser("versions", help="charts of a kvbench compare folder: each round's A and B "
                                                    "values, latency spectra and election CDFs of A and B overlaid")
    versions.add_argument("directory", metavar="DIR", help="the compare folder (compare-runs.csv)")
    history = commands.add_parser("history", help="headline figures by release from history.csv (kvbench history)")
    history.add_argument("file", metavar="FILE.csv")
    history.add_argument("--out", metavar="PREFIX")


VERSION_COMMANDS = {
    "versions": lambda arguments: plot_versions(arguments.directory),
    "history": lambda arguments: plot_history(arguments.file, arguments.out),
}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
