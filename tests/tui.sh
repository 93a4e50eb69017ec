# The workbench driven through tmux: opening, navigation, the trace view,
# colours and NO_COLOR, edits with undo and redo, saving (then diffing the
# file), quitting with unsaved edits, kill -9 and the journal, search,
# filter, facets, marks, resize, help, themes, bad records and CJK text.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui-lib.sh"

F="$T/demo.jsonl"
cp "$SRCDIR/examples/demo-r1-messages.jsonl" "$F"

# Opening: the list, its header and the status line.
tui_start 100 30 "$F"
tui_wait "demo.jsonl  1/16"
tui_expect "question" "header"
tui_wait_re "segs  question$"	# the demo's records have no difficulty: no column
tui_expect "Janet has three times" "first row"
tui_expect "16 records" "message line"

# Navigation in the list.
tui_keys j j
tui_wait "3/16"
tui_keys G
tui_wait "16/16"
tui_keys g g
tui_wait "1/16"
tui_keys : goto Space 7 Enter
tui_wait "7/16"
tui_keys : goto Space -3 Enter
tui_wait "goto: give a record number"
tui_keys g g
tui_wait "1/16"

# The trace view: question, segments with their gutter, jumps.
tui_keys Enter
tui_wait "Thinking"
tui_expect "Question" "trace view"
tui_expect "segment 1/" "status shows the segment"
tui_wait_re '^rest '
tui_keys ']' 's'
tui_gone "segment 1/" "]s moves to the next solution"
tui_keys G
tui_wait "Answer"
tui_keys g g
tui_wait "segment 1/"

# Colours: roles and the status line are coloured; NO_COLOR turns them off.
tui_screen -e | grep -q $'\033\\[3[0-9]m\|\033\\[38;5;' || fail "no colours on screen"

# Folding: za folds the first solution to one line.
tui_keys ']' 's' z a
tui_wait "solution 1"
tui_expect "7 segments · 213 characters" "a fold counts characters without --tokenizer"
# An edit of one segment on a fold's line would change a segment out of
# sight: refused, as are J and the role.
tui_keys d d
tui_wait "solution 1 is folded: za unfolds it (dS deletes it whole)"
tui_expect "0 unsaved" "dd on a fold deletes nothing"
tui_keys : role Space verify Enter
tui_wait "solution 1 is folded"
# An edit elsewhere in the record, and its undo, keep the fold.
tui_keys g g d d
tui_wait "1 unsaved"
tui_expect "▸ solution 1 ·" "an edit keeps the folds"
tui_keys u
tui_wait "0 unsaved"
tui_expect "▸ solution 1 ·" "an undo keeps the folds"
tui_keys ']' 's' z a
tui_gone "solution 1 ·" "za unfolds"

# An edit that changes nothing is no edit: e then Enter, and J where the
# break is one space already (the segmenter cuts a sentence there again).
tui_keys g g e
tui_wait "edit> Okay, so I need"
tui_keys Enter
tui_wait "edit segment: no change"
tui_keys J
tui_wait "merge: no change: the break is a space already"
tui_expect "0 unsaved" "an edit that changes nothing is not unsaved"
tui_keys u
tui_wait "nothing to undo"
# An edit that adds text says how much it added.
tui_keys e End " Indeed." Enter
tui_wait_re "edit segment: [1-9][0-9]* characters added"
tui_keys u
tui_wait "0 unsaved"

# Edits: delete a segment, undo, redo, then diff.
tui_keys d d
tui_wait "1 unsaved"
tui_expect "delete segment" "message names the edit"
tui_keys u
tui_wait "undone: delete segment"
tui_keys C-r
tui_wait "redone: delete segment"
tui_keys =
tui_wait "Diff"
tui_expect "1 segment removed, 0 added" "diff counts"
tui_keys q
tui_wait "Thinking"

# Trim here: cut after this segment and keep the conclusion.
tui_keys g g j t
tui_wait "trim here:"
tui_screen | grep -q "trim here: [1-9][0-9]* characters saved" || fail "trim shows what it saved"

