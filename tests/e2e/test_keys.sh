#!/bin/sh
# test_keys: the key commands through the real binaries: avslut-hr keygen
# and passwd, avslut init and passwd; exit codes, files, refusals.
B=${AVSLUT_BUILD:-$(pwd)/build}
HR=$B/avslut-hr
AV=$B/avslut
T=$(mktemp -d /tmp/avslut-e2e-keys.XXXXXX)
trap 'rm -rf "$T"' EXIT
export AVSLUT_HOME="$T/home"
unset AVSLUT_PASSPHRASE_FILE
failed=0

ok() { echo "PASS $1"; }
no() { echo "FAIL $1: $2"; failed=1; }
# check NAME WHY CONDITION...: PASS if the command succeeds.
check() {
	n=$1
	w=$2
	shift 2
	if "$@"; then ok "$n"; else no "$n" "$w"; fi
}
mode() { stat -c %a "$1"; }

printf 'correct horse\n' >"$T/pass"
printf 'wrong horse\nbattery staple\n' >"$T/wrong"
printf 'correct horse\nbattery staple\n' >"$T/change"
printf 'short\n' >"$T/short"
HRD=$AVSLUT_HOME/data/avslut-hr
AVD=$AVSLUT_HOME/data/avslut

# keygen: files, modes, fingerprint, test-mode warning.
"$HR" keygen --passphrase-file "$T/pass" --kdf test >"$T/out" 2>"$T/err"
rc=$?
fpr=$(sed -n 's/^  fingerprint  \(.*\)$/\1/p' "$T/out")
check keygen_creates "rc=$rc $(cat "$T/err")" test "$rc" = 0 -a \
    "$(mode "$HRD/hr.key")" = 600 -a "$(mode "$HRD")" = 700 -a \
    -f "$HRD/hr.pub"
check keygen_fingerprint "got '$fpr'" sh -c "echo '$fpr' | grep -Eq \
    '^[0-9a-f]{4}( [0-9a-f]{4}){7}\$'"
check keygen_test_warning "$(cat "$T/err")" grep -q 'uses --kdf test' \
    "$T/err"
check hr_pub_format "$(cat "$HRD/hr.pub")" grep -Eq \
    '^avslut-hr-pub-v1 [A-Za-z0-9+/]{43}= [0-9a-f]{16}$' "$HRD/hr.pub"

cp "$HRD/hr.key" "$T/hr.key.orig"
"$HR" keygen --passphrase-file "$T/pass" --kdf test >/dev/null 2>"$T/err"
rc=$?
check keygen_refuses_overwrite "rc=$rc" test "$rc" = 73
check keygen_overwrite_unchanged "hr.key changed" cmp -s "$HRD/hr.key" \
    "$T/hr.key.orig"
check keygen_overwrite_message "$(cat "$T/err")" grep -q \
    'refusing to overwrite' "$T/err"

"$HR" keygen --out "$T/weak" --passphrase-file "$T/short" --kdf test \
    >/dev/null 2>"$T/err"
rc=$?
check keygen_short_passphrase "rc=$rc $(cat "$T/err")" test "$rc" = 66 -a \
    ! -e "$T/weak/hr.key"

"$HR" keygen --out "" --passphrase-file "$T/pass" --kdf test >/dev/null \
    2>"$T/err"
rc=$?
check keygen_empty_out "rc=$rc $(cat "$T/err")" test "$rc" = 64
check keygen_empty_out_message "$(cat "$T/err")" grep -q \
    '^avslut-hr: --out needs a directory name' "$T/err"

"$HR" keygen --out "$T/x" --kdf strong >/dev/null 2>&1
check keygen_bad_kdf_usage "rc=$?" test $? = 64

# The default limits are the documented ones: 3 passes, 256 MiB.
"$HR" keygen --out "$T/real" --passphrase-file "$T/pass" >/dev/null 2>&1
rc=$?
lim=$(od -An -v -tx1 -j16 -N16 "$T/real/hr.key" | tr -d ' \n')
check keygen_default_limits "rc=$rc limits=$lim" test "$rc" = 0 -a \
    "$lim" = 00000001000000030000000010000000

