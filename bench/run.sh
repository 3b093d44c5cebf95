#!/usr/bin/env bash
# bench/run.sh: real-process benchmarks of migration_exporter against
# bench/fakecloud (the simulator on 127.0.0.1), for docs/performance.md.
#
#   bench/run.sh            # all scenarios, a few minutes
#   SCRAPES=3 bench/run.sh  # timed scrapes per latency scenario (default 5)
#   SCENARIOS="sms-1000" bench/run.sh   # a subset of the scenarios
#   COMPRESSED=0 bench/run.sh           # scrape without gzip
#   BASE=/work/wt-base bench/run.sh     # and the baseline, interleaved
#   BASE=aaa5d39 bench/run.sh           # the baseline as a git commit
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
# cores) from /proc/<pid>/stat. It prints markdown tables. Everything it
# starts is stopped on exit.
#
# cdm-1000 is the latency scenario with 1,000 CDM jobs (one cluster, each
# running incrementally): a call a job and one cluster list a scrape; the
# job list (11 pages) is read in the warm-up.
#
# The one-scrape memory scenarios (mem-sms-10000, mem-dcs-10000) start a
# fresh exporter with 10,000 tasks configured, read its idle RSS (VmRSS)
# once it is ready, scrape /metrics exactly once and read VmHWM: the peak
# RSS of one scrape. probe-sms-10000 probes each of 10,000 SMS tasks once
# through /probe (no /metrics scrape) and reads VmHWM.
#
# The heap scenarios (heap-sms-10000-text, heap-sms-10000-proto) scrape a
# fresh exporter with 10,000 SMS tasks 1+5 times, asking for the text
# format or for protobuf (what Prometheus asks for with native histograms
# on), and then read the heap in use after a garbage collection that
# started after the last scrape: nothing can make the exporter collect
# from outside, so the script waits for the runtime's own (it forces one
# when two minutes passed without), reading /exporter-metrics (which polls
# no task and allocates little) every 2 s until go_memstats_last_gc_time_seconds
# is later than the end of the last scrape, and takes
# go_memstats_heap_inuse_bytes from that answer. That is what the answers
# left behind (kept scratch, compressors) plus the tasks' state, and
# nothing of a scrape in flight.
#
# The fleet scenarios (issue 22) start a fresh exporter and scrape it back
# to back without a warm-up, counting per scrape the API calls, the tasks
# read (from fakecloud's per-task counts), the tasks down and stale and the
# exporter's log lines: fleet-terminal-1000 (500 SMS and 500 DCS tasks, 90 %
# of them finished, 4 scrapes) and fleet-budget-2500 (2,000 SMS and 500 DCS
# tasks at 50 ms latency, 20 requests/s, a 30 s timeout, 6 scrapes: about
# six minutes a build).
#
# With BASE (a directory holding the baseline tree, or a git commit of this
# repository, which is checked out in a temporary worktree under /tmp and
# removed at the end), the exporter is built from the baseline too, and each
# scenario runs with the baseline's exporter and then with this tree's, so
# that the machine's noise falls on both alike. Every table then has a row
# for each build and a new/base row with the ratios of its key columns.
# fakecloud is built from this tree for both.
set -euo pipefail

cd "$(dirname "$0")/.."
SCRAPES=${SCRAPES:-5}
SCENARIOS=${SCENARIOS:-sms-10 sms-100 sms-1000 sms-10000 dcs-10000 cdm-1000 mem-sms-10000 mem-dcs-10000 probe-sms-10000 heap-sms-10000-text heap-sms-10000-proto fleet-terminal-1000 fleet-budget-2500}
BASE=${BASE:-}
# Prometheus asks for gzip; so does curl --compressed.
COMPRESSED=${COMPRESSED:-1}
CURL_OPTS=()
[[ "$COMPRESSED" == 1 ]] && CURL_OPTS+=(--compressed)
CONCURRENCY=64
TMP=$(mktemp -d)
PIDS=()
WORKTREE=""

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$TMP"
	if [[ -n "$WORKTREE" ]]; then
		git worktree remove --force "$WORKTREE" 2>/dev/null || true
	fi
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
go build -o "$TMP/new/migration_exporter" .
go build -o "$TMP/fakecloud" ./bench/fakecloud
BUILDS=(new)
BASE_DESC=""
if [[ -n "$BASE" ]]; then
	# shellcheck source=bench/base.sh
	source bench/base.sh # the working directory is the repository
	resolve_base "$BASE"
	base_src=$BASE_SRC
	log "building the baseline's exporter from $base_src"
	(cd "$base_src" && go build -o "$TMP/base/migration_exporter" .)
	BUILDS=(base new)
