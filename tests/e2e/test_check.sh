#!/bin/sh
# End-to-end tests of `avslut check`: good, broken, missing and oversized
# forms; exit codes, the one-line summary, the exact messages, and the
# hash recomputed from --canonical with coreutils' b2sum.
B=${AVSLUT_BUILD:-build}
SRC=${AVSLUT_SRCDIR:-.}
AV="$B/avslut"
D="$SRC/tests/data/forms"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; fails=$((fails + 1)); }

# run NAME CMD...: stdout in $T/out, stderr in $T/err, exit code in $rc.
run() {
	shift
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}

cd "$SRC" || exit 1

run good "$AV" check tests/data/forms/good.yaml
want='tests/data/forms/good.yaml: test-form version 2, 7 questions, languages sv,en, hash 025c4dab708b9c35'
if [ $rc -eq 0 ] && [ "$(cat "$T/out")" = "$want" ] && [ ! -s "$T/err" ]
then pass good_form
else fail good_form "rc=$rc out=$(cat "$T/out") err=$(cat "$T/err")"
fi

run shipped "$AV" check forms/exit-interview.yaml
if [ $rc -eq 0 ] && grep -q '^forms/exit-interview.yaml: exit-interview version [0-9]*, [0-9]* questions, languages sv,en, hash [0-9a-f]\{16\}$' "$T/out"
then pass shipped_form
else fail shipped_form "rc=$rc out=$(cat "$T/out") err=$(head -5 "$T/err")"
fi

cat >"$T/want" <<'W'
tests/data/forms/broken.yaml:11:9: missing key 'max_label' in question 'q1' (scale questions need it)
tests/data/forms/broken.yaml:13:16: label: missing text for language 'en'
tests/data/forms/broken.yaml:18:24: show_if: '7' is outside the range 1..5 of 'q1'
tests/data/forms/broken.yaml:19:9: unknown key 'colour' in a question: expected id, type, label, help, required, show_if, theme, report, choices, other, max, min, min_label, max_label, max_length, short, sensitive
W
run broken "$AV" check tests/data/forms/broken.yaml
if [ $rc -eq 65 ] && cmp -s "$T/err" "$T/want" && [ ! -s "$T/out" ]
then pass broken_form_all_messages
else fail broken_form_all_messages "rc=$rc err=$(cat "$T/err")"
fi

# The same problems in Swedish (issue 12), at the same FILE:LINE:COL: the
# form validator, the show_if parser and the YAML reader's key check.
cat >"$T/want_sv" <<'W'
tests/data/forms/broken.yaml:11:9: nyckeln 'max_label' saknas i frågan 'q1' (scale-frågor behöver den)
tests/data/forms/broken.yaml:13:16: label: text saknas för språket 'en'
tests/data/forms/broken.yaml:18:24: show_if: '7' ligger utanför intervallet 1..5 för 'q1'
tests/data/forms/broken.yaml:19:9: okänd nyckel 'colour' i en fråga: väntade id, type, label, help, required, show_if, theme, report, choices, other, max, min, min_label, max_label, max_length, short, sensitive
W
run broken_sv env LC_ALL=C.UTF-8 "$AV" --lang sv check \
    tests/data/forms/broken.yaml
if [ $rc -eq 65 ] && cmp -s "$T/err" "$T/want_sv" && [ ! -s "$T/out" ]
then pass broken_form_swedish
else fail broken_form_swedish "rc=$rc err=$(cat "$T/err")"
fi

run mixed "$AV" check tests/data/forms/good.yaml tests/data/forms/broken.yaml
if [ $rc -eq 65 ] && [ "$(wc -l <"$T/out")" -eq 1 ] &&
    [ "$(wc -l <"$T/err")" -eq 4 ]
then pass good_and_broken
else fail good_and_broken "rc=$rc"
fi

run missing "$AV" check "$T/nope.yaml"
if [ $rc -eq 66 ] && grep -q "^avslut: cannot read $T/nope.yaml: No such file or directory: check the path\$" "$T/err"
then pass missing_file
else fail missing_file "rc=$rc err=$(cat "$T/err")"
fi

head -c 1048577 /dev/zero | tr '\0' 'a' >"$T/big.yaml"
run big "$AV" check "$T/big.yaml"
if [ $rc -eq 65 ] && [ "$(cat "$T/err")" = "$T/big.yaml:1:1: file too large: 1048577 bytes, a form may have at most 1048576 (1 MiB)" ]
then pass oversized_file
else fail oversized_file "rc=$rc err=$(cat "$T/err")"
fi

printf 'id: x\n\tversion: 1\n' >"$T/tab.yaml"
run tab "$AV" check "$T/tab.yaml"
if [ $rc -eq 65 ] && grep -q "^$T/tab.yaml:2:1: tab character: use spaces (a tab is not allowed anywhere in the file)\$" "$T/err"
then pass tab_indentation
else fail tab_indentation "rc=$rc err=$(cat "$T/err")"
fi

run tab_sv env LC_ALL=C.UTF-8 "$AV" --lang sv check "$T/tab.yaml"
if [ $rc -eq 65 ] && grep -q "^$T/tab.yaml:2:1: tabbtecken: använd mellanslag (tabb är inte tillåtet någonstans i filen)\$" "$T/err"
then pass tab_indentation_swedish
else fail tab_indentation_swedish "rc=$rc err=$(cat "$T/err")"
fi

run usage "$AV" check
if [ $rc -eq 64 ] && grep -q 'no form given' "$T/err"
then pass no_arguments
else fail no_arguments "rc=$rc"
fi

run help "$AV" check --help
if [ $rc -eq 0 ] && grep -q '^usage: avslut check' "$T/out"
then pass help
else fail help "rc=$rc"
fi

run version "$AV" check --version
if [ $rc -eq 0 ] && grep -q '^avslut [0-9]' "$T/out"
then pass version
else fail version "rc=$rc"
fi

run badopt "$AV" check --frobnicate x
if [ $rc -eq 64 ]
then pass bad_option
else fail bad_option "rc=$rc"
fi

# Another tool can recompute the hash: BLAKE2b-256 of the canonical text.
if command -v b2sum >/dev/null 2>&1; then
	"$AV" check --canonical tests/data/forms/good.yaml >"$T/canon"
	h=$(b2sum -l 256 <"$T/canon" | cut -c1-16)
	if [ "$h" = 025c4dab708b9c35 ] && head -1 "$T/canon" | grep -q '^format 13:avslut-form-1$'
	then pass canonical_b2sum
	else fail canonical_b2sum "b2sum gives $h"
	fi
fi

[ $fails -eq 0 ]
