#!/bin/sh
# End-to-end tests of avslut-hr forms, interviewers and ingest, driving the
# real binary: receipts, dedup, refused bundles, kill -9 at every crash
# point, the drop folder. Prints "PASS name" / "FAIL name: why".
SRC=${AVSLUT_SRCDIR:-$(pwd)}
B=${AVSLUT_BUILD:-$SRC/build}
HR=$B/avslut-hr
T=$(mktemp -d /tmp/avslut-e2e-ingest.XXXXXX)
trap 'rm -rf "$T"' EXIT
export AVSLUT_HOME="$T/home"
unset AVSLUT_CRASH
failed=0

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failed=1; }

PKGS="libsodium sqlite3 yaml-0.1"
if ! cc -std=c11 -I"$SRC/src" $(pkg-config --cflags $PKGS) \
    -o "$T/mkbundle" "$SRC/tests/e2e/mkbundle.c" "$B/libavslut.a" \
    $(pkg-config --libs $PKGS) -lm -lpthread 2>"$T/cc.log"; then
	fail build-helper "$(cat "$T/cc.log")"
	exit 1
fi
MK=$T/mkbundle

# count DB: the number of envelopes the store holds.
count() {
	sqlite3 "$1" "SELECT count(*) FROM envelopes" 2>/dev/null
}

DB=$T/central.db
"$MK" pub a >"$T/a.pub"
"$MK" pub b >"$T/b.pub"
"$MK" pub r >"$T/r.pub"
"$MK" bundle a 0 10 >"$T/a0.bundle"
"$MK" bundle b 100 5 >"$T/b.bundle"
"$MK" bundle r 200 3 >"$T/r.bundle"

# --- forms ---------------------------------------------------------------
out=$("$HR" forms add --db "$DB" "$SRC/forms/exit-interview.yaml" 2>&1)
rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q '^approved form exit-interview version'; then
	pass forms-add
else
	fail forms-add "exit $rc: $out"
fi
out=$("$HR" forms add --db "$DB" "$SRC/forms/exit-interview.yaml" 2>&1)
rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q 'already approved'; then
	pass forms-add-again
else
	fail forms-add-again "exit $rc: $out"
fi
printf 'id: broken\nversion: 0\n' >"$T/bad.yaml"
n0=$(sqlite3 "$DB" "SELECT count(*) FROM forms")
out=$("$HR" forms add --db "$DB" "$T/bad.yaml" 2>&1)
rc=$?
n=$(sqlite3 "$DB" "SELECT count(*) FROM forms")
if [ $rc -eq 65 ] && [ "$n" = "$n0" ] && echo "$out" | grep -q 'bad.yaml:'; then
	pass forms-add-invalid
else
	fail forms-add-invalid "exit $rc, $n forms: $out"
fi
out=$("$HR" forms add --db "$DB" "$T/nonexistent.yaml" 2>&1)
rc=$?
[ $rc -eq 66 ] && pass forms-add-missing || fail forms-add-missing "exit $rc: $out"
out=$("$HR" forms list --db "$DB" 2>&1)
rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -Eq '^exit-interview	1	[0-9a-f]{64}$'; then
	pass forms-list
else
	fail forms-list "exit $rc: $out"
fi

# --- interviewers ---------------------------------------------------------
out=$("$HR" interviewers add --db "$DB" --label "Anna Å" "$T/a.pub" 2>&1)
rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q '^registered interviewer'; then
	pass interviewers-add
else
	fail interviewers-add "exit $rc: $out"
fi
"$HR" interviewers add --db "$DB" "$T/r.pub" >/dev/null 2>&1
sed 's/.$/X/' "$T/a.pub" >"$T/bad.pub"
out=$("$HR" interviewers add --db "$DB" "$T/bad.pub" 2>&1)
rc=$?
[ $rc -eq 65 ] && pass interviewers-add-damaged || fail interviewers-add-damaged "exit $rc: $out"
fpr=$("$HR" interviewers list --db "$DB" | grep 'Anna' | cut -f1)
out=$("$HR" interviewers list --db "$DB" 2>&1)
if echo "$out" | grep -q "active	Anna Å" && [ -n "$fpr" ]; then
	pass interviewers-list
