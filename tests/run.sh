#!/bin/sh
# tests/run.sh BUILD: every test of make check, in order: unit tests plain
# and under ASan+UBSan, a short bounded run of every fuzzer, then the
# end-to-end tests. Ends with one line: "check: N passed, N failed".
B=${1:-build}
root=$(pwd)
case $B in
/*) build=$B ;;
*) build=$root/$B ;;
esac
export AVSLUT_SRCDIR="$root" AVSLUT_BUILD="$build"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=
export CMOCKA_MESSAGE_OUTPUT=STDOUT
pass=0
fail=0
log=$(mktemp)
# The end-to-end tests reach the source and the build through a directory
# only its owner may enter, as a clone in root's home (0700) does: a test
# that runs a program as another user must copy it where that user can
# reach it (issue 16), and this makes every run check that.
priv=$(mktemp -d)
chmod 700 "$priv"
ln -s "$root" "$priv/src"
ln -s "$build" "$priv/build"
trap 'rm -f "$log" "$priv/src" "$priv/build"; rmdir "$priv"' EXIT

# run_unit LABEL BINARY: cmocka binary; counts its tests.
run_unit() {
	"$2" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# crashed, leaked or sanitizer error
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		echo "FAIL $1 (exit $rc):"
		sed 's/^/    /' "$log"
	else
		echo "ok   $1: $p passed"
	fi
}

# run_proto LABEL CMD...: a script that prints "PASS name" / "FAIL name".
run_proto() {
	label=$1
	shift
	"$@" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^PASS ' "$log")
	f=$(grep -c '^FAIL ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		echo "FAIL $label (exit $rc):"
		sed 's/^/    /' "$log"
	else
		echo "ok   $label: $p passed"
	fi
}

for t in "$B"/tests/test_*; do
	[ -x "$t" ] && run_unit "unit/${t##*/}" "$t"
done
for t in "$B"/asan/tests/test_*; do
	[ -x "$t" ] && run_unit "asan/${t##*/}" "$t"
done
for f in "$B"/fuzz/fuzzers/fuzz_*; do
	[ -x "$f" ] || continue
	n=${f##*/}
	c="$B/corpus/$n"
	mkdir -p "$c"
	seeds=""
	[ -d "tests/fuzz/corpus/$n" ] && seeds="tests/fuzz/corpus/$n"
	run_proto "fuzz/$n" sh -c '"$1" -max_total_time=${AVSLUT_FUZZ_SECONDS:-8} \
	    -rss_limit_mb=1024 "$2" $3 >/dev/null 2>&1 && \
	    echo "PASS $4" || { "$1" -runs=0 "$2" $3 2>&1 | tail -30; \
	    echo "FAIL $4"; }' sh "$f" "$c" "$seeds" "$n"
done
export AVSLUT_SRCDIR="$priv/src" AVSLUT_BUILD="$priv/build"
for t in tests/e2e/test_*.py; do
	[ -f "$t" ] && run_proto "e2e/${t##*/}" /usr/bin/python3 "$t"
done
for t in tests/e2e/test_*.sh; do
	[ -f "$t" ] && run_proto "e2e/${t##*/}" sh "$t"
done
echo "check: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