# :q with unsaved edits asks; :w PATH writes a copy, :w writes the file.
tui_keys : q Enter
tui_wait "unsaved edits"
tui_keys : w Space "$T/copy.jsonl" Enter
tui_wait "written: $T/copy.jsonl"
[ "$(diff "$F" "$T/copy.jsonl" | grep -c '^>')" = 1 ] || fail ":w PATH: one record changed"
cmp -s "$F" "$SRCDIR/examples/demo-r1-messages.jsonl" || fail ":w PATH left the file alone"
# A PATH that exists is refused, as vim refuses it; :w! PATH writes over it.
printf 'keep\n' >"$T/taken.jsonl"
tui_keys : w Space "$T/taken.jsonl" Enter
tui_wait "taken.jsonl exists: :w!"
expect_eq "$(cat "$T/taken.jsonl")" keep ":w PATH leaves an existing PATH alone"
tui_keys : 'w!' Space "$T/taken.jsonl" Enter
tui_wait "written: $T/taken.jsonl"
cmp -s "$T/copy.jsonl" "$T/taken.jsonl" || fail ":w! PATH writes over it"
tui_keys : w Enter
tui_wait "written: $F"
cmp -s "$F" "$T/copy.jsonl" || fail ":w wrote the edits"
tui_wait "0 unsaved"
# :w PATH where PATH is another name of FILE saves over it, as :w does.
tui_keys d d
tui_wait "1 unsaved"
tui_keys : w Space "$T/./demo.jsonl" Enter
tui_wait "written: $T/./demo.jsonl"
tui_wait "0 unsaved"
[ -z "$(ls "$T/state/whittle/journal")" ] || fail ":w FILE forgets the journal"
cmp -s "$F" "$T/copy.jsonl" && fail ":w FILE wrote the edit"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop

# kill -9 with an unsaved edit: the next open restores it and says so.
cp "$SRCDIR/examples/demo-r1-messages.jsonl" "$F"
tui_start 100 30 "$F"
tui_wait "1/16"
tui_keys j Enter
tui_wait "Thinking"
tui_keys d d
tui_wait "1 unsaved"
kill -9 "$(TM list-panes -t w -F '#{pane_pid}')" 2>/dev/null
tui_stop
tui_start 100 30 "$F"
tui_wait "restored the unsaved edits of 1 record(s)"
tui_expect "1 unsaved" "restored edit counts"
tui_wait_re "^ *2  .●"
cmp -s "$F" "$SRCDIR/examples/demo-r1-messages.jsonl" || fail "the file is untouched"

# R restores the original; u brings the edit back.
tui_keys j R
tui_wait "restored to the original"
tui_wait "0 unsaved"
tui_keys u
tui_wait "1 unsaved"
tui_keys R
tui_wait "0 unsaved"
# R on a record without edits says there is nothing to restore.
tui_keys R
tui_wait "record 2 has no edits: nothing to restore"

