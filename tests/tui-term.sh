# The workbench and its terminal: C-l repaints a screen another program
# wrote over.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui-lib.sh"
demo="$EXAMPLES/demo-r1-messages.jsonl"

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
tui_stop

done_test
