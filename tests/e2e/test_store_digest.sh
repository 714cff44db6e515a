#!/bin/sh
# test_store_digest: nothing enters or leaves central.db around avslut-hr
# unnoticed (issue 11). The attacks are written as someone who can write
# the store file but does not run avslut-hr: the sqlite3 command-line tool
# INSERTs an envelope sealed to hr.pub (made with the public key only, in a
# scratch store of the attacker's own) or DELETEs a genuine one. Every HR
# open (report, dashboard, purge) must then refuse with exit status 65 and
# say the store was changed outside avslut-hr; putting the set back as it
# was makes it open again. Prints "PASS name" / "FAIL name: why".
SRC=${AVSLUT_SRCDIR:-$(pwd)}
B=${AVSLUT_BUILD:-$SRC/build}
HR=$B/avslut-hr
TC=$B/tools/avslut-testcentral
T=$(mktemp -d /tmp/avslut-e2e-digest.XXXXXX)
trap 'rm -rf "$T"' EXIT
unset AVSLUT_PASSPHRASE_FILE
export LC_ALL=C.UTF-8

ok() { echo "PASS $1"; }
no() { echo "FAIL $1: $2"; }
count() { sqlite3 "$1" "SELECT count(*) FROM envelopes" 2>/dev/null; }

printf 'correct horse\n' >"$T/pass"
export AVSLUT_HOME="$T/home"
HRD=$AVSLUT_HOME/data/avslut-hr
DB=$HRD/central.db
"$HR" keygen --passphrase-file "$T/pass" --kdf test >/dev/null 2>&1 &&
"$HR" forms add "$SRC/forms/exit-interview.yaml" >/dev/null 2>&1 &&
"$TC" "$DB" "$HRD/hr.pub" VC-ALBY 2024 6 >/dev/null ||
	{ no setup "keygen, forms add or avslut-testcentral failed"; exit 1; }

# report YEAR: exit status of a report; its stderr in $T/err.
report() {
	"$HR" report --year 2024 --passphrase-file "$T/pass" >"$T/out" \
	    2>"$T/err"
}
# refused NAME: the last command exited 65 and named the tampering.
refused() {
	if [ "$1" -eq 65 ] && grep -q 'was changed outside avslut-hr' "$T/err"
	then
		ok "$2"
	else
		no "$2" "exit $1: $(cat "$T/err")"
	fi
}
# dashboard: through a terminal (it needs one); refusal comes before
# any screen is drawn.
dashboard() {
	timeout 60 script -qec "'$HR' dashboard --passphrase-file '$T/pass' \
	    2>'$T/err'" /dev/null </dev/null >/dev/null
}

report
rc=$?
[ $rc -eq 0 ] && ok genuine_store_opens || no genuine_store_opens \
    "exit $rc: $(cat "$T/err")"

# --- an envelope sealed to hr.pub, inserted with sqlite3 -------------------
"$TC" "$T/scratch.db" "$HRD/hr.pub" VC-ALBY 2024 1 >/dev/null 2>&1 ||
	no insert_setup "scratch store"
sqlite3 "$DB" "ATTACH '$T/scratch.db' AS s; INSERT INTO main.envelopes
    SELECT id, data FROM s.envelopes" 2>"$T/sqlerr" ||
	no insert_setup "$(cat "$T/sqlerr")"
[ "$(count "$DB")" = 7 ] || no insert_setup "$(count "$DB") envelopes"
report
refused $? inserted_report_refused
dashboard
refused $? inserted_dashboard_refused
"$HR" purge --before 2030 --yes --passphrase-file "$T/pass" >/dev/null \
    2>"$T/err"
refused $? inserted_purge_refused
[ "$(count "$DB")" = 7 ] && ok inserted_purge_deleted_nothing ||
	no inserted_purge_deleted_nothing "$(count "$DB") envelopes"
# Taken out again: the genuine set opens as before.
sqlite3 "$DB" "ATTACH '$T/scratch.db' AS s; DELETE FROM main.envelopes
    WHERE id IN (SELECT id FROM s.envelopes)"
report
rc=$?
[ $rc -eq 0 ] && ok restored_store_opens || no restored_store_opens \
    "exit $rc: $(cat "$T/err")"

# --- a genuine envelope deleted with sqlite3 ---------------------------------
cp "$DB" "$T/before.db"
sqlite3 "$DB" "DELETE FROM envelopes WHERE id = (SELECT min(id) FROM
    envelopes)"
[ "$(count "$DB")" = 5 ] || no delete_setup "$(count "$DB") envelopes"
report
refused $? deleted_report_refused
dashboard
refused $? deleted_dashboard_refused

# --- a genuine envelope's bytes replaced by another's -------------------------
cp "$T/before.db" "$DB"
rm -f "$DB-wal" "$DB-shm"
sqlite3 "$DB" "UPDATE envelopes SET data = (SELECT data FROM envelopes
    ORDER BY id DESC LIMIT 1) WHERE id = (SELECT min(id) FROM envelopes)"
report
refused $? replaced_report_refused

# --- the digest itself removed ----------------------------------------------
cp "$T/before.db" "$DB"
rm -f "$DB-wal" "$DB-shm"
report
rc=$?
[ $rc -eq 0 ] && ok copy_back_opens || no copy_back_opens \
    "exit $rc: $(cat "$T/err")"
for t in $(sqlite3 "$DB" "SELECT name FROM sqlite_schema WHERE type =
    'table' AND name NOT IN ('envelopes', 'forms', 'interviewers', 'units',
    'turnover', 'hme', 'access_log', 'releases')"); do
	sqlite3 "$DB" "DELETE FROM $t"
done
sqlite3 "$DB" "DELETE FROM envelopes WHERE id = (SELECT min(id) FROM
    envelopes)"
report
refused $? digest_removed_refused

# --- an interviewer registered with sqlite3, then a bundle of theirs ---------
# ingested through avslut-hr: the interviewer set is covered too.
cp "$T/before.db" "$DB"
rm -f "$DB-wal" "$DB-shm"
PKGS="libsodium sqlite3 yaml-0.1"
if cc -std=c11 -I"$SRC/src" $(pkg-config --cflags $PKGS) -o "$T/mkbundle" \
    "$SRC/tests/e2e/mkbundle.c" "$B/libavslut.a" $(pkg-config --libs $PKGS) \
    -lglpk -lm -lpthread 2>"$T/cc.log"; then
	hex=$("$T/mkbundle" pub x | cut -d' ' -f2 | base64 -d | od -An -tx1 |
	    tr -d ' \n')
	"$T/mkbundle" random x 3 1072 >"$T/x.bundle"
	sqlite3 "$DB" "INSERT INTO interviewers (pk, label) VALUES
	    (x'$hex', 'mallory')"
	"$HR" ingest "$T/x.bundle" >/dev/null 2>"$T/err"
	rc=$?
	n=$(count "$DB")
	if [ $rc -eq 65 ] && [ "$n" = 6 ] &&
	    grep -q 'was changed outside avslut-hr' "$T/err"; then
		ok forged_interviewer_ingest_refused
	else
		no forged_interviewer_ingest_refused \
		    "exit $rc, $n envelopes: $(cat "$T/err")"
	fi
	report
	refused $? forged_interviewer_report_refused
else
	no forged_interviewer_setup "$(cat "$T/cc.log")"
fi

# What refuses is documented, with its exit status.
grep -q 'changed outside' "$SRC/man/avslut-hr.1" && ok documented ||
	no documented "avslut-hr(1) does not say"
