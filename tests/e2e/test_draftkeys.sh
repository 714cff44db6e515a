#!/bin/sh
# test_draftkeys: the draft-key file (avslut(1) FILES: draftkeys) through
# the real binaries: made with the outbox, 32768 bytes, 0600; a damaged
# one is refused with a message that names it and says what to do, in
# English and Swedish, and is not written to; once moved away, the
# sealed interviews are all still there and a new file is made.
B=${AVSLUT_BUILD:-$(pwd)/build}
HR=$B/avslut-hr
AV=$B/avslut
SEAL=$B/tools/avslut-testseal
T=$(mktemp -d /tmp/avslut-e2e-draftkeys.XXXXXX)
trap 'rm -rf "$T"' EXIT
export AVSLUT_HOME="$T/home"
export AVSLUT_PASSPHRASE_FILE="$T/pass"
unset AVSLUT_CRASH
failed=0

ok() { echo "PASS $1"; }
no() { echo "FAIL $1: $2"; failed=1; }
check() {
	n=$1
	w=$2
	shift 2
	if "$@"; then ok "$n"; else no "$n" "$w"; fi
}

printf 'korrekt häst\n' >"$T/pass"
D=$AVSLUT_HOME/data/avslut
K=$D/draftkeys
"$HR" keygen --out "$T/hr" --kdf test >/dev/null 2>&1
"$AV" init --hr-key "$T/hr/hr.pub" --kdf test >/dev/null 2>&1
"$SEAL" 3 >/dev/null 2>"$T/err"
check made "$(cat "$T/err")" test -f "$K" -a "$(stat -c %s "$K")" = 32768 \
    -a "$(stat -c %a "$K")" = 600
ino=$(stat -c %i "$K")
"$AV" status >"$T/out" 2>"$T/err"
check in_place "inode $ino, now $(stat -c %i "$K")" \
    test "$(stat -c %i "$K")" = "$ino" -a "$(stat -c %s "$K")" = 32768

# Damage the header: refused, named, not written to, nothing lost.
printf 'X' | dd of="$K" bs=1 seek=3 conv=notrunc 2>/dev/null
cp "$K" "$T/damaged"
cp "$D/outbox.db" "$T/outbox.before"
"$AV" status >"$T/out" 2>"$T/err"
rc=$?
check damaged_refused "rc=$rc $(cat "$T/err")" test "$rc" -ne 0
check damaged_message "$(cat "$T/err")" grep -q \
    "^avslut: status: $K is not a valid draft-key file (no header): move it away; the drafts in progress cannot be opened without it, sealed interviews are not affected$" \
    "$T/err"
"$AV" --lang sv status >"$T/out" 2>"$T/err"
check damaged_message_sv "$(cat "$T/err")" grep -q \
    "$K är ingen giltig fil med utkastnycklar (inget filhuvud): flytta undan den" \
    "$T/err"
check damaged_untouched "the file changed" cmp -s "$K" "$T/damaged"
check outbox_untouched "outbox.db changed" cmp -s "$D/outbox.db" \
    "$T/outbox.before"

# Cut short: refused too.
head -c 32767 "$T/damaged" >"$K"
"$AV" status >"$T/out" 2>"$T/err"
check short_refused "$(cat "$T/err")" grep -q "(wrong size)" "$T/err"

# Moved away: a new file, and the three sealed interviews still wait.
mv "$K" "$T/moved"
"$AV" status >"$T/out" 2>"$T/err"
rc=$?
check moved_away_works "rc=$rc $(cat "$T/err")" test "$rc" = 0 -a -f "$K"
check sealed_kept "$(cat "$T/out")" grep -q "^sealed interviews waiting: 3$" "$T/out"
exit $failed
