#!/usr/bin/env python3
"""Prints the reference-run figures and their ratios to the goals (issue 4), from ReferenceRuns' output.

Usage: python3 bench/reference_ratios.py results/reference [more run directories, or rounds.csv files...]
The floor is the one measured in the same run (reference.json "floorBefore"): fsync p50 + loopback RTT p50.
"""
import csv
import json
import statistics
import sys


def alternating(path):
    """Per-round kvnode/etcd ratios from AlternatingPeaks' rounds.csv, and their medians."""
    rows = list(csv.DictReader(open(path)))
    by_key = {(row["round"], row["system"], row["clients"]): row for row in rows}
    print(f"== {path}")
    for clients in ("16", "64"):
        throughput_ratios, p99_ratios = [], []
        for round_number in sorted({row["round"] for row in rows}, key=int):
            kvnode, etcd = by_key.get((round_number, "kvnode", clients)), by_key.get((round_number, "etcd", clients))
            if not kvnode or not etcd:
                continue
            throughput = float(kvnode["achieved_rate"]) / float(etcd["achieved_rate"])
            p99 = int(kvnode["p99_us"]) / int(etcd["p99_us"])
            throughput_ratios.append(throughput)
            p99_ratios.append(p99)
            print(f"round {round_number}, {clients} clients: kvnode {float(kvnode['achieved_rate']):.0f}/s p99 "
                  f"{kvnode['p99_us']} us; etcd {float(etcd['achieved_rate']):.0f}/s p99 {etcd['p99_us']} us; "
                  f"throughput {throughput:.2f}x, p99 {p99:.2f}x")
        print(f"{clients} clients, median of {len(throughput_ratios)} rounds: throughput kvnode/etcd "
              f"{statistics.median(throughput_ratios):.2f}x (goal >= 4x), p99 {statistics.median(p99_ratios):.2f}x (goal < 1)")


def inside(directory, client_p50, floor, floor_micros):
    """The sequential scenario's in-node figures (node-latency.json, runs since e078f97) and the bound they set."""
    try:
        nodes = json.load(open(directory + "/kvnode-sequential-writes/node-latency.json"))
    except FileNotFoundError:
        return
    leader = nodes.get("leaderWriteMicros")
    commits = [node for node in nodes["walCommitMicros"] if node["count"] > 0]
    if not leader or not commits:
        return
    commit_p50 = statistics.median(node["p50Micros"] for node in commits)
    # A majority write needs the client's round trip, one to a follower and that follower's WAL commit, made while
    # the other nodes fsync the same disk: the least it can take on this machine, before any CPU of kvnode's own.
    bound = 2 * floor["roundTripMicrosP50"] + commit_p50
    print(f"  inside the nodes: leader decoded-to-reply p50 {leader['p50Micros']} us, p99 {leader['p99Micros']} us "
          f"({client_p50 - leader['p50Micros']} us of the client's p50 outside the leader); WAL commit p50 per node "
          f"{', '.join(str(node['p50Micros']) for node in commits)} us (floor fsync {floor['fsyncMicrosP50']:.0f} us)")
    replication = nodes.get("replicationMicros")
    if replication:
        print(f"  leader's entries sent to the first follower's ack: p50 {replication['p50Micros']} us, p99 {replication['p99Micros']} us")
    print(f"  disk-sharing bound: 2 x rtt p50 + median WAL commit p50 = {bound:.0f} us = {bound / floor_micros:.2f}x floor; "
          f"kvnode p50 = {client_p50 / bound:.2f}x that bound")


def majority(directory, floor, p50, p99):
    """Sequential writes over the majority-write floor (issue 19; reference.json since it has the contended fsync)."""
    if "contendedFsyncMicrosP50" not in floor:
        return
    micros = 2 * floor["roundTripMicrosP50"] + floor["contendedFsyncMicrosP50"]
    micros_p99 = 2 * floor["roundTripMicrosP99"] + floor["contendedFsyncMicrosP99"]
    print(f"  majority-write floor: 2 x rtt p50 + {floor['clusterSize']} fsyncs at once, the majority's, p50 "
          f"{floor['contendedFsyncMicrosP50']:.0f} us = {micros:.0f} us (p99 {micros_p99:.0f} us); sequential p50 "
          f"{p50 / micros:.2f}x (goal <= 1.25x), p99 {p99 / micros:.2f}x (goal <= 2.5x), p99 over its p99 floor "
          f"{p99 / micros_p99:.2f}x")


