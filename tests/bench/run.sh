#!/bin/sh
# tests/bench/run.sh BUILD: run every benchmark; each prints its figure,
# the floor it is compared with and the ratio. Figures are not asserted.
B=${1:-build}
export AVSLUT_SRCDIR="$(pwd)" AVSLUT_BUILD="$(pwd)/$B"
for b in "$B"/bench/bench_*; do
	[ -x "$b" ] || continue
	echo "== ${b##*/}"
	"$b" || echo "bench ${b##*/} failed"
done
echo "== bench_store.py"
python3 tests/bench/bench_store.py || echo "bench bench_store.py failed"
