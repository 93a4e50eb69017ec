# The views beside the list and the trace: the diff opens on its first
# change, ]c and [c go from change to change, and it scrolls no further
# than its last page; Enter on a facet's value keeps the list's records
# of that value, whatever its text, within the filter there was, and a
# long value leaves the counts in their column, and ends in an ellipsis
# where it is cut. The help leaves out the built-in keys that init.lua's
# keys take the place of. A diff of a trace
# of 70,000 segments pairs the ends it shares without a table, and shows
# a middle too long to pair as removed, then added. ]e and [e go from
# error to error, a failed attempt being one error, not one a segment.
# A search unfolds the solution its match is in; N into a record lands on
# its last match, n on its first, and the message says when a search
# came round the list. o orders a facet's values by value, / searches
# them. :filter takes a column's test spaced out.
# The loss column, without a run's losses, is refused by name. za and zM
# say what they did when there was nothing to fold. A changed segment
# shows removed, then added.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui-lib.sh"

# Sixty one-line segments; the step drops steps 20 and 50.
steps() { for i in "$@"; do printf 'Step %d of the work here.\\n' "$i"; done; }
printf '{"question": "Q", "thinking": "%s", "answer": "A", "gold": "A"}\n' \
	"$(steps $(seq 1 60))" >"$T/long.jsonl"
mkdir -p "$XDG_CONFIG_HOME/whittle/steps"
cat >"$XDG_CONFIG_HOME/whittle/steps/drop-two.lua" <<'LUA'
return {
	name = "drop-two",
	summary = "drops steps 20 and 50",
	params = {},
	run = function(t, p, ctx)
		t.thinking = t.thinking:gsub("Step 20 of the work here%.\n", "")
		    :gsub("Step 50 of the work here%.\n", "")
		return t
	end,
}
LUA
cat >"$XDG_CONFIG_HOME/whittle/steps/retell.lua" <<'LUA'
return {
	name = "retell",
	summary = "says every step another way",
	params = {},
	run = function(t, p, ctx)
		t.thinking = t.thinking:gsub("S(%d+)%.", "T%1.")
		return t
	end,
}
LUA

tui_start 150 20 "$T/long.jsonl"
tui_wait "1/1"
tui_keys Enter
tui_wait "segment 1/60"
tui_keys z a
tui_wait "segment 1 is in no solution attempt: za folds one"
tui_keys z M
tui_wait "no verification attempt to fold"
tui_keys : "run drop-two" Enter
tui_wait "2 segments removed, 0 added in 2 changes"
# It opens on the first change, two lines of context above it.
tui_expect "- Step 20 of the work here." "the diff opens on its first change"
tui_expect "  Step 18 of the work here." "context above the change"
tui_gone "Step 17 of the work here." "the diff's top is two lines above its change"
tui_keys ] c
tui_wait "- Step 50 of the work here."
tui_gone "Step 20 of the work" "]c leaves the first change"
tui_keys ] c
tui_wait "no change below"
tui_keys [ c
tui_wait "- Step 20 of the work here."
# G shows the last page, not an empty screen; k then scrolls up at once.
tui_keys G
tui_wait "Step 60 of the work here."
tui_expect "- Step 50 of the work here." "G: the last page, full"
tui_keys j j j k
tui_wait "Step 59 of the work here."
tui_gone "Step 60 of the work here." "j past the end does not scroll on"
tui_keys n
tui_wait "segment 1/60"
# A segment changed: the old one (-) above the new (+), as in a patch.
tui_keys : "role verify" Enter =
tui_wait "1 segment removed, 1 added in 1 change"
expect_eq "$(tui_screen | grep -n '^[-+] segment 1: role' | cut -c1-3 | tr '\n' ' ')" \
	"3:- 4:+ " "the removed segment above the added"
tui_stop

# Past the table's cap (about 2,000 by 2,000 segments: one of 70,000 by
# 70,000 would take 20 GB), what lies between the common ends is shown
# removed, then added. 3,000 segments: enough, and quick under ASan.
awk 'BEGIN { printf "{\"question\": \"Q\", \"thinking\": \""
	for (i = 1; i <= 3000; i++) printf "S%d.\\n", i
	printf "\", \"answer\": \"A\"}\n" }' >"$T/huge.jsonl"