def cpu(scenario, row, directory):
    """CPU per acknowledged write per process over the measured span (issue 19's columns), the leader named."""
    if not row or not row.get("cpu_us_per_write_total"):
        return
    try:
        leader = json.load(open(f"{directory}/{scenario}/node-latency.json"))["leaderWriteMicros"]["nodeId"]
    except (FileNotFoundError, KeyError, TypeError):
        leader = None
    parts = [f"{column[len('cpu_us_per_write_'):]}{' (leader)' if column == f'cpu_us_per_write_node{leader}' else ''} "
             f"{float(value):.0f}" for column, value in row.items()
             if column.startswith("cpu_us_per_write_") and column != "cpu_us_per_write_total" and value]
    print(f"  {scenario}: CPU per write {float(row['cpu_us_per_write_total']):.0f} us in all ({', '.join(parts)}); "
          f"voluntary switches per write {float(row['voluntary_switches_per_write_total']):.1f}")


def cpu_floor(floor, row, directory, when):
    """The sequential run's CPU per write over the CPU floor of each role (floor.cpuFloor, since 2026-12-07 evening),
    measured `when` ("before", "after" the scenarios): the machine's speed drifts within a run, so both are given."""
    if "cpuFloor" not in floor or not row or not row.get("cpu_us_per_write_total"):
        return
    try:
        leader = json.load(open(f"{directory}/kvnode-sequential-writes/node-latency.json"))["leaderWriteMicros"]["nodeId"]
    except (FileNotFoundError, KeyError, TypeError):
        leader = None
    for placement, skeleton in floor["cpuFloor"].items():
        if skeleton.get("inFlight", 1) != 1:
            continue  # the batched floor: see cpu_floor_batched
        parts = []
        for column, value in row.items():
            if not column.startswith("cpu_us_per_write_") or column == "cpu_us_per_write_total" or not value:
                continue
            name = column[len("cpu_us_per_write_"):]
            if name == "generator":
                role = "clientCpuMicrosPerWrite"
            elif leader is not None and name == f"node{leader}":
                role, name = "leaderCpuMicrosPerWrite", name + " (leader)"
            elif leader is not None:
                role = "followerCpuMicrosPerWrite"
            else:
                continue
            parts.append(f"{name} {float(value) / skeleton[role]:.2f}x")
        parts.append(f"all {float(row['cpu_us_per_write_total']) / skeleton['totalCpuMicrosPerWrite']:.2f}x")
        print(f"  CPU floor {when}, fsync {placement}: leader {skeleton['leaderCpuMicrosPerWrite']:.0f}, follower "
              f"{skeleton['followerCpuMicrosPerWrite']:.0f}, client {skeleton['clientCpuMicrosPerWrite']:.0f}, total "
              f"{skeleton['totalCpuMicrosPerWrite']:.0f} us per write; sequential over it: {', '.join(parts)}")


def cpu_floor_batched(floor, row, when):
    """The 64-client scenario's CPU per write over the batched CPU floor (64 in flight on 16 connections, as it)."""
    if "cpuFloor" not in floor or not row or not row.get("cpu_us_per_write_total"):
        return
    for placement, skeleton in floor["cpuFloor"].items():
        if skeleton.get("inFlight", 1) == 1:
            continue
        # The 64-client scenario runs 64 in flight on 16 connections (ReferenceRuns.MAX_KVNODE_CONNECTIONS).
        if skeleton.get("inFlight") != 64 or skeleton.get("connections") != 16:
            continue
        print(f"  CPU floor {when}, fsync {placement}: leader {skeleton['leaderCpuMicrosPerWrite']:.1f}, follower "
              f"{skeleton['followerCpuMicrosPerWrite']:.1f}, client {skeleton['clientCpuMicrosPerWrite']:.1f}, total "
              f"{skeleton['totalCpuMicrosPerWrite']:.1f} us per write; 64 clients over it: all "
              f"{float(row['cpu_us_per_write_total']) / skeleton['totalCpuMicrosPerWrite']:.2f}x")


