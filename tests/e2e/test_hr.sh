#!/bin/sh
# test_hr: the HR housekeeping commands through the real avslut-hr:
# turnover and hme import, units, log, purge, and a wrong passphrase.
# Each section has a home and store of its own (fresh), and a step asserts
# on what it changed, so one failure is reported once.
# Prints "PASS name" / "FAIL name: why".
SRC=${AVSLUT_SRCDIR:-$(pwd)}
B=${AVSLUT_BUILD:-$SRC/build}
HR=$B/avslut-hr
TC=$B/tools/avslut-testcentral
T=$(mktemp -d /tmp/avslut-e2e-hr.XXXXXX)
trap 'rm -rf "$T"' EXIT
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
count() { sqlite3 "$1" "SELECT count(*) FROM $2" 2>/dev/null; }

lines() { "$HR" log 2>/dev/null | wc -l; }

printf 'correct horse\n' >"$T/pass"
printf 'wrong horse\n' >"$T/wrong"
# fresh SECTION: a new HR home of its own: key, the shipped form approved.
fresh() {
	export AVSLUT_HOME="$T/$1"
	HRD=$AVSLUT_HOME/data/avslut-hr
	DB=$HRD/central.db
	"$HR" keygen --passphrase-file "$T/pass" --kdf test >/dev/null 2>&1 ||
		no "$1_setup" "keygen failed"
	"$HR" forms add "$SRC/forms/exit-interview.yaml" >/dev/null 2>&1 ||
		no "$1_setup" "forms add failed"
}
# turnover_good: the good import of the turnover section, as a set-up.
turnover_good() {
	{
		printf '\357\273\277enhet;\303\245r;'
		printf 'medelantal anst\303\244llda;slutat\r\n'
		printf 'VC-ALBY;2024;41,5;6\r\nVC-ALBY;2025;40;5\r\n'
		printf 'SH-AKUT;2025;88,25;12\r\n'
	} >"$T/good.csv"
	"$HR" turnover import "$T/good.csv"
}
hme_good() {
	{
		printf 'unit;year;hme;motivation;ledarskap;styrning\r\n'
		printf 'VC-ALBY;2025;78,5;80;76;79,5\r\n'
		printf 'SH-AKUT;2025;70;72;68;70\r\n'
	} >"$T/hme.csv"
	"$HR" hme import "$T/hme.csv"
}

fresh logunits

# --- log and units on a store without data ---------------------------------
"$HR" log >"$T/out" 2>"$T/err"
rc=$?
re='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC	[^	]+	'
check log_shows_forms_add "rc=$rc $(cat "$T/out")" sh -c "test $rc = 0 && \
    grep -Eq '${re}forms add exit-interview version 1\$' '$T/out'"
"$HR" log --db "$T/none.db" >/dev/null 2>"$T/err"
rc=$?
check log_no_store "rc=$rc $(cat "$T/err")" test "$rc" = 66
"$HR" log extra >/dev/null 2>&1
check log_usage "rc=$?" test "$?" = 64

"$HR" units >"$T/out" 2>"$T/err"
rc=$?
check units_lists_config "rc=$rc $(head -3 "$T/out")" sh -c "test $rc = 0 && \
    head -1 '$T/out' | grep -q '^CODE	NAME	AREA	TURNOVER	HME\$' && \
    grep -q '^VC-ALBY	Alby vårdcentral	Norra	-	-\$' '$T/out'"
# a store named with --db must exist: a typo would list every unit empty
"$HR" units --db "$T/none.db" >"$T/out" 2>&1
check units_without_store "rc=$?" sh -c "test $? = 66 &&
    grep -q 'none.db does not exist: check --db' '$T/out'"

# --- turnover import -------------------------------------------------------
# As a Swedish spreadsheet saves it: BOM, CRLF, ';', decimal comma, header.
fresh turnover
turnover_good >"$T/out" 2>"$T/err"
rc=$?
check turnover_import_good "rc=$rc $(cat "$T/out") $(cat "$T/err")" sh -c \
    "test $rc = 0 && \
    grep -q 'imported turnover from .*good.csv: 3 rows' '$T/out'"
check turnover_rows_stored "$(count "$DB" turnover)" test \
    "$(count "$DB" turnover)" = 3
