# Another user: the engine refuses a peer whose uid is not its own
# (SO_PEERCRED), and the client refuses a runtime folder another uid owns.
# Needs root to act as a second user (setpriv with a numeric uid).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/engine/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
	echo "SKIP: acting as a second user needs root and setpriv (util-linux)"
	rm -rf "$T"
	trap - EXIT
	exit 77
fi
OTHER=54321
chmod 711 "$T"
mkdir -m 700 "$T/other" "$T/otherdata"
chown "$OTHER:$OTHER" "$T/other" "$T/otherdata"
as_other() {
	env XDG_RUNTIME_DIR="$T/other" XDG_DATA_HOME="$T/otherdata" \
		setpriv --reuid=$OTHER --regid=$OTHER --clear-groups "$@"
}
as_other "$WHITTLE" engine start >/dev/null 2>"$T/err" || fail "engine as uid $OTHER: $(cat "$T/err")"
sock="$T/other/whittle/engine.sock"
wait_for 5 test -S "$sock" || fail "no socket for uid $OTHER"

# The engine checks the peer: root (uid 0) is refused.
"$HELPER" raw "$sock" >"$T/raw" || fail "raw connect"
grep -q '"code":"forbidden"' "$T/raw" || fail "peer of another uid not refused: $(cat "$T/raw")"
grep -q "uid 0 may not use the engine of uid $OTHER" "$T/raw" || fail "refusal message: $(cat "$T/raw")"

# The client refuses a folder another uid owns.
XDG_RUNTIME_DIR="$T/other" "$WHITTLE" engine status >"$T/out" 2>"$T/err" &&
	fail "status accepted a folder of uid $OTHER"
grep -q "owned by uid $OTHER" "$T/err" || fail "status message: $(cat "$T/err")"
XDG_RUNTIME_DIR="$T/other" "$WHITTLE" runs >/dev/null 2>&1 && fail "runs used another uid's engine"

# Its own user still gets in.
as_other "$WHITTLE" engine status >/dev/null || fail "uid $OTHER cannot use its own engine"
as_other "$WHITTLE" engine stop >/dev/null || fail "stop as uid $OTHER"
done_test
