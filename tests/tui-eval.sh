# The predictions of whittle eval open in the workbench beside the
# teacher's traces (--with): the student's response to the question of the
# teacher's current record, segmented, follows the cursor.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui-lib.sh"

cat >"$T/teacher.jsonl" <<'END'
{"question": "12+34", "thinking": "Add the ones: 2+4=6. Add the tens: 1+3=4. So the sum is 46.", "answer": "\\boxed{46}", "gold": "46"}
{"question": "25+17", "thinking": "Add the ones: 5+7=12. So the sum is 42.", "answer": "\\boxed{42}", "gold": "42"}
END
# A byte model that learned six sums answers "\boxed{a+b}".
$WHITTLE eval "$SRCDIR/tests/train/byte-sums" "$T/teacher.jsonl" --predictions "$T/pred.jsonl" \
	>/dev/null 2>&1 || fail "eval"
expect_eq "$(jq -s -c 'map(.departs.segment)' "$T/pred.jsonl")" "[0,0]" "both depart at once"

tui_start 160 30 "$T/teacher.jsonl" --with "$T/pred.jsonl"
tui_wait "1/2"
tui_keys Enter
tui_wait "Thinking · 3 segments"
tui_wait "Thinking · 1 segment ·"
tui_wait_re 'Add the ones: 2+4=6\..*\\boxed{46}'
# The side pane marks where the student departs: its first segment.
tui_wait "Thinking · 1 segment · 1 solution · ≠ teacher"
tui_wait_re 'expl  *1  *10≠ │\\boxed{46}'
tui_gone "no record with this question" "the prediction is found"
tui_keys Escape j
tui_wait_re 'Add the ones: 5+7=12\..*\\boxed{42}'
tui_stop
done_test
