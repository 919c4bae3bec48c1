#!/usr/bin/env bash
# Speed check of the server core: our server answering from the *hosts* plugin vs knotd answering the same
# 10,000 names from a zone file, both pinned to CPU 1, dnsperf pinned to CPU 0, on 127.0.0.1.
#
#   bench/hosts-bench.sh                 build (Release), generate data, measure both, print a summary
#   DURATION=5 LATENCY_DURATION=3 bench/hosts-bench.sh     shorter runs (smoke test)
#
# Per server: start (taskset -c 1), wait for the first correct answer, 5 s warm-up, one closed-loop throughput
# run (dnsperf -l DURATION -c 4 -T 1 -q 200 -t 1) and one fixed-rate latency run (-Q 20000 -v). Every dnsperf
# run holds `flock /tmp/bench.lock` so it never overlaps another benchmark on this machine.
# Needs: dotnet SDK, dnsperf, knotd, dig, taskset, python3.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DURATION="${DURATION:-20}"
LATENCY_DURATION="${LATENCY_DURATION:-10}"
LATENCY_QPS="${LATENCY_QPS:-20000}"
NAMES="${NAMES:-10000}"
OUR_PORT="${OUR_PORT:-25320}"
KNOT_PORT="${KNOT_PORT:-25321}"
LOCK=/tmp/bench.lock
WORK="$(mktemp -d /tmp/hosts-bench.XXXXXX)"
PIDS=()

