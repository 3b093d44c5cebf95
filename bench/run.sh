#!/usr/bin/env bash
# bench/run.sh: real-process benchmarks of migration_exporter against
# bench/fakecloud (the simulator on 127.0.0.1), for docs/performance.md.
#
#   bench/run.sh            # all scenarios, about a minute
#   SCRAPES=3 bench/run.sh  # timed scrapes per latency scenario (default 5)
#   SCENARIOS="sms-1000" bench/run.sh   # a subset of the scenarios
#   COMPRESSED=0 bench/run.sh           # scrape without gzip
#
# For each scenario it starts fakecloud and the exporter (--api.concurrency=64,
# --scrape.timeout=60s), waits for /-/ready, scrapes /metrics once to warm up
# (that scrape opens the connections) and then SCRAPES times, timing each with
# curl. From the exporter's own metrics it reads process_cpu_seconds_total
# (the CPU delta over the timed scrapes divided by the task polls is the CPU
# per task poll, encoding the answer included), process_resident_memory_bytes
# (read while the scrape's series are live) and
# migration_exporter_scrape_duration_seconds; VmHWM (peak RSS) comes from
# /proc/<pid>/status, and fakecloud's CPU time (it shares this machine's
# cores) from /proc/<pid>/stat. It prints a markdown table. Everything it
# starts is stopped on exit.
set -euo pipefail

cd "$(dirname "$0")/.."
SCRAPES=${SCRAPES:-5}
SCENARIOS=${SCENARIOS:-sms-10 sms-100 sms-1000 sms-10000 dcs-10000 probe-sms-10000}
# Prometheus asks for gzip; so does curl --compressed.
COMPRESSED=${COMPRESSED:-1}
CURL_OPTS=()
[[ "$COMPRESSED" == 1 ]] && CURL_OPTS+=(--compressed)
CONCURRENCY=64
TMP=$(mktemp -d)
PIDS=()

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "$*" >&2; }

# stop kills one process this script started, waits for it and forgets
# its pid (so that cleanup never signals a pid the system has reused).
stop() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	local keep=() p
	for p in "${PIDS[@]}"; do
		[[ "$p" == "$1" ]] || keep+=("$p")
	done
	PIDS=("${keep[@]}")
}

# value FILE NAME: the value of the unlabelled sample NAME in a text exposition.
value() { awk -v n="$2" '$1 == n { print $2; exit }' "$1"; }

# proc PID FIELD: a /proc/PID/status field in kB.
proc() { awk -v f="$2:" '$1 == f { print $2; exit }' "/proc/$1/status"; }

# ticks PID: user+system CPU time of PID in clock ticks.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

log "building into $TMP"
go build -o "$TMP/migration_exporter" .
go build -o "$TMP/fakecloud" ./bench/fakecloud

ROWS=()

