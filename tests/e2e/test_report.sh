#!/bin/sh
# test_report: `avslut-hr report` through the real program on a store of
# sealed interviews: the three formats, the gate in the output, the access
# log, a wrong passphrase, bad options. Prints "PASS name" / "FAIL name:
# why".
SRC=${AVSLUT_SRCDIR:-$(pwd)}
B=${AVSLUT_BUILD:-$SRC/build}
HR=$B/avslut-hr
TC=$B/tools/avslut-testcentral
T=$(mktemp -d /tmp/avslut-e2e-report.XXXXXX)
trap 'rm -rf "$T"' EXIT
export AVSLUT_HOME="$T/home"
unset AVSLUT_PASSPHRASE_FILE LANGUAGE
export LC_ALL=C.UTF-8
failed=0

ok() { echo "PASS $1"; }
no() { echo "FAIL $1: $2"; failed=1; }
check() {
	n=$1
	w=$2
	shift 2
	if "$@"; then ok "$n"; else no "$n" "$w"; fi
}

printf 'correct horse\n' >"$T/pass"
printf 'wrong horse\n' >"$T/wrong"
HRD=$AVSLUT_HOME/data/avslut-hr
DB=$HRD/central.db
"$HR" keygen --passphrase-file "$T/pass" --kdf test >/dev/null 2>&1 ||
	no setup "keygen failed"
"$HR" forms add "$SRC/forms/exit-interview.yaml" >/dev/null 2>&1 ||
	no setup "forms add failed"
# 2024: Alby 9, Åbacka 7, Lundby 3 (Norra); Alvängen 8 (Södra). 2023: Alby 6.
for a in "VC-ALBY 2024 9" "VC-ABACKA 2024 7" "VC-LUNDBY 2024 3" \
    "VC-ALVANGEN 2024 8" "VC-ALBY 2023 6" "VC-ALBY 2022 2 tamper"; do
	# shellcheck disable=SC2086
	"$TC" "$DB" "$HRD/hr.pub" $a >/dev/null 2>&1 ||
		no setup "avslut-testcentral $a failed"
done

"$HR" report --year 2024 --passphrase-file "$T/pass" >"$T/md" 2>"$T/err"
rc=$?
check md_exit_0 "rc=$rc $(cat "$T/err")" test "$rc" = 0
check md_title "$(head -1 "$T/md")" grep -q \
    '^# Exit interviews 2024: Region Exempel$' "$T/md"
check md_counts "$(grep interviews "$T/md" | head -2)" grep -q \
    '^- 27 exit interviews were held in 2024, at 4 units\.$' "$T/md"
# Lundby (3) is hidden, Åbacka (7) hidden with it; Alby and Alvängen shown.
# A hidden unit is one line saying why and where its answers count, not a
# section of dashes.
check md_small_unit_hidden "$(grep 'Lundby' "$T/md")" grep -q \
    '^- Lundby vårdcentral (3 interviews): too few answers for figures of its own; its answers are counted in "Other units in Norra" and in the region\.$' \
    "$T/md"
check md_complement "$(grep 'Åbacka' "$T/md")" sh -c \
    "grep -q '^- Åbacka vårdcentral (7 interviews): ' '$T/md' &&
    ! grep -q '^### Åbacka' '$T/md' && ! grep -q '| – | – |' '$T/md'"
check md_pool "$(grep 'Other units' "$T/md")" grep -q \
    '^### Other units in Norra: the hidden units. answers together$' "$T/md"
check md_method "no method section" grep -q '^## Method and anonymity$' \
    "$T/md"
check md_rejected_noted "$(grep 'not counted' "$T/md")" grep -q \
    'not counted (2 this time)' "$T/md"
check md_logged "$("$HR" log | tail -1)" sh -c \
    "'$HR' log | grep -q 'report 2024 (md)\$'"

"$HR" report --year 2024 --lang sv --passphrase-file "$T/pass" >"$T/sv" \
    2>"$T/err"
check md_swedish "$(head -1 "$T/sv")" grep -q \
    '^# Avgångsintervjuer 2024: Region Exempel$' "$T/sv"