else
	fail interviewers-list "$out"
fi
# revoke r by fingerprint without spaces
rfpr=$("$HR" interviewers list --db "$DB" | grep -v Anna | cut -f1 | tr -d ' ')
out=$("$HR" interviewers revoke --db "$DB" "$rfpr" 2>&1)
rc=$?
if [ $rc -eq 0 ] && "$HR" interviewers list --db "$DB" | grep -q 'revoked'; then
	pass interviewers-revoke
else
	fail interviewers-revoke "exit $rc: $out"
fi
out=$("$HR" interviewers revoke --db "$DB" "0000 1111" 2>&1)
rc=$?
[ $rc -eq 65 ] && pass interviewers-revoke-unknown || fail interviewers-revoke-unknown "exit $rc: $out"

# --- ingest ----------------------------------------------------------------
"$HR" ingest --db "$DB" "$T/a0.bundle" >"$T/a0.rcpt" 2>"$T/err"
rc=$?
v=$("$MK" verify 0 10 <"$T/a0.rcpt")
if [ $rc -eq 0 ] && [ "$v" = "ok 10" ] && [ "$(count "$DB")" = 10 ]; then
	pass ingest-file
else
	fail ingest-file "exit $rc, $v, count $(count "$DB"): $(cat "$T/err")"
fi
"$HR" ingest --db "$DB" "$T/a0.bundle" >"$T/a0.rcpt2" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && cmp -s "$T/a0.rcpt" "$T/a0.rcpt2" &&
    [ "$(count "$DB")" = 10 ] && grep -q '10 already held' "$T/err"; then
	pass ingest-twice-counts-once
else
	fail ingest-twice-counts-once "exit $rc, count $(count "$DB"): $(cat "$T/err")"
fi
# From stdin, overlapping a0 by half: a store of its own that holds a0.
sdb=$T/stdin.db
"$HR" interviewers add --db "$sdb" "$T/a.pub" >/dev/null 2>&1 &&
    "$HR" ingest --db "$sdb" "$T/a0.bundle" >/dev/null 2>&1
"$MK" bundle a 5 10 | "$HR" ingest --db "$sdb" - >"$T/pipe.rcpt" 2>"$T/err"
rc=$?
v=$("$MK" verify 5 10 <"$T/pipe.rcpt")
if [ $rc -eq 0 ] && [ "$v" = "ok 10" ] && [ "$(count "$sdb")" = 15 ]; then
	pass ingest-stdin
else
	fail ingest-stdin "exit $rc, $v, count $(count "$sdb"): $(cat "$T/err")"
fi
"$HR" ingest --db "$DB" --receipt "$T/out.rcpt" "$T/a0.bundle" 2>"$T/err"
rc=$?
v=$("$MK" verify 0 10 <"$T/out.rcpt")
[ $rc -eq 0 ] && [ "$v" = "ok 10" ] && pass ingest-receipt-option ||
    fail ingest-receipt-option "exit $rc, $v"

