#!/usr/bin/env bash
# Coverage-guided fuzzing of Dns.Core with SharpFuzz + AFL++ (manual; never in CI). See docs/fuzzing.md.
# Usage: bench/fuzz.sh message|corefile [SECONDS]
# FUZZ_LOCK=/tmp/other.lock lets it run beside benchmarks-in-waiting (it holds /tmp/bench.lock by default).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-message}
seconds=${2:-600}
command -v afl-fuzz >/dev/null || { apt-get update -qq && apt-get install -y -qq afl++; }
out=bench/fuzz-out/$target
rm -rf "$out" && mkdir -p "$out"
dotnet build tests/Dns.Fuzz -c Release -o "$out/bin" >/dev/null
if [ ! -x .tools/sharpfuzz ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path .tools >/dev/null
fi
# Instrument only the code under test, never the harness or SharpFuzz itself.
.tools/sharpfuzz "$out/bin/Dns.Core.dll" || true
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
flock "${FUZZ_LOCK:-/tmp/bench.lock}" nice -n 19 afl-fuzz -V "$seconds" -i "tests/fuzz/corpus/$target" -o "$out/findings" -t 5000 -m none -- \
  dotnet "$out/bin/Dns.Fuzz.dll" "$target" afl
echo "crashes: $(ls "$out"/findings/default/crashes 2>/dev/null | grep -vc README || true)"
echo "hangs:   $(ls "$out"/findings/default/hangs 2>/dev/null | wc -l)"
grep -E "execs_done|execs_per_sec" "$out/findings/default/fuzzer_stats" || true
echo "Copy any crash or hang into tests/fuzz/repro/$target/ so CI replays it."
