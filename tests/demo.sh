#!/bin/sh
# tests/demo.sh BUILD: make demo. A throwaway home under /tmp, a demo HR
# key pair and interviewer profile (both with the fast, weak "--kdf test"
# key derivation: never use that for real keys), then avslut on the
# shipped form, in Swedish, so that a new user sees a real interview.
set -eu
B=${1:-build}
root=$(pwd)
bin="$root/$B"
[ -x "$bin/avslut" ] && [ -x "$bin/avslut-hr" ] || {
	echo "make demo: build first (make all)" >&2
	exit 1
}
demo=$(mktemp -d /tmp/avslut-demo.XXXXXX)
chmod 700 "$demo"
export AVSLUT_HOME="$demo/home"
pass=demo-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
passfile="$demo/passphrase"
( umask 077; printf '%s\n' "$pass" >"$passfile" )

echo "avslut demo in $demo (delete it when you are done)"
# Both commands warn that --kdf test is weak, which is said here once;
# their messages are shown only if they fail.
log="$demo/setup.log"
run() {
	"$@" >"$log" 2>&1 || {
		cat "$log" >&2
		exit 1
	}
}
echo "1. a demo HR key pair (--kdf test: fast and weak, for demos only)"
run "$bin/avslut-hr" keygen --out "$demo/hr" --passphrase-file "$passfile" \
    --kdf test
echo "2. avslut init: this laptop's interviewer profile, pinning hr.pub"
run "$bin/avslut" init --hr-key "$demo/hr/hr.pub" --passphrase-file \
    "$passfile" --kdf test
rm -f "$log"
cat <<EOF

The passphrase for both is:  $pass
(the HR key is $demo/hr/hr.key; the profile is in $AVSLUT_HOME)

3. avslut: type the passphrase, pick "Ny intervju", a unit and a language.
   Tab goes to the next question, F1 shows every key, F10 saves and
   leaves; run the same command again to resume:

   AVSLUT_HOME=$AVSLUT_HOME $bin/avslut --lang sv

Press Enter to start.
EOF
read -r _ || true
# The interface needs a UTF-8 locale; C.UTF-8 is always there on Debian.
case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
*[Uu][Tt][Ff]-8 | *[Uu][Tt][Ff]8) ;;
*) export LC_ALL=C.UTF-8 ;;
esac
exec "$bin/avslut" --lang sv
