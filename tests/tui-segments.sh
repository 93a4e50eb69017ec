# Changing a segment's role and moving a segment to another solution in the
# workbench: shown in the gutter, undone and redone, kept beside the dataset
# in FILE.segments (the dataset itself untouched), surviving an edit
# elsewhere in the record, a save and a reopen.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui-lib.sh"

F="$T/demo.jsonl"
cp "$SRCDIR/examples/demo-r1-messages.jsonl" "$F"
first='^rest  *74  │Okay, so I need'
first_verify='^veri  *74  │Okay, so I need'
after='^expl   1  *74  │After Janet gives'
after_moved='^expl   2  *74  │After Janet gives'

tui_start 100 40 "$F"
tui_wait "1/16"
tui_keys Enter
tui_wait "segment 1/"
tui_wait_re "$first"

# r: the role, from the command line (with completion of role names).
tui_keys r
tui_wait ":role"
tui_keys ver Tab Enter
tui_wait "segment 1: role verify, solution 0 (u undoes)"
tui_wait_re "$first_verify"
tui_keys u
tui_wait "undone: change role"
tui_wait_re "$first"
tui_keys C-r
tui_wait "redone: change role"
tui_wait_re "$first_verify"

# >: the next solution; < back; u and C-r.
tui_keys ']' s
tui_wait "segment 9/"
tui_wait_re "$after"
tui_keys '>'
tui_wait "segment 9: role explore, solution 2"
tui_wait_re "$after_moved"
tui_keys '<'
tui_wait_re "$after"
tui_keys u
tui_wait_re "$after_moved"
tui_keys : solution Space 9 Enter
tui_wait "solution: 0 (none) to 4"
tui_keys =
tui_wait "segment: move segment"
tui_keys q
tui_wait "segment 9/"

# An edit elsewhere in the record keeps both; the journal has it, the
# overrides file has the overrides.
tui_keys G d d
tui_wait "1 unsaved"
tui_wait_re "$first_verify"
tui_wait_re "$after_moved"
[ -s "$F.segments" ] || fail "overrides are kept beside the dataset"
tui_keys : w Enter
tui_wait "written: $F"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop
[ "$(diff "$SRCDIR/examples/demo-r1-messages.jsonl" "$F" | grep -c '^>')" = 1 ] ||
    fail ":w wrote the one edited record"

# Reopen: the overrides are back.
tui_start 100 40 "$F"
tui_wait "1/16"
tui_keys Enter
tui_wait "segment 1/"
tui_wait_re "$first_verify"
tui_wait_re "$after_moved"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"

done_test
