#!/usr/bin/env python3
"""Summarise alternating rounds (bench/run.sh with ROUNDS=N): per round, the peer's and our QPS at max load, their
ratio, server CPU per query at max and at the fixed rate, p99 at the fixed rate; then the medians. Alternating
(peer, ours, peer, ours ...) keeps slow drifts of the machine from landing on one server only."""
import json
import statistics
import sys


def load(path):
    with open(path) as f:
        s = json.load(f)["summary"][0]
    return s


def main():
    peer_label, ours_label, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    rounds = {}
    for p in files:
        # <stamp>-round<i>-<label>.json
        i = int(p.rsplit("-round", 1)[1].split("-", 1)[0])
        rounds.setdefault(i, {})[load(p)["target"]] = load(p)
    rows = []
    print(f"| round | {peer_label} QPS | ours QPS | ours / {peer_label} | µs CPU/q @max {peer_label} / ours "
          f"| µs CPU/q @fixed {peer_label} / ours | p99 ms @fixed {peer_label} / ours |")
    print("|---|---|---|---|---|---|---|")
    for i in sorted(rounds):
        r = rounds[i]
        if peer_label not in r or ours_label not in r:
            continue
        a, b = r[peer_label], r[ours_label]
        row = (a["qps_median"], b["qps_median"], b["qps_median"] / a["qps_median"],
               a["server_us_per_query"], b["server_us_per_query"],
               a.get("fixed_rate_us_per_query") or float("nan"), b.get("fixed_rate_us_per_query") or float("nan"),
               a.get("p99_ms") or float("nan"), b.get("p99_ms") or float("nan"))
        rows.append(row)
        print(f"| {i} | {row[0]:,.0f} | {row[1]:,.0f} | {row[2]:.2f}× | {row[3]:.2f} / {row[4]:.2f} "
              f"| {row[5]:.2f} / {row[6]:.2f} | {row[7]:.3f} / {row[8]:.3f} |")
    if rows:
        m = [statistics.median(c) for c in zip(*rows)]
        print(f"| **median of {len(rows)}** | {m[0]:,.0f} | {m[1]:,.0f} | **{m[2]:.2f}×** | {m[3]:.2f} / {m[4]:.2f} "
              f"| {m[5]:.2f} / {m[6]:.2f} | {m[7]:.3f} / {m[8]:.3f} |")


if __name__ == "__main__":
    main()