fi

# KEYS["scenario build"] holds a row's key columns (space-separated), for
# the new/base rows.
declare -A KEYS

# ratios NAME: the new/base ratios of NAME's key columns, space-separated
# ("–" where either is not a number).
ratios() {
	awk -v b="${KEYS["$1 base"]}" -v n="${KEYS["$1 new"]}" 'BEGIN {
		k = split(b, bv, " "); split(n, nv, " ")
		for (i = 1; i <= k; i++) {
			num = "^[0-9.eE+-]+$"
			printf "%s%s", (i > 1 ? " " : ""), (bv[i] ~ num && nv[i] ~ num && bv[i] + 0 != 0) ? sprintf("%.3f", nv[i] / bv[i]) : "–"
		}
		print ""
	}'
}

# start_cloud DIR SMS DCS LATENCY [FLAGS...]: starts fakecloud, which writes
# DIR/cfg.yml; sets FC to its pid.
start_cloud() {
	local dir=$1
	"$TMP/fakecloud" -sms "$2" -dcs "$3" -latency "$4" "${@:5}" -config "$dir/cfg.yml" >"$dir/fakecloud.out" 2>"$dir/fakecloud.err" &
	FC=$!
	PIDS+=("$FC")
	for _ in $(seq 600); do
		[[ -s "$dir/fakecloud.out" ]] && break
		kill -0 "$FC" 2>/dev/null || { cat "$dir/fakecloud.err" >&2; exit 1; }
		sleep 0.1
	done
	[[ -s "$dir/fakecloud.out" ]] || { log "fakecloud did not start"; exit 1; }
}

# start_exporter BUILD DIR ARGS...: starts BUILD's exporter on DIR/cfg.yml
# and waits until it is ready; sets EX to its pid and URL to its address.
start_exporter() {
	local build=$1 dir=$2
	shift 2
	local port
	port=$("$TMP/fakecloud" -free-port)
	"$TMP/$build/migration_exporter" --config.file="$dir/cfg.yml" --api.concurrency=$CONCURRENCY \
		--web.listen-address="127.0.0.1:$port" --log.level=warn "$@" 2>"$dir/exporter.err" &
	EX=$!
	PIDS+=("$EX")
	URL="http://127.0.0.1:$port"
	for _ in $(seq 300); do
		curl -sf -o /dev/null "$URL/-/ready" && return
		kill -0 "$EX" 2>/dev/null || { cat "$dir/exporter.err" >&2; exit 1; }
		sleep 0.1
	done
	log "the exporter did not get ready"
	exit 1
}

