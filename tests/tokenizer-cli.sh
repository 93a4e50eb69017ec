# whittle tokenize: usage errors and exit codes, refusals naming what is
# unsupported, --ids and --count agreeing, standard input, --json-lines with
# threads, a bad line reported by number, and --decode. Uses the hand-built
# tokenizers.
. "$SRCDIR/tests/lib.sh"
TOK="$SRCDIR/tests/tokenizer/tiny-qwen.json"
HARD="$SRCDIR/tests/tokenizer/hard-strings.jsonl"

$WHITTLE --help | grep -q "^  tokenize " || fail "--help lists tokenize"
$WHITTLE tokenize --help | grep -q "^usage: whittle tokenize" || fail "tokenize --help"
$WHITTLE tokenize "$HARD" >/dev/null 2>&1; expect_eq $? 2 "no --tokenizer"
$WHITTLE tokenize --tokenizer "$TOK" a b >/dev/null 2>&1; expect_eq $? 2 "two files"
$WHITTLE tokenize --tokenizer "$TOK" -j 0 --json-lines "$HARD" >/dev/null 2>&1
expect_eq $? 2 "-j 0"
$WHITTLE tokenize --tokenizer "$T/missing.json" "$HARD" 2>"$T/err"; expect_eq $? 1 "missing tokenizer"
grep -q "^whittle: $T/missing.json: cannot open" "$T/err" || fail "missing tokenizer message: $(cat "$T/err")"

# A model's folder stands for the tokenizer.json in it; a folder without
# one names the file it looked for.
mkdir -p "$T/model" "$T/empty"
cp "$TOK" "$T/model/tokenizer.json"
expect_eq "$($WHITTLE tokenize --tokenizer "$T/model" "$HARD")" \
	"$($WHITTLE tokenize --tokenizer "$TOK" "$HARD")" "a model's folder"
$WHITTLE tokenize --tokenizer "$T/empty" "$HARD" 2>"$T/err"; expect_eq $? 1 "a folder without one"
grep -q "^whittle: $T/empty/tokenizer.json: cannot open" "$T/err" || fail "folder message: $(cat "$T/err")"

# A WordPiece tokenizer.json is refused by name.
sed 's/"type": "BPE"/"type": "WordPiece"/' "$TOK" >"$T/wordpiece.json"
$WHITTLE tokenize --tokenizer "$T/wordpiece.json" "$HARD" 2>"$T/err"; expect_eq $? 1 "WordPiece"
grep -q "unsupported model type \"WordPiece\"" "$T/err" || fail "WordPiece message: $(cat "$T/err")"
printf '{"model": {"type": "BPE",\n  "vocab": {"a": 0,}}}' >"$T/broken.json"
$WHITTLE tokenize --tokenizer "$T/broken.json" "$HARD" 2>"$T/err"; expect_eq $? 1 "broken JSON"
grep -q "^whittle: $T/broken.json:2: not valid JSON" "$T/err" || fail "broken JSON message: $(cat "$T/err")"

# --count is the number of --ids; a file and standard input agree.
printf 'Hello world  12345 it'"'"'s\n<|im_end|> 中文' >"$T/text"
ids=$($WHITTLE tokenize --tokenizer "$TOK" --ids "$T/text")
expect_eq "$($WHITTLE tokenize --tokenizer "$TOK" --count "$T/text")" "$(echo "$ids" | wc -w)" "--count"
expect_eq "$($WHITTLE tokenize --tokenizer "$TOK" - <"$T/text")" "$ids" "standard input"
expect_eq "$(cat "$T/text" | $WHITTLE tokenize --tokenizer "$TOK" /dev/stdin)" "$ids" \
    "a pipe named as FILE"
[ "$(echo "$ids" | wc -w)" -gt 5 ] || fail "too few ids: $ids"
expect_eq "$($WHITTLE tokenize --tokenizer "$TOK" --count /dev/null)" 0 "empty text"

# --json-lines: one line of output a line of input, the same with 1 or 3
# threads; a line that is not a JSON string is reported by its number.
$WHITTLE tokenize --tokenizer "$TOK" --json-lines "$HARD" >"$T/one" || fail "--json-lines"
$WHITTLE tokenize --tokenizer "$TOK" --json-lines -j 3 "$HARD" >"$T/three" || fail "-j 3"
expect_eq "$(wc -l <"$T/one")" "$(wc -l <"$HARD")" "a line each"
cmp -s "$T/one" "$T/three" || fail "-j 3 differs from -j 1"
printf '"a"\n{"b": 1}\n"c"\n' >"$T/bad.jsonl"
$WHITTLE tokenize --tokenizer "$TOK" --json-lines "$T/bad.jsonl" >"$T/out" 2>"$T/err"
expect_eq $? 1 "bad line"
grep -q "^whittle: $T/bad.jsonl:2: not a JSON string" "$T/err" || fail "bad line message: $(cat "$T/err")"
[ -s "$T/out" ] && fail "output despite a bad line"

# --decode gives the text back, special tokens included unless
# --skip-special; a bad id is an error naming it (and its line).
expect_eq "$($WHITTLE tokenize --tokenizer "$TOK" --ids "$T/text" |
    $WHITTLE tokenize --tokenizer "$TOK" --decode)" "$(cat "$T/text")" "--decode"
printf '<|im_end|>x<|im_end|>' >"$T/special"
$WHITTLE tokenize --tokenizer "$TOK" --ids "$T/special" >"$T/special.ids"
expect_eq "$($WHITTLE tokenize --tokenizer "$TOK" --decode "$T/special.ids")" \
    "<|im_end|>x<|im_end|>" "--decode keeps special tokens"
expect_eq "$($WHITTLE tokenize --tokenizer "$TOK" --decode --skip-special "$T/special.ids")" \
    "x" "--skip-special"
$WHITTLE tokenize --tokenizer "$TOK" --skip-special "$T/special" >/dev/null 2>&1
expect_eq $? 2 "--skip-special without --decode"
$WHITTLE tokenize --tokenizer "$TOK" --json-lines "$HARD" |
    $WHITTLE tokenize --tokenizer "$TOK" --decode --json-lines -j 2 >"$T/back" ||
    fail "--decode --json-lines"
expect_eq "$(wc -l <"$T/back")" "$(wc -l <"$HARD")" "a text a line"
echo 99999 | $WHITTLE tokenize --tokenizer "$TOK" --decode 2>"$T/err"
expect_eq $? 1 "unknown id"
grep -q "^whittle: -: token id 99999 is not in the tokenizer" "$T/err" ||
    fail "unknown id message: $(cat "$T/err")"
printf '1 2\n3 x4\n' | $WHITTLE tokenize --tokenizer "$TOK" --decode --json-lines 2>"$T/err"
expect_eq $? 1 "not an id"
grep -q '^whittle: -:2: not a token id: "x4"' "$T/err" || fail "not an id message: $(cat "$T/err")"
done_test
