#!/usr/bin/env bash
# bench/compare.sh: the Go benchmarks of ./collector/ for a baseline tree and
# for this tree, measured in one run, interleaved, and compared as ratios.
#
#   BASE=/work/wt-base bench/compare.sh [-count N] [-bench REGEX] [-benchtime T]
#   BASE=aaa5d39 bench/compare.sh -count 9 -bench 'Answer' -benchtime 3x
#
# BASE is a directory holding the baseline tree, or a git commit of this
# repository (then a detached worktree of it is added under /tmp and
# removed at the end). BASE itself is never modified: if it lacks a
# collector/bench*_test.go file this tree has (bench_answer_test.go, say),
# the file is copied into a temporary copy of BASE (or into the temporary
# worktree). Both trees are built with `go test -c` into a temporary
# directory, and then run round by round: base, new, base, new, ..., each
# round one -test.count 1 run of each binary, so that noise on this shared
# machine falls on both alike. The raw outputs are kept in OUT (default a
# new /tmp/compare.* directory). For each benchmark and each metric it
# prints the median of base, the median of new, new/base and the rounds in
# which new was below base.
#
# Defaults: -count 5, -benchtime 1s,
# -bench 'TaskPoll/(sms|dcs|drs|oms|cdm)/tasks=100$|MetricsHandler/(sms|dcs)/tasks=100/encoding=identity'.
set -euo pipefail

COUNT=5
BENCH='TaskPoll/(sms|dcs|drs|oms|cdm)/tasks=100$|MetricsHandler/(sms|dcs)/tasks=100/encoding=identity'
BENCHTIME=1s
while [[ $# -gt 0 ]]; do
	case $1 in
	-count) COUNT=$2 && shift 2 ;;
	-bench) BENCH=$2 && shift 2 ;;
	-benchtime) BENCHTIME=$2 && shift 2 ;;
	-h | -help | --help)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	*) echo "compare.sh: unknown argument $1 (see -h)" >&2 && exit 2 ;;
	esac
done
[[ "$COUNT" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: -count $COUNT: not a positive number" >&2; exit 2; }
: "${BASE:?set BASE to the baseline tree (a directory) or a git commit}"

cd "$(dirname "$0")/.."
NEW_SRC=$(pwd)
TMP=$(mktemp -d)
OUT=${OUT:-$(mktemp -d /tmp/compare.XXXXXX)}
mkdir -p "$OUT"
WORKTREE=""

cleanup() {
	if [[ -n "$WORKTREE" ]]; then
		git -C "$NEW_SRC" worktree remove --force "$WORKTREE" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "$*" >&2; }

# The baseline's source: BASE as it is, a worktree of it, or a copy that
# has this tree's benchmark files it lacks.
# shellcheck source=bench/base.sh
source bench/base.sh # the working directory is the repository
resolve_base "$BASE"
missing=()
for f in collector/bench*_test.go; do
	[[ -e "$BASE_SRC/$f" ]] || missing+=("$f")
done
if [[ ${#missing[@]} -gt 0 ]]; then
	if [[ -z "$WORKTREE" ]]; then
		log "copying $BASE_SRC to $TMP/base (it lacks ${missing[*]})"
		mkdir "$TMP/base"
		# Everything but .git: the copy is only built.
		(cd "$BASE_SRC" && find . -mindepth 1 -maxdepth 1 ! -name .git -exec cp -r {} "$TMP/base/" \;)
		BASE_SRC=$TMP/base
		BASE_DESC="$BASE_DESC, copied"
	fi
	for f in "${missing[@]}"; do
		cp "$NEW_SRC/$f" "$BASE_SRC/$f"
	done
	BASE_DESC="$BASE_DESC, with ${missing[*]} from this tree"
fi
NEW_DESC="directory $NEW_SRC ($(git -C "$NEW_SRC" rev-parse --short HEAD)$(git -C "$NEW_SRC" diff --quiet HEAD -- . 2>/dev/null || echo ', with uncommitted changes'))"

echo "# bench/compare.sh"
echo
echo "- base: $BASE_DESC"
echo "- new: $NEW_DESC"
echo "- $(go version), nproc $(nproc)"
echo "- load at start: $(uptime)"
echo "- raw outputs: $OUT/{base,new}.N.txt"

for side in base new; do
	src=$BASE_SRC
	[[ $side == new ]] && src=$NEW_SRC
	echo "- build $side: \`(cd $src && go test -c -buildvcs=false -o $TMP/$side.test ./collector/)\`"
	(cd "$src" && go test -c -buildvcs=false -o "$TMP/$side.test" ./collector/)
done

RUN_ARGS=(-test.run '^$' -test.bench "$BENCH" -test.benchtime "$BENCHTIME" -test.count 1)
echo "- each round, base then new, in the tree's collector/ directory: \`<binary> ${RUN_ARGS[*]@Q}\`"
for ((r = 1; r <= COUNT; r++)); do
	for side in base new; do
		src=$BASE_SRC
		[[ $side == new ]] && src=$NEW_SRC
		log "round $r/$COUNT: $side"
		(cd "$src/collector" && "$TMP/$side.test" "${RUN_ARGS[@]}") >"$OUT/$side.$r.txt" 2>&1 ||
			{ log "the $side binary failed in round $r:"; tail -20 "$OUT/$side.$r.txt" >&2; exit 1; }
	done
done
echo "- load at end: $(uptime)"
echo

# Each benchmark line is "BenchmarkName-P iterations value unit value unit ...".
# The table: one row per benchmark and metric, in the order they first appear.
for ((r = 1; r <= COUNT; r++)); do
	for side in base new; do
		awk -v side="$side" -v round="$r" '/^Benchmark/ && NF >= 4 {
			name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
			for (i = 3; i + 1 <= NF; i += 2) print side, round, name, $(i + 1), $i
		}' "$OUT/$side.$r.txt"
	done
done | awk -v count="$COUNT" '
function median(v, n,    i, j, t) {
	for (i = 2; i <= n; i++) {
		t = v[i]
		for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]
		v[j + 1] = t
	}
	if (n == 0) return ""
	return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function fmt(x) {
	if (x == "") return "–"
	return ((x < 0 ? -x : x) >= 1000) ? sprintf("%.0f", x) : sprintf("%.4g", x)
}
{
	key = $3 SUBSEP $4
	if (!(key in seen)) { seen[key] = 1; keys[++nkeys] = key }
	val[$1, key, $2] = $5
	has[$1, key, $2] = 1
}
END {
	print "| benchmark | metric | base (median) | new (median) | new/base | rounds new < base |"
	print "|---|---|---|---|---|---|"
	for (k = 1; k <= nkeys; k++) {
		key = keys[k]
		split(key, part, SUBSEP)
		nb = nn = both = below = 0
		delete b; delete n
		for (r = 1; r <= count; r++) {
			if (has["base", key, r]) b[++nb] = val["base", key, r]
			if (has["new", key, r]) n[++nn] = val["new", key, r]
			if (has["base", key, r] && has["new", key, r]) {
				both++
				if (val["new", key, r] + 0 < val["base", key, r] + 0) below++
			}
		}
		mb = median(b, nb); mn = median(n, nn)
		ratio = (mb != "" && mn != "" && mb + 0 != 0) ? sprintf("%.3f", mn / mb) : "–"
		printf "| %s | %s | %s | %s | %s | %d of %d |\n", part[1], part[2], fmt(mb), fmt(mn), ratio, below, both
	}
}'