# keep_row ARRAY NAME BUILD OUT: appends OUT's first line (a table row)
# to ARRAY and keeps its second (the row's key columns) for the new/base
# row.
keep_row() {
	local -n rows=$1
	rows+=("${4%%$'\n'*}")
	KEYS["$2 $3"]=${4#*$'\n'}
}

# ratio_row ARRAY NAME CELLS...: appends NAME's new/base row to ARRAY:
# after the name and build, a cell for each of CELLS, the K-th ratio of
# the key columns for a number K, empty for "-".
ratio_row() {
	local -n rows=$1
	local name=$2 row="| $2 | **new/base** |" c r
	shift 2
	read -ra r <<<"$(ratios "$name")"
	for c in "$@"; do
		if [[ $c == - ]]; then row+=" |"; else row+=" ${r[$c]} |"; fi
	done
	rows+=("$row")
}

ROWS=()

# scenario BUILD NAME SMS DCS LATENCY SCRAPES [CDM]
scenario() {
	local build=$1 name=$2 sms=$3 dcs=$4 latency=$5 scrapes=$6 cdm=${7:-0}
	local dir="$TMP/$name.$build"
	mkdir -p "$dir"
	log "== $name ($build): $sms SMS, $dcs DCS tasks, $cdm CDM jobs, latency $latency, 1+$scrapes scrapes"
	start_cloud "$dir" "$sms" "$dcs" "$latency" -cdm "${cdm:-0}"
	local fc=$FC
	start_exporter "$build" "$dir" --scrape.timeout=60s
	local ex=$EX url=$URL
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
	# A CDM job is one call, and a scrape reads the cluster list once.
	local tasks=$((sms + dcs + cdm)) calls=$((sms + 2 * dcs + cdm + (cdm > 0)))
	local up series
	up=$(grep -Ec '^(sms|dcs|cdm)_migration_up\{.*\} 1$' "$last" || true)
	series=$(grep -Ec '^(sms|dcs|cdm)_migration_' "$last" || true)
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

	local out
	out=$(awk -v name="$name" -v build="$build" -v tasks="$tasks" -v calls="$calls" -v lat="$latency" -v c=$CONCURRENCY \
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
		printf "| %s | %s | %d | %d | %s | %s | %.0f | %.1f | %s | %.1f | %s | %s | %d | %d | %.1f | %.1f | %.1f |\n",
			name, build, tasks, up, lat, (floor > 0 ? floor : "-"), warm * 1000, wall * 1000, ratio, dur * 1000,
			cpu, fcpu, series, series / tasks, idle / 1024, rss / 1048576, hwm / 1024
		# the key columns, for the new/base row
		printf "%.3f %s %.3f %s %.3f %.3f\n", wall * 1000, ratio, dur * 1000, (cpu ~ /^[0-9]/ ? cpu : "-"), idle / 1024, hwm / 1024
	}')
	keep_row ROWS "$name" "$build" "$out"
}

MEM_ROWS=()

# mem_scenario BUILD NAME SMS DCS: a fresh exporter with SMS+DCS tasks
# configured; its idle RSS once ready, then exactly one /metrics scrape
# (fakecloud at 0 ms latency) and its peak RSS (VmHWM).
mem_scenario() {
	local build=$1 name=$2 sms=$3 dcs=$4
	local dir="$TMP/$name.$build"
	mkdir -p "$dir"
	log "== $name ($build): $sms SMS, $dcs DCS tasks, one /metrics scrape"
	start_cloud "$dir" "$sms" "$dcs" 0ms
	local fc=$FC
	start_exporter "$build" "$dir" --scrape.timeout=60s
	local ex=$EX url=$URL
	local idle t0 t1 t hwm rss
	idle=$(proc "$ex" VmRSS)
	t0=$(ticks "$ex")
	t=$(curl -sS "${CURL_OPTS[@]}" --max-time 90 -o "$dir/scrape.txt" -w '%{time_total}' "$url/metrics")
	t1=$(ticks "$ex")
	hwm=$(proc "$ex" VmHWM)
	rss=$(proc "$ex" VmRSS)
	local tasks=$((sms + dcs)) up series
	up=$(grep -Ec '^(sms|dcs)_migration_up\{.*\} 1$' "$dir/scrape.txt" || true)
	series=$(grep -Ec '^(sms|dcs)_migration_' "$dir/scrape.txt" || true)
	if [[ "$up" -ne "$tasks" ]]; then
		log "only $up of $tasks tasks up; exporter log:"
		tail -5 "$dir/exporter.err" >&2
	fi
	log "   scrape: ${t}s, VmHWM ${hwm} kB"
	stop "$ex"
	stop "$fc"
	local out
	out=$(awk -v name="$name" -v build="$build" -v tasks="$tasks" -v up="$up" -v t="$t" -v cpu="$((t1 - t0))" -v hz="$HZ" \
		-v series="$series" -v idle="$idle" -v rss="$rss" -v hwm="$hwm" 'BEGIN {
		us = (cpu / hz >= 0.2) ? sprintf("%.0f", cpu / hz * 1e6 / tasks) : "(<0.2 s)"
		printf "| %s | %s | %d | %d | %.1f | %s | %d | %.1f | %.1f | %.1f |\n",
			name, build, tasks, up, t * 1000, us, series, idle / 1024, rss / 1024, hwm / 1024
		printf "%.3f %s %.3f %.3f\n", t * 1000, (us ~ /^[0-9]/ ? us : "-"), idle / 1024, hwm / 1024
	}')
	keep_row MEM_ROWS "$name" "$build" "$out"
}

PROBE_ROWS=()

# probe_scenario BUILD NAME SMS: every one of SMS tasks probed once through
# /probe (8 at a time), the multi-target pattern; RSS is read from /proc so
# that no /metrics scrape (which would poll every task) inflates it.
probe_scenario() {
	local build=$1 name=$2 sms=$3
	local dir="$TMP/$name.$build"
	mkdir -p "$dir"
	log "== $name ($build): $sms SMS tasks, each probed once through /probe"
	start_cloud "$dir" "$sms" 0 0ms
	local fc=$FC
	start_exporter "$build" "$dir"
	local ex=$EX url=$URL
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
	local out
	out=$(awk -v name="$name" -v build="$build" -v n="$(wc -l <"$dir/ids")" -v ok="$ok" -v s="$start" -v e="$end" \
		-v idle="$idle" -v rss="$rss" -v hwm="$hwm" 'BEGIN {
		printf "| %s | %s | %d | %d | %.1f | %.2f | %.1f | %.1f | %.1f |\n", name, build, n, ok, e - s, (e - s) * 1000 / n, idle / 1024, rss / 1024, hwm / 1024
		printf "%.4f %.3f %.3f\n", (e - s) * 1000 / n, idle / 1024, hwm / 1024
	}')
	keep_row PROBE_ROWS "$name" "$build" "$out"
}

HEAP_ROWS=()

# heap_scenario BUILD NAME SMS FORMAT: a fresh exporter with SMS tasks,
# 1+5 /metrics scrapes asking for FORMAT (text or proto), then the heap
# in use after the first garbage collection that started after them.
heap_scenario() {
	local build=$1 name=$2 sms=$3 format=$4
	local dir="$TMP/$name.$build"
	mkdir -p "$dir"
	local accept="text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
	[[ "$format" == proto ]] && accept="application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"
	log "== $name ($build): $sms SMS tasks, 1+5 /metrics scrapes as $format, then the heap after a GC"
	start_cloud "$dir" "$sms" 0 0ms
	local fc=$FC
	start_exporter "$build" "$dir" --scrape.timeout=60s
	local ex=$EX url=$URL
	local k type
	for k in $(seq 0 5); do
		type=$(curl -sS "${CURL_OPTS[@]}" --max-time 90 -H "Accept: $accept" -o "$dir/scrape$k" -w '%{content_type}' "$url/metrics")
	done
	local end waited=0 last
	end=$(date +%s.%N)
	[[ "$format" != proto || "$type" == application/vnd.google.protobuf* ]] || { log "a protobuf scrape answered $type"; exit 1; }
	while :; do
		curl -sS --max-time 10 -o "$dir/own.txt" "$url/exporter-metrics"
		last=$(value "$dir/own.txt" go_memstats_last_gc_time_seconds)
		awk -v l="$last" -v e="$end" 'BEGIN { exit !(l > e) }' && break
		((waited < 200)) || { log "no garbage collection within 200 s"; exit 1; }
		sleep 2
		waited=$((waited + 2))
	done
	local heap hwm up=-
	heap=$(value "$dir/own.txt" go_memstats_heap_inuse_bytes)
	hwm=$(proc "$ex" VmHWM)
	[[ "$format" == text ]] && up=$(grep -Ec '^sms_migration_up\{.*\} 1$' "$dir/scrape5" || true)
	log "   waited ${waited}s for a GC: heap in use $heap bytes, VmHWM ${hwm} kB"
	stop "$ex"
	stop "$fc"
	local out
	out=$(awk -v name="$name" -v build="$build" -v tasks="$sms" -v up="$up" -v format="$format" -v waited="$waited" -v heap="$heap" -v hwm="$hwm" -v bytes="$(wc -c <"$dir/scrape5")" 'BEGIN {
		printf "| %s | %s | %d | %s | %s | %.1f | %d | %.1f | %.1f |\n", name, build, tasks, up, format, bytes / 1048576, waited, heap / 1048576, hwm / 1024
		printf "%.3f %.3f\n", heap / 1048576, hwm / 1024
	}')
	keep_row HEAP_ROWS "$name" "$build" "$out"
}

FLEET_ROWS=()
FLEET_SCRAPE_ROWS=()

# fleet_scenario BUILD NAME SMS DCS LATENCY RPS TERMINAL TIMEOUT SCRAPES: a
# fresh exporter on a fleet (fakecloud -rps RPS -terminal TERMINAL) scraped
# SCRAPES times back to back, without a warm-up: the first scrape is the
# first. Per scrape: the API calls it made (the growth of
# migration_exporter_api_requests_total), the tasks it read (whose own
# answer, SMS ShowTask or DCS ShowMigrationTaskStats, fakecloud served in
# it), the distinct tasks read so far, the tasks down (*_up 0), the tasks
# served stale (migration_exporter_task_stale) and the lines the exporter
# logged (--log.level=warn).
fleet_scenario() {
	local build=$1 name=$2 sms=$3 dcs=$4 latency=$5 rps=$6 terminal=$7 timeout=$8 scrapes=$9
	local dir="$TMP/$name.$build"
	mkdir -p "$dir"
	log "== $name ($build): $sms SMS, $dcs DCS tasks ($terminal terminal), latency $latency, $rps requests/s, timeout $timeout, $scrapes scrapes"
	start_cloud "$dir" "$sms" "$dcs" "$latency" -rps "$rps" -terminal "$terminal"
	local fc=$FC cloud
	cloud=$(head -1 "$dir/fakecloud.out")
	start_exporter "$build" "$dir" --scrape.timeout="$timeout"
	local ex=$EX url=$URL
	local tasks=$((sms + dcs)) k calls_before=0 lines_before=0 all_read=never
	curl -sS "$cloud/_fakecloud/reads" >"$dir/reads0"
	: >"$dir/distinct"
	for k in $(seq 1 "$scrapes"); do
		lines_before=$(wc -l <"$dir/exporter.err")
		curl -sS "${CURL_OPTS[@]}" --max-time 120 -o "$dir/scrape$k.txt" "$url/metrics"
		curl -sS "$cloud/_fakecloud/reads" >"$dir/reads$k"
		local calls read distinct down stale lines
		calls=$(awk '/^migration_exporter_api_requests_total\{/ { s += $2 } END { print s + 0 }' "$dir/scrape$k.txt")
		# tasks whose count grew in this scrape, added to the distinct set
		awk 'NR == FNR { before[$1] = $2; next } $2 > before[$1] { print $1 }' "$dir/reads$((k - 1))" "$dir/reads$k" >"$dir/read$k"
		read=$(wc -l <"$dir/read$k")
		sort -u "$dir/distinct" "$dir/read$k" -o "$dir/distinct"
		distinct=$(wc -l <"$dir/distinct")
		[[ "$all_read" == never && "$distinct" -eq "$tasks" ]] && all_read=$k
		down=$(grep -Ec '^(sms|dcs)_migration_up\{.*\} 0$' "$dir/scrape$k.txt" || true)
		stale=$(awk '/^migration_exporter_task_stale\{/ { s += $2 } END { print s + 0 }' "$dir/scrape$k.txt")
		lines=$(($(wc -l <"$dir/exporter.err") - lines_before))
		log "   scrape $k: $((calls - calls_before)) calls, $read read ($distinct distinct), $down down, $stale stale, $lines log lines"
		FLEET_SCRAPE_ROWS+=("| $name | $build | $k | $((calls - calls_before)) | $read | $distinct | $down | $stale | $lines |")
		printf '%s %s %s %s %s %s\n' "$((calls - calls_before))" "$read" "$distinct" "$down" "$stale" "$lines" >>"$dir/rows"
		calls_before=$calls
	done
	stop "$ex"
	stop "$fc"
	# The summary: means over the scrapes after the first, the distinct
	# tasks read by the third, and the scrape by which every task was read.
	local out
	out=$(awk -v name="$name" -v build="$build" -v tasks="$tasks" -v all="$all_read" '
		NR == 3 { third = $3 }
		NR > 1 { n++; calls += $1; read += $2; down += $4; stale += $5; lines += $6 }
		END {
			printf "| %s | %s | %d | %.1f | %.1f | %d | %s | %.1f | %.1f | %.1f |\n", name, build, tasks, calls / n, read / n, third, all, down / n, stale / n, lines / n
			printf "%.3f %.3f %d %.3f %.3f\n", calls / n, read / n, third, down / n, lines / n
		}' "$dir/rows")
	keep_row FLEET_ROWS "$name" "$build" "$out"
}

for s in $SCENARIOS; do
	case $s in
	sms-10 | sms-100 | sms-1000) run=(scenario "$s" "${s#sms-}" 0 50ms "$SCRAPES") ratio=(ROWS - - - - - 0 1 2 3 - - - 4 - 5) ;;
	sms-10000) run=(scenario "$s" 10000 0 0ms 3) ratio=(ROWS - - - - - 0 1 2 3 - - - 4 - 5) ;;
	dcs-10000) run=(scenario "$s" 0 10000 0ms 3) ratio=(ROWS - - - - - 0 1 2 3 - - - 4 - 5) ;;
	cdm-1000) run=(scenario "$s" 0 0 50ms "$SCRAPES" 1000) ratio=(ROWS - - - - - 0 1 2 3 - - - 4 - 5) ;;
	mem-sms-10000) run=(mem_scenario "$s" 10000 0) ratio=(MEM_ROWS - - 0 1 - 2 - 3) ;;
	mem-dcs-10000) run=(mem_scenario "$s" 0 10000) ratio=(MEM_ROWS - - 0 1 - 2 - 3) ;;
	probe-sms-10000) run=(probe_scenario "$s" 10000) ratio=(PROBE_ROWS - - - 0 1 - 2) ;;
	heap-sms-10000-text) run=(heap_scenario "$s" 10000 text) ratio=(HEAP_ROWS - - - - - 0 1) ;;
	heap-sms-10000-proto) run=(heap_scenario "$s" 10000 proto) ratio=(HEAP_ROWS - - - - - 0 1) ;;
	fleet-terminal-1000) run=(fleet_scenario "$s" 500 500 0ms 1000000 0.9 60s 4) ratio=(FLEET_ROWS - 0 1 2 - 3 - 4) ;;
	fleet-budget-2500) run=(fleet_scenario "$s" 2000 500 50ms 20 0 30s 6) ratio=(FLEET_ROWS - 0 1 2 - 3 - 4) ;;
	*) log "unknown scenario $s" && exit 2 ;;
	esac
	for b in "${BUILDS[@]}"; do
		"${run[0]}" "$b" "${run[@]:1}"
	done
	[[ ${#BUILDS[@]} -eq 1 ]] || ratio_row "${ratio[0]}" "$s" "${ratio[@]:1}"
done

echo
echo "Go $(go env GOVERSION), $(nproc) cores, --api.concurrency=$CONCURRENCY, gzip=$COMPRESSED; wall = median curl time_total of the timed scrapes (after one warm-up scrape)."
echo "Builds: new = this tree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ', with uncommitted changes'))${BASE:+; base = $BASE_DESC; each scenario ran base then new}. Load at the end: $(uptime)."
if [[ ${#ROWS[@]} -gt 0 ]]; then
	echo
	echo "| scenario | build | tasks | up | latency | floor ms | warm-up ms | wall ms | × floor | scrape_duration ms | exporter CPU µs/task poll | fakecloud CPU µs/call | task series | series/task | RSS idle MiB | RSS in scrape MiB | VmHWM MiB |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
fi
if [[ ${#MEM_ROWS[@]} -gt 0 ]]; then
	echo
	echo "| one-scrape scenario | build | tasks | up | scrape ms | exporter CPU µs/task poll | task series | RSS idle MiB | RSS after MiB | VmHWM MiB |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${MEM_ROWS[@]}"
fi
if [[ ${#PROBE_ROWS[@]} -gt 0 ]]; then
	echo
	echo "| /probe scenario | build | tasks | HTTP 200 | seconds | ms/probe | RSS idle MiB | RSS after MiB | VmHWM MiB |"
	echo "|---|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${PROBE_ROWS[@]}"
fi
if [[ ${#FLEET_ROWS[@]} -gt 0 ]]; then
	echo
	echo "| fleet scenario | build | tasks | API calls/scrape after the first | tasks read/scrape after the first | distinct tasks read by scrape 3 | every task read by scrape | tasks down/scrape after the first | tasks stale/scrape after the first | log lines/scrape after the first |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${FLEET_ROWS[@]}"
	echo
	echo "| fleet scenario | build | scrape | API calls | tasks read | distinct read so far | tasks down | tasks stale | log lines |"
	echo "|---|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${FLEET_SCRAPE_ROWS[@]}"
fi
if [[ ${#HEAP_ROWS[@]} -gt 0 ]]; then
	echo
	echo "| heap scenario | build | tasks | up (text) | format | last answer MiB (decoded) | waited s for a GC | heap in use after the GC MiB | VmHWM MiB |"
	echo "|---|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${HEAP_ROWS[@]}"
fi