def main(directories):
    for directory in directories:
        if directory.endswith(".csv"):
            alternating(directory)
            continue
        rows = {row["scenario"]: row for row in csv.DictReader(open(directory + "/summary.csv"))}
        reference = json.load(open(directory + "/reference.json"))
        floor = reference["floorBefore"]
        floor_micros = floor["fsyncMicrosP50"] + floor["roundTripMicrosP50"]
        floor_p99_micros = floor["fsyncMicrosP99"] + floor["roundTripMicrosP99"]
        after = reference["floorAfter"]
        print(f"== {directory}")
        print(f"floor: fsync p50 {floor['fsyncMicrosP50']:.0f} us, p99 {floor['fsyncMicrosP99']:.0f} us; "
              f"rtt p50 {floor['roundTripMicrosP50']:.0f} us, p99 {floor['roundTripMicrosP99']:.0f} us; "
              f"floor = {floor_micros:.0f} us (p99 sum {floor_p99_micros:.0f} us); at the end: fsync p50 "
              f"{after['fsyncMicrosP50']:.0f} us, rtt p50 {after['roundTripMicrosP50']:.0f} us")
        sequential = rows["kvnode-sequential-writes"]
        p50, p99 = int(sequential["p50_us"]), int(sequential["p99_us"])
        print(f"sequential writes: {float(sequential['achieved_rate']):.0f}/s, p50 {p50} us = {p50 / floor_micros:.2f}x "
              f"floor (goal <= 1.5x), p99 {p99} us = {p99 / floor_micros:.1f}x floor (goal <= 4x; "
              f"{p99 / floor_p99_micros:.2f}x the p99 sum)")
        majority(directory, floor, p50, p99)
        inside(directory, p50, floor, floor_micros)
        no_fsync = rows.get("diagnostic-kvnode-sequential-writes-fsync-none")
        if no_fsync:
            print(f"  diagnostic, fsync none: p50 {no_fsync['p50_us']} us = {int(no_fsync['p50_us']) / floor_micros:.2f}x "
                  f"floor, p99 {no_fsync['p99_us']} us")
        cpu_floor(floor, sequential, directory, "before")
        cpu_floor(after, sequential, directory, "after")
        for clients in (16, 64):
            kvnode = rows[f"kvnode-peak-{clients}-clients"]
            etcd = rows.get(f"etcd-peak-{clients}-clients")
            line = (f"peak {clients} clients: kvnode {float(kvnode['achieved_rate']):.0f}/s p50 {kvnode['p50_us']} "
                    f"p99 {kvnode['p99_us']} us")
            if etcd:
                line += (f"; etcd {float(etcd['achieved_rate']):.0f}/s p50 {etcd['p50_us']} p99 {etcd['p99_us']} us; "
                         f"kvnode/etcd throughput {float(kvnode['achieved_rate']) / float(etcd['achieved_rate']):.2f}x "
                         f"(goal >= 4x), p99 {int(kvnode['p99_us']) / int(etcd['p99_us']):.2f}x (goal < 1)")
            print(line)
        for scenario in ("kvnode-sequential-writes", "kvnode-peak-16-clients", "kvnode-peak-64-clients",
                         "etcd-peak-16-clients", "etcd-peak-64-clients"):
            cpu(scenario, rows.get(scenario), directory)
        cpu_floor_batched(floor, rows.get("kvnode-peak-64-clients"), "before")
        cpu_floor_batched(after, rows.get("kvnode-peak-64-clients"), "after")
        for percent in (50, 80):
            open_loop = rows[f"kvnode-open-loop-{percent}-percent-of-peak"]
            print(f"open loop {percent}% of peak: target {float(open_loop['target_rate']):.0f}/s achieved "
                  f"{float(open_loop['achieved_rate']):.0f}/s; p50 {open_loop['p50_us']} p90 {open_loop['p90_us']} "
                  f"p99 {open_loop['p99_us']} p99.9 {open_loop['p999_us']} max {open_loop['max_us']} us")


if __name__ == "__main__":
    main(sys.argv[1:])
