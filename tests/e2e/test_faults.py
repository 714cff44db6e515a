"""test_faults: faults a reliability engineer would try, against the real
binaries: temporary files left by killed runs (each removed by its
owner's next run), random SIGKILL of sync, export, receipt and ingest at
any moment, a laptop and a central store on small real file systems filled
to the last block (as root), and write/fsync failing at every call
(tests/tools/faultshim.c through LD_PRELOAD).
Prints "PASS name" / "FAIL name: why" per case; exits non-zero on failure.
"""
import fcntl
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

SRC = os.environ.get("AVSLUT_SRCDIR", os.getcwd())
B = os.environ.get("AVSLUT_BUILD", os.path.join(SRC, "build"))
AVSLUT = os.path.join(B, "avslut")
HR = os.path.join(B, "avslut-hr")
SEAL = os.path.join(B, "tools", "avslut-testseal")
KILLED = -9

T = tempfile.mkdtemp(prefix="avslut-e2e-faults-")
os.chmod(T, 0o755)
PASSFILE = os.path.join(T, "pass")
with open(PASSFILE, "w") as f:
    f.write("correct horse battery\n")
HRHOME = os.path.join(T, "hrhome")
failed = 0


def report(name, ok, why=""):
    global failed
    if ok:
        print("PASS " + name)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, why))
    sys.stdout.flush()


def skip(name, why):
    print("SKIP %s: %s" % (name, why))
    sys.stdout.flush()


def base_env(home):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AVSLUT_") and k not in ("XDG_CONFIG_HOME",
                                                       "XDG_DATA_HOME")}
    env["AVSLUT_HOME"] = home
    env["AVSLUT_PASSPHRASE_FILE"] = PASSFILE
    env["TZ"] = "UTC"
    env["LC_ALL"] = "C"
    return env


def run(argv, home, extra=None, timeout=120):
    env = base_env(home)
    env.update(extra or {})
    return subprocess.run(argv, env=env, capture_output=True, text=True,
                          timeout=timeout)


def why(r):
    return "exit %d, out %r, err %r" % (r.returncode, r.stdout[-500:],
                                        r.stderr[-500:])


def ids_of(db, table="envelopes"):
    if not os.path.exists(db):
        return []
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    try:
        return [row[0] for row in c.execute("SELECT hex(id) FROM " + table)]
    finally:
        c.close()


def integrity(db):
    c = sqlite3.connect(db, timeout=30)
    try:
        return c.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        c.close()


def case(name, fn):
    try:
        fn()
    except Exception as ex:  # one case never stops the others
        import traceback
        report(name, False, "%s: %s %s" % (type(ex).__name__, ex,
                                           traceback.format_exc()[-600:]))


class Laptop:
    def __init__(self, name, home=None):
        self.name = name
        self.home = home or os.path.join(T, name)
        os.makedirs(self.home, exist_ok=True)
        self.sealed = set()
        r = run([AVSLUT, "init", "--hr-key",
                 os.path.join(HRHOME, "hr.pub"), "--kdf", "test"],
                self.home)
        if r.returncode != 0:
            raise RuntimeError("init: " + why(r))
        self.data = os.path.join(self.home, "data", "avslut")
        self.pub = os.path.join(self.data, "interviewer.pub")
        self.outbox = os.path.join(self.data, "outbox.db")

    def register(self, db):
        r = run([HR, "interviewers", "add", "--db", db, "--label",
                 self.name, self.pub], HRHOME)
        if r.returncode != 0:
            raise RuntimeError("interviewers add: " + why(r))

    def seal(self, n):
        before = set(self.ids())
        r = run([SEAL, str(n)], self.home)
        if r.returncode != 0:
            raise RuntimeError("seal: " + why(r))
        self.sealed |= set(self.ids()) - before

    def ids(self):
        return ids_of(self.outbox)

    def avslut(self, *args, extra=None, timeout=120):
        return run([AVSLUT] + list(args), self.home, extra, timeout)


# The files a laptop's data directory may hold in a steady state
# (avslut(1) FILES; outbox.db-wal/-shm only while a program runs).
DATA_FILES = {"profile", "interviewer.pub", "outbox.db", "sync.lock",
              "outbox.db-wal", "outbox.db-shm", "draftkeys"}


def debris_data(lap):
    """Files in the laptop's data directory that avslut(1) does not list
    (other helpers' files, such as a slot file, are allowed by name)."""
    return sorted(x for x in os.listdir(lap.data)
                  if x not in DATA_FILES and not x.startswith("slots"))


def debris_drop(drop):
    return sorted(x for x in os.listdir(drop)
                  if not re.match(r"^[0-9a-f]{16}-[0-9a-f]{16}\.(bundle|"
                                  r"receipt)$", x))


# --- set-up ----------------------------------------------------------------
r = run([HR, "keygen", "--out", HRHOME, "--kdf", "test"], HRHOME)
if r.returncode != 0:
    print("FAIL setup: avslut-hr keygen: " + why(r))
    sys.exit(1)


