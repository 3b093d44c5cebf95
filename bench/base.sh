# bench/base.sh: sourced by bench/compare.sh and bench/run.sh. resolve_base
# BASE turns BASE, a directory or a commit of this repository, into a tree
# to build the baseline from: it sets BASE_SRC, BASE_DESC and, for a commit,
# WORKTREE (a detached worktree under /tmp, which the caller removes on
# exit). It needs log().

resolve_base() {
	local commit
	if [[ -d "$1" ]]; then
		BASE_SRC=$(cd "$1" && pwd)
		BASE_DESC="directory $BASE_SRC ($(git -C "$BASE_SRC" rev-parse --short HEAD 2>/dev/null || echo 'not a git tree'))"
		return
	fi
	commit=$(git rev-parse --verify --quiet "$1^{commit}") || { log "BASE=$1: neither a directory nor a commit"; exit 2; }
	WORKTREE=$(mktemp -d /tmp/bench-base.XXXXXX)
	rmdir "$WORKTREE"
	log "adding a detached worktree of $commit at $WORKTREE"
	git worktree add --quiet --detach "$WORKTREE" "$commit"
	BASE_SRC=$WORKTREE
	BASE_DESC="commit $commit (temporary worktree $WORKTREE)"
}