# Refused whole: unknown signer, revoked signer, flipped byte, truncation,
# trailing byte, wrong magic, future version.
before=$(count "$DB")
refused() { # name file want-exit want-message
	"$HR" ingest --db "$DB" "$2" >"$T/r.out" 2>"$T/err"
	rc=$?
	if [ $rc -eq "$3" ] && [ "$(count "$DB")" = "$before" ] &&
	    grep -q "$4" "$T/err" && [ ! -s "$T/r.out" ]; then
		pass "$1"
	else
		fail "$1" "exit $rc, count $(count "$DB"): $(cat "$T/err")"
	fi
}
refused ingest-unknown-signer "$T/b.bundle" 77 'not registered'
refused ingest-revoked-signer "$T/r.bundle" 77 'revoked'
"$MK" bundle a 300 4 >"$T/good.bundle"
size=$(wc -c <"$T/good.bundle")
cp "$T/good.bundle" "$T/flip.bundle"
printf '\377' | dd of="$T/flip.bundle" bs=1 seek=100 conv=notrunc 2>/dev/null
refused ingest-flipped-byte "$T/flip.bundle" 65 'signature does not verify'
head -c $((size - 1)) "$T/good.bundle" >"$T/trunc.bundle"
refused ingest-truncated "$T/trunc.bundle" 65 'truncated'
head -c $((size - 64)) "$T/good.bundle" >"$T/nosig.bundle"
refused ingest-no-signature "$T/nosig.bundle" 65 'inside the signature'
{ cat "$T/good.bundle"; printf x; } >"$T/trail.bundle"
refused ingest-trailing "$T/trail.bundle" 65 'trailing bytes'
cp "$T/good.bundle" "$T/magic.bundle"
printf 'X' | dd of="$T/magic.bundle" bs=1 seek=0 conv=notrunc 2>/dev/null
refused ingest-wrong-magic "$T/magic.bundle" 65 'wrong magic'
cp "$T/good.bundle" "$T/ver.bundle"
printf '\011' | dd of="$T/ver.bundle" bs=1 seek=11 conv=notrunc 2>/dev/null
refused ingest-future-version "$T/ver.bundle" 65 'version 9 is newer'
cp "$T/good.bundle" "$T/len.bundle"
printf '\377\377\377\377' | dd of="$T/len.bundle" bs=1 seek=32 conv=notrunc 2>/dev/null
refused ingest-absurd-length "$T/len.bundle" 65 'claims 4294967295 bytes'
: >"$T/empty.bundle"
refused ingest-empty-file "$T/empty.bundle" 65 'truncated'

# --- kill -9 at each crash point, then ingest again ------------------------
for point in ingest-mid-transaction ingest-after-commit ingest-mid-receipt; do
	db=$T/crash-$point.db
	"$HR" interviewers add --db "$db" "$T/a.pub" >/dev/null 2>&1
	"$MK" bundle a 1000 20 >"$T/crash.bundle"
	AVSLUT_CRASH=$point "$HR" ingest --db "$db" "$T/crash.bundle" \
	    >"$T/crash.rcpt" 2>"$T/err"
	rc1=$?
	n1=$(count "$db")
	"$HR" ingest --db "$db" "$T/crash.bundle" >"$T/crash.rcpt" 2>"$T/err"
	rc2=$?
	v=$("$MK" verify 1000 20 <"$T/crash.rcpt")
	n2=$(count "$db")
	case $point in
	ingest-mid-transaction) want1=0 ;;
	*) want1=20 ;;
	esac
	if [ $rc1 -eq 137 ] && [ "$n1" = "$want1" ] && [ $rc2 -eq 0 ] &&
	    [ "$n2" = 20 ] && [ "$v" = "ok 20" ]; then
		pass "crash-$point"
	else
		fail "crash-$point" "first exit $rc1 count $n1, then exit $rc2 count $n2, $v: $(cat "$T/err")"
	fi
done

# --- the drop folder -------------------------------------------------------
D=$T/drop
mkdir "$D"
"$MK" bundle a 2000 7 >"$D/one.bundle"
"$MK" bundle a 2005 6 >"$D/two.bundle"
"$MK" bundle a 2100 3 >"$D/.tmp-three.bundle"	# being written: ignored
"$MK" bundle b 2200 3 >"$D/unknown.bundle"
before=$(count "$DB")
"$HR" ingest --db "$DB" "$D" >"$T/out" 2>"$T/err"
rc=$?
v1=$("$MK" verify 2000 7 <"$D/one.receipt")
v2=$("$MK" verify 2005 6 <"$D/two.receipt")
if [ $rc -eq 77 ] && [ "$v1" = "ok 7" ] && [ "$v2" = "ok 6" ] &&
    [ ! -e "$D/unknown.receipt" ] && [ ! -e "$D/.tmp-three.receipt" ] &&
    [ "$(count "$DB")" = $((before + 11)) ] && [ ! -s "$T/out" ] &&
    [ -z "$(ls -A "$D" | grep '^\.' | grep -v tmp-three)" ]; then
	pass ingest-drop-folder
