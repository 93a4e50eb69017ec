# The editing lifecycle in the workbench on the layouts of real datasets:
# what an edit changes, what a save writes, what survives a crash.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui-lib.sh"

# OpenR1 keeps the chosen generation and the problem in messages too: an
# edit of the thinking, saved, leaves the record agreeing with itself, and
# the record not edited byte for byte as it was.
F="$T/openr1.jsonl"
g0='<think>\nFirst, restate: we need 2+3.\n\nLet me compute. 2+3 = 5.\n\nSo the answer is 5.\n</think>\n\nThe answer is \\boxed{5}.'
g1='<think>\n2+3=6.\n\nNo, 2+3=5.\n</think>\n\n\\boxed{5}'
g2='<think>\n4*4 = 16.\n</think>\n\n\\boxed{16}'
{
	printf '{"problem":"What is 2+3?","answer":"5","generations":["%s","%s"],' "$g0" "$g1"
	printf '"correctness_math_verify":[true,true],"messages":[{"role":"user","content":"What is 2+3?"},{"role":"assistant","content":"%s"}]}\n' "$g0"
	printf '{"problem":"What is 4*4?","answer":"16","generations":["%s"],' "$g2"
	printf '"messages":[{"role":"user","content":"What is 4*4?"},{"role":"assistant","content":"%s"}]}\n' "$g2"
} >"$F"
cp "$F" "$T/openr1.orig"
tui_start 100 30 "$F"
tui_wait "1/2"
tui_keys Enter
tui_wait "segment 1/"
tui_keys j d d
tui_wait "1 unsaved"
tui_keys : q Enter
tui_wait "1 record has unsaved edits: :w saves them"
tui_keys : w Enter
tui_wait "written: $F"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop
head -1 "$F" >"$T/r1"
head -1 "$T/openr1.orig" >"$T/o1"
expect_eq "$(jq -s -c '.[0] as $new | .[1] as $old |
    [($new.generations[0] | test("Let me compute")),
     $new.generations[0] == $new.messages[1].content,
     $new.generations[1] == $old.generations[1]]' "$T/r1" "$T/o1")" \
    '[false,true,true]' "OpenR1: the edit is in generations[0] and in its copy in messages"
sed -n 2p "$F" >"$T/r2"
sed -n 2p "$T/openr1.orig" >"$T/o2"
cmp -s "$T/r2" "$T/o2" || fail "the record not edited is byte for byte as it was"

# Undo and redo across R and :w. Redoing R restores the record's original
# bytes (a \u escape stays an escape), and the record counts as unsaved no
# more; after :w, u still undoes, and a redo back to what the file holds
# leaves nothing unsaved.
F="$T/gsm.jsonl"
printf '%s\n' '{"question":"Janet\u2019s ducks?","answer":"She sells 9 eggs a day.\nShe makes 18 at the farmer\u2019s market.\n#### 18"}' \
    '{"question":"q2","answer":"a\n#### 2"}' >"$F"
cp "$F" "$T/gsm.orig"
tui_start 100 30 "$F"
tui_wait "1/2"
tui_keys Enter
tui_wait "segment 1/2"
tui_keys d d
tui_wait "1 unsaved"
tui_keys R
tui_wait "restored to the original"
tui_keys u
tui_wait "undone: restore"
tui_wait "1 unsaved"
tui_keys C-r
tui_wait "redone: restore"
tui_wait "0 unsaved"
tui_keys : w Enter
tui_wait "written: $F"
cmp -s "$F" "$T/gsm.orig" || fail "redoing R left the record byte for byte as it was"
tui_keys d d
tui_wait "segment 1/1"
tui_keys : w Enter
tui_wait "written: $F"
tui_keys u
tui_wait "undone: delete segment"
tui_wait "segment 1/2"
tui_wait "1 unsaved"
tui_keys C-r
tui_wait "redone: delete segment"
tui_wait "0 unsaved"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop

# s splits at the cursor: the break takes the place of the white space
# there (no stray space is left), and the message says what became of the
# segment; with no text after the cursor nothing is split.
F="$T/split.jsonl"
printf '%s\n' '{"question":"q","thinking":"Alpha beta gamma delta","answer":"a"}' >"$F"
tui_start 100 30 "$F"
tui_wait "1/1"
tui_keys Enter
tui_wait "segment 1/1"
tui_keys s
tui_wait "split at cursor>"
tui_keys C-a Right Right Right Right Right Enter
tui_wait "split: segment 1 is segments 1 and 2 now (u undoes)"
tui_keys s
tui_wait "split at cursor>"
tui_keys C-e Enter
tui_wait "split: no text after the cursor"
tui_keys : w Enter
tui_wait "written: $F"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop
expect_eq "$(jq -c .thinking "$F")" '"Alpha\n\nbeta gamma delta"' "split: the break replaces the space"

# kill -9 in the middle of mixed edits ($EDITOR, delete, split): the next
# open restores every record's edits and says so; :w writes them.
F="$T/demo.jsonl"
cp "$EXAMPLES/demo-r1-messages.jsonl" "$F"
printf '#!/bin/sh\nsed -i "s/^Okay, so I need/So I need/" "$1"\n' >"$T/ed.sh"
chmod +x "$T/ed.sh"
whittle_pid() {
	for p in /proc/[0-9]*; do
		{ tr "\0" " " <"$p/cmdline"; } 2>/dev/null | grep -q "^$WHITTLE $F" &&
		    echo "${p#/proc/}"
	done
}
TUI_ENV="EDITOR='$T/ed.sh'" tui_start 100 30 "$F"
tui_wait "1/16"
tui_keys Enter
tui_wait "segment 1/"
tui_keys E
tui_wait "edit in \$EDITOR:"
tui_keys '}'
tui_wait "2/16"
tui_keys j d d
tui_wait "2 unsaved"
tui_keys s
tui_wait "split at cursor>"
tui_keys Enter
tui_wait "split: segment 2 is segments 2 and 3 now"
pid=$(whittle_pid)
[ -n "$pid" ] && kill -9 $pid
tui_wait "EXITED 137"
tui_stop
cmp -s "$F" "$EXAMPLES/demo-r1-messages.jsonl" || fail "kill -9: the file is untouched"
tui_start 100 30 "$F"
tui_wait "restored the unsaved edits of 2 record(s)"
tui_expect "2 unsaved" "kill -9: both records' edits restored"
tui_keys : w Enter
tui_wait "written: $F"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop
expect_eq "$($WHITTLE show --json "$F" 1 | jq -r '.thinking | startswith("So I need")')" true \
    "kill -9: the edit in \$EDITOR is saved"
expect_eq "$($WHITTLE show --json "$F" 2 | jq -c '.thinking |
    [contains("Let the roots be r and s."), contains("By Vieta"),
     contains("By Vieta\u0027s formulas, r + s = 6 and rs = c.")]')" \
    '[false,true,false]' "kill -9: the delete and the split are saved"

# A damaged journal gives a message naming it and the workbench goes on:
# a damaged line is skipped; a damaged first line applies nothing and the
# journal is kept aside, not removed.
cp "$EXAMPLES/demo-r1-messages.jsonl" "$F"
tui_start 100 30 "$F"
tui_wait "1/16"
tui_keys Enter
tui_wait "segment 1/"
tui_keys d d
tui_wait "1 unsaved"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop
J=$(ls "$T"/state/whittle/journal/demo.jsonl.*.journal)
printf 'not json\n' >>"$J"
tui_start 200 30 "$F"
tui_wait "skipped 1 damaged line(s) of the journal $J (the first: line 3)"
tui_expect "1 unsaved" "the edit before the damaged line is restored"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop
sed -i '1s/^/#/' "$J"
tui_start 200 30 "$F"
tui_wait_re "not the header of a whittle"
tui_wait_re "NOT applied"
tui_expect "0 unsaved" "a journal without its header applies nothing"
tui_keys j
tui_wait " 2/16"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop
[ -s "$J.damaged" ] || fail "the damaged journal is kept aside"