tui_start 150 20 "$T/huge.jsonl"
tui_wait "1/1"
tui_keys Enter
tui_wait "segment 1/3000"
tui_keys j j j d d =
tui_wait "1 segment removed, 0 added in 1 change"
tui_expect "- S4." "the segment deleted"
tui_keys q : "run retell" Enter
tui_wait "2999 and 2999 segments too many to pair"
tui_expect "- S1." "the old text, removed"
tui_keys G
tui_wait "+ T3000."
tui_stop

# Values no filter expression could name (spaces, parentheses, a value
# longer than the filter takes), under a filter already there.
long="AoPS forum (2019), a source with a rather long name, past sixty bytes"
{
	printf '{"question": "Q1", "thinking": "T.", "answer": "A", "source": "%s", "tries": 10, "meta": {"level": 1}}\n' "$long"
	printf '{"question": "Q2", "thinking": "T.", "answer": "A", "source": "%s", "tries": 9, "meta": {"level": 2}}\n' "$long"
	printf '{"question": "Q3", "thinking": "T.", "answer": "A", "source": "%s", "tries": 9, "meta": {"level": 3}}\n' "$long"
	printf '{"question": "Q4", "thinking": "T.", "answer": "A", "source": "gsm8k", "tries": 2, "meta": {"level": 4}}\n'
	printf '{"question": "Q5", "thinking": "T.", "answer": "A", "meta": {"level": 5}}\n'
} >"$T/sources.jsonl"
tui_start 130 20 "$T/sources.jsonl"
tui_wait "1/5"
tui_gone " scan " "the scan ends"
# A column, an operator and a value spaced out filter as one word.
tui_keys : "filter segs >= 1" Enter
tui_wait "5 records where segs>=1"
tui_keys : "filter /meta/level>=2" Enter
tui_wait "4 records where /meta/level>=2"
tui_keys : "facet source" Enter
tui_wait "Facet source: 3 values over 4 records"
# A value past 63 bytes is cut, and says so.
tui_expect "a rather long name, past si… " "a cut value ends in an ellipsis"
# The counts stand under their heading, however long the value.
head_end=$(tui_screen | awk '/count +share/ { print index($0, "count") + 4; exit }')
row_end=$(tui_screen | awk '/^AoPS forum/ { sub(/ +[0-9.]+%.*/, ""); gsub(/…/, "."); print length($0); exit }')
expect_eq "$row_end" "$head_end" "the count of a long value under its heading"
tui_keys Enter
tui_wait "2 records where /meta/level>=2, source=AoPS forum (2019)"
tui_expect " 1/2 " "the facet's value within the filter"
# By count, then by value: numbers by size (10 after 9), words in their
# order, (none) last; the cursor keeps its value.
tui_keys : filter Enter : "facet tries" Enter
tui_wait "Facet tries: 4 values over 5 records (Enter filters, o orders by value"
expect_eq "$(tui_screen | awk '/^[0-9(]/ { printf "%s ", $1 }')" "9 (none) 10 2 " "tries by count"
tui_keys j j o
tui_wait "Facet tries: 4 values over 5 records, by value (Enter filters, o orders by count"
expect_eq "$(tui_screen | awk '/^[0-9(]/ { printf "%s ", $1 }')" "2 9 10 (none) " "tries by value"
tui_keys Enter
tui_wait "1 record where tries=10"
tui_keys : filter Enter : "facet source" Enter o
tui_wait "by value"
expect_eq "$(tui_screen | awk '/^(AoPS|gsm8k|\(none\))/ { printf "%s ", $1 }')" "AoPS gsm8k (none) " \
	"words in order, (none) last"
