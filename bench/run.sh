#!/usr/bin/env bash
# Our server beside knotd (and unbound/dnsmasq for forwarding) on loopback, measured with the same dnsperf flags,
# using the shared harness ../shared/bench/peers/bench.py (copied to a scratch folder: shared/ is read-only).
#
#   bench/run.sh k8s [--quick]        (a) kubernetes plugin alone vs knotd, cluster mix
#   bench/run.sh stock [--quick]      (b) the stock kubeadm Corefile (manifests source) vs knotd, cluster mix
#   bench/run.sh forward [--quick]    (c) forward + cache on a hit-heavy external mix vs unbound-fwd / dnsmasq-fwd
#   bench/run.sh memory               (d) RSS and sync time for 1k / 5k / 20k services x 5 endpoints
#   bench/run.sh memory-api           (d) the same through the API path (bench/fakeapi serves the cluster);
#                                     TLS=1: over HTTPS with the cluster CA and a client certificate, as in a cluster
#   bench/run.sh startup              (e) process start -> first answer (manifests source, ReadyToRun publish), 7 cold starts
# Env: SERVICES (default 1000), MODES (default pinned), REPEATS (default 3), DURATION (default 20),
#      ROUNDS (k8s, stock: alternate knot and ours ROUNDS times, one run each, and report the medians;
#      forward: the same with unbound-fwd).
# Results: bench/results/*.json and a markdown table on stdout. Holds flock /tmp/bench.lock for timed runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
scenario=${1:-k8s}; shift || true
quick=(); [[ "${1:-}" == "--quick" ]] && quick=(--duration 5 --repeats 1 --warmup 2 --latency-duration 5)
SERVICES=${SERVICES:-1000}; MODES=${MODES:-pinned}; REPEATS=${REPEATS:-3}; DURATION=${DURATION:-20}; ROUNDS=${ROUNDS:-1}

for b in dnsperf knotd unbound dnsmasq taskset; do
  command -v "$b" >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsperf knot unbound dnsmasq-base >/dev/null; break; }
done
# Every scenario measures what deploy/Dockerfile ships: a ReadyToRun publish (not trimmed, not AOT).
PUB="$ROOT/Dns.Server/bin/Release/net10.0/linux-x64/publish-r2r"
dotnet publish Dns.Server -c Release -r linux-x64 -p:PublishReadyToRun=true --self-contained false -o "$PUB" -v q -nologo >/dev/null
SERVER="$PUB/Dns.Server.dll"
# SERVER_ENV: extra environment for our server only (experiments: SERVER_ENV="DOTNET_TieredPGO=0").
SERVER_ENV=${SERVER_ENV:-}

WORK=$(mktemp -d /tmp/dns-bench-XXXX)
cp -r ../shared/bench/peers "$WORK/peers"
chmod -R u+w "$WORK/peers"
DATA="$WORK/peers/data"
mkdir -p "$DATA" "$ROOT/bench/results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
common=(--modes "$MODES" --repeats "$REPEATS" --duration "$DURATION" "${quick[@]}")

corefile() { # $1 kind -> path of a Corefile for our server
  local f="$WORK/Corefile.$1"
  case $1 in
    k8s) cat > "$f" <<CF
cluster.local {
    kubernetes cluster.local {
        manifests $DATA/cluster.yaml
        ttl 30
    }
}
CF
    ;;
    stock) cat > "$f" <<CF
. {
    errors
    health 127.0.0.1:25391 {
       lameduck 5s
    }
    ready 127.0.0.1:25392
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       manifests $DATA/cluster.yaml
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus 127.0.0.1:25393
    forward . 127.0.0.1:25309 {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
CF
    ;;
    forward) cat > "$f" <<CF
. {
    forward . 127.0.0.1:25301
    cache 30
}
CF
    ;;
  esac
  echo "$f"
}

ours() { # $1 label, $2 corefile, rest: bench.py args
  local label=$1 cf=$2; shift 2
  python3 "$WORK/peers/bench.py" --custom "$label" --port 25320 \
    --cmd "env DNS_BENCH_STATS=1 $SERVER_ENV dotnet $SERVER -conf $cf -dns.port {port} -quiet" --out "$ROOT/bench/results/$stamp-$label.json" "$@"
}

