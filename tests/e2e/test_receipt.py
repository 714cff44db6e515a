#!/usr/bin/env python3
"""test_receipt: `avslut receipt` against receipts written here byte by
byte as avslut-bundle(5) describes them: the envelopes it confirms go, one
it acknowledges with other bytes stays, and every such envelope is named
by its id, not only the first. Prints "PASS name" / "FAIL name: why"."""
import hashlib
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile

SRC = os.environ.get("AVSLUT_SRCDIR", os.getcwd())
B = os.environ.get("AVSLUT_BUILD", os.path.join(SRC, "build"))
AVSLUT = os.path.join(B, "avslut")
HR = os.path.join(B, "avslut-hr")
SEAL = os.path.join(B, "tools", "avslut-testseal")
failed = 0


def report(name, ok, why=""):
    global failed
    if ok:
        print("PASS " + name)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, why))
    sys.stdout.flush()


T = tempfile.mkdtemp(prefix="avslut-e2e-receipt.")
PASS = os.path.join(T, "pass")
with open(PASS, "w") as f:
    f.write("correct horse\n")


def run(argv, home):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AVSLUT_") and k != "LANGUAGE"}
    env.update(AVSLUT_HOME=home, LC_ALL="C.UTF-8",
               AVSLUT_PASSPHRASE_FILE=PASS)
    return subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)


def receipt(pairs):
    """A version 1 receipt: magic, version, count, (id, hash) pairs and
    the BLAKE2b-256 of everything before it."""
    body = b"AVSLUTR\n" + struct.pack(">II", 1, len(pairs))
    for i, h in pairs:
        body += i + h
    return body + hashlib.blake2b(body, digest_size=32).digest()


def waiting(home):
    db = os.path.join(home, "data", "avslut", "outbox.db")
    con = sqlite3.connect(db)
    try:
        return {r[0]: r[1] for r in con.execute(
            "SELECT id, blob FROM envelopes ORDER BY id")}
    finally:
        con.close()


try:
    HRH = os.path.join(T, "hr")
    LAP = os.path.join(T, "laptop")
    r = run([HR, "keygen", "--passphrase-file", PASS, "--kdf", "test"], HRH)
    r2 = run([AVSLUT, "init", "--hr-key", os.path.join(
        HRH, "data", "avslut-hr", "hr.pub"), "--passphrase-file", PASS,
        "--kdf", "test"], LAP)
    r3 = run([SEAL, "5"], LAP)
    env = waiting(LAP) if r3.returncode == 0 else {}
    report("setup", r.returncode == 0 and r2.returncode == 0 and
           len(env) == 5, "%s %s %s" % (r.stderr, r2.stderr, r3.stderr))
    ids = sorted(env)
    good = [(i, hashlib.blake2b(env[i], digest_size=32).digest())
            for i in ids[:2]]
    bad = [(i, b"\x01" * 32) for i in ids[2:5]]
    path = os.path.join(T, "mixed.receipt")
    with open(path, "wb") as f:
        f.write(receipt(good + bad))
    r = run([AVSLUT, "receipt", path], LAP)
    left = waiting(LAP)
    report("confirmed_removed", all(i not in left for i, _ in good) and
           "2 sealed interviews confirmed, 3 still waiting" in r.stdout,
           "exit %d %r %r" % (r.returncode, r.stdout, r.stderr))
    report("mismatched_kept", all(i in left for i, _ in bad),
           "%d left" % len(left))
    named = [i.hex() for i, _ in bad if i.hex() in r.stderr]
    report("every_mismatch_named", len(named) == 3 and
           r.stderr.count("HR holds other bytes under its id") == 3,
           "named %d of 3: %r" % (len(named), r.stderr))
    report("kept_counted", "3 kept because HR holds different bytes" in
           r.stderr, r.stderr)
    report("confirmed_not_named", not any(i.hex() in r.stderr
                                          for i, _ in good), r.stderr)
finally:
    shutil.rmtree(T, ignore_errors=True)
sys.exit(1 if failed else 0)
