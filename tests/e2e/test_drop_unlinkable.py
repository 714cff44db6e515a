"""test_drop_unlinkable: the attack of issue 11 on the drop folder, written
apart from the code it attacks. An HR insider reads central.db (every
envelope's id and bytes, every registered interviewer's key) and the drop
folder after HR's ingest. Nothing in the folder may link an envelope id in
central.db to a signer: no id, no envelope hash (which anyone can compute
from central.db) and no envelope bytes in any file there, while the
receipts that stay until the laptop's next sync still let the laptop
confirm its interviews. Prints "PASS name" / "FAIL name: why".
"""
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

SRC = os.environ.get("AVSLUT_SRCDIR", os.getcwd())
B = os.environ.get("AVSLUT_BUILD", os.path.join(SRC, "build"))
AVSLUT = os.path.join(B, "avslut")
HR = os.path.join(B, "avslut-hr")
SEAL = os.path.join(B, "tools", "avslut-testseal")

T = tempfile.mkdtemp(prefix="avslut-e2e-drop-")
PASSFILE = os.path.join(T, "pass")
with open(PASSFILE, "w") as f:
    f.write("correct horse battery\n")
HRHOME = os.path.join(T, "hr")
DB = os.path.join(T, "central", "central.db")
DROP = os.path.join(T, "drop")
failed = 0


def report(name, ok, why=""):
    global failed
    if ok:
        print("PASS " + name)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, why))
    sys.stdout.flush()


def run(argv, home):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AVSLUT_") and k not in ("XDG_CONFIG_HOME",
                                                       "XDG_DATA_HOME")}
    env.update(AVSLUT_HOME=home, AVSLUT_PASSPHRASE_FILE=PASSFILE, TZ="UTC",
               LC_ALL="C")
    return subprocess.run(argv, env=env, capture_output=True, text=True,
                          timeout=120)


def why(r):
    return "exit %d, err %r" % (r.returncode, r.stderr[-400:])


def insider_view():
    """What central.db gives away: ids, envelope hashes (BLAKE2b-256 of
    the stored bytes) and the envelopes themselves."""
    c = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    try:
        rows = c.execute("SELECT id, data FROM envelopes").fetchall()
        keys = [r[0] for r in c.execute("SELECT pk FROM interviewers")]
    finally:
        c.close()
    needles = []
    for eid, data in rows:
        needles.append(("id", bytes(eid)))
        needles.append(("id hex", bytes(eid).hex().encode()))
        h = hashlib.blake2b(bytes(data), digest_size=32).digest()
        needles.append(("hash", h))
        needles.append(("hash hex", h.hex().encode()))
        needles.append(("envelope", bytes(data)[:64]))
    return rows, keys, needles


def folder_bytes():
    out = []
    for name in sorted(os.listdir(DROP)):
        with open(os.path.join(DROP, name), "rb") as f:
            out.append((name, name.encode() + b"\0" + f.read()))
    return out


def links():
    rows, keys, needles = insider_view()
    found = []
    for name, blob in folder_bytes():
        for what, n in needles:
            if n in blob:
                found.append("%s holds an envelope %s" % (name, what))
                break
    return rows, found


os.makedirs(os.path.dirname(DB))
os.makedirs(DROP)
r = run([HR, "keygen", "--out", HRHOME, "--kdf", "test"], HRHOME)
lap = os.path.join(T, "laptop")
r1 = run([AVSLUT, "init", "--hr-key", os.path.join(HRHOME, "hr.pub"),
          "--kdf", "test"], lap)
r2 = run([HR, "interviewers", "add", "--db", DB, "--label", "anna",
          os.path.join(lap, "data", "avslut", "interviewer.pub")], HRHOME)
r3 = run([SEAL, "6"], lap)
if r.returncode or r1.returncode or r2.returncode or r3.returncode:
    print("FAIL setup: %s %s %s %s" % (why(r), why(r1), why(r2), why(r3)))
    sys.exit(1)

# The laptop syncs into the folder, HR ingests; the insider looks before
# the laptop's next sync (the receipt waits there until then).
s = run([AVSLUT, "sync", "--to", "dir:" + DROP, "--now"], lap)
h = run([HR, "ingest", "--db", DB, DROP], HRHOME)
rows, found = links()
report("drop_ingested", s.returncode == 0 and h.returncode == 0 and
       len(rows) == 6, "%d in central.db: %s %s" % (len(rows), why(s),
                                                     why(h)))
report("drop_folder_links_no_id_to_a_signer", not found and rows,
       "; ".join(found[:4]) + " (files: %s)" % os.listdir(DROP))
report("drop_no_bundle_after_ingest",
       not any(n.endswith(".bundle") for n in os.listdir(DROP)),
       "left: %s" % os.listdir(DROP))
# avslut receipt is for exported bundles: a keyed receipt is refused with
# a pointer to sync, and nothing is removed.
rc = [n for n in os.listdir(DROP) if n.endswith(".receipt")]
copy = os.path.join(T, "copy.receipt")
if rc:
    shutil.copy(os.path.join(DROP, rc[0]), copy)
rr = run([AVSLUT, "receipt", copy], lap)
report("drop_receipt_not_for_avslut_receipt", rr.returncode == 65 and
       "drop folder" in rr.stderr, why(rr))
# The laptop can still confirm: its next sync removes all six.
s2 = run([AVSLUT, "sync", "--to", "dir:" + DROP, "--now"], lap)
st = run([AVSLUT, "status"], lap)
report("drop_receipt_still_confirms", s2.returncode == 0 and
       "6 confirmed" in s2.stdout and os.listdir(DROP) == [],
       "%s %s %s" % (why(s2), s2.stdout, os.listdir(DROP)))

# A bundle named without a key (an older avslut) is still answered, with
# a plain receipt the laptop still applies; the bundle goes all the same.
r = run([SEAL, "5"], lap)
s3 = run([AVSLUT, "sync", "--to", "dir:" + DROP, "--now"], lap)
names = os.listdir(DROP)
for n in names:
    if n.endswith(".bundle"):
        tag, nonce = n.split("-")[:2]
        os.rename(os.path.join(DROP, n), os.path.join(
            DROP, "%s-%s.bundle" % (tag, nonce)))
h3 = run([HR, "ingest", "--db", DB, DROP], HRHOME)
left = os.listdir(DROP)
plain = False
for n in left:
    with open(os.path.join(DROP, n), "rb") as f:
        plain = f.read(12)[8:12] == b"\0\0\0\1"
s4 = run([AVSLUT, "sync", "--to", "dir:" + DROP, "--now"], lap)
report("drop_old_bundle_name_answered", s3.returncode == 0 and
       len(names) == 1 and h3.returncode == 0 and len(left) == 1 and
       left[0].endswith(".receipt") and plain and s4.returncode == 0 and
       "5 confirmed" in s4.stdout and os.listdir(DROP) == [],
       "%s %s %s %s %s" % (names, left, why(h3), why(s4), s4.stdout))

if not os.environ.get("AVSLUT_KEEP"):
    shutil.rmtree(T, ignore_errors=True)
sys.exit(1 if failed else 0)
