# Garbage, truncated, huge (100 MB) and wrong-typed messages each get an
# error reply, and the engine goes on serving (the same connection too).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/engine/lib.sh"

"$WHITTLE" engine start >/dev/null || fail "engine start"
pid=$(engine_pid)
"$HELPER" abuse || fail "abuse: see the lines above"
expect_eq "$(engine_pid)" "$pid" "the engine after the abuse"
id=$("$WHITTLE" engine submit -- sh -c 'echo "{\"step\":1,\"ok\":1}"')
expect_eq "$("$WHITTLE" watch --plain "$id")" "1 ok 1" "a run after the abuse"
stop_engine
done_test
