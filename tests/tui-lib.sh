# Helpers of the workbench's tmux tests (sourced after lib.sh): the real
# binary runs in a tmux server of its own, at a fixed size, in UTF-8.
#   tui_start W H ARGS...   start whittle ARGS in a W x H window
#   tui_keys KEYS...        tmux send-keys
#   tui_screen [-e]         the screen as text (-e: with colours)
#   tui_wait TEXT [SECS]    wait (10 s unless told) until TEXT is on screen
#   tui_wait_re RE [SECS]   the same for a line matching the basic regex RE
#   tui_expect TEXT MSG     fail with MSG unless TEXT is on screen now
#   tui_gone TEXT MSG       fail with MSG if TEXT stays on screen for 10 s
#   tui_stop                end the session
command -v tmux >/dev/null 2>&1 || { echo "SKIP: tmux is not installed"; rm -rf "$T"; exit 77; }
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
export XDG_CONFIG_HOME="$T/config"
unset NO_COLOR VISUAL
# Each session gets a server on a socket of its own: a killed server can
# take a moment to go, and a new session sent to it would go with it.
tui_serial=0
TM() { tmux -S "$T/tmux.$tui_serial.sock" -f /dev/null "$@"; }

tui_start() {
	w=$1 h=$2
	shift 2
	tui_serial=$((tui_serial + 1))
	printf '%s\n' "$@" > "$T/args"
	cmd="env INPUTRC=\"${INPUTRC:-/dev/null}\" ${TUI_ENV:-} \"$WHITTLE\""
	for a in "$@"; do cmd="$cmd '$a'"; done
	TM new-session -d -s w -x "$w" -y "$h" "$cmd 2>>'$T/stderr'; echo EXITED \$? ; sleep 30"
	TM set-option -t w status off >/dev/null
	TM set-option -g escape-time 0 >/dev/null
}

tui_keys() { TM send-keys -t w "$@"; }
tui_screen() { TM capture-pane -p ${1:-} -t w; }

tui_poll() {
	flags=$1 text=$2
	i=0 max=$(( ${3:-10} * 20 ))
	while [ $i -lt $max ]; do
		if tui_screen | grep $flags -q -- "$text"; then return 0; fi
		sleep 0.05
		i=$((i + 1))
	done
	fail "waited for '$text'; screen was:"
	tui_screen >&2
	return 1
}
tui_wait() { tui_poll -F "$@"; }
tui_wait_re() { tui_poll -G "$@"; }

tui_expect() {
	tui_screen | grep -F -q -- "$1" || { fail "$2: '$1' not on screen"; tui_screen >&2; }
}

tui_gone() {
	i=0
	while tui_screen | grep -F -q -- "$1"; do
		if [ $i -ge 200 ]; then fail "$2: '$1' on screen"; tui_screen >&2; return 1; fi
		sleep 0.05
		i=$((i + 1))
	done
}

tui_stop() { TM kill-server 2>/dev/null || true; }
trap tui_stop EXIT
