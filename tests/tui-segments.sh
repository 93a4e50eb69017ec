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
tui_stop

# Outside the workbench, whatever segments record 1 sees the overrides:
# whittle show, the Lua steps of whittle step/run, and wh.open's traces.
s=$($WHITTLE show --segments --json "$F" 1)
expect_eq "$(echo "$s" | jq -c '[.segments[0].role, .segments[8].solution]')" \
    '["verify",2]' "show --segments applies the overrides"
$WHITTLE step segment emit=true "$F" -o "$T/seg.jsonl" 2>"$T/err" ||
	fail "step segment: $(cat "$T/err")"
grep -qF "$F.segments: 2 segment override(s) set by hand apply to the steps" "$T/err" ||
	fail "step says overrides apply: $(cat "$T/err")"
expect_eq "$(head -1 "$T/seg.jsonl" | jq -c '[.segmentation.segments[0].role, .segmentation.segments[8].solution]')" \
    '["verify",2]' "a step's segmentation has the overrides"
expect_eq "$(sed -n 2p "$T/seg.jsonl" | jq -r '.segmentation.segments[0].role')" \
    "$($WHITTLE show --segments --json "$F" 2 | jq -r '.segments[0].role')" \
    "records without overrides as the segmenter says"
cat >"$T/ov.lua" <<LUA
local wh = require "whittle"
local d = wh.open("$F")
local g = wh.segment.run(d:get(1))
local keep = wh.segment.keep(g, { true })
local sol1 = 0
for i, s in ipairs(g.segments) do
	if s.solution == 1 and keep[i] then sol1 = sol1 + 1 end
end
print(g.overridden, g.segments[1].role, g.segments[9].solution, keep[9], sol1)
print(wh.segment.run(d:get(2)).overridden, wh.segment.run(d:get(1).thinking).overridden)
LUA
expect_eq "$($WHITTLE lua "$T/ov.lua" | tr '\t' ' ')" "2 verify 2 true 0
0 0" "wh.open traces, and keep by each segment's solution"

# A jump to a solution out of sight shows it a third down the screen, not
# on its last line.
cp "$SRCDIR/examples/demo-r1-messages.jsonl" "$T/plain.jsonl"
tui_start 80 24 "$T/plain.jsonl"
tui_wait "1/16"
tui_keys Enter
tui_wait "segment 1/"
tui_keys ']' s
tui_wait "segment 9/"
tui_keys ']' s
tui_wait "segment 16/"
tui_screen | sed -n 8p | grep -q "Let me check" ||
	{ fail "the jump's target a third down"; tui_screen >&2; }
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop

done_test
