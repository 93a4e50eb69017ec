# Helpers of the workbench's tmux tests (sourced after lib.sh): the real
# binary runs in a tmux server of its own, at a fixed size, in UTF-8.
#   tui_start W H ARGS...   start whittle ARGS in a W x H window
#   tui_keys KEYS...        tmux send-keys
#   tui_screen [-e]         the screen as text (-e: with colours)
#   tui_wait TEXT [SECS]    wait until TEXT is on screen; fail if it never is
#   tui_expect TEXT MSG     fail with MSG unless TEXT is on screen now
#   tui_gone TEXT MSG       fail with MSG if TEXT is on screen
#   tui_stop                end the session
command -v tmux >/dev/null 2>&1 || { echo "SKIP: tmux is not installed"; rm -rf "$T"; exit 77; }
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
export XDG_CONFIG_HOME="$T/config"
unset NO_COLOR VISUAL
TMUX_SOCK="$T/tmux.sock"
TM() { tmux -S "$TMUX_SOCK" -f /dev/null "$@"; }

tui_start() {
	w=$1 h=$2
	shift 2
	printf '%s\n' "$@" > "$T/args"
	cmd="env INPUTRC=\"${INPUTRC:-/dev/null}\" ${TUI_ENV:-} \"$WHITTLE\""
	for a in "$@"; do cmd="$cmd '$a'"; done
	TM new-session -d -s w -x "$w" -y "$h" "$cmd 2>>'$T/stderr'; echo EXITED \$? ; sleep 30"
	TM set-option -t w status off >/dev/null
	TM set-option -g escape-time 0 >/dev/null
}

tui_keys() { TM send-keys -t w "$@"; }
tui_screen() { TM capture-pane -p ${1:-} -t w; }

tui_wait() {
	i=0 max=$(( ${2:-5} * 20 ))
	while [ $i -lt $max ]; do
		if tui_screen | grep -F -q -- "$1"; then return 0; fi
		sleep 0.05
		i=$((i + 1))
	done
	fail "waited for '$1'; screen was:"
	tui_screen >&2
	return 1
}

tui_expect() {
	tui_screen | grep -F -q -- "$1" || { fail "$2: '$1' not on screen"; tui_screen >&2; }
}

tui_gone() {
	if tui_screen | grep -F -q -- "$1"; then fail "$2: '$1' on screen"; tui_screen >&2; fi
}

tui_stop() { TM kill-server 2>/dev/null || true; }
trap tui_stop EXIT
