#!/usr/bin/env bash
# Builds and runs the benchmarks and prints their figures (they are not tests: the machine is noisy).
#   capture + render + related incidents: bench/capture_bench.cpp
#   memory: idle RSS of `hindsight run --http-only`, and how long it takes to stop on SIGTERM
#   Slack Socket Mode burst, ack latency and peak RSS: bench/socket_bench.cpp (the real binary, a fake Slack)
#   Mattermost burst and peak RSS: bench/mattermost_bench.cpp (the real binary, a fake Mattermost)
#   alert storm: bench/alert_storm_bench.cpp (the real binary, a real Alertmanager, the fake Slack)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target bench_core bench_socket bench_mattermost bench_alert_storm hindsight >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
build/release/bench/bench_core "$work"

port=$((20000 + RANDOM % 20000))
printf '[http]\nlisten = "127.0.0.1:%s"\n' "$port" > "$work/bench.toml"
build/release/hindsight run --http-only --config "$work/bench.toml" --db "$work/idle.db" 2> "$work/run.log" &
pid=$!
for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
sleep 1
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
start=$(date +%s%N)
kill -TERM "$pid"
wait "$pid" && status=0 || status=$?
stop_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "memory: idle RSS of 'hindsight run --http-only' ${rss} KiB (peak ${hwm} KiB); SIGTERM to exit ${stop_ms} ms, exit status ${status}"

build/release/bench/bench_socket build/release/hindsight "$work" 2> "$work/socket.log"
build/release/bench/bench_mattermost build/release/hindsight "$work" 2> "$work/mattermost.log"
build/release/bench/bench_alert_storm build/release/hindsight "$work" 2> "$work/storm.log"
