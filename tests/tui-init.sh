# The user's init.lua ($XDG_CONFIG_HOME/whittle/init.lua): keys bound to
# command lines (listed in the help), options and the theme set at start;
# an error in it is shown with its file and line (and Lua's traceback) and
# the workbench goes on.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui-lib.sh"
demo="$EXAMPLES/demo-r1-messages.jsonl"
mkdir -p "$XDG_CONFIG_HOME/whittle"

cat >"$XDG_CONFIG_HOME/whittle/init.lua" <<'LUA'
workbench.map("gw", ":filter wrong")
workbench.map("<C-x>", "sort segs desc")
workbench.set("split", "off")
workbench.theme("monochrome")
LUA
tui_start 150 30 "$demo"
tui_wait "1/16"
tui_gone " scan " "the scan ends"	# the filter counts scanned rows
tui_keys g w
tui_wait "3 records where wrong"
tui_keys C-x
tui_wait "sorted by segs desc"
# split=off: the trace takes the whole screen, however wide.
tui_keys Enter
tui_wait "Thinking"
tui_gone "#  st mk" "split=off from init.lua"
tui_keys q : help Enter
tui_wait "Commands (:help CMD"
tui_keys k k k k
tui_wait "Your keys (init.lua), in every view"
tui_expect "gw         :filter wrong" "the user's keys in the help"
# monochrome: no colour escapes, only attributes.
tui_keys q
tui_screen -e | grep -q $'\033\\[3[0-7]m\|\033\\[38;' && fail "theme monochrome from init.lua"
tui_stop

# An error: its file and line on the message line, Lua's traceback in the
# text view (q returns); what came before it holds, the workbench goes on.
cat >"$XDG_CONFIG_HOME/whittle/init.lua" <<'LUA'
workbench.map("gw", ":filter wrong")
workbench.map("", ":q")
workbench.map("gx", ":filter correct")
LUA
tui_start 100 24 "$demo"
tui_wait "init.lua: $XDG_CONFIG_HOME/whittle/init.lua:2: bad argument #1 to 'map' (no keys)"
tui_wait "init.lua failed (q returns)"
tui_wait "stack traceback:"
tui_wait "init.lua:2: in main chunk"
tui_keys q
tui_gone "stack traceback:" "q closes the traceback"
tui_gone " scan " "the scan ends"
tui_keys g w
tui_wait "3 records where wrong"
tui_keys g x
tui_wait "no binding here"
tui_stop
# A set or theme the workbench refuses is an error of the file as well.
for bad in 'set("splitt", "off")=set: options are theme=NAME, split=on|off' \
    'theme("nosuch")=theme: no theme called "nosuch"'; do
	printf '%s\n' 'workbench.map("gw", ":filter wrong")' "workbench.${bad%%=*}" \
		'workbench.map("gx", ":filter correct")' >"$XDG_CONFIG_HOME/whittle/init.lua"
	tui_start 150 24 "$demo"
	tui_wait "init.lua: $XDG_CONFIG_HOME/whittle/init.lua:2: ${bad#*=}"
	tui_gone " scan " "the scan ends"
	tui_keys g x
	tui_wait "no binding here"
	tui_stop
done
printf 'this is not lua\n' >"$XDG_CONFIG_HOME/whittle/init.lua"
tui_start 100 24 "$demo"
tui_wait "init.lua: $XDG_CONFIG_HOME/whittle/init.lua:1:"
tui_keys q j
tui_wait "2/16"
tui_stop
done_test