# Search, filter, sort and facets.
tui_keys / hexagon Enter
tui_wait "5/16"
tui_keys n
tui_wait "/hexagon"
tui_keys Enter
tui_wait "Thinking"
tui_screen -e | grep -q $'7m\(\033\\[[0-9;]*m\)*hexagon' || fail "search matches highlighted"
tui_keys q
tui_keys : filter Space wrong Enter
tui_wait "records where wrong"
tui_expect "1/3" "three wrong records"
tui_keys Escape
tui_wait "9/16"
tui_wait "all 16 records"
tui_keys : sort Space segments Space desc Enter
tui_wait "sorted by segments desc"
tui_screen | sed -n 2p | grep -q "^ *14 " || fail "sort: most segments first"
tui_expect "16  sorted by segments desc  0 unsaved" "the status line says the order"
tui_keys : filter Space wrong Enter : sort Space segments Space desc Enter
tui_wait "/3  filter: wrong  sorted by segments desc"
tui_screen | sed -n 2p | grep -q "^ *14 " || fail "sort keeps the filter"
tui_keys : filter Enter
# The list's headings name their columns too; a word where an order
# needs a number is refused; :role outside a trace says so.
tui_keys : sort Space segs Enter
tui_wait "sorted by segs"
tui_keys : sort Space chars Space desc Enter
tui_wait "sorted by chars desc"
# A mistyped desc is refused, not taken for ascending; a field no record
# has says so.
tui_keys : sort Space chars Space dsc Enter
tui_wait 'sort: chars [desc]: after the column, desc or nothing, not "dsc"'
tui_expect "sorted by chars desc  0 unsaved" "a refused sort keeps the order"
tui_keys : sort Space nosuchfield Enter
tui_wait "(nosuchfield: no column, and no record on the list has such a field"
# A name longer than a name may be is refused, not sorted by its start.
tui_keys : sort Space /a/field/pointer/longer/than/names/go Enter
tui_wait "sort: /a/field/pointer/longer/than/na...: a name of at most 31 characters"
tui_keys : filter Space solutions\>abc Enter
tui_wait 'filter: solutions > needs a number, not "abc"'
tui_keys : role Space verify Enter
tui_wait "role: open a trace first"
tui_keys : filter Enter
tui_keys : facet Space verdict Enter
tui_wait "Facet verdict"
tui_expect "correct" "facet values"
tui_keys Enter
tui_wait "filter: verdict=correct"
# A field of the records (a member, or a JSON pointer) facets and filters
# as a column does.
tui_keys : filter Enter : facet Space source Enter
tui_wait "Facet source: 7 values over 16 records"
tui_wait_re "^demo/number-theory  *4  *25.0%"
tui_keys Enter
tui_wait "4 records where source=demo/number-theory"
tui_keys : filter Space /source!=demo/algebra Enter
tui_wait "13 records where /source!=demo/algebra"
tui_keys : filter Space source=demo/code Enter : facet Space source Enter
tui_wait "Facet source: 1 value over 1 record (Enter filters"
tui_keys q : filter Enter
# :sort by a field: its text in order (the record's own file order first
# among equals).
tui_keys : filter Enter : sort Space source Enter
tui_wait "sorted by source"
first=$(jq -r '.source' "$EXAMPLES/demo-r1-messages.jsonl" | sort | head -1)
n=$(jq -r '.source' "$EXAMPLES/demo-r1-messages.jsonl" | grep -n -x -F "$first" | head -1 | cut -d: -f1)
tui_screen | sed -n 2p | grep -q "^ *$n " || fail "sort by source: record $n ($first) first"
# Anything else is a Lua expression, as the filter step takes it.
want=$($WHITTLE step filter 'expr=#thinking > 2900 and gold ~= "36"' "$EXAMPLES/demo-r1-messages.jsonl" -o - | wc -l)
[ "$want" -gt 0 ] && [ "$want" -lt 16 ] || fail "the filter step keeps $want records"
tui_keys : 'filter #thinking > 2900 and gold ~= "36"' Enter
tui_wait "$want records where #thinking > 2900 and gold ~= \"36\" (a Lua expression"
tui_keys : 'filter #thinking >' Enter
tui_wait "filter expression:1: unexpected symbol"
tui_screen | grep -q "filter: filter" && fail "the filter error names the filter twice"
# A mistyped word is a Lua name, nil in every record: the message says
# so and lists the words.
tui_keys : 'filter worng' Enter
tui_wait "0 records where worng (no word of the filter, so a Lua expression"
# The list's columns are no Lua names: an expression that uses one and
# keeps nothing, or fails, says so (not inside a string, nor after a '.').
tui_keys : "filter verdict == 'wrong' and #thinking > 0" Enter
tui_wait "(verdict is a column of the list"
tui_screen | tr '\n' ' ' | tr -s ' ' | grep -qF "which Lua expressions do not see: :filter verdict OP VALUE filters by it)" ||
	fail "the column named, and how to filter by it"