# init: fingerprint shown equals keygen's; profile files and modes.
"$AV" init --hr-key "$HRD/hr.pub" --passphrase-file "$T/pass" --kdf test \
    >"$T/out" 2>"$T/err"
rc=$?
check init_creates "rc=$rc $(cat "$T/err")" test "$rc" = 0 -a \
    "$(mode "$AVD/profile")" = 600 -a "$(mode "$AVD")" = 700
check init_shows_hr_fingerprint "$(cat "$T/out")" grep -q \
    "HR key fingerprint: $fpr" "$T/out"
check init_writes_interviewer_pub "$(cat "$AVD/interviewer.pub" 2>&1)" \
    grep -Eq '^avslut-interviewer-v1 [A-Za-z0-9+/]{43}= [0-9a-f]{16}$' \
    "$AVD/interviewer.pub"

cp "$AVD/profile" "$T/profile.orig"
"$AV" init --hr-key "$HRD/hr.pub" --passphrase-file "$T/pass" --kdf test \
    >/dev/null 2>"$T/err"
rc=$?
check init_refuses_overwrite "rc=$rc" test "$rc" = 73
check init_overwrite_unchanged "profile changed" cmp -s "$AVD/profile" \
    "$T/profile.orig"

# --fingerprint: a wrong one refuses, the right one in any spelling works.
H2=$T/home2
AVSLUT_HOME=$H2 "$AV" init --hr-key "$HRD/hr.pub" --fingerprint \
    "0000 0000 0000 0000 0000 0000 0000 0000" --passphrase-file "$T/pass" \
    --kdf test >/dev/null 2>"$T/err"
rc=$?
check init_fingerprint_mismatch "rc=$rc" test "$rc" = 65 -a \
    ! -e "$H2/data/avslut/profile"
up=$(echo "$fpr" | tr -d ' ' | tr a-f A-F)
AVSLUT_HOME=$H2 "$AV" init --hr-key "$HRD/hr.pub" --fingerprint "$up" \
    --passphrase-file "$T/pass" --kdf test >/dev/null 2>"$T/err"
rc=$?
check init_fingerprint_match "rc=$rc $(cat "$T/err")" test "$rc" = 0

# A damaged hr.pub is refused and named.
H3=$T/home3
awk '{ c = substr($2, 1, 1); $2 = (c == "A" ? "B" : "A") substr($2, 2);
    print }' "$HRD/hr.pub" >"$T/bad.pub"
AVSLUT_HOME=$H3 "$AV" init --hr-key "$T/bad.pub" --passphrase-file \
    "$T/pass" --kdf test >/dev/null 2>"$T/err"
rc=$?
check init_damaged_hr_pub "rc=$rc $(cat "$T/err")" test "$rc" = 65 -a \
    ! -e "$H3/data/avslut/profile"
check init_damaged_names_file "$(cat "$T/err")" grep -q "$T/bad.pub" \
    "$T/err"
AVSLUT_HOME=$H3 "$AV" init --hr-key "$AVD/interviewer.pub" \
    --passphrase-file "$T/pass" --kdf test >/dev/null 2>"$T/err"
rc=$?
check init_wrong_kind "rc=$rc $(cat "$T/err")" test "$rc" = 65
AVSLUT_HOME=$H3 "$AV" init --passphrase-file "$T/pass" >/dev/null 2>&1
check init_needs_hr_key "rc=$?" test $? = 64

# avslut passwd: wrong passphrase is 77 and changes nothing.
"$AV" passwd --passphrase-file "$T/wrong" >/dev/null 2>"$T/err"
rc=$?
check passwd_wrong_77 "rc=$rc" test "$rc" = 77
check passwd_wrong_message "$(cat "$T/err")" grep -q 'wrong passphrase' \
    "$T/err"
check passwd_wrong_unchanged "profile changed" cmp -s "$AVD/profile" \
    "$T/profile.orig"