def t_debris_swept():
    """Temporary files of killed runs go with the owner's next run; a
    live writer's (locked) receipt and a fresh atomic write stay."""
    db = os.path.join(T, "debris", "central.db")
    drop = os.path.join(T, "debris", "drop")
    os.makedirs(drop)
    lap = Laptop("debris")
    lap.register(db)
    lap.seal(3)
    old = time.time() - 3600
    planted = {}
    for name in (".bundle-aB3dE9", "profile.tmp.Qw12Er", "profile.tmp.fresh1"):
        p = os.path.join(lap.data, name)
        with open(p, "w") as f:
            f.write("x")
        planted[name] = p
    os.utime(planted["profile.tmp.Qw12Er"], (old, old))
    stale = os.path.join(drop, ".0123456789abcdef-0011223344556677."
                         "receipt.aB3dE9")
    live = os.path.join(drop, ".0123456789abcdef-8899aabbccddeeff."
                        "receipt.Zz9Yy8")
    for p in (stale, live):
        with open(p, "w") as f:
            f.write("half")
    holder = open(live, "r")
    fcntl.flock(holder, fcntl.LOCK_EX)
    r = lap.avslut("sync", "--to", "dir:" + drop, "--now")
    h = run([HR, "ingest", "--db", db, drop], HRHOME)
    left = debris_data(lap)
    ok = (r.returncode == 0 and h.returncode == 0 and
          left == ["profile.tmp.fresh1"] and not os.path.exists(stale) and
          os.path.exists(live))
    report("debris_swept_by_next_run", ok, "data %s drop %s %s %s" % (
        left, os.listdir(drop), why(r), why(h)))
    holder.close()
    h = run([HR, "ingest", "--db", db, drop], HRHOME)
    r = lap.avslut("sync", "--to", "dir:" + drop, "--now")
    report("debris_unlocked_receipt_swept", h.returncode == 0 and
           r.returncode == 0 and debris_drop(drop) == [] and
           os.listdir(drop) == [] and lap.ids() == [],
           "%s %s %s" % (os.listdir(drop), why(h), why(r)))


def t_export_tmp():
    """A killed export's FILE.tmp.HEX goes with the next export, sync or
    receipt, wherever it was written."""
    out = os.path.join(T, "exports")
    os.makedirs(out)
    lap = Laptop("export-tmp")
    lap.seal(5)
    r = lap.avslut("export", os.path.join(out, "a.bundle"),
                   extra={"AVSLUT_CRASH": "export-mid-write"})
    tmp = os.listdir(out)
    ok = (r.returncode == KILLED and len(tmp) == 1 and
          re.match(r"^a\.bundle\.tmp\.[0-9a-f]{12}$", tmp[0]))
    report("export_killed_leaves_tmp", bool(ok), "%s %s" % (tmp, why(r)))
    r = lap.avslut("status")
    r2 = lap.avslut("export", os.path.join(T, "b.bundle"))
    report("export_tmp_removed_by_next_export", r2.returncode == 0 and
           os.listdir(out) == [] and os.path.exists(os.path.join(
               T, "b.bundle")), "%s %s" % (os.listdir(out), why(r2)))



# --- full disks ------------------------------------------------------------
class Image:
    """A small ext4 file system in a file, loop-mounted (root only)."""

    def __init__(self, name, bs, size_kib):
        self.img = os.path.join(T, name + ".img")
        self.mnt = os.path.join(T, name)
        os.makedirs(self.mnt)
        with open(self.img, "wb") as f:
            f.truncate(size_kib * 1024)
        subprocess.run(["mkfs.ext4", "-q", "-F", "-m", "0", "-b", str(bs),
                        self.img], check=True, capture_output=True)
        subprocess.run(["mount", "-o", "loop", self.img, self.mnt],
                       check=True, capture_output=True)
        self.filler = os.path.join(self.mnt, "filler")

    def avail_kib(self):
        st = os.statvfs(self.mnt)
        return st.f_bavail * st.f_frsize // 1024

    def fill(self, leave_kib):
        """Fill the file system until leave_kib KiB stay free (0: to the
        last block)."""
        n = self.avail_kib() - leave_kib
        chunk = b"\0" * 1024
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            if n > 0:
                os.write(fd, chunk * n)
            os.fsync(fd)
            while leave_kib == 0:
                os.write(fd, chunk)
                os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    def free(self):
        if os.path.exists(self.filler):
            os.unlink(self.filler)

    def close(self):
        subprocess.run(["umount", self.mnt], capture_output=True)


def full_ok(r):
    """A run on a full disk: done, or exit 74 saying "full"; never a
    signal."""
    if r.returncode < 0:
        return "killed by signal %d" % -r.returncode
    if r.returncode not in (0, 74):
        return "exit %d" % r.returncode
    if r.returncode == 74 and "full" not in r.stderr:
        return "exit 74 without 'full'"
    return None


