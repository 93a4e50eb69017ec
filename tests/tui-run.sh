# :run in the workbench: a Lua step on the current trace shown as a diff,
# kept (then undone) or discarded; a failing step and a runaway one show
# their error and the workbench goes on (:set max-instructions); :run --all
# over the file with its output opened side by side, refused while edits
# are unsaved, and stopped by :q!.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui-lib.sh"

F="$T/demo.jsonl"
cp "$SRCDIR/examples/demo-r1-messages.jsonl" "$F"
mkdir -p "$XDG_CONFIG_HOME/whittle/steps"
cat > "$XDG_CONFIG_HOME/whittle/steps/boom.lua" <<'EOF'
return {
	name = "boom",
	summary = "fails on purpose",
	params = {},
	run = function(t, p, ctx)
		local function deeper() error("boom in a step") end
		deeper()
	end,
}
EOF
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
cat > "$XDG_CONFIG_HOME/whittle/steps/first-thought.lua" <<'EOF'
return {
	name = "first-thought",
	summary = "the thinking up to its first blank line, as a field",
	params = {},
	run = function(t, p, ctx)
		t.first_thought = "Thought: " .. t.thinking:match("^(.-)\n\n")
		return t:label("first", true)
	end,
}
EOF

tui_start 100 30 "$F"
tui_wait "1/16"

# On the current trace: the diff, then y keeps it as one undoable edit.
tui_keys : "run prune-" Tab Enter
tui_wait "record 1, :run prune-redundant (thinking): y keeps, n discards"
tui_screen | grep -q "· [1-9][0-9]* segments* removed, 0 added" || fail "the diff counts"
tui_keys y
tui_wait ":run prune-redundant kept (u undoes)"
tui_wait "1 unsaved"
tui_keys u
tui_wait "0 unsaved"
tui_wait "undone: :run prune-redundant"

# n (and q) discard.
tui_keys : "run prune-redundant" Enter
tui_wait "y keeps, n discards"
tui_keys n
tui_wait ":run prune-redundant discarded"
tui_expect "0 unsaved" "n keeps nothing"
tui_keys : "run prune-redundant variant=last-1" Enter
tui_wait "y keeps, n discards"
tui_keys q
tui_wait ":run prune-redundant discarded"
# A step that only labels says what it labels.
tui_keys : "run verify" Enter
tui_wait ':run verify changes no text of record 1; it labels it {"correct":true'
tui_expect "0 unsaved" "labels are not an edit"
# A field a step sets beyond the trace's own is shown, and named.
tui_keys : "run first-thought" Enter
tui_wait ':run first-thought changes no text of record 1; it sets first_thought (shown) and labels it'
tui_expect '{"first":true} (:run --all writes them)' "the labels too"
tui_expect "first_thought:" "the field's name shown"
tui_expect "Thought: Okay, so I need to figure out" "the field's value shown"
tui_keys q
tui_wait "1/16"
tui_keys : "run thinkfree" Enter
tui_wait ":run thinkfree changes 1 field of record 1 and sets target (:run --all writes it): y keeps"
tui_keys n
tui_wait ":run thinkfree discarded"

# Errors: shown with where they happened; the workbench goes on.
tui_keys : "run boom" Enter
tui_wait ":run boom failed"
tui_expect "boom.lua:6: boom in a step" "where the error happened"
tui_expect "stack traceback:" "the error's traceback"
tui_expect "in local 'deeper'" "the traceback names the functions"
tui_keys q
tui_wait "1/16"
tui_keys : "set max-instructions=x" Enter
tui_wait "set: max-instructions is a number"
tui_keys : "set max-instructions=200000" Enter
tui_wait "max-instructions=200000"
tui_keys : "run spin" Enter
tui_wait "instruction limit of 200000 exceeded" 60
tui_expect "raise it with :set max-instructions=N" "the workbench's way to raise it"
tui_keys q
tui_keys : "run nosuch" Enter
tui_wait ":run nosuch failed"
tui_keys q
tui_keys : "run prune-redundant nosuch=1" Enter
tui_wait ":run prune-redundant failed"
tui_keys q
tui_wait "1/16"

# The whole file: refused with unsaved edits, then written beside it.
tui_keys Enter d d
tui_wait "1 unsaved"
tui_keys q : "run --all verify" Enter
tui_wait ":w first"
tui_keys u
tui_wait "0 unsaved"
tui_keys : "run --all verify" Enter
tui_wait "16 records from 16, 0 failed" 60
[ "$(wc -l < "$T/demo.verify.jsonl")" = 16 ] || fail ":run --all wrote every record"
ls "$T"/demo.verify.jsonl.tmp.* 2>/dev/null && fail "no partial output left"
tui_keys Enter
tui_wait "Thinking"
tui_expect "│" "the output side by side"
tui_keys q
# A step file named by its path: the output is named by the file.
mkdir -p "$T/mine"
cat > "$T/mine/firsts.lua" <<'EOF'
return { name = "firsts", summary = "the first ten records", params = {},
	run = function(t) if t.index <= 10 then return t end end }
EOF
tui_keys : "run --all $T/mine/firsts.lua" Enter
tui_wait "10 records from 16, 6 dropped, 0 failed" 60
[ "$(wc -l < "$T/demo.firsts.jsonl")" = 10 ] || fail ":run --all of a step file: $(ls "$T")"
tui_keys Enter
tui_wait "Thinking"
tui_keys q
tui_keys : "run --all boom" Enter
tui_wait "0 records from 16, 16 failed" 60
tui_expect "boom in a step" "the first failure shown"
tui_keys q

# Quitting while a run goes on: :q says how, :q! stops it and removes its
# partial output.
tui_keys : "set max-instructions=0" Enter
tui_keys : "run --all spin" Enter
tui_wait "run spin   0%"
tui_keys : q Enter
tui_wait ":run --all spin is running: :q! stops it, removes its output and quits"
ls "$T"/demo.spin.jsonl.tmp.* >/dev/null 2>&1 || fail "the run writes its partial output"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
sleep 0.5
ls "$T"/demo.spin.jsonl* 2>/dev/null && fail ":q! leaves no output of the stopped run"

done_test