else
	fail ingest-drop-folder "exit $rc, $v1, $v2, count $(count "$DB"): $(cat "$T/err")"
fi
rm "$D/unknown.bundle"
cp "$D/one.receipt" "$T/one.keep"
"$HR" ingest --db "$DB" "$D" >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] && grep -q 'no new bundles' "$T/err" &&
    cmp -s "$T/one.keep" "$D/one.receipt"; then
	pass ingest-drop-folder-skips-receipted
else
	fail ingest-drop-folder-skips-receipted "exit $rc: $(cat "$T/err")"
fi
"$MK" bundle a 3000 5 >"$D/four.bundle"
AVSLUT_CRASH=ingest-mid-receipt "$HR" ingest --db "$DB" "$D" 2>/dev/null
rc1=$?
"$HR" ingest --db "$DB" "$D" 2>"$T/err"
rc2=$?
v=$("$MK" verify 3000 5 <"$D/four.receipt")
n=$(sqlite3 "$DB" "SELECT count(*) FROM envelopes WHERE hex(id) LIKE 'E2%0BB8' OR hex(id) LIKE 'E2%0BB9' OR hex(id) LIKE 'E2%0BBA' OR hex(id) LIKE 'E2%0BBB' OR hex(id) LIKE 'E2%0BBC'")
if [ $rc1 -eq 137 ] && [ $rc2 -eq 0 ] && [ "$v" = "ok 5" ] && [ "$n" = 5 ]; then
	pass ingest-drop-folder-crash
else
	fail ingest-drop-folder-crash "exits $rc1 $rc2, $v, $n: $(cat "$T/err")"
fi

# --- the store ---------------------------------------------------------------
out=$("$HR" ingest --db "$T/none.db" "$T/a0.bundle" 2>&1 >/dev/null)
rc=$?
[ $rc -eq 66 ] && echo "$out" | grep -q 'no central store' &&
    pass ingest-no-store || fail ingest-no-store "exit $rc: $out"
sqlite3 "$T/other.db" "CREATE TABLE t (x)"
out=$("$HR" ingest --db "$T/other.db" "$T/a0.bundle" 2>&1 >/dev/null)
rc=$?
[ $rc -eq 65 ] && echo "$out" | grep -q 'not an avslut central store' &&
    pass ingest-not-a-store || fail ingest-not-a-store "exit $rc: $out"
out=$("$HR" ingest --db "$DB" "$T/missing.bundle" 2>&1 >/dev/null)
rc=$?
[ $rc -eq 66 ] && pass ingest-missing-bundle || fail ingest-missing-bundle "exit $rc: $out"
out=$("$HR" ingest --db "$DB" 2>&1)
rc=$?
[ $rc -eq 64 ] && pass ingest-usage || fail ingest-usage "exit $rc: $out"
if "$HR" ingest --help | grep -q 'usage: avslut-hr ingest' &&
    "$HR" forms --help | grep -q 'usage: avslut-hr forms' &&
    "$HR" interviewers --help | grep -q 'usage: avslut-hr interviewers'; then
	pass help
else
	fail help "a --help is missing"
fi
# The default store lives in the data directory, private.
"$HR" interviewers add "$T/a.pub" >/dev/null 2>&1
mode=$(stat -c %a "$AVSLUT_HOME/data/avslut-hr/central.db" 2>/dev/null)
dmode=$(stat -c %a "$AVSLUT_HOME/data/avslut-hr" 2>/dev/null)
[ "$mode" = 600 ] && [ "$dmode" = 700 ] && pass default-store-private ||
    fail default-store-private "modes $mode $dmode"
# The envelopes table keeps the id and the bytes, nothing else.
cols=$(sqlite3 "$DB" "SELECT group_concat(name) FROM pragma_table_info('envelopes')")
[ "$cols" = "id,data" ] && pass envelopes-columns || fail envelopes-columns "$cols"

exit $failed