# value UNIT YEAR: "headcount/leavers" as stored
value() {
	sqlite3 "$DB" "SELECT printf('%g/%g', headcount, leavers) FROM \
	    turnover WHERE unit = '$1' AND year = $2"
}
v=$(value SH-AKUT 2025)
check turnover_decimal_comma "got $v" test "$v" = "88.25/12"
check turnover_import_logged "$("$HR" log | tail -1)" sh -c \
    "'$HR' log | tail -1 | grep -q '	turnover import: 3 rows\$'"

# Errors on lines 2, 4 and 5: nothing of the file is imported.
rows=$(count "$DB" turnover)
nlog=$(lines)
{
	printf 'VC-ALBY,2023,30,3\nVC-NOWHERE,2023,30,3\n'
	printf 'VC-LUNDBY,2023,25,2\nVC-LUNDBY,2023,25,2\n'
	printf 'VC-ABACKA,2023,-4,1\nVC-OSTERBY,2023,abc,1\n'
} >"$T/bad.csv"
"$HR" turnover import "$T/bad.csv" >"$T/out" 2>"$T/err"
rc=$?
check turnover_bad_65 "rc=$rc" test "$rc" = 65
check turnover_bad_nothing "$rows -> $(count "$DB" turnover)" test \
    "$(count "$DB" turnover)" = "$rows"
check turnover_bad_unknown_unit "$(cat "$T/err")" grep -q \
    'bad.csv:2: unknown unit "VC-NOWHERE"' "$T/err"
check turnover_bad_duplicate "$(cat "$T/err")" grep -q \
    'bad.csv:4: duplicate row for VC-LUNDBY 2023 (first on line 3)' \
    "$T/err"
check turnover_bad_negative "$(cat "$T/err")" grep -q \
    'bad.csv:5: .*"-4" is negative' "$T/err"
check turnover_bad_nonnumeric "$(cat "$T/err")" grep -q \
    'bad.csv:6: .*"abc"' "$T/err"
check turnover_bad_summary "$(tail -1 "$T/err")" grep -q \
    'turnover import: .*bad.csv has errors: nothing was imported' "$T/err"
check turnover_bad_not_logged "$("$HR" log | tail -1)" test \
    "$(lines)" = "$nlog"

# Above 100 %: imported with a warning; a row replaces the same unit, year.
printf 'VC-ALBY;2025;10;12\n' >"$T/high.csv"
"$HR" turnover import "$T/high.csv" >"$T/out" 2>"$T/err"
rc=$?
check turnover_above_100_warns "rc=$rc $(cat "$T/err")" sh -c \
    "test $rc = 0 && grep -q 'warning: .*high.csv:1: .*above 100 %' '$T/err'"
v=$(value VC-ALBY 2025)
check turnover_replaces "got $v, $rows -> $(count "$DB" turnover) rows" \
    sh -c "test '$v' = 10/12 && test $(count "$DB" turnover) = $rows"
# Straight from Swedish Excel: "CSV (semikolonavgränsad)" is Windows-1252,
# "Unicode-text" is UTF-16 with a BOM; names instead of codes, å ä ö.
printf 'Enhet;År;Medelantal anställda;Avgångar\r\nÅbacka vårdcentral;2022;30;3\r\nÖSTERBY VÅRDCENTRAL;2022;20;2\r\n' |
	iconv -f UTF-8 -t WINDOWS-1252 >"$T/excel.csv"
"$HR" turnover import "$T/excel.csv" >"$T/out" 2>"$T/err"
rc=$?
check turnover_windows_1252 "rc=$rc $(cat "$T/out") $(cat "$T/err")" sh -c \
    "test $rc = 0 && grep -q '^read the file as Windows-1252\$' '$T/out' &&
    test '$(value VC-ABACKA 2022)' = 30/3"
check turnover_name_for_code "$(value VC-OSTERBY 2022)" test \
    "$(value VC-OSTERBY 2022)" = 20/2
printf 'Enhet;År;Medelantal;Avgångar\r\nBjörkhaga vårdcentral;2022;25,5;4\r\n' |
	iconv -f UTF-8 -t UTF-16 >"$T/unicode.csv"
"$HR" turnover import "$T/unicode.csv" >"$T/out" 2>"$T/err"
rc=$?
check turnover_utf16 "rc=$rc $(cat "$T/out") $(cat "$T/err")" sh -c \
    "test $rc = 0 && grep -q '^read the file as UTF-16LE\$' '$T/out' &&
    test '$(value VC-BJORKHAGA 2022)' = 25.5/4"