cleanup() {
  for p in "${PIDS[@]:-}"; do
    [[ -n "$p" ]] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

for b in dotnet dnsperf knotd dig taskset python3 flock; do
  command -v "$b" >/dev/null || { echo "missing $b" >&2; exit 1; }
done

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "== building Dns.Server (Release)"
dotnet publish "$ROOT/Dns.Server/Dns.Server.csproj" -c Release -r linux-x64 --self-contained false -o "$WORK/bin" --nologo -v quiet >/dev/null  # ReadyToRun, as deployed

echo "== generating $NAMES names"
python3 - "$WORK" "$NAMES" <<'PY'
import os, random, sys
work, n = sys.argv[1], int(sys.argv[2])
names = [f"host-{i}.bench.test" for i in range(n)]
addr = [f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}" for i in range(n)]
with open(os.path.join(work, "hosts"), "w") as f:
    for a, nm in zip(addr, names):
        f.write(f"{a} {nm}\n")
os.makedirs(os.path.join(work, "knot", "db"), exist_ok=True)
with open(os.path.join(work, "knot", "bench.test.zone"), "w") as f:
    f.write("$ORIGIN bench.test.\n$TTL 3600\n")
    f.write("@ SOA ns.bench.test. hostmaster.bench.test. 1 7200 1800 86400 30\n@ NS ns.bench.test.\nns A 10.255.255.254\n")
    for a, nm in zip(addr, names):
        f.write(f"{nm}. A {a}\n")
rnd = random.Random(42)
with open(os.path.join(work, "queries"), "w") as f:
    for _ in range(n * 10):
        f.write(f"{names[rnd.randrange(n)]} A\n")
PY

cat > "$WORK/Corefile" <<EOC
bench.test:$OUR_PORT {
    bind 127.0.0.1
    hosts hosts {
        reload 0
    }
}
EOC

cat > "$WORK/knot/knot.conf" <<EOC
server:
    rundir: "$WORK/knot"
    listen: 127.0.0.1@$KNOT_PORT
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
control:
    listen: "$WORK/knot/knot.sock"
log:
  - target: stderr
    any: warning
database:
    storage: "$WORK/knot/db"
template:
  - id: default
    storage: "$WORK/knot"
    semantic-checks: off
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: bench.test
    file: "bench.test.zone"
EOC

wait_answer() {
  local port=$1
  for _ in $(seq 1 300); do
    if dig @127.0.0.1 -p "$port" +time=1 +tries=1 +short host-0.bench.test A 2>/dev/null | grep -q '^10\.0\.0\.0$'; then
      return 0
    fi
    sleep 0.1
  done
  echo "server on port $port never answered" >&2
  return 1
}

# pid of a process, its CPU ticks (utime+stime)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

measure() {
  local label=$1 port=$2 pid=$3
  local q="$WORK/queries"
  echo "== $label: warm-up"
  flock "$LOCK" taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$q" -l 5 -c 4 -T 1 -q 200 -t 1 >/dev/null
  echo "== $label: throughput (${DURATION}s)"
  local t0 t1
  t0=$(ticks "$pid")
  flock "$LOCK" taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$q" -l "$DURATION" -c 4 -T 1 -q 200 -t 1 >"$WORK/$label.tput"
  t1=$(ticks "$pid")
  echo "== $label: latency at $LATENCY_QPS qps (${LATENCY_DURATION}s)"
  flock "$LOCK" taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$q" -l "$LATENCY_DURATION" -c 4 -T 1 -q 200 -t 1 -Q "$LATENCY_QPS" -v >"$WORK/$label.lat"
  local qps lost p50 p99 cpu done us
  qps=$(awk '/Queries per second:/ {printf "%.0f", $4}' "$WORK/$label.tput")
  lost=$(awk '/Queries lost:/ {print $3}' "$WORK/$label.tput")
  done=$(awk '/Queries completed:/ {print $3}' "$WORK/$label.tput")
  cpu=$(awk -v a="$t0" -v b="$t1" -v d="$DURATION" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f", 100 * (b - a) / hz / d}')
  # Server CPU per answered query: robust when other processes share the machine (QPS is not).
  us=$(awk -v a="$t0" -v b="$t1" -v n="$done" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", (b - a) / hz / n * 1e6}')
  read -r p50 p99 < <(awk '/^> / {print $NF}' "$WORK/$label.lat" | sort -g | awk '{a[NR] = $1} END {if (NR == 0) {print "- -"; exit} printf "%.3f %.3f\n", a[int(NR * 0.5) + 1] * 1000, a[int(NR * 0.99) + 1] * 1000}')
  printf '%s %s %s %s %s %s %s\n' "$label" "$qps" "$lost" "$p50" "$p99" "$cpu" "$us" >>"$WORK/results"
  grep -E "Queries (sent|completed|lost)|Response codes|Queries per second|Average Latency" "$WORK/$label.tput" | sed "s/^/   [$label] /"
}

echo "== starting our server (taskset -c 1)"
( cd "$WORK" && exec taskset -c 1 "$WORK/bin/Dns.Server" -conf "$WORK/Corefile" -quiet ) >"$WORK/ours.log" 2>&1 &
OUR_PID=$!
PIDS+=("$OUR_PID")
wait_answer "$OUR_PORT"
measure ours "$OUR_PORT" "$OUR_PID"
kill "$OUR_PID"; wait "$OUR_PID" 2>/dev/null || true

echo "== starting knotd (taskset -c 1)"
taskset -c 1 knotd -c "$WORK/knot/knot.conf" >"$WORK/knot.log" 2>&1 &
KNOT_PID=$!
PIDS+=("$KNOT_PID")
wait_answer "$KNOT_PORT"
measure knotd "$KNOT_PORT" "$KNOT_PID"
kill "$KNOT_PID"; wait "$KNOT_PID" 2>/dev/null || true

echo
echo "load average before/after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| server | QPS (closed loop, ${DURATION}s) | lost | p50 ms @${LATENCY_QPS} qps | p99 ms @${LATENCY_QPS} qps | server CPU % @max | server CPU µs/query @max |"
echo "|---|---|---|---|---|---|---|"
while read -r label qps lost p50 p99 cpu us; do
  echo "| $label | $qps | $lost | $p50 | $p99 | $cpu | $us |"
done <"$WORK/results"
awk '{q[$1] = $2; u[$1] = $7} END {if (q["knotd"] > 0) printf "\nours / knotd QPS: %.2fx; CPU per query: %.2fx knotd'"'"'s\n", q["ours"] / q["knotd"], u["ours"] / u["knotd"]}' "$WORK/results"