"$HR" report --lang de >/dev/null 2>&1
check bad_lang_64 "rc=$?" test "$?" = 64

"$HR" report --year 2024 --format html --out "$T/r.html" \
    --passphrase-file "$T/pass" >/dev/null 2>"$T/err"
rc=$?
check html_exit_0 "rc=$rc $(cat "$T/err")" test "$rc" = 0
check html_mode_0600 "$(ls -l "$T/r.html")" sh -c \
    "test \"\$(stat -c %a '$T/r.html')\" = 600"
res=$(/usr/bin/python3 - "$T/r.html" 2>&1 <<'EOF'
import sys
from html.parser import HTMLParser
VOID = {"meta", "br", "img", "hr", "input", "link"}
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack = []
    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        pass
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            raise SystemExit("unbalanced </%s> after %s" % (tag, self.stack[-3:]))
        self.stack.pop()
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
p.close()
if p.stack:
    raise SystemExit("unclosed " + " ".join(p.stack))
EOF
)
check html_well_formed "$res" test -z "$res"
check html_self_contained "$(grep -o '<script\|src=\|href=' "$T/r.html" | head -3)" \
    sh -c "! grep -q '<script\|src=\"\|<link' '$T/r.html' && grep -q '<svg ' '$T/r.html'"

"$HR" report --year 2024 --format csv --passphrase-file "$T/pass" \
    >"$T/csv" 2>"$T/err"
rc=$?
check csv_exit_0 "rc=$rc $(cat "$T/err")" test "$rc" = 0
printf '\357\273\277year;level;area;unit;question;versions;category;measure;value;status\r\n' \
    >"$T/csvhead"
check csv_bom_header "$(head -1 "$T/csv" | od -c | head -2)" sh -c \
    "head -1 '$T/csv' | cmp -s - '$T/csvhead'"
check csv_hidden_row "$(grep 'VC-LUNDBY' "$T/csv" | head -3)" grep -q \
    '^2024;unit;Norra;VC-LUNDBY;[a-z_]*;1;;answered;;too few answers' "$T/csv"
check csv_decimal_comma "$(grep ';mean;' "$T/csv" | head -2)" grep -q \
    '^2024;region;;;[a-z_]*;1;;mean;[0-9]*,[0-9][0-9];' "$T/csv"

"$HR" report --year 2024 --passphrase-file "$T/wrong" >/dev/null 2>"$T/err"
rc=$?
check wrong_passphrase_77 "rc=$rc $(cat "$T/err")" test "$rc" = 77
"$HR" report --format pdf >/dev/null 2>"$T/err"
rc=$?
check bad_format_64 "rc=$rc" sh -c "test $rc = 64 && grep -q \"unknown format 'pdf'\" '$T/err'"
"$HR" report --year 99 >/dev/null 2>&1
check bad_year_64 "rc=$?" test "$?" = 64
# --out a pipe (as root, a device): refused, never replaced (73)
mkfifo "$T/fifo"
"$HR" report --year 2024 --out "$T/fifo" --passphrase-file "$T/pass" \
    >/dev/null 2>"$T/err"
rc=$?
check out_special_73 "rc=$rc $(cat "$T/err")" sh -c \
    "test $rc = 73 && test -p '$T/fifo' && grep -q 'not a regular file' '$T/err'"
"$HR" report --help >"$T/out" 2>&1
check help "$(head -1 "$T/out")" grep -q '^usage: avslut-hr report' "$T/out"

# The running year: counts only.
Y=$(date -u +%Y)
"$TC" "$DB" "$HRD/hr.pub" VC-ALBY "$Y" 6 >/dev/null 2>&1
"$HR" report --year "$Y" --passphrase-file "$T/pass" >"$T/md" 2>"$T/err"
check open_year_counts_only "$(grep -c 'sd ' "$T/md")" sh -c \
    "grep -q 'is not closed yet' '$T/md' && ! grep -q '(sd \\|^| ' '$T/md'"

exit $failed