# In Swedish, as HR reads it: --lang sv on the command
"$HR" turnover import --lang sv "$T/excel.csv" >"$T/out" 2>"$T/err"
check turnover_swedish "$(cat "$T/out") $(cat "$T/err")" sh -c \
    "grep -q '^läste filen som Windows-1252\$' '$T/out' &&
    grep -q '^importerade personalomsättning från .*excel.csv: 2 rader\$' '$T/out'"
"$HR" units --db "$T/no/such/central.db" >"$T/out" 2>"$T/err"
rc=$?
check units_bad_db_66 "rc=$rc $(cat "$T/err")" sh -c "test $rc = 66 &&
    grep -q 'units: .*no/such/central.db does not exist: check --db' '$T/err' &&
    test ! -s '$T/out'"
printf 'Alby vardcentralen;2022;30;3\n' >"$T/typo.csv"
"$HR" turnover import "$T/typo.csv" >"$T/out" 2>"$T/err"
check turnover_did_you_mean "$(cat "$T/err")" grep -q \
    'typo.csv:1: unknown unit "Alby vardcentralen": did you mean VC-ALBY (Alby vårdcentral)?' \
    "$T/err"
"$HR" turnover import "$T/missing.csv" >/dev/null 2>&1
check turnover_missing_66 "rc=$?" test "$?" = 66
"$HR" turnover >/dev/null 2>&1
check turnover_usage_64 "rc=$?" test "$?" = 64

# --- turnover: retirements and internal moves --------------------------------
# The optional columns (Swedish headers), stored; the report's rate counts
# what the config says (default: no retirements, internal moves) and its
# turnover note says so.
fresh columns
{
	printf 'Enhet;\303\205r;Medelantal anst\303\244llda;Slutat;'
	printf 'Varav pensionsavg\303\245ngar;Varav interna byten\n'
	printf 'VC-ALBY;2024;40;8;4;2\nSH-AKUT;2024;50;5;;1\n'
} >"$T/cols.csv"
"$HR" turnover import "$T/cols.csv" >"$T/out" 2>"$T/err"
rc=$?
v=$(sqlite3 "$DB" "SELECT group_concat(printf('%s %g %g %g', unit, leavers,
    ifnull(retirements, -1), ifnull(internal_moves, -1)), ',') FROM
    (SELECT * FROM turnover ORDER BY unit)")
check turnover_columns_stored "rc=$rc got $v $(cat "$T/err")" test \
    "$rc/$v" = "0/SH-AKUT 5 -1 1,VC-ALBY 8 4 2"
printf 'unit;year;headcount;leavers;internal moves;retirements\n' \
    >"$T/cols-en.csv"
