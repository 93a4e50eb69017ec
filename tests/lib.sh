# Shared helpers of the shell tests. Each test sources this file; it gets a
# temp folder $T (removed on success), its own XDG folders, and these:
#   fail MSG         report a failure and carry on (the test exits 1 at the end)
#   expect_eq A B M  fail with M unless A = B
#   need_data        skip (exit 77) when ../shared/data is not beside the tree
#   done_test        exit with the right status
set -u
: "${WHITTLE:?run through make check}"
T=$(mktemp -d "${TMPDIR:-/tmp}/whittle-test.XXXXXX")
export XDG_STATE_HOME="$T/state" XDG_CACHE_HOME="$T/cache" XDG_DATA_HOME="$T/data"
FAILURES=0
DATA="$SRCDIR/../shared/data"
EXAMPLES="$SRCDIR/examples"

fail() {
	echo "FAIL: $*" >&2
	FAILURES=$((FAILURES + 1))
}

expect_eq() {
	if [ "$1" != "$2" ]; then
		fail "$3: got '$1', want '$2'"
	fi
}

need_data() {
	if [ ! -d "$DATA" ]; then
		echo "SKIP: $DATA is absent (the shared data sets sit beside the project's own checkout; a user's clone has none)"
		rm -rf "$T"
		exit 77
	fi
}

done_test() {
	if [ "$FAILURES" -eq 0 ]; then
		rm -rf "$T"
		echo "ok"
		exit 0
	fi
	echo "$FAILURES failure(s); files kept in $T" >&2
	exit 1
}