# Review marks: kept beside the dataset through a restart, filtering the
# list, exported as ids (the records' own, else their record numbers in a
# JSON array on one line). Damaged lines of the marks file are skipped and
# named; a marks file that cannot be read or written is named, and the
# workbench goes on.
F="$T/arr.json"
printf '[{"question":"q1","thinking":"t1","uuid":"u-1"},{"question":"q2","thinking":"t2"},{"question":"q3","thinking":"t3"}]\n' >"$F"
printf '0\taccept\t\nno tab here\n1\tbogus\t\n2\tfix\tlook again\n7\treject\t\n' >"$F.marks"
tui_start 200 30 "$F"
tui_wait "arr.json.marks: skipped 3 line(s) of the marks that cannot be read (the first, line 2: not ENTRY<TAB>MARK<TAB>NOTE)"
tui_expect "2 marked" "the good lines of the marks are read"
tui_keys j x
tui_wait "3 marked"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop
tui_start 200 30 "$F"
tui_wait "3 marked"
tui_keys : filter Space reject Enter
tui_wait "1 record where reject"
tui_keys Escape : marks Space export Space "$T/ids" Enter
tui_wait "3 ids written"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop
expect_eq "$(tr '\n' ,  <"$T/ids")" "u-1,record 2,record 3," ":marks export: ids, else record numbers"
rm "$F.marks"
mkdir "$F.marks"
tui_start 200 30 "$F"
tui_wait "arr.json.marks: cannot read the marks"
tui_keys a
tui_wait "arr.json.marks: cannot write marks"
tui_expect "0 marked" "a mark that cannot be written is not made"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop

# A save onto a full disk (here a file size limit) loses nothing: the file
# is untouched, the message says so and that the edits are kept, and they
# are saved once there is room.
F="$T/full.jsonl"
cp "$EXAMPLES/demo-r1-messages.jsonl" "$F"
printf '#!/bin/sh\ntrap "" XFSZ\nulimit -f 40\nexec "%s" "$@"\n' "$WHITTLE" >"$T/small-disk"
chmod +x "$T/small-disk"
WHITTLE="$T/small-disk" tui_start 200 30 "$F"
tui_wait "1/16"
tui_keys Enter
tui_wait "segment 1/"
tui_keys d d
tui_wait "1 unsaved"
tui_keys : w Enter
tui_wait "cannot save (the file is untouched)"
tui_wait "the edits of 1 record(s) are kept, unsaved, in the journal"
tui_keys : w Space "$T/new.jsonl" Enter
tui_wait "new.jsonl: cannot save (nothing was written)"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop
cmp -s "$F" "$EXAMPLES/demo-r1-messages.jsonl" || fail "a failed save leaves the file untouched"
[ -e "$T/new.jsonl" ] && fail "a failed :w PATH leaves no file"
[ -z "$(ls "$T" | grep whittle-tmp)" ] || fail "a failed save leaves no temp file"
tui_start 200 30 "$F"
tui_wait "restored the unsaved edits of 1 record(s)"
tui_keys : w Enter
tui_wait "written: $F"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop
[ "$(diff "$F" "$EXAMPLES/demo-r1-messages.jsonl" | grep -c '^>')" = 1 ] ||
    fail "the edit is saved once there is room"

# A thinking written with a tag that cuts the record's text (</think>)
# would not read back as written: the edit is refused, the record stays,
# and the text written in $EDITOR is kept (in $TMPDIR) and named.
F="$T/tag.jsonl"
printf '%s\n' '{"problem":"p","answer":"5","generations":["<think>\nOld thought.\n</think>\n\n\\boxed{5}"]}' >"$F"
cp "$F" "$T/tag.orig"
printf '#!/bin/sh\nprintf "New thought.\\n</think>\\nMore." >"$1"\n' >"$T/tag-ed.sh"
chmod +x "$T/tag-ed.sh"
mkdir "$T/tmp"
TUI_ENV="EDITOR='$T/tag-ed.sh' TMPDIR='$T/tmp'" tui_start 200 30 "$F"
tui_wait "1/1"
tui_keys Enter
tui_wait "segment 1/1"
tui_keys E
tui_wait "the new thinking would not read back as written: openr1 records cut their text at markers"
tui_wait_re "text is kept in .*whittle-edit\."
tui_expect "0 unsaved" "a refused edit is no edit"
tui_keys e
tui_wait "edit>"
tui_keys C-e " </think> x" Enter
tui_wait "nothing changed"
tui_keys : w Enter
tui_wait "written: $F"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop
cmp -s "$F" "$T/tag.orig" || fail "a refused edit leaves the record as it was"
# A Math-Shepherd thinking without its "Step 1:" would take the question in.
F="$T/shepherd.jsonl"
printf '%s\n' '{"input":"What is 1+1? Step 1: We add. ки\nStep 2: It is 2. ки","label":"x","task":"GSM8K"}' >"$F"
tui_start 200 30 "$F"
tui_wait "1/1"
tui_keys Enter
tui_wait "segment 1/"
tui_keys d d
tui_wait "the new thinking would not read back as written: math-shepherd records"
tui_expect "0 unsaved" "deleting Step 1 is refused"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop
grep -q 'More' "$T"/tmp/whittle-edit.* || fail "the text of a refused edit in \$EDITOR is kept"

