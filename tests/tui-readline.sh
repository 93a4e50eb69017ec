# The workbench's `:` command line is GNU readline inside curses: test it
# under a hostile inputrc (vi mode, mode strings in the prompt, bracketed
# paste, completion paging, Enter rebound), with completion, history kept
# across runs, inline edits and cancelling.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui-lib.sh"

F="$T/demo.jsonl"
cp "$SRCDIR/examples/demo-r1-messages.jsonl" "$F"
cat > "$T/inputrc" <<'RC'
set editing-mode vi
set show-mode-in-prompt on
set vi-ins-mode-string "\1\e[6 q\2INS "
set enable-bracketed-paste on
set completion-query-items 1
set page-completions on
set bell-style audible
"\C-m": "oops"
"\C-j": "oops"
RC
export INPUTRC="$T/inputrc"

tui_start 100 30 "$F"
tui_wait "1/16"

# A command runs: Enter still ends the line, nothing leaks on screen.
tui_keys : goto Space 5 Enter
tui_wait "5/16"
tui_gone "INS" "no mode string in the prompt"
tui_gone "oops" "Enter is not rebound"
tui_screen -e | grep -q '2004' && fail "bracketed paste escape on screen"

# vi mode: Escape goes to command mode instead of cancelling; 0 and D
# edit the line, C-c cancels.
tui_keys : goto Space 9 Escape 0 D
tui_wait ":"
tui_keys i goto Space 2 Enter
tui_wait "2/16"
tui_keys : garbage C-c
tui_wait "2/16"
tui_gone "garbage" "C-c cancels the line"
# Home, End and Delete as tmux sends them (\e[1~, \e[4~, \e[3~).
tui_keys : "oto 36" Home g End Left Left DC Enter
tui_wait "6/16"

# Completion of commands, theme names and facets, shown on the message line.
tui_keys : the Tab
tui_wait ":theme"
tui_keys li Tab
tui_wait ":theme light"
tui_keys Enter
tui_wait "theme light"
tui_keys : s Tab Tab
tui_wait "set  side  solution  sort"
tui_keys C-c
# :set completes an option's name (no space after its =), then the
# values of theme= and split=; :run a step's parameters after its name.
tui_keys : "set th" Tab "hi" Tab Enter
tui_wait "theme high-contrast"
tui_keys : "set split=of" Tab Enter
tui_wait "split=off"
tui_keys : "run budget lev" Tab "1,2"
tui_wait ":run budget levels=1,2"
tui_keys C-u "run --all prune-redundant " Tab Tab
tui_wait "variant="
tui_keys C-c
tui_keys : facet Space ver Tab Enter
tui_wait "Facet verdict"
tui_keys q

# History: kept in $XDG_STATE_HOME/whittle/history across runs.
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop
grep -q "goto 2" "$XDG_STATE_HOME/whittle/history" || fail "history saved"
tui_start 100 30 "$F"
tui_wait "1/16"
tui_keys : Up Up
tui_wait ":facet verdict"
tui_keys C-c

# Inline edit of a segment through readline, then split at the cursor.
tui_keys Enter
tui_wait "Thinking"
tui_keys e
tui_wait "edit> Okay"
tui_keys Escape 0 c w Hello Escape Enter
tui_wait "edit segment:"
tui_expect "Hello, so I need" "inline edit applied"
tui_keys s
tui_wait "split at cursor>"
tui_keys Enter
tui_wait "split:"
# Text typed at the split's prompt is kept, as e keeps it, and the split
# falls at the cursor after it.
tui_keys s
tui_wait "split at cursor>"
tui_keys Escape A " Then more." Enter
tui_wait "split:"
tui_wait "Then more."
tui_gone "EXITED" "a split of an edited line does not crash"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop

# Emacs mode (no inputrc): a lone Escape cancels, C-a/C-k, Home, End
# and Delete edit.
INPUTRC=/dev/null tui_start 100 30 "$F"
tui_wait "1/16"
tui_keys : goto Space 7 Escape
tui_wait "1/16"
tui_gone "goto 7" "Escape cancels in emacs mode"
tui_keys : xxx C-a C-k goto Space 4 Enter
tui_wait "4/16"
tui_keys : "oto 38" Home g End Left Left DC Enter
tui_wait "8/16"
tui_gone "~" "End inserts nothing"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"

done_test