"$AV" passwd --passphrase-file "$T/change" >/dev/null 2>"$T/err"
rc=$?
check passwd_changes "rc=$rc $(cat "$T/err")" test "$rc" = 0
"$AV" passwd --passphrase-file "$T/change" >/dev/null 2>&1
check passwd_old_no_longer_works "rc=$?" test $? = 77
cmp -s "$AVD/profile" "$T/profile.orig"
check passwd_rewrote "profile not rewritten" test $? = 1

# avslut-hr passwd, default key and --key.
"$HR" passwd --passphrase-file "$T/wrong" >/dev/null 2>"$T/err"
rc=$?
check hr_passwd_wrong_77 "rc=$rc $(cat "$T/err")" test "$rc" = 77
check hr_passwd_wrong_unchanged "hr.key changed" cmp -s "$HRD/hr.key" \
    "$T/hr.key.orig"
"$HR" passwd --key "$HRD/hr.key" --passphrase-file "$T/change" \
    >/dev/null 2>"$T/err"
rc=$?
check hr_passwd_changes "rc=$rc $(cat "$T/err")" test "$rc" = 0
"$HR" passwd --key "$HRD/hr.key" --passphrase-file "$T/change" \
    >/dev/null 2>&1
check hr_passwd_old_no_longer_works "rc=$?" test $? = 77
"$HR" passwd --key "$T/none.key" --passphrase-file "$T/change" \
    >/dev/null 2>"$T/err"
rc=$?
check hr_passwd_missing_66 "rc=$rc $(cat "$T/err")" test "$rc" = 66

# A damaged hr.key (one byte flipped) is refused and named.
cp "$HRD/hr.key" "$T/dam.key"
printf '\377' | dd of="$T/dam.key" bs=1 seek=100 conv=notrunc 2>/dev/null
"$HR" passwd --key "$T/dam.key" --passphrase-file "$T/change" \
    >/dev/null 2>"$T/err"
rc=$?
check hr_passwd_damaged_65 "rc=$rc $(cat "$T/err")" test "$rc" = 65
check hr_passwd_damaged_named "$(cat "$T/err")" grep -q \
    "$T/dam.key is damaged" "$T/err"

# Errors that need no passphrase come before any is asked for: with no
# terminal and no passphrase file, a prompt would be the error instead.
X=$T/before
mkdir -p "$X"
AVSLUT_HOME=$X/home "$HR" keygen --out "$X/no/such/dir" </dev/null \
    >/dev/null 2>"$T/err"
rc=$?
check keygen_out_missing_parent "rc=$rc $(cat "$T/err")" sh -c \
    "test $rc = 73 && grep -q 'no/such does not exist: create it first' \
    '$T/err' && test ! -e '$X/no'"
AVSLUT_HOME=$X/home "$HR" forms add "${AVSLUT_SRCDIR:-.}/forms/exit-interview.yaml" \
    >/dev/null 2>&1
AVSLUT_HOME=$X/home "$HR" report </dev/null >/dev/null 2>"$T/err"
rc=$?
check report_empty_store_before_passphrase "rc=$rc $(cat "$T/err")" sh -c \
    "test $rc = 66 && grep -q 'holds no interviews yet' '$T/err' &&
    ! grep -qi 'passphrase' '$T/err'"
AVSLUT_HOME=$X/home "$HR" purge --before 2020 </dev/null >/dev/null \
    2>"$T/err"
rc=$?
check purge_no_key_before_passphrase "rc=$rc $(cat "$T/err")" sh -c \
    "test $rc = 66 && grep -q 'hr.key does not exist: create it with avslut-hr keygen' '$T/err' &&
    ! grep -qi 'passphrase' '$T/err'"

for c in "$HR keygen" "$HR passwd" "$AV init" "$AV passwd"; do
	n=$(echo "$c" | sed 's|.*/||; s/ /_/')
	$c --help >"$T/out" 2>&1
	rc=$?
	check "help_$n" "rc=$rc" test "$rc" = 0 -a -s "$T/out"
done
exit $failed