# The same for the segment overrides (FILE.segments): damaged lines are
# named on opening and skipped; an override set after a line cut short
# starts a line of its own, and is read back.
F="$T/ov.jsonl"
cp "$EXAMPLES/demo-r1-messages.jsonl" "$F"
printf 'garbage\n0\t12\t0\tverify' >"$F.segments"
tui_start 200 30 "$F"
tui_wait "ov.jsonl.segments: skipped 2 line(s) of the segment overrides that cannot be read (the first: line 1)"
tui_keys Enter
tui_wait "segment 1/"
tui_keys r verify Enter
tui_wait "segment 1: role verify"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop
tui_start 200 30 "$F"
tui_wait "skipped 2 line(s) of the segment overrides"
tui_keys Enter
tui_wait_re "│veri .*│Okay, so I need"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop

# A dataset without write permission is not written over unless asked
# (:w!), as vim does; a root user would replace it without a word.
F="$T/ro.jsonl"
cp "$EXAMPLES/demo-r1-messages.jsonl" "$F"
chmod 444 "$F"
tui_start 200 30 "$F"
tui_wait "1/16"
tui_keys Enter
tui_wait "segment 1/"
tui_keys d d
tui_wait "1 unsaved"
tui_keys : w Enter
tui_wait "write: $F is read-only: :w! writes over it"
cmp -s "$F" "$EXAMPLES/demo-r1-messages.jsonl" || fail ":w leaves a read-only file alone"
tui_keys : 'w!' Enter
tui_wait "written: $F"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop
cmp -s "$F" "$EXAMPLES/demo-r1-messages.jsonl" && fail ":w! writes over a read-only file"

# Another program replaces the file after it was read: an edit, then
# kill -9; the next open finds the file changed and replays nothing onto
# the new one's records.
F="$T/replaced.jsonl"
printf '%s\n' '{"question":"A","thinking":"alpha one."}' '{"question":"B","thinking":"beta one."}' >"$F"
tui_start 200 30 "$F"
tui_wait "1/2"
printf '%s\n' '{"question":"B","thinking":"beta one."}' '{"question":"A","thinking":"alpha one."}' >"$T/replaced.new"
mv "$T/replaced.new" "$F"
tui_keys Enter
tui_wait "segment 1/1"
tui_keys e C-e " Edited." Enter
tui_wait "1 unsaved"
pid=$(whittle_pid)
[ -n "$pid" ] && kill -9 $pid
tui_wait "EXITED 137"
tui_stop
tui_start 200 30 "$F"
tui_wait "changed on disk since its unsaved edits were journaled: they were NOT applied"
tui_expect "0 unsaved" "no edit is replayed onto a replaced file"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop

# An editor that fails (vim's :cq, or one not found) changes nothing, and
# the message names it and says how it ended.
F="$T/ed-fails.jsonl"
cp "$EXAMPLES/demo-r1-messages.jsonl" "$F"
TUI_ENV="EDITOR=false" tui_start 200 30 "$F"
tui_wait "1/16"
tui_keys Enter
tui_wait "segment 1/"
tui_keys E
tui_wait "the editor false exited with status 1; nothing changed"
tui_expect "0 unsaved" "a failed editor changes nothing"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop

done_test