# scenario NAME SMS DCS LATENCY SCRAPES
scenario() {
	local name=$1 sms=$2 dcs=$3 latency=$4 scrapes=$5
	local dir="$TMP/$name"
	mkdir -p "$dir"
	log "== $name: $sms SMS, $dcs DCS tasks, latency $latency, 1+$scrapes scrapes"

	"$TMP/fakecloud" -sms "$sms" -dcs "$dcs" -latency "$latency" -config "$dir/cfg.yml" >"$dir/fakecloud.out" 2>"$dir/fakecloud.err" &
	local fc=$!
	PIDS+=("$fc")
	for _ in $(seq 600); do
		[[ -s "$dir/fakecloud.out" ]] && break
		kill -0 "$fc" 2>/dev/null || { cat "$dir/fakecloud.err" >&2; exit 1; }
		sleep 0.1
	done
	[[ -s "$dir/fakecloud.out" ]] || { log "fakecloud did not start"; exit 1; }

	local port
	port=$("$TMP/fakecloud" -free-port)
	"$TMP/migration_exporter" --config.file="$dir/cfg.yml" --api.concurrency=$CONCURRENCY \
		--web.listen-address="127.0.0.1:$port" --scrape.timeout=60s --log.level=warn 2>"$dir/exporter.err" &
	local ex=$!
	PIDS+=("$ex")
	local url="http://127.0.0.1:$port"
	for _ in $(seq 300); do
		curl -sf -o /dev/null "$url/-/ready" && break
		kill -0 "$ex" 2>/dev/null || { cat "$dir/exporter.err" >&2; exit 1; }
		sleep 0.1
	done
	local rss_idle
	rss_idle=$(proc "$ex" VmRSS)

	local times=() k fc0=0
	for k in $(seq 0 "$scrapes"); do
		[[ $k == 1 ]] && fc0=$(ticks "$fc")
		local t
		t=$(curl -sS "${CURL_OPTS[@]}" --max-time 90 -o "$dir/scrape$k.txt" -w '%{time_total}' "$url/metrics")
		times+=("$t")
		log "   scrape $k: ${t}s, scrape_duration_seconds $(value "$dir/scrape$k.txt" migration_exporter_scrape_duration_seconds)"
	done
	local hwm fc1
	hwm=$(proc "$ex" VmHWM)
	fc1=$(ticks "$fc")

	local last="$dir/scrape$scrapes.txt"
	local tasks=$((sms + dcs)) calls=$((sms + 2 * dcs))
	local up series
	up=$(grep -Ec '^(sms|dcs)_migration_up\{.*\} 1$' "$last" || true)
	series=$(grep -Ec '^(sms|dcs)_migration_' "$last" || true)
	if [[ "$up" -ne "$tasks" ]]; then
		log "only $up of $tasks tasks up; exporter log:"
		tail -5 "$dir/exporter.err" >&2
	fi
	local wall dur cpu0 cpu1 rss
	wall=$(printf '%s\n' "${times[@]:1}" | median)
	dur=$(for k in $(seq 1 "$scrapes"); do value "$dir/scrape$k.txt" migration_exporter_scrape_duration_seconds; done | median)
	cpu0=$(value "$dir/scrape0.txt" process_cpu_seconds_total)
	cpu1=$(value "$last" process_cpu_seconds_total)
	rss=$(value "$last" process_resident_memory_bytes)
	stop "$ex"
	stop "$fc"

	ROWS+=("$(awk -v name="$name" -v tasks="$tasks" -v calls="$calls" -v lat="$latency" -v c=$CONCURRENCY \
		-v wall="$wall" -v dur="$dur" -v cpu0="$cpu0" -v cpu1="$cpu1" -v n="$scrapes" -v rss="$rss" \
		-v idle="$rss_idle" -v hwm="$hwm" -v up="$up" -v series="$series" -v warm="${times[0]}" \
		-v fc="$((fc1 - fc0))" -v hz="$HZ" 'BEGIN {
		ms = lat; sub(/ms$/, "", ms)
		floor = (ms + 0 > 0) ? (int((calls + c - 1) / c) * ms) : 0
		ratio = (floor > 0) ? sprintf("%.3f", wall * 1000 / floor) : "n/a"
		# process_cpu_seconds_total and /proc/PID/stat count in clock ticks
		# (10 ms): a delta under 0.2 s says little.
		cpu = (cpu1 - cpu0 >= 0.2) ? sprintf("%.0f", (cpu1 - cpu0) * 1e6 / (n * tasks)) : "(<0.2 s)"
		fcpu = (fc / hz >= 0.2) ? sprintf("%.0f", fc / hz * 1e6 / (n * calls)) : "(<0.2 s)"
		printf "| %s | %d | %d | %s | %s | %.0f | %.1f | %s | %.1f | %s | %s | %d | %d | %.1f | %.1f | %.1f |",
			name, tasks, up, lat, (floor > 0 ? floor : "-"), warm * 1000, wall * 1000, ratio, dur * 1000,
			cpu, fcpu, series, series / tasks, idle / 1024, rss / 1048576, hwm / 1024
	}')")
}