# KiB left free. With 1 KiB blocks SQLite's -shm map used to raise SIGBUS
# at about 50 to 80 KiB free; below that the -shm could not be made.
FULL_LEVELS = {1024: (0, 8, 32, 56, 64, 72), 4096: (0, 32, 64)}


def t_full_disk(bs):
    """The laptop's data and central.db each on their own small ext4 with
    bs-byte blocks, filled to 0..96 KiB free: every sync, export,
    receipt and ingest ends normally or with 74 and "full"; after freeing
    the space everything arrives once."""
    lapimg = Image("lap%d" % bs, bs, 8192)
    cenimg = Image("cen%d" % bs, bs, 8192)
    bad = []
    try:
        for level in FULL_LEVELS[bs]:
            for which in ("laptop", "central"):
                home = os.path.join(lapimg.mnt, "h%d%s" % (level, which))
                db = os.path.join(cenimg.mnt, "c%d%s" % (level, which),
                                  "central.db")
                os.makedirs(os.path.dirname(db))
                drop = os.path.join(T, "fdrop%d-%d%s" % (bs, level, which))
                os.makedirs(drop)
                lap = Laptop("full", home=home)
                lap.register(db)
                lap.seal(8)
                out = os.path.join(lapimg.mnt if which == "laptop" else T,
                                   "x%d%s-%d.bundle" % (level, which, bs))
                img = lapimg if which == "laptop" else cenimg
                img.fill(level)
                runs = [
                    ("sync path", lap.avslut("sync", "--to", db, "--now")),
                    ("export", lap.avslut("export", out)),
                    ("sync dir", lap.avslut("sync", "--to", "dir:" + drop,
                                            "--now")),
                    ("ingest dir", run([HR, "ingest", "--db", db, drop],
                                       HRHOME)),
                    ("sync dir 2", lap.avslut("sync", "--to", "dir:" + drop,
                                              "--now")),
                ]
                rcpt = os.path.join(T, "r.receipt")
                if os.path.exists(rcpt):
                    os.unlink(rcpt)
                if os.path.exists(out):
                    runs.append(("ingest file", run(
                        [HR, "ingest", "--db", db, "--receipt", rcpt, out],
                        HRHOME)))
                if os.path.exists(rcpt):
                    runs.append(("receipt", lap.avslut("receipt", rcpt)))
                for what, r in runs:
                    w = full_ok(r)
                    if w:
                        bad.append("%s, %s full to %d KiB: %s: %s" % (
                            what, which, level, w, why(r)))
                img.free()
                # Space again: everything arrives, once, intact.
                r = lap.avslut("sync", "--to", db, "--now")
                h = run([HR, "ingest", "--db", db, drop], HRHOME)
                r2 = lap.avslut("sync", "--to", "dir:" + drop, "--now")
                r3 = lap.avslut("sync", "--to", db, "--now")
                ids = ids_of(db)
                if (r.returncode or h.returncode or r2.returncode or
                        r3.returncode or lap.ids() or
                        len(ids) != len(set(ids)) or
                        not lap.sealed <= set(ids) or
                        integrity(db) != "ok" or
                        integrity(lap.outbox) != "ok"):
                    bad.append("after freeing (%s, %d KiB): %s %s %s %s, "
                               "%d left" % (which, level, why(r), why(h),
                                            why(r2), why(r3),
                                            len(lap.ids())))
                if debris_data(lap) or debris_drop(drop):
                    bad.append("debris (%s, %d KiB): %s %s" % (
                        which, level, debris_data(lap), debris_drop(drop)))
    finally:
        lapimg.close()
        cenimg.close()
    sig = [b for b in bad if "signal" in b]
    report("full_disk_%dk_blocks" % (bs // 1024), not bad,
           "%d signal deaths; " % len(sig) + "; ".join(bad[:4]) +
           (" (and %d more)" % (len(bad) - 4) if len(bad) > 4 else ""))


def can_mount():
    if os.geteuid() != 0:
        return "not root: loop mounts need root"
    if not shutil.which("mkfs.ext4") or not shutil.which("mount"):
        return "no mkfs.ext4 or mount"
    probe = Image("probe", 1024, 1024)
    ok = os.path.ismount(probe.mnt)
    probe.close()
    return None if ok else "cannot loop-mount an ext4 image here"

case("debris_swept", t_debris_swept)
case("export_tmp", t_export_tmp)
try:
    nomount = can_mount()
except Exception as ex:
    nomount = "cannot loop-mount: %s" % ex
if nomount:
    skip("full_disk", nomount)
else:
    for bs in (1024, 4096):
        case("full_disk_%dk_blocks" % (bs // 1024),
             lambda b=bs: t_full_disk(b))
if not os.environ.get("AVSLUT_KEEP"):
    shutil.rmtree(T, ignore_errors=True)
sys.exit(1 if failed else 0)