# / searches the values, n goes on round them.
tui_keys / gsm Enter
tui_wait_re "^/gsm$"
tui_keys n
tui_wait "/gsm (past the end of the values: from the top)"
tui_keys Enter
tui_wait "1 record where source=gsm8k"
tui_keys : "sort loss desc" Enter
tui_wait "sort: no loss column: :losses RUN (or --losses) reads"
tui_gone "sorted by loss" "no order by a column with no values"
tui_keys : "filter loss>2" Enter
tui_wait "filter: no loss column"
tui_keys : "facet loss" Enter
tui_wait "facet: no loss column"
tui_stop

# F is the user's now, and g takes the place of gg (it runs at the g).
cat >"$XDG_CONFIG_HOME/whittle/init.lua" <<'LUA'
workbench.map("F", ":facet solutions")
workbench.map("g", ":goto 3")
LUA
tui_start 100 60 "$T/sources.jsonl"
tui_wait "1/5"
tui_keys '?'
tui_wait "Keys and commands"
tui_expect "<Home>                   first row / segment" "Home still goes to the top"
tui_screen | grep -q '^ *F  *facets: frequency' && fail "the help lists F as facets"
tui_screen | grep -q 'gg <Home>' && fail "the help lists gg, which g shadows"
tui_keys q : help Enter
tui_wait "Commands (:help CMD"
tui_keys k k k k
tui_wait "Your keys (init.lua), in every view"
tui_expect "F          :facet solutions (in place of F: facets" "what the user's F replaces"
tui_expect "g          :goto 3 (in place of gg: first row" "what the user's g replaces"
tui_stop

# Record 12 of the demo: a self-negation (segment 7), then a redundant
# attempt of 22 segments (21 to 42).
rm -f "$XDG_CONFIG_HOME/whittle/init.lua"
tui_start 100 30 "$EXAMPLES/demo-r1-messages.jsonl"
tui_wait "1/16"
tui_keys : "goto 12" Enter
tui_wait " 12/16 "
tui_keys Enter
tui_wait "segment 1/42"
tui_keys ] e
tui_wait "segment 7/42"
tui_keys ] e
tui_wait "segment 21/42"
tui_keys ] e
tui_wait "no next error"
tui_expect "segment 21/42" "]e does not step into the attempt it stands on"
# From inside the attempt, [e goes to its start, then to the error before.
tui_keys G
tui_wait "segment 42/42"
tui_keys [ e
tui_wait "segment 21/42"
tui_keys [ e
tui_wait "segment 7/42"
tui_stop

# Record 1 of the demo: solution 4 (segments 25 to 47) folded, then a
# search for its segment 34.
tui_start 100 30 "$EXAMPLES/demo-r1-messages.jsonl"
tui_wait "1/16"
tui_keys Enter
tui_wait "segment 1/47"
tui_keys ] s ] s ] s ] s
tui_wait "segment 25/47"
tui_keys z M
tui_wait "3 verification attempts folded (zR unfolds)"
tui_keys z R z a
tui_wait "▸ solution 4"
tui_keys g g / "Everything is consistent" Enter
tui_wait "segment 34/47"
tui_expect "Everything is consistent." "the match shows"
tui_gone "▸ solution 4" "the match's solution unfolds"
tui_stop

# Three matches in record 1, none in record 2: a search from record 2
# finds record 1's first match; N from there comes round the list to
# record 1 again, at its last match, then goes back through the others.
{
	printf '{"question": "Q1", "thinking": "Alpha one.\\nAlpha two.\\nBeta.\\nAlpha three.", "answer": "A"}\n'
	printf '{"question": "Q2", "thinking": "Gamma.\\nDelta.", "answer": "A"}\n'
} >"$T/alpha.jsonl"
tui_start 100 30 "$T/alpha.jsonl"
tui_wait "1/2"
tui_keys j Enter
tui_wait "segment 1/2"
tui_keys / Alpha Enter
tui_wait "segment 1/4"
tui_expect "/Alpha (past the end of the list: from the top)" "the search says it came round"
tui_keys N
tui_wait " 1/2 "
tui_wait "segment 4/4"
tui_keys N
tui_wait "segment 2/4"
tui_keys N
tui_wait "segment 1/4"
tui_keys n n
tui_wait "segment 4/4"
tui_wait_re "^/Alpha$"
tui_stop
done_test
