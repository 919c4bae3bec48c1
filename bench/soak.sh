#!/usr/bin/env bash
# Soak (issue 7): DURATION seconds (default 600) of mixed UDP + TCP dnsperf load at half the measured maximum
# against the kubernetes plugin on a generated 1,000-service cluster; samples RSS and open descriptors every 10 s.
# Must hold: 0 lost, flat memory and descriptor counts. Loopback only; bounded in time. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${DURATION:-600}
PORT=${PORT:-25340}
command -v dnsperf >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsperf >/dev/null; }
dotnet build Dns.Server -c Release -v q -nologo >/dev/null
WORK=$(mktemp -d /tmp/dns-soak-XXXX)
python3 bench/gen_cluster.py --services 1000 --out "$WORK" >/dev/null
cat > "$WORK/Corefile" <<CF
cluster.local {
    kubernetes cluster.local {
        manifests $WORK/cluster.yaml
        ttl 30
    }
}
CF
dotnet "$ROOT/Dns.Server/bin/Release/net10.0/Dns.Server.dll" -conf "$WORK/Corefile" -dns.port "$PORT" -quiet > "$WORK/server.log" 2>&1 &
SRV=$!
trap 'kill $SRV 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do dig @127.0.0.1 -p "$PORT" svc-0.ns-0.svc.cluster.local +short +time=1 +tries=1 | grep -q . && break; sleep 0.1; done
max=$(dnsperf -s 127.0.0.1 -p "$PORT" -d "$WORK/queries.txt" -l 5 -c 4 -q 200 -t 1 | awk '/Queries per second/ {print int($4)}')
udp_rate=$((max / 2)); tcp_rate=2000
echo "max ${max} qps; soak: UDP ${udp_rate} qps + TCP ${tcp_rate} qps for ${DURATION}s"
sample() { echo "$(date +%s) $(awk '/VmRSS/ {print $2}' /proc/$SRV/status) $(ls /proc/$SRV/fd | wc -l)"; }
( while kill -0 $SRV 2>/dev/null; do sample; sleep 10; done ) > "$WORK/samples.txt" &
SAMPLER=$!
dnsperf -s 127.0.0.1 -p "$PORT" -d "$WORK/queries.txt" -l "$DURATION" -c 4 -q 500 -t 2 -Q "$udp_rate" > "$WORK/udp.txt" 2>&1 &
U=$!
dnsperf -m tcp -s 127.0.0.1 -p "$PORT" -d "$WORK/queries.txt" -l "$DURATION" -c 8 -q 100 -t 2 -Q "$tcp_rate" > "$WORK/tcp.txt" 2>&1 &
T=$!
wait $U $T
kill $SAMPLER 2>/dev/null || true
for f in udp tcp; do
  echo "[$f] $(grep -E 'Queries (sent|completed|lost)' "$WORK/$f.txt" | tr -s ' ' | tr '\n' ';')"
done
awk 'NR==1 {r0=$2; f0=$3; rmin=$2; rmax=$2} {if ($2<rmin) rmin=$2; if ($2>rmax) rmax=$2; r=$2; f=$3}
     END {printf "RSS first %.1f MiB, last %.1f MiB, min %.1f, max %.1f; fds first %d, last %d; %d samples\n", r0/1024, r/1024, rmin/1024, rmax/1024, f0, f, NR}' "$WORK/samples.txt"
{ grep -cE "ERROR|panic" "$WORK/server.log" || true; } | sed 's/^/error lines in server log: /'
