# Make help-text.c from whittle.1: the paragraph of each `:` command of the
# workbench (the man page's "Commands" part), as plain text, for :help
# COMMAND. The help is the man page's own words; this knows only the few
# roff macros and escapes that part uses.

# Undo the escapes: fonts go, the rest become the characters they print.
function plain(s) {
	gsub(/\\f[BIRP]/, "", s)
	gsub(/\\-/, "-", s)
	gsub(/\\\(dq/, "\"", s)
	gsub(/\\\(mu/, "x", s)
	gsub(/\\\(S2/, "^2", s)
	gsub(/\\\(!=/, "!=", s)
	gsub(/\\&/, "", s)
	gsub(/\\e/, "\\", s)
	return s
}

# Split a macro line's arguments (words, or "quoted" with spaces) into a[];
# returns their number.
function split_args(s, a,    n, c, w, quoted, i) {
	n = 0
	sub(/^\.[A-Za-z]+[ \t]*/, "", s)
	w = ""
	quoted = 0
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\"") {
			if (quoted) {
				a[++n] = w
				w = ""
			}
			quoted = !quoted
		} else if (!quoted && (c == " " || c == "\t")) {
			if (w != "")
				a[++n] = w
			w = ""
		} else
			w = w c
	}
	if (w != "")
		a[++n] = w
	return n
}

# The text a line prints: .B and .I join their words with spaces, the
# font-alternating macros (.BR, .BI, ...) without; other macros print
# nothing.
function text_of(line,    a, n, i, sep, out) {
	if (line !~ /^\./)
		return plain(line)
	if (line ~ /^\.(B|I)[ \t]/)
		sep = " "
	else if (line ~ /^\.(BR|RB|BI|IB|IR|RI)[ \t]/)
		sep = ""
	else
		return ""
	n = split_args(line, a)
	out = ""
	for (i = 1; i <= n; i++)
		out = out (i > 1 ? sep : "") a[i]
	return plain(out)
}

# C string literal of s.
function c_string(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return "\"" s "\""
}

# Write the entries of the command paragraph just read, one per name its
# tag line gives (":undo, :redo" share one).
function flush(    i) {
	if (n_names == 0)
		return
	sub(/ +$/, "", body)
	for (i = 1; i <= n_names; i++)
		printf "\t{ %s, %s, %s },\n", c_string(names[i]), c_string(usage), c_string(body)
	n_names = 0
}

BEGIN {
	print "/* Made by help-text.awk from whittle.1: do not edit. */"
	print "#include \"tui/cmds.h\""
	print ""
	print "const struct wh_tui_help_text wh_tui_help_texts[] = {"
}

/^\.SS Commands/ { in_commands = 1; next }
in_commands && /^\.(SS|SH)/ { flush(); in_commands = 0 }
!in_commands { next }

/^\.TS/ { in_table = 1; next }
/^\.TE/ { in_table = 0; next }
in_table { next }

/^\.TP/ { flush(); tag = 1; next }
tag {
	tag = 0
	n = split_args($0, a)
	for (i = 1; i <= n; i++)
		if (a[i] ~ /^:[a-z]/) {
			name = substr(a[i], 2)
			sub(/[^a-z!].*$/, "", name)
			names[++n_names] = name
		}
	usage = text_of($0)
	body = ""
	next
}
n_names {
	t = text_of($0)
	if (t != "")
		body = body t " "
}

END {
	flush()
	print "\t{ NULL, NULL, NULL }"
	print "};"
}