case $scenario in
  k8s|stock)
    python3 bench/gen_cluster.py --services "$SERVICES" --out "$DATA" >/dev/null
    if [[ $scenario == stock ]]; then
      # forward's upstream (and loop's probe target) is a knotd on 25309 serving the same zone (25301 is the
      # harness's knot target, which ROUNDS runs while this one is up)
      knot_conf="$WORK/knot-up.conf"
      sed -e "s#@RUN@#$WORK#g; s#@DATA@#$DATA#g; s#@PORT@#25309#g; s#@WORKERS@#1#g" "$WORK/peers/conf/knot.conf.in" > "$knot_conf"
      mkdir -p "$WORK/db"; knotd -c "$knot_conf" >/dev/null 2>&1 & KNOT=$!
      trap 'kill $KNOT 2>/dev/null || true' EXIT
    fi
    if (( ROUNDS > 1 )); then
      # Alternating single runs, knot then ours, ROUNDS times: a drift of the VM's speed over the minutes of a
      # run then reaches both servers alike. bench/rounds.py prints each round's ratio and the medians.
      one=(--modes "$MODES" --repeats 1 --duration "$DURATION" "${quick[@]}")
      for ((i = 1; i <= ROUNDS; i++)); do
        python3 "$WORK/peers/bench.py" --targets knot --out "$ROOT/bench/results/$stamp-round$i-knot.json" "${one[@]}"
        ours "ours-$scenario" "$(corefile "$scenario")" "${one[@]}"
        mv "$ROOT/bench/results/$stamp-ours-$scenario.json" "$ROOT/bench/results/$stamp-round$i-ours-$scenario.json"
      done
      python3 bench/rounds.py knot "ours-$scenario" "$ROOT/bench/results/$stamp-round"*.json
    else
      python3 "$WORK/peers/bench.py" --targets knot --out "$ROOT/bench/results/$stamp-knot.json" "${common[@]}"
      ours "ours-$scenario" "$(corefile "$scenario")" "${common[@]}"
      python3 "$WORK/peers/bench.py" --report "$ROOT/bench/results/$stamp-"*.json
    fi
    ;;
  forward)
    python3 "$WORK/peers/gen_dataset.py" --out "$DATA" >/dev/null
    knot_conf="$WORK/knot-up.conf"
    sed -e "s#@RUN@#$WORK#g; s#@DATA@#$DATA#g; s#@PORT@#25301#g; s#@WORKERS@#1#g" "$WORK/peers/conf/knot.conf.in" > "$knot_conf"
    mkdir -p "$WORK/db"
    if (( ROUNDS > 1 )); then
      # Alternating single runs, unbound-fwd then ours, as for k8s and stock. The harness's unbound-fwd target
      # brings its own knotd backend on 25301; ours gets the same upstream, started for its run only.
      one=(--modes "$MODES" --repeats 1 --duration "$DURATION" "${quick[@]}")
      for ((i = 1; i <= ROUNDS; i++)); do
        python3 "$WORK/peers/bench.py" --targets unbound-fwd --out "$ROOT/bench/results/$stamp-round$i-unbound-fwd.json" "${one[@]}"
        knotd -c "$knot_conf" >/dev/null 2>&1 & KNOT=$!
        trap 'kill $KNOT 2>/dev/null || true' EXIT
        ours "ours-forward-cache" "$(corefile forward)" "${one[@]}"
        kill "$KNOT" 2>/dev/null || true; wait "$KNOT" 2>/dev/null || true
        mv "$ROOT/bench/results/$stamp-ours-forward-cache.json" "$ROOT/bench/results/$stamp-round$i-ours-forward-cache.json"
      done
      python3 bench/rounds.py unbound-fwd ours-forward-cache "$ROOT/bench/results/$stamp-round"*.json
    else
      python3 "$WORK/peers/bench.py" --targets unbound-fwd,dnsmasq-fwd --out "$ROOT/bench/results/$stamp-peers-fwd.json" "${common[@]}"
      knotd -c "$knot_conf" >/dev/null 2>&1 & KNOT=$!
      trap 'kill $KNOT 2>/dev/null || true' EXIT
      ours "ours-forward-cache" "$(corefile forward)" "${common[@]}"
      python3 "$WORK/peers/bench.py" --report "$ROOT/bench/results/$stamp-"*.json
    fi
    ;;
  memory)
    for n in ${SIZES:-1000 5000 20000}; do
      python3 bench/gen_cluster.py --services "$n" --queries 1000 --out "$DATA/$n" >/dev/null
      cf=$(corefile k8s); sed -i "s#$DATA/cluster.yaml#$DATA/$n/cluster.yaml#" "$cf"
      env $SERVER_ENV python3 bench/measure_sync.py --server "$SERVER" --corefile "$cf" --port 25320 --services "$n"
    done
    ;;
  memory-api)
    # (d) through the API path an operator runs: the same clusters served by the tests' fake API server (real LIST
    # with paging and WATCH), the server started with "endpoint URL" instead of "manifests".
    dotnet build bench/fakeapi -c Release -v q -nologo >/dev/null
    for n in ${SIZES:-1000 5000 20000}; do
      python3 bench/gen_cluster.py --services "$n" --queries 1000 --out "$DATA/$n" >/dev/null
      if [[ "${TLS:-0}" == 1 ]]; then
        coproc API { exec dotnet bench/fakeapi/bin/Release/net10.0/FakeApi.dll "$DATA/$n/cluster.yaml" --tls "$WORK/tls"; }
        tlsline="        tls $WORK/tls/client.crt $WORK/tls/client.key $WORK/tls/ca.crt\n"
      else
        coproc API { exec dotnet bench/fakeapi/bin/Release/net10.0/FakeApi.dll "$DATA/$n/cluster.yaml"; }
        tlsline=""
      fi
      read -r _ url <&"${API[0]}"
      cf="$WORK/Corefile.api"
      printf "cluster.local {\n    kubernetes cluster.local {\n        endpoint %s\n${tlsline}        ttl 30\n    }\n}\n" "$url" > "$cf"
      env $SERVER_ENV python3 bench/measure_sync.py --server "$SERVER" --corefile "$cf" --port 25320 --services "$n"
      kill "$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true
    done
    ;;
  startup)
    python3 bench/gen_cluster.py --services "$SERVICES" --out "$DATA" >/dev/null
    python3 "$WORK/peers/bench.py" --startup-only 7 --custom ours-k8s --port 25320 \
      --cmd "env $SERVER_ENV dotnet $SERVER -conf $(corefile k8s) -dns.port {port} -quiet"
    python3 "$WORK/peers/bench.py" --startup-only 7 --targets knot
    ;;
  *) echo "unknown scenario $scenario" >&2; exit 2;;
esac
