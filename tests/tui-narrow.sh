# The workbench at 80 columns and less: the status line keeps its counts
# (a long file name, then the filter, give way, also to the progress bar
# of :run --all), a message (or a list of
# completions) wider than the screen is shown whole until the next key,
# and the help scrolls by pages and with the mouse wheel.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui-lib.sh"

F="$T/demo-r1-messages-a-name-long-enough-to-fill-the-status-line.jsonl"
cp "$SRCDIR/examples/demo-r1-messages.jsonl" "$F"

# A long name loses its start; the segment still shows.
tui_start 80 24 "$F"
tui_wait "/16"
tui_gone " scan " "the scan ends"
tui_keys : "filter solutions>=1" Enter
tui_wait "records where solutions>=1"
tui_keys Enter
tui_wait "Thinking"
tui_wait_re "^ …[^ ]*line\.jsonl  1/[0-9]*  filter: solutions>=1  0 unsaved  0 marked  segment 1/[0-9]* *$"
# A filter too long for the rest loses its end.
tui_keys q : 'filter #thinking > 0 and #question > 0 and gold ~= "no such gold at all"' Enter
tui_wait "records where #thinking > 0"
tui_wait_re "^ …[^ ]*\.jsonl  1/16  filter: #thinking > 0 and .*…  0 unsaved  0 marked *$"

# While :run --all runs, the status line gives room to its progress bar.
mkdir -p "$XDG_CONFIG_HOME/whittle/steps"
cat > "$XDG_CONFIG_HOME/whittle/steps/spin.lua" <<'EOF'
return {
	name = "spin",
	summary = "never ends",
	params = {},
	run = function(t, p, ctx)
		while true do end
	end,
}
EOF
tui_keys : "set max-instructions=0" Enter : "run --all spin" Enter
tui_wait_re "^ …[^ ]*  1/16  filter: .*  0 unsaved  0 marked  *run spin   0%"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop
tui_start 80 24 "$F"
tui_wait "/16"
tui_gone " scan " "the scan ends"

# A message wider than the screen wraps above the message line, its end
# on screen, until a key puts it back on one line.
tui_keys : 'filter #thinking > 0 and #question > 0 and nosuchfield.x == 1' Enter
tui_wait "attempt to index a nil value"
tui_wait_re "^(record at line 1)$"
tui_expect " 0 unsaved  0 marked" "the status line moves above the message"
tui_keys j
tui_gone "at line 1)" "a key puts the message on one line"
# So does the list of completions, above the command line.
tui_keys : Tab Tab
tui_wait_re "\(^\|  \)write$"
tui_expect "diff  facet  filter" "the start of the completions"
tui_keys C-c
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop

# The help: PgDn and Space scroll a page, G goes to its end, g back to
# its start; another key closes it.
tui_start 80 24 "$F"
tui_wait "/16"
tui_keys ?
tui_wait "<Enter> l <Right>"
tui_keys PageDown
tui_gone "<Enter> l <Right>" "PgDn scrolls the help"
tui_expect "Keys and commands" "PgDn keeps the help open"
tui_keys G
tui_wait ":help [COMMAND]"
tui_keys g
tui_wait "<Enter> l <Right>"
tui_keys Space
tui_gone "<Enter> l <Right>" "Space scrolls the help"
# The mouse over the help (X10 reports, as tmux passes them on): the
# wheel scrolls the help, not the list under it; a click closes it.
tui_keys g
tui_wait "<Enter> l <Right>"
for i in 1 2 3; do TM send-keys -t w -l "$(printf '\033[Ma+)')"; done
tui_gone "<Enter> l <Right>" "the wheel scrolls the help"
tui_expect "  1/16  0 unsaved" "the wheel leaves the list under the help"
TM send-keys -t w -l "$(printf '\033[M +)')"
tui_gone "Keys and commands" "a click closes the help"
tui_expect "  1/16  0 unsaved" "the click leaves the list's cursor"
tui_keys ?
tui_wait "Keys and commands"
tui_keys x
tui_gone "Keys and commands" "another key closes the help"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop

done_test
