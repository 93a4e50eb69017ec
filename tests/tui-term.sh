# The workbench and its terminal: C-l repaints a screen another program
# wrote over; clicks and the wheel while the command line is open are not
# typed into it; a paste is text, never keys; a long line edits at the
# speed of a short one; :help :CMD; C-z suspends; no terminal, or
# one that cannot place the cursor, is refused with the reason.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui-lib.sh"
demo="$T/demo.jsonl"
cp "$EXAMPLES/demo-r1-messages.jsonl" "$demo"

# Another program writes over the screen (as a background job's stray
# output does); C-l paints it all again.
tui_start 80 24 "$demo"
tui_wait "1/16"
tui_gone " scan " "the scan ends"
tty=$(TM display -p -t w '#{pane_tty}')
printf '\033[5;5HSTRAY-OUTPUT-OVER-THE-LIST' >"$tty"
tui_wait "STRAY-OUTPUT"
tui_keys C-l
tui_gone "STRAY-OUTPUT" "C-l repaints the whole screen"
tui_expect "1/16" "the status line after C-l"

# The mouse while the command line is open (SGR reports, as tmux and
# xterm send them once curses asked for them): a click, its release and
# the wheel leave the line as typed.
tui_keys : "filter wro"
tui_wait ":filter wro"
TM send-keys -t w -l "$(printf '\033[<0;10;5M\033[<0;10;5m\033[<65;10;5M\033[<64;3;3M')"
tui_keys "ng" Enter
tui_wait "3 records where wrong"

# A paste is text, never keys (the workbench asks for bracketed paste, and
# tmux's paste-buffer -p brackets a paste only then): pasted on the list
# it is dropped whole, saying so; on the command line its line breaks are
# spaces and do not run it, however long it is.
TM set-buffer -b lines "$(printf 'goto 3\nfilter wrong\nfaxJdd')"
TM paste-buffer -p -b lines -t w
tui_wait "a paste is text: open the command line (:)"
tui_expect " 1/3  filter: wrong  0 unsaved  0 marked" "the pasted keys did nothing"
tui_keys : "filter" Enter
tui_wait "16 records"
tui_keys : "goto 1" Enter
tui_wait " 1/16  0 unsaved  0 marked"
tui_keys :
TM paste-buffer -p -b lines -t w
tui_wait ":goto 3 filter wrong faxJdd"
tui_expect " 1/16  0 unsaved  0 marked" "the pasted line breaks ran nothing"
tui_keys C-u "goto 3" Enter
tui_wait " 3/16  0 unsaved"
awk 'BEGIN { for (i = 0; i < 200; i++) printf "x\t中文\n"; printf "END" }' >"$T/long"
TM load-buffer -b long "$T/long"
tui_keys :
TM paste-buffer -p -b long -t w
tui_wait "x 中文 x 中文 END"
tui_keys "!"
tui_wait "中文 END!"
tui_keys C-c

# Keys typed ahead of the screen after a line ends are keys again: Enter
# (as the terminal sends it, a carriage return) opens the trace.
tui_keys : "filter" Enter
tui_wait "16 records"
tui_keys : "goto 5" C-c Enter
tui_wait "Thinking"
tui_expect " 3/16  0 unsaved  0 marked  segment 1/" "C-c cancelled the line, Enter opened the trace"
tui_keys q
tui_gone "Thinking" "q goes back to the list"

# An inline edit of a very long segment (a trace can hold one of a
# hundred thousand characters and more): the line scrolls to its cursor
# by the screen's width of work, not the line's, so its keys come back.
awk 'BEGIN { printf "{\"question\":\"one long segment\",\"thinking\":\"";
	for (i = 0; i < 200000; i++) printf "y"; printf " END\",\"gold\":\"1\"}\n" }' >"$T/long.jsonl"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop
tui_start 80 24 "$T/long.jsonl"
tui_wait "1/1"
tui_keys Enter
tui_wait "segment 1/1"
tui_keys e
tui_wait "edit> yyy"
tui_keys End Z
tui_wait "yyy ENDZ"
tui_keys Left Left Left Left x End
tui_wait "yyy xENDZ"
tui_keys C-c
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop
tui_start 80 24 "$demo"
tui_wait "1/16"

# :theme alone says which theme is in use and keeps it; so does :set
# theme= with no name.
tui_keys : "theme light" Enter
tui_wait "theme light"
tui_keys : "theme" Enter
tui_wait "theme light (:theme NAME changes it)"
tui_keys : "set theme=" Enter
tui_wait "theme light (:theme NAME changes it)"
tui_keys : "set" Enter
tui_wait "theme=light split=on"

# :help takes a command as vim's :help does, with its colon, and a
# command with its arguments as the command.
tui_keys : "help :filter" Enter
tui_wait ":help filter, from whittle(1)"
tui_keys q : "help marks export" Enter
tui_wait ":help marks, from whittle(1)"
tui_expect ":marks export PATH [KIND]" ":help marks shows both forms"
tui_stop

# C-z suspends to the shell, as a job (the terminal's own screen comes
# back), and fg resumes where it was; in a shell with job control.
if command -v bash >/dev/null 2>&1; then
	tui_serial=$((tui_serial + 1))
	TM new-session -d -s w -x 80 -y 24 "env -i PATH='$PATH' HOME='$T' \
	    TERM=xterm-256color LANG=C.UTF-8 INPUTRC=/dev/null PS1='sh\$ ' \
	    XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
	    XDG_CACHE_HOME='$XDG_CACHE_HOME' bash --norc --noprofile -i"
	TM set-option -t w status off >/dev/null
	tui_wait "sh\$"
	tui_keys "'$WHITTLE' '$demo'" Enter
	tui_wait " 1/16  0 unsaved"
	tui_keys j C-z
	tui_wait "Stopped"
	tui_gone " 2/16  0 unsaved" "C-z gives the screen back"
	tui_keys "fg" Enter
	tui_wait " 2/16  0 unsaved"
	tui_keys j
	tui_wait " 3/16  0 unsaved"
	tui_keys : 'q!' Enter
	tui_gone " 3/16  0 unsaved" ":q! after fg quits"
	tui_stop
fi

# Without a terminal (a pipe, /dev/null) the workbench says so and ends
# (timeout only guards against the busy loop it once ran).
timeout 60 "$WHITTLE" "$demo" </dev/null >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -eq 1 ] || fail "no terminal: exit status $rc, not 1"
grep -q "^whittle: the workbench needs a terminal: standard input is not a terminal$" \
    "$T/err" || { fail "no terminal: the reason"; cat "$T/err" >&2; }
# TERM=dumb cannot move the cursor: the screen would come out as a stream.
TUI_ENV="TERM=dumb" tui_start 80 24 "$demo"
tui_wait "EXITED 1"
grep -q "TERM=dumb cannot move the cursor" "$T/stderr" ||
    { fail "TERM=dumb: the reason"; cat "$T/stderr" >&2; }
tui_stop
TUI_ENV="TERM=no-such-terminal" tui_start 80 24 "$demo"
tui_wait "EXITED 1"
grep -q "TERM=no-such-terminal is a terminal type this system does not know" "$T/stderr" ||
    { fail "unknown TERM: the reason"; cat "$T/stderr" >&2; }
tui_stop

done_test