# probe_scenario NAME SMS: every one of SMS tasks probed once through
# /probe (8 at a time), the multi-target pattern; RSS is read from /proc so
# that no /metrics scrape (which would poll every task) inflates it.
probe_scenario() {
	local name=$1 sms=$2
	local dir="$TMP/$name"
	mkdir -p "$dir"
	log "== $name: $sms SMS tasks, each probed once through /probe"
	"$TMP/fakecloud" -sms "$sms" -dcs 0 -latency 0ms -config "$dir/cfg.yml" >"$dir/fakecloud.out" 2>"$dir/fakecloud.err" &
	local fc=$!
	PIDS+=("$fc")
	for _ in $(seq 600); do
		[[ -s "$dir/fakecloud.out" ]] && break
		sleep 0.1
	done
	local port
	port=$("$TMP/fakecloud" -free-port)
	"$TMP/migration_exporter" --config.file="$dir/cfg.yml" --api.concurrency=$CONCURRENCY \
		--web.listen-address="127.0.0.1:$port" --log.level=warn 2>"$dir/exporter.err" &
	local ex=$!
	PIDS+=("$ex")
	local url="http://127.0.0.1:$port"
	for _ in $(seq 300); do
		curl -sf -o /dev/null "$url/-/ready" && break
		sleep 0.1
	done
	local idle account
	idle=$(proc "$ex" VmRSS)
	account=$(awk '$1 == "-" && $2 == "name:" { print $3; exit }' "$dir/cfg.yml")
	grep -Eo 'sms-[0-9a-z-]+' "$dir/cfg.yml" | sort -u >"$dir/ids"
	local start end ok
	start=$(date +%s.%N)
	xargs -P 8 -I{} curl -sS -o /dev/null -w '%{http_code}\n' "$url/probe?account=$account&module=sms&task_id={}" <"$dir/ids" >"$dir/codes"
	end=$(date +%s.%N)
	ok=$(grep -c '^200$' "$dir/codes" || true)
	local rss hwm
	rss=$(proc "$ex" VmRSS)
	hwm=$(proc "$ex" VmHWM)
	stop "$ex"
	stop "$fc"
	PROBE_ROWS+=("$(awk -v name="$name" -v n="$(wc -l <"$dir/ids")" -v ok="$ok" -v s="$start" -v e="$end" \
		-v idle="$idle" -v rss="$rss" -v hwm="$hwm" 'BEGIN {
		printf "| %s | %d | %d | %.1f | %.2f | %.1f | %.1f | %.1f |", name, n, ok, e - s, (e - s) * 1000 / n, idle / 1024, rss / 1024, hwm / 1024
	}')")
}

PROBE_ROWS=()
for s in $SCENARIOS; do
	case $s in
	sms-10) scenario sms-10 10 0 50ms "$SCRAPES" ;;
	sms-100) scenario sms-100 100 0 50ms "$SCRAPES" ;;
	sms-1000) scenario sms-1000 1000 0 50ms "$SCRAPES" ;;
	sms-10000) scenario sms-10000 10000 0 0ms 3 ;;
	dcs-10000) scenario dcs-10000 0 10000 0ms 3 ;;
	probe-sms-10000) probe_scenario probe-sms-10000 10000 ;;
	*) log "unknown scenario $s" && exit 2 ;;
	esac
done

echo
echo "Go $(go env GOVERSION), $(nproc) cores, --api.concurrency=$CONCURRENCY, gzip=$COMPRESSED; wall = median curl time_total of the timed scrapes (after one warm-up scrape)."
echo
echo "| scenario | tasks | up | latency | floor ms | warm-up ms | wall ms | × floor | scrape_duration ms | exporter CPU µs/task poll | fakecloud CPU µs/call | task series | series/task | RSS idle MiB | RSS in scrape MiB | VmHWM MiB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
if [[ ${#PROBE_ROWS[@]} -gt 0 ]]; then
	echo
	echo "| /probe scenario | tasks | HTTP 200 | seconds | ms/probe | RSS idle MiB | RSS after MiB | VmHWM MiB |"
	echo "|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${PROBE_ROWS[@]}"
fi