tui_keys : 'filter solutions > 3 and #thinking > 0' Enter
tui_wait "attempt to compare"
tui_screen | tr '\n' ' ' | tr -s ' ' | grep -qF "(solutions is a column of the list, which Lua" ||
	fail "a failing expression names the column"
tui_keys : "filter gold == 'segments' or t.verdict" Enter
tui_wait "0 records where gold == 'segments' or t.verdict (a Lua expression"

# Marks: beside the dataset, exported as ids.
tui_keys : filter Enter
tui_wait "all 16 records"
tui_keys g g a x
tui_wait "record 2: reject"
[ -s "$F.marks" ] || fail "marks are kept beside the dataset"
tui_keys : marks Space export Space "$T/ids" Enter
tui_wait "2 ids written"
[ "$(head -1 "$T/ids")" = demo-r1-001 ] || fail "exported ids"
tui_keys : marks Space reject Enter
tui_wait "1/1"
tui_keys : marks Space export Enter
tui_wait "marks export PATH [accept|reject|fix]"
tui_keys : marks Space wrong Enter
tui_wait "marks [accept|reject|fix], or marks export PATH"
tui_expect "1/1" "a bad kind keeps the list"
# The trace's title shows the record's mark and its note.
tui_keys Enter
tui_wait "Question · marked reject"
tui_keys m
tui_wait "note>"
tui_keys "units missing" Enter
tui_wait "Question · marked reject: units missing"
tui_keys q

# Resize: a wide window splits into list and trace; back to 80 columns.
tui_keys : filter Enter
TM resize-window -t w -x 170 -y 30
tui_wait "Thinking"
tui_expect "Janet has three" "list still shown beside the trace"
TM resize-window -t w -x 80 -y 24
tui_wait "/16"
tui_gone "Thinking" "narrow window: one pane"

# Help is generated from the keymap.
tui_keys ?
tui_wait "next row / segment"
tui_expect "j <Down>" "help lists keys"
tui_keys q
tui_gone "next row / segment" "help closes"
# :help lists the commands there, one a line, whatever the width.
tui_keys : help Enter
tui_wait "Commands (:help CMD"
tui_expect ":run [--all] STEP" ":help lists :run"
tui_keys j j j j j j j j j j j j j j j j j j j j
tui_wait ":help [COMMAND]"
tui_keys q
tui_gone "Commands (:help CMD" "help closes"
# :help COMMAND: its paragraph of whittle(1), in the text view.
tui_keys : help Space sort Enter
tui_wait ":help sort, from whittle(1)"
tui_expect ":sort COLUMN [desc]" ":help sort shows the usage"
tui_expect "sort the list by a column (records without a value go first" ":help sort shows the man page's text"
tui_keys q
tui_gone ":help sort, from whittle(1)" "q leaves the help text"

# Themes.
tui_keys : theme Space light Enter
tui_wait "theme light"
# :set alone says the options' values.
tui_keys : set Enter
tui_wait "theme=light split=on max-instructions=100000000"
tui_keys : theme Space nosuch Enter
tui_wait "no theme called"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop

# NO_COLOR: attributes only.
TUI_ENV="NO_COLOR=1" tui_start 100 30 "$F"
tui_wait "1/16"
tui_screen -e | grep -q $'\033\\[3[0-7]m\|\033\\[38;5;' && fail "NO_COLOR: colours shown"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop

# Bad records and CJK text.
{
	printf '%s\n' '{"messages": [{"role": "user", "content": "中文问题：一加一等于几？"}, {"role": "assistant", "content": "<think>\n一加一等于二。So the answer is 2.\n</think>\n答案是 \\boxed{2}"}]}'
	printf '%s\n' '{"messages": [{"role": "user", "content": "cut short"}, {"role": "assistant", "content": "<think>\nbroken'
	printf '%s\n' '{"messages": [{"role": "user", "content": "emoji 😀 check"}, {"role": "assistant", "content": "<think>\nok 😀 fine.\n</think>\n\\boxed{1}"}]}'
} > "$T/mixed.jsonl"
tui_start 80 24 "$T/mixed.jsonl"
tui_wait "1/3"
tui_expect "中文问题" "CJK question"
tui_wait_re "^ *2  !"
tui_keys j Enter
tui_wait "Unreadable record"
tui_keys q j Enter
tui_wait "emoji"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop

# A set of prompts has no response to grade: no ✗, as check says.
printf '%s\n' '{"prompt": "What is one plus one?", "answer": "2"}' \
	'{"prompt": "What is two plus two?", "answer": "4"}' > "$T/prompts.jsonl"
tui_start 80 24 "$T/prompts.jsonl"
tui_wait "1/2"
tui_gone " scan " "the scan ends"
tui_wait_re "^ *1  *0 .*What is one plus one"
tui_screen | grep -q "✗" && fail "a prompt without a response is not wrong"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop

# Counts past 255 (a looping trace's 300 attempts) are neither cut nor
# wrapped, in the list and in a filter.
awk 'BEGIN {
	printf "{\"question\": \"many attempts\", \"answer\": \"1\", \"gold\": \"1\", \"thinking\": \""
	for (i = 0; i < 300; i++)
		printf "%sAlternatively, let me try approach %d. Then x = %d.", i ? "\\n\\n" : "", i, i
	print "\"}"
	print "{\"question\": \"few attempts\", \"thinking\": \"x = 1.\", \"answer\": \"1\", \"gold\": \"1\"}"
}' > "$T/many.jsonl"
tui_start 80 24 "$T/many.jsonl"
tui_gone " scan " "the scan ends"
tui_wait_re "^ *1  ✓ .* 300 .* 600  many attempts"
tui_keys : "filter solutions>256" Enter
tui_wait "1/1"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop

# A broken value of a JSON array is no row: the message line names it.
printf '%s\n' '[{"problem": "one", "solution": "a", "answer": "1"},' \
	'{"problem": "two", "solution": "b" oops, "answer": "2"},' \
	'{"problem": "three", "solution": "c", "answer": "3"}]' > "$T/broken.json"
tui_start 140 24 "$T/broken.json"
tui_wait "1/2"
tui_wait "2 records and 1 unreadable part, the first at $T/broken.json:2:"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop

# E: the thinking in $VISUAL. An editor that only ends the last line with
# a newline (vi's :wq) changes nothing; one that edits makes one edit.
cp "$SRCDIR/examples/demo-r1-messages.jsonl" "$F"
printf '#!/bin/sh\necho >>"$1"\n' >"$T/newline-editor"
printf '#!/bin/sh\nsed -i "s/^Okay, so/Well, so/" "$1"\n' >"$T/editor"
chmod +x "$T/newline-editor" "$T/editor"
TUI_ENV="VISUAL=$T/newline-editor" tui_start 100 30 "$F"
tui_wait "1/16"
tui_keys Enter
tui_wait "Thinking"
tui_keys E
tui_wait "no change"
tui_expect "0 unsaved" "a final newline is no edit"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop
TUI_ENV="VISUAL=$T/editor" tui_start 100 30 "$F"
tui_wait "1/16"
tui_keys Enter
tui_wait "Thinking"
tui_keys E
tui_wait "edit in \$EDITOR"
tui_expect "Well, so I need" "the editor's change"
tui_keys : w Enter
tui_wait "written: $F"
sed '1s/Okay, so/Well, so/' "$SRCDIR/examples/demo-r1-messages.jsonl" | cmp -s - "$F" ||
	fail "E saves the editor's change and nothing else"

# :side with a file that lacks the question: no record there, not a bad one.
tui_keys : side Space "$T/broken.json" Enter
tui_wait "no record with this question in"
tui_screen | grep -q "Unreadable record" && fail "a missing question is no unreadable record"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop

# Another program writes FILE meanwhile: :w refuses and says so, :w!
# writes over it; then FILE is the workbench's own again.
cp "$SRCDIR/examples/demo-r1-messages.jsonl" "$F"
tui_start 100 30 "$F"
tui_wait "1/16"
tui_keys Enter
tui_wait "Thinking"
tui_keys d d
tui_wait "1 unsaved"
sed -n 2p "$F" >>"$F"
tui_keys : w Enter
tui_wait "changed on disk since it was read"
expect_eq "$(wc -l <"$F")" 17 ":w refused: the other program's record stays"
tui_keys : wq Enter
tui_wait "changed on disk since it was read"
tui_keys : 'w!' Enter
tui_wait "written: $F"
tui_wait "0 unsaved"
expect_eq "$(wc -l <"$F")" 16 ":w! wrote over it"
tui_keys d d
tui_wait "1 unsaved"
tui_keys : w Enter
tui_wait "0 unsaved"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop

# A path of :w, :side or :marks export may start with ~ (the completion
# of file names offers such paths): it is $HOME, as in a shell.
mkdir -p "$T/home"
cp "$SRCDIR/examples/demo-r1-messages.jsonl" "$T/tilde.jsonl"
TUI_ENV="HOME=$T/home" tui_start 100 30 "$T/tilde.jsonl"
tui_wait "1/16"
tui_keys a
tui_wait "record 1: accept"
tui_keys : marks Space export Space '~/ids' Enter
tui_wait "1 ids written to ~/ids"
expect_eq "$(cat "$T/home/ids" 2>/dev/null)" demo-r1-001 ":marks export ~/ids writes in HOME"
tui_keys : w Space '~/copy.jsonl' Enter
tui_wait "written: $T/home/copy.jsonl"
cmp -s "$T/tilde.jsonl" "$T/home/copy.jsonl" || fail ":w ~/copy.jsonl writes in HOME"
tui_keys : side Space '~/copy.jsonl' Enter
tui_wait "side by side with $T/home/copy.jsonl"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop

# A segment of several lines (a code block) shows them as spaces on the
# command line: e then Enter leaves it as it was, newlines and all.
printf '%s\n' '{"question": "q?", "thinking": "Consider\n```\nx = 1\ny = 2\n```\nDone.", "answer": "6", "gold": "6"}' >"$T/code.jsonl"
tui_start 100 30 "$T/code.jsonl"
tui_wait "1/1"
tui_keys Enter j e
tui_wait "edit> \`\`\` x = 1 y = 2 \`\`\`"
tui_keys Enter
tui_wait "edit segment: no change"
tui_expect "0 unsaved" "the code block is unchanged"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop

# Records with a difficulty (their own field, MATH's level, or the label
# of the difficulty step) show it in a column before the question.
for d in '"difficulty": "hard"' '"level": "Level 3"' '"labels": {"difficulty": "simple"}'; do
	printf '{"question": "q%s?", "thinking": "t", "answer": "1", "gold": "1", %s}\n' 1 "$d" 2 "$d" >"$T/diff.jsonl"
	printf '{"question": "q3?", "thinking": "t", "answer": "1", "gold": "1"}\n' >>"$T/diff.jsonl"
	want=$(printf '%s' "$d" | sed 's/.*: "\([^"]*\)"}*$/\1/')
	tui_start 100 30 "$T/diff.jsonl"
	tui_wait "1/3"
	tui_wait_re "segs  diff     question$"
	tui_wait_re "^ *2 .* $want  *q2?$"
	tui_wait_re "^ *3 .*   q3?$"
	# diff, the column's heading, names its field in :filter (and :sort,
	# :facet); a value with spaces goes in quotes
	tui_keys ":filter diff='$want'" Enter
	tui_wait "2 records where diff='$want' (diff: the records' "
	tui_keys : q Enter
	tui_wait "EXITED 0"
	tui_stop
done

done_test