printf 'VC-ALBY;2023;40;8;3;1\n' >>"$T/cols-en.csv"
"$HR" turnover import "$T/cols-en.csv" >/dev/null 2>&1
v=$(sqlite3 "$DB" "SELECT printf('%g %g', retirements, internal_moves) FROM
    turnover WHERE year = 2023")
check turnover_columns_english "got $v" test "$v" = "1 3"
# as Swedish Excel saves it: Windows-1252 (\345 is å), CRLF
{
	printf 'Enhet;\305r;Medelantal;Slutat;Interna byten;'
	printf 'Pensionsavg\345ngar\r\nSH-AKUT;2023;50;6;2;1\r\n'
} >"$T/cols-1252.csv"
"$HR" turnover import "$T/cols-1252.csv" >"$T/out" 2>&1
v=$(sqlite3 "$DB" "SELECT printf('%g %g', retirements, internal_moves) FROM
    turnover WHERE unit = 'SH-AKUT' AND year = 2023")
check turnover_columns_windows_1252 "got $v $(cat "$T/out")" sh -c \
    "test '$v' = '1 2' && grep -q 'Windows-1252' '$T/out'"
printf 'VC-ALBY;2024;40;3;2;2\n' >"$T/cols-bad.csv"
"$HR" turnover import "$T/cols-bad.csv" >"$T/out" 2>"$T/err"
rc=$?
check turnover_columns_above_leavers "rc=$rc $(cat "$T/err")" sh -c \
    "test $rc = 65 && grep -q 'cols-bad.csv:1: retirements and internal \
moves (2 + 2) are more than the leavers (3)' '$T/err'"
"$TC" "$DB" "$HRD/hr.pub" VC-ALBY 2024 6 >/dev/null 2>&1 ||
	no columns_setup "avslut-testcentral failed"
"$HR" report --year 2024 --format csv --passphrase-file "$T/pass" \
    --out "$T/cols.csv.out" >/dev/null 2>&1
check turnover_columns_rate_default "$(grep 'VC-ALBY;;;;turnover;' \
    "$T/cols.csv.out")" grep -q 'VC-ALBY;;;;turnover;0,1000;' "$T/cols.csv.out"
"$HR" report --year 2024 --lang en --passphrase-file "$T/pass" \
    --out "$T/cols.md" >/dev/null 2>&1
check turnover_columns_note "$(grep 'Turnover is' "$T/cols.md")" sh -c \
    "grep -q 'Retirements do not count as leaving' '$T/cols.md' &&
    grep -q 'Moves to another unit of the region count as leaving the unit' \
    '$T/cols.md'"
mkdir -p "$AVSLUT_HOME/config/avslut-hr"
sed 's/^  count_retirements: false$/  count_retirements: true/;
    s/^  count_internal_moves: true$/  count_internal_moves: false/' \
    "$SRC/config/avslut.yaml" >"$AVSLUT_HOME/config/avslut-hr/avslut.yaml"
check turnover_columns_config_edited "$(grep count_ \
    "$AVSLUT_HOME/config/avslut-hr/avslut.yaml")" sh -c "grep -q \
    '^  count_retirements: true' '$AVSLUT_HOME/config/avslut-hr/avslut.yaml'"
"$HR" report --year 2024 --format csv --passphrase-file "$T/pass" \
    --out "$T/cols2.csv.out" >/dev/null 2>&1
check turnover_columns_rate_config "$(grep 'VC-ALBY;;;;turnover;' \
    "$T/cols2.csv.out")" grep -q 'VC-ALBY;;;;turnover;0,1500;' \
    "$T/cols2.csv.out"
"$HR" report --year 2024 --lang en --passphrase-file "$T/pass" \
    --out "$T/cols2.md" >/dev/null 2>&1
check turnover_columns_note_config "$(grep 'Turnover is' "$T/cols2.md")" \
    sh -c "grep -q 'Retirements count as leaving\.' '$T/cols2.md' &&
    grep -q 'Moves to another unit of the region do not count' '$T/cols2.md'"

# --- hme import ------------------------------------------------------------
fresh hme
hme_good >"$T/out" 2>"$T/err"
rc=$?
check hme_import_good "rc=$rc $(cat "$T/out") $(cat "$T/err")" sh -c \
    "test $rc = 0 && test \$(sqlite3 '$DB' 'SELECT count(*) FROM hme') = 2"
v=$(sqlite3 "$DB" "SELECT printf('%g/%g', hme, styrning) FROM hme \
    WHERE unit = 'VC-ALBY'")
check hme_values "got $v" test "$v" = "78.5/79.5"
rows=$(count "$DB" hme)
printf 'VC-ALBY;2024;78;80;76\nSH-AKUT;2024;170;72;68;70\n' >"$T/hmebad.csv"
"$HR" hme import "$T/hmebad.csv" >"$T/out" 2>"$T/err"
rc=$?
check hme_bad_65 "rc=$rc $(cat "$T/err")" sh -c "test $rc = 65 && \
    grep -q 'hmebad.csv:1:' '$T/err' && grep -q 'hmebad.csv:2:' '$T/err' && \
    test \$(sqlite3 '$DB' 'SELECT count(*) FROM hme') = $rows"

# --- units with turnover and hme -------------------------------------------
fresh units
{ turnover_good && hme_good; } >/dev/null 2>&1 ||
	no units_setup "the imports failed"
"$HR" units >"$T/out" 2>&1
check units_turnover_years "$(grep '^VC-ALBY' "$T/out")" grep -q \
    '^VC-ALBY	Alby vårdcentral	Norra	2024, 2025	2025$' "$T/out"
check units_no_data "$(grep '^VC-LUNDBY' "$T/out")" grep -q \
    '^VC-LUNDBY	.*	-	-$' "$T/out"

# --- purge -----------------------------------------------------------------
fresh purge
"$TC" "$DB" "$HRD/hr.pub" VC-ALBY 2021 4 >/dev/null &&
"$TC" "$DB" "$HRD/hr.pub" VC-LUNDBY 2022 3 >/dev/null &&
"$TC" "$DB" "$HRD/hr.pub" VC-ALBY 2023 6 >/dev/null &&
"$TC" "$DB" "$HRD/hr.pub" VC-ALBY 2020 2 tamper >/dev/null ||
	no setup "avslut-testcentral failed"
check purge_setup "$(count "$DB" envelopes)" test \
    "$(count "$DB" envelopes)" = 15

"$HR" purge --before 2023 --passphrase-file "$T/wrong" --yes >"$T/out" \
    2>"$T/err"
rc=$?
check wrong_passphrase_77 "rc=$rc" test "$rc" = 77
check wrong_passphrase_message "$(cat "$T/err")" grep -q \
    'wrong passphrase for .*hr.key: try again' "$T/err"
check wrong_passphrase_nothing_deleted "$(count "$DB" envelopes)" \
    test "$(count "$DB" envelopes)" = 15
check wrong_passphrase_logged "$("$HR" log | tail -1)" sh -c \
    "'$HR' log | tail -1 | grep -q \
    'HR key unlock refused (wrong passphrase): purge --before 2023\$'"

"$HR" purge --before 2023 --passphrase-file "$T/pass" --dry-run >"$T/out" \
    2>"$T/err"
rc=$?
check purge_dry_run "rc=$rc $(cat "$T/out")" sh -c "test $rc = 0 && \
    grep -q '^7 of 15 interviews are from before 2023\$' '$T/out' && \
    test \$(sqlite3 '$DB' 'SELECT count(*) FROM envelopes') = 15"
check purge_unreadable_kept "$(cat "$T/err")" grep -q \
    '2 envelopes cannot be opened with this key' "$T/err"

"$HR" purge --before 2023 --passphrase-file "$T/pass" >"$T/out" \
    2>"$T/err" </dev/null
rc=$?
check purge_needs_yes "rc=$rc $(cat "$T/err")" sh -c "test $rc = 64 && \
    grep -q 'add --yes' '$T/err' && \
    test \$(sqlite3 '$DB' 'SELECT count(*) FROM envelopes') = 15"

"$HR" purge --before 2023 --passphrase-file "$T/pass" --yes >"$T/out" \
    2>"$T/err"
rc=$?
check purge_deletes "rc=$rc $(cat "$T/out") $(cat "$T/err")" sh -c \
    "test $rc = 0 && grep -q '^deleted 7 interviews' '$T/out'"
check purge_count_after "$(count "$DB" envelopes)" test \
    "$(count "$DB" envelopes)" = 8
check purge_wal_truncated "$(stat -c %s "$DB-wal" 2>/dev/null)" sh -c \
    "test ! -s '$DB-wal'"
"$HR" purge --before 2023 --passphrase-file "$T/pass" --yes >"$T/out" \
    2>/dev/null
check purge_again_nothing "$(cat "$T/out")" grep -q \
    '^0 of 8 interviews are from before 2023$' "$T/out"
"$HR" log >"$T/out"
check purge_logged "$(tail -3 "$T/out")" grep -q \
    '	purge --before 2023: deleted 7 interviews$' "$T/out"
check unlock_logged "$(grep -c 'unlock HR key: purge' "$T/out")" test \
    "$(grep -c '	unlock HR key: purge --before 2023' "$T/out")" = 4
"$HR" purge --passphrase-file "$T/pass" --yes >/dev/null 2>&1
check purge_requires_before "rc=$?" test "$?" = 64
"$HR" purge --before 19x --yes >/dev/null 2>&1
check purge_bad_year "rc=$?" test "$?" = 64
"$HR" purge --before 2023 --db "$T/none.db" --passphrase-file "$T/pass" \
    --yes >/dev/null 2>&1
check purge_no_store "rc=$?" test "$?" = 66

# --- passwd is an unlock too: logged when the store exists -------------------
fresh passwd
printf 'wrong horse\nbattery staple\n' >"$T/pw-wrong"
printf 'correct horse\nbattery staple\n' >"$T/pw-right"
"$HR" passwd --passphrase-file "$T/pw-wrong" >/dev/null 2>&1
rc=$?
check passwd_wrong_logged "rc=$rc $("$HR" log | tail -1)" sh -c \
    "test $rc = 77 && '$HR' log | tail -1 | \
    grep -q 'HR key unlock refused (wrong passphrase): passwd\$'"
"$HR" passwd --passphrase-file "$T/pw-right" >/dev/null 2>&1
rc=$?
check passwd_logged "rc=$rc $("$HR" log | tail -1)" sh -c \
    "test $rc = 0 && '$HR' log | tail -1 | \
    grep -q '	unlock HR key: passwd\$'"
"$HR" passwd --db "$T/none.db" --passphrase-file "$T/pw-right" >/dev/null \
    2>&1
check passwd_wrong_without_store "rc=$?" test "$?" = 77

for c in log units purge turnover hme; do
	"$HR" "$c" --help >"$T/out" 2>&1
	check "help_$c" "rc=$? $(head -1 "$T/out")" grep -q \
	    "^usage: avslut-hr $c" "$T/out"
done

# --- notes about rejected interviews, in the user's language ---------------
# Envelopes of a form this store has not approved (the shipped form, with
# only another one approved) and one that does not open: each is named in
# a note, and the notes are translated like every other message.
export AVSLUT_HOME="$T/notes"
HRD=$AVSLUT_HOME/data/avslut-hr
DB=$HRD/central.db
"$HR" keygen --passphrase-file "$T/pass" --kdf test >/dev/null 2>&1 &&
	"$HR" forms add "$SRC/tests/e2e/data/cachefile.yaml" >/dev/null 2>&1 &&
	"$TC" "$DB" "$HRD/hr.pub" VC-ALBY 2024 2 >/dev/null &&
	"$TC" "$DB" "$HRD/hr.pub" VC-ALBY 2024 1 tamper >/dev/null ||
	no notes_setup "keygen, forms add or avslut-testcentral failed"
"$HR" report --year 2024 --format csv --lang sv --passphrase-file \
    "$T/pass" >"$T/out" 2>"$T/err"
check notes_sv_unapproved "$(cat "$T/err")" grep -q \
    '^  kuvert [0-9a-f]*: formulär exit-interview version 1 är inte godkänt' \
    "$T/err"
check notes_sv_unreadable "$(cat "$T/err")" grep -q \
    '^  kuvert [0-9a-f]* kan inte öppnas med den här HR-nyckeln' "$T/err"
rm -f "$DB-cache" "$DB-aggcache"
LC_ALL=C "$HR" report --year 2024 --format csv --lang en \
    --passphrase-file "$T/pass" >"$T/out" 2>"$T/err"
check notes_en_unapproved "$(cat "$T/err")" grep -q \
    '^  envelope [0-9a-f]*: form exit-interview version 1 is not approved' \
    "$T/err"

# --- temporary cache files of a killed writer ------------------------------
# A writer killed mid-write leaves CACHE.tmp.XXXXXX beside the store (the
# answers, encrypted): the next run that shows figures removes it, a live
# writer's (locked) stays, and so does anything not a cache's.
for n in central.db-cache.tmp.Ab1Cd2 central.db-aggcache.tmp.Ef3Gh4 \
    central.db-other.tmp.Ij5Kl6 central.db-aggcache.tmp.Mn7Op8; do
	printf 'x' >"$HRD/$n"
done
flock -o "$HRD/central.db-aggcache.tmp.Mn7Op8" sleep 30 &
lockpid=$!
sleep 0.3
"$HR" report --year 2024 --format csv --passphrase-file "$T/pass" \
    >"$T/out" 2>"$T/err"
check tmp_swept "$(ls "$HRD")" sh -c "test ! -e '$HRD/central.db-cache.tmp.Ab1Cd2' \
    && test ! -e '$HRD/central.db-aggcache.tmp.Ef3Gh4'"
check tmp_other_kept "$(ls "$HRD")" test -e "$HRD/central.db-other.tmp.Ij5Kl6"
check tmp_locked_kept "$(ls "$HRD")" test -e \
    "$HRD/central.db-aggcache.tmp.Mn7Op8"
kill "$lockpid" 2>/dev/null
wait "$lockpid" 2>/dev/null
printf 'x' >"$HRD/central.db-cache.tmp.Qr9St0"
"$HR" purge --before 2025 --passphrase-file "$T/pass" --yes >/dev/null 2>&1
check purge_sweeps_tmp "$(ls "$HRD")" sh -c "test ! -e '$HRD/central.db-cache.tmp.Qr9St0' \
    && test ! -e '$HRD/central.db-aggcache.tmp.Mn7Op8'"

exit $failed
