# The binary finds lua/ and themes/ in the source tree when run from the
# build tree, in the package data folder when installed, and where
# WHITTLE_DATADIR says.
. "$SRCDIR/tests/lib.sh"

expect_eq "$($WHITTLE --version | sed -n 's/^data folder: //p')" "$(cd "$SRCDIR" && pwd -P)" "build tree"
[ -f "$SRCDIR/themes/default.theme" ] || fail "the source tree has themes/"
mkdir -p "$T/bin"
cp "$WHITTLE" "$T/bin/whittle"
expect_eq "$("$T/bin/whittle" --version | sed -n 's/^data folder: //p')" "$PKGDATADIR" "installed"
expect_eq "$(WHITTLE_DATADIR=/x "$WHITTLE" --version | sed -n 's/^data folder: //p')" /x "WHITTLE_DATADIR"
done_test
