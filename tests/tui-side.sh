# Side by side (--with): the other file's record of the same question
# follows the cursor, its segments aligned with the current trace's where
# they are equal (a pruned copy against its original): the paired segment
# stands on the cursor's screen row, and a segment with no pair keeps the
# last pair before it in line. Traces too long to search for pairs still
# pair the segments they start and end with. The side pane's title names
# its file and record, and how many records there have the question.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui-lib.sh"

# Forty one-line segments; the copy lacks steps 10 to 25 and has one of
# its own after step 30.
steps() { for i in "$@"; do printf 'Step %d of the work here.\\n' "$i"; done; }
think=$(steps $(seq 1 40))
copy="$(steps $(seq 1 9) $(seq 26 30))Something else entirely.\\n$(steps $(seq 31 40))"
# The copy holds its records in another order (found by question).
{
	printf '{"question": "Q", "thinking": "%s", "answer": "A", "gold": "A"}\n' "$think"
	printf '{"question": "R", "thinking": "Only R here.", "answer": "B", "gold": "B"}\n'
} >"$T/orig.jsonl"
{
	printf '{"question": "R", "thinking": "R in the copy.", "answer": "B", "gold": "B"}\n'
	printf '{"question": "Q", "thinking": "%s", "answer": "A", "gold": "A"}\n' "$copy"
} >"$T/copy.jsonl"

# the screen row of each line holding TEXT, and how many panes show it there
rows() { tui_screen | grep -n -F -- "$1" | sed 's/:.*//' | tr '\n' ' '; }
both() { tui_screen | grep -F -- "$1" | awk -v t="$1" '{ print gsub(t, t) }' | head -1; }

tui_start 160 20 "$T/orig.jsonl" --with "$T/copy.jsonl"
tui_wait "1/2"
tui_keys Enter
tui_wait "Thinking · 40 segments"
tui_wait "Thinking · 25 segments"
# Down to step 33: far below the first screen in both panes.
for i in $(seq 1 32); do tui_keys j; done
tui_wait "segment 33/40"
expect_eq "$(both 'Step 33 of the work')" 2 "step 33 on one row in both panes"
# Step 31 of the copy sits just below its own line, not the original's 31
# (the copy has one more segment between them).
expect_eq "$(both 'Step 32 of the work')" 2 "step 32 on one row in both panes"
# Into the steps the copy lacks: the last pair before (step 9) stays in line.
tui_keys Home
for i in $(seq 1 11); do tui_keys j; done
tui_wait "segment 12/40"
expect_eq "$(both 'Step 9 of the work')" 2 "step 9, the last pair, on one row"
expect_eq "$(rows 'Step 26 of the work')" "$(rows 'Step 10 of the work')" \
	"the copy goes on after step 9 where the original's step 10 stands"
tui_keys '}'
tui_wait "Only R here."
tui_wait "R in the copy."
tui_expect "Question · copy.jsonl, record 1" "the side pane names its file and record"
tui_stop

# Two samples of Q: the first shows, and the title says there are two.
{
	printf '{"question": "R", "thinking": "R sampled.", "answer": "B"}\n'
	printf '{"question": "Q", "thinking": "First sample of Q.", "answer": "A"}\n'
	printf '{"question": "Q", "thinking": "Second sample of Q.", "answer": "A"}\n'
} >"$T/samples.jsonl"
tui_start 260 20 "$T/orig.jsonl" --with "$T/samples.jsonl"
tui_wait "1/2"
tui_keys Enter
tui_wait "First sample of Q."
tui_expect "Question · samples.jsonl, record 2 (the first of 2 with this question)" \
	"the side pane counts the records with the question"
tui_keys '}'
tui_wait "R sampled."
tui_expect "Question · samples.jsonl, record 1" "one record with R"
tui_gone "with this question" "no count for a question of one record"
tui_stop

# 3,000 segments, the copy without step 10: past the table's size, yet
# the end of the traces pairs.
printf '{"question": "Q", "thinking": "%s", "answer": "A", "gold": "A"}\n' \
	"$(steps $(seq 1 3000))" >"$T/long.jsonl"
printf '{"question": "Q", "thinking": "%s", "answer": "A", "gold": "A"}\n' \
	"$(steps $(seq 1 9) $(seq 11 3000))" >"$T/long-copy.jsonl"
tui_start 160 20 "$T/long.jsonl" --with "$T/long-copy.jsonl"
tui_wait "1/1"
tui_keys Enter
tui_wait "Thinking · 2999 segments"
tui_keys G k k
tui_wait "segment 2998/3000"
expect_eq "$(both 'Step 2998 of the work')" 2 "step 2998 on one row in both panes"
tui_stop
done_test
