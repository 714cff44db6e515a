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
    # Read-write: after a kill the WAL may need recovering, which a
    # read-only connection cannot do.
    c = sqlite3.connect(db, timeout=30)
    try:
        return [row[0] for row in c.execute("SELECT hex(id) FROM " + table)]
    except sqlite3.OperationalError as ex:
        if "no such table" in str(ex):
            return []       # a store killed before it was set up
        raise
    finally:
        c.close()


def integrity(db):
    c = sqlite3.connect(db, timeout=30)
    try:
        return c.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        c.close()


def case(name, fn):
    only = os.environ.get("AVSLUT_FAULTS_ONLY")
    if only and only not in name:
        return
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
    live writer's (locked) receipt or atomic write stays."""
    db = os.path.join(T, "debris", "central.db")
    drop = os.path.join(T, "debris", "drop")
    os.makedirs(drop)
    lap = Laptop("debris")
    lap.register(db)
    lap.seal(3)
    planted = {}
    for name in (".bundle-aB3dE9", "profile.tmp.Qw12Er", "profile.tmp.fresh1"):
        p = os.path.join(lap.data, name)
        with open(p, "w") as f:
            f.write("x")
        planted[name] = p
    stale = os.path.join(drop, ".0123456789abcdef-0011223344556677."
                         "receipt.aB3dE9")
    live = os.path.join(drop, ".0123456789abcdef-8899aabbccddeeff."
                        "receipt.Zz9Yy8")
    for p in (stale, live):
        with open(p, "w") as f:
            f.write("half")
    holder = open(live, "r")
    fcntl.flock(holder, fcntl.LOCK_EX)
    writer = open(planted["profile.tmp.fresh1"], "r")   # a live passwd
    fcntl.flock(writer, fcntl.LOCK_EX)
    r = lap.avslut("sync", "--to", "dir:" + drop, "--now")
    h = run([HR, "ingest", "--db", db, drop], HRHOME)
    left = debris_data(lap)
    ok = (r.returncode == 0 and h.returncode == 0 and
          left == ["profile.tmp.fresh1"] and not os.path.exists(stale) and
          os.path.exists(live))
    report("debris_swept_by_next_run", ok, "data %s drop %s %s %s" % (
        left, os.listdir(drop), why(r), why(h)))
    holder.close()
    writer.close()
    h = run([HR, "ingest", "--db", db, drop], HRHOME)
    r = lap.avslut("sync", "--to", "dir:" + drop, "--now")
    report("debris_unlocked_receipt_swept", h.returncode == 0 and
           r.returncode == 0 and debris_drop(drop) == [] and
           os.listdir(drop) == [] and lap.ids() == [] and
           debris_data(lap) == [],
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
                    ("status", lap.avslut("status")),
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


# --- random kills ----------------------------------------------------------
KILL_ROUNDS = int(os.environ.get("AVSLUT_KILL_ROUNDS", "80"))


def t_random_kills():
    """SIGKILL at random moments (not at named points) of sync to a drop
    folder and to a path, export, receipt and ingest, in a loop; then a
    clean run of each: every sealed interview in central.db once, none
    left waiting, integrity_check ok, no debris anywhere."""
    rnd = random.Random(int(os.environ.get("AVSLUT_KILL_SEED",
                                           str(os.getpid()))))
    db = os.path.join(T, "kills", "central.db")
    drop = os.path.join(T, "kills", "drop")
    exp = os.path.join(T, "kills", "exports")
    os.makedirs(drop)
    os.makedirs(exp)
    laps = [Laptop("kill-a"), Laptop("kill-b")]
    for lap in laps:
        lap.register(db)
    killed = 0
    n_exp = 0
    dur = {}

    def start(lap, argv, hr=False):
        env = base_env(HRHOME if hr else lap.home)
        return subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

    for i in range(KILL_ROUNDS):
        lap = rnd.choice(laps)
        if i % 8 == 0:
            lap.seal(rnd.randint(1, 6))
        op = rnd.choice(("dir", "path", "ingest", "export", "receipt"))
        if op == "dir":
            argv = [AVSLUT, "sync", "--to", "dir:" + drop, "--now"]
        elif op == "path":
            argv = [AVSLUT, "sync", "--to", db, "--now"]
        elif op == "ingest":
            argv = [HR, "ingest", "--db", db, drop]
        elif op == "export":
            n_exp += 1
            argv = [AVSLUT, "export", os.path.join(exp, "e%d.bundle" %
                                                   n_exp)]
        else:
            bundles = sorted(x for x in os.listdir(exp)
                             if x.endswith(".bundle"))
            if not bundles:
                continue
            b = os.path.join(exp, rnd.choice(bundles))
            r = b[:-len(".bundle")] + ".receipt"
            if not os.path.exists(r):
                argv = [HR, "ingest", "--db", db, "--receipt", r, b]
                op = "ingest"
            else:
                argv = [AVSLUT, "receipt", r]
        # The kill falls within how long this operation last took when
        # it ran to its end, so that kills land on a fast machine too
        # (a fixed window let most runs finish first: 16 of 80 killed).
        t0 = time.monotonic()
        p = start(lap, argv, hr=(op == "ingest"))
        time.sleep(rnd.uniform(0, dur.get(op, 0.12)))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            killed += 1
        elif p.returncode is not None:
            dur[op] = max(0.005, 0.9 * (time.monotonic() - t0))
        p.wait()
    # Clean runs: what was killed is finished, nothing is killed now.
    bad = []
    for b in sorted(x for x in os.listdir(exp) if x.endswith(".bundle")):
        r = os.path.join(exp, b[:-len(".bundle")] + ".receipt")
        h = run([HR, "ingest", "--db", db, "--receipt", r,
                 os.path.join(exp, b)], HRHOME)
        if h.returncode not in (0, 65):     # 65: a torn export
            bad.append("ingest %s: %s" % (b, why(h)))
        for lap in laps:
            if os.path.exists(r):
                lap.avslut("receipt", r)
    for _ in range(2):
        for lap in laps:
            r = lap.avslut("sync", "--to", "dir:" + drop, "--now")
            if r.returncode != 0:
                bad.append("sync dir: " + why(r))
        h = run([HR, "ingest", "--db", db, drop], HRHOME)
        if h.returncode != 0:
            bad.append("ingest: " + why(h))
    for lap in laps:
        r = lap.avslut("sync", "--to", "dir:" + drop, "--now")
        r2 = lap.avslut("sync", "--to", db, "--now")
        if r.returncode or r2.returncode:
            bad.append("final syncs: %s %s" % (why(r), why(r2)))
    ids = ids_of(db)
    sealed = set().union(*(lap.sealed for lap in laps))
    if len(ids) != len(set(ids)):
        bad.append("an id twice in central.db")
    if set(ids) != sealed:
        bad.append("central holds %d, %d sealed, %d missing" % (
            len(set(ids)), len(sealed), len(sealed - set(ids))))
    for lap in laps:
        if lap.ids():
            bad.append("%d still waiting on %s" % (len(lap.ids()), lap.name))
        if integrity(lap.outbox) != "ok":
            bad.append("outbox integrity: " + integrity(lap.outbox))
        if debris_data(lap):
            bad.append("debris in %s: %s" % (lap.data, debris_data(lap)))
    if integrity(db) != "ok":
        bad.append("central integrity: " + integrity(db))
    if os.listdir(drop):
        bad.append("left in the drop folder: %s" % os.listdir(drop))
    left = [x for x in os.listdir(exp)
            if not re.match(r"^e\d+\.(bundle|receipt)$", x)]
    if left:
        bad.append("left beside the exports: %s" % left)
    report("random_kills", not bad and killed > KILL_ROUNDS // 4,
           "%d killed of %d; %s" % (killed, KILL_ROUNDS, "; ".join(bad)))


# --- I/O errors at every call ----------------------------------------------
def build_shim():
    """tests/tools/shim/faultshim.c as a shared library (the Makefile
    builds the programs in tests/tools; this one is a library)."""
    so = os.path.join(T, "faultshim.so")
    cc = os.environ.get("CC", "cc")
    if not shutil.which(cc):
        return None, "no C compiler (%s) to build the shim" % cc
    r = subprocess.run([cc, "-shared", "-fPIC", "-O2", "-o", so,
                        os.path.join(SRC, "tests", "tools", "shim",
                                     "faultshim.c"), "-ldl"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, "cannot build the shim: " + r.stderr[-300:]
    return so, None


def shim_env(so, at, errno_name, count_file=None):
    env = {"LD_PRELOAD": so, "FAULT_AT": str(at), "FAULT_ERRNO": errno_name}
    if count_file:
        env["FAULT_COUNT_FILE"] = count_file
    return env


def io_verdict(r, errno_name, prog):
    """The documented outcome of one run with a failing write or fsync:
    done (the call's failure did not matter), or exit 74 with one
    "PROG: what: what to do" message: "full" and "free some space" for
    ENOSPC; never a signal, never another status."""
    if r.returncode < 0:
        return "killed by signal %d" % -r.returncode
    if r.returncode == 0:
        return None
    if r.returncode != 74:
        return "exit %d" % r.returncode
    lines = [x for x in r.stderr.splitlines() if "--kdf test" not in x]
    if not lines or not lines[0].startswith(prog + ": "):
        return "no '%s: ' message" % prog
    if errno_name == "ENOSPC" and ("full" not in r.stderr or
                                   "free some space" not in r.stderr):
        return "ENOSPC without 'full' and 'free some space'"
    return None


def t_io_errors():
    """write/fsync fail with EIO (once) and ENOSPC (from then on) at call
    N, for every N of one sync (path) and one ingest (drop folder); then
    power cuts at call N (writes since each file's last fsync undone)."""
    so, whynot = build_shim()
    if so is None:
        skip("io_errors", whynot)
        return
    # On tmpfs where there is one: some 700 runs, each with fsyncs.
    base = T
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        base = tempfile.mkdtemp(prefix="avslut-e2e-io-", dir="/dev/shm")
    try:
        io_errors(so, base)
    finally:
        if base != T and not os.environ.get("AVSLUT_KEEP"):
            shutil.rmtree(base, ignore_errors=True)


def io_errors(so, base):
    db = os.path.join(base, "io", "central.db")
    drop = os.path.join(base, "io", "drop")
    os.makedirs(drop)
    lap = Laptop("io", home=os.path.join(base, "io-home"))
    lap.register(db)
    count = os.path.join(base, "io", "count")
    lap.seal(2)
    r = lap.avslut("sync", "--to", db, "--now",
                   extra=shim_env(so, 0, "EIO", count))
    with open(count) as f:
        n_sync = int(f.read())
    lap.seal(2)
    lap.avslut("sync", "--to", "dir:" + drop, "--now")
    h = run([HR, "ingest", "--db", db, drop], HRHOME,
            shim_env(so, 0, "EIO", count))
    with open(count) as f:
        n_ingest = int(f.read())
    lap.avslut("sync", "--to", "dir:" + drop, "--now")
    if r.returncode or h.returncode or n_sync < 10 or n_ingest < 5:
        report("io_errors_counted", False, "%d, %d calls: %s %s" % (
            n_sync, n_ingest, why(r), why(h)))
        return
    bad = []
    for errno_name in ("EIO", "ENOSPC"):
        for n in range(1, n_sync + 1):
            lap.seal(2)
            r = lap.avslut("sync", "--to", db, "--now",
                           extra=shim_env(so, n, errno_name))
            w = io_verdict(r, errno_name, "avslut")
            r2 = lap.avslut("sync", "--to", db, "--now")
            if w or r2.returncode or lap.ids():
                bad.append("sync %s at %d: %s; again: %s" % (
                    errno_name, n, w or why(r), why(r2)))
        for n in range(1, n_ingest + 1):
            lap.seal(2)
            lap.avslut("sync", "--to", "dir:" + drop, "--now")
            h = run([HR, "ingest", "--db", db, drop], HRHOME,
                    shim_env(so, n, errno_name))
            w = io_verdict(h, errno_name, "avslut-hr")
            h2 = run([HR, "ingest", "--db", db, drop], HRHOME)
            r2 = lap.avslut("sync", "--to", "dir:" + drop, "--now")
            if w or h2.returncode or r2.returncode or lap.ids():
                bad.append("ingest %s at %d: %s; again: %s %s" % (
                    errno_name, n, w or why(h), why(h2), why(r2)))
    # Power cuts: at call N every write since its file's last fsync is
    # undone and the program killed; then a clean run must deliver all.
    # Every third call (every call with AVSLUT_FAULTS_FULL=1), to keep
    # make check short.
    step = 1 if os.environ.get("AVSLUT_FAULTS_FULL") else 3
    cuts = 0
    for n in range(1, n_sync + 1, step):
        lap.seal(2)
        r = lap.avslut("sync", "--to", db, "--now",
                       extra=shim_env(so, n, "POWER"))
        cuts += r.returncode == -9
        r2 = lap.avslut("sync", "--to", db, "--now")
        if r.returncode not in (0, -9) or r2.returncode or lap.ids():
            bad.append("sync power cut at %d: %s; again: %s" % (
                n, why(r), why(r2)))
    for n in range(1, n_ingest + 1, step):
        lap.seal(2)
        lap.avslut("sync", "--to", "dir:" + drop, "--now")
        h = run([HR, "ingest", "--db", db, drop], HRHOME,
                shim_env(so, n, "POWER"))
        cuts += h.returncode == -9
        h2 = run([HR, "ingest", "--db", db, drop], HRHOME)
        r2 = lap.avslut("sync", "--to", "dir:" + drop, "--now")
        if h.returncode not in (0, -9) or h2.returncode or r2.returncode \
                or lap.ids():
            bad.append("ingest power cut at %d: %s; again: %s %s" % (
                n, why(h), why(h2), why(r2)))
    if cuts < (n_sync + n_ingest) // (2 * step):
        bad.append("only %d power cuts happened" % cuts)
    ids = ids_of(db)
    if (len(ids) != len(set(ids)) or set(ids) != lap.sealed or
            integrity(db) != "ok" or integrity(lap.outbox) != "ok" or
            os.listdir(drop) or debris_data(lap)):
        bad.append("end: %d in central, %d sealed, drop %s, debris %s" % (
            len(set(ids)), len(lap.sealed), os.listdir(drop),
            debris_data(lap)))
    report("io_errors_every_call", not bad, "%d sync and %d ingest calls; "
           "%d bad: %s" % (n_sync, n_ingest, len(bad), "; ".join(bad[:3])))


def t_ssh_full():
    """HR's disk is full behind ssh: the laptop passes HR's own message
    on ("full"), exits 74 and keeps every interview."""
    so, whynot = build_shim()
    if so is None:
        skip("ssh_full", whynot)
        return
    db = os.path.join(T, "sshfull", "central.db")
    os.makedirs(os.path.dirname(db))
    lap = Laptop("sshfull")
    lap.register(db)
    # A stand-in for ssh that runs the remote command here, on a disk
    # that is full from the first write (the shim).
    fake = os.path.join(T, "sshfull", "fake-ssh")
    with open(fake, "w") as f:
        f.write('#!/bin/sh\nfor a; do last=$a; done\n'
                'exec env LD_PRELOAD=%s FAULT_AT=1 FAULT_ERRNO=ENOSPC '
                'AVSLUT_HOME=%s AVSLUT_PASSPHRASE_FILE=%s sh -c "$last"\n'
                % (so, HRHOME, PASSFILE))
    os.chmod(fake, 0o755)
    with open(os.path.join(SRC, "config", "avslut.yaml")) as f:
        text = f.read()
    text = re.sub(r"(?m)^sync:\n(?:(?:  .*|)\n)*",
                  "sync:\n  ssh_program: %s\n  remote_command: %s ingest -"
                  "\n\n" % (fake, HR), text, count=1)
    cfg = os.path.join(lap.home, "config", "avslut")
    os.makedirs(cfg)
    with open(os.path.join(cfg, "avslut.yaml"), "w") as f:
        f.write(text)
    lap.seal(3)
    before = sorted(lap.ids())
    r = lap.avslut("sync", "--to", "ssh://hr.example%s" % db, "--now")
    report("ssh_full_passed_through", r.returncode == 74 and
           "full" in r.stderr and "free some space" in r.stderr and
           sorted(lap.ids()) == before, why(r))


def t_concurrent():
    """Four ingests at once on one drop folder while three laptops sync
    into it: every run exits 0 (a bundle a laptop removed between an
    ingest's listing and its open is skipped, not a failure), then all
    arrive once and nothing is left behind."""
    import threading
    db = os.path.join(T, "conc", "central.db")
    drop = os.path.join(T, "conc", "drop")
    os.makedirs(drop)
    laps = [Laptop("conc-%d" % i) for i in range(3)]
    for lap in laps:
        lap.register(db)
    bad = []
    stop = threading.Event()

    def ingester():
        while not stop.is_set():
            h = run([HR, "ingest", "--db", db, "--verbose", drop], HRHOME)
            if h.returncode != 0:
                bad.append("ingest: " + why(h))

    def laptop(lap):
        for _ in range(4):
            lap.seal(3)
            r = lap.avslut("sync", "--to", "dir:" + drop, "--now")
            if r.returncode != 0:
                bad.append("sync: " + why(r))

    th = [threading.Thread(target=ingester) for _ in range(4)]
    tl = [threading.Thread(target=laptop, args=(lap,)) for lap in laps]
    for t in th + tl:
        t.start()
    for t in tl:
        t.join()
    stop.set()
    for t in th:
        t.join()
    for _ in range(2):
        h = run([HR, "ingest", "--db", db, drop], HRHOME)
        for lap in laps:
            lap.avslut("sync", "--to", "dir:" + drop, "--now")
    ids = ids_of(db)
    sealed = set().union(*(lap.sealed for lap in laps))
    if set(ids) != sealed or len(ids) != len(set(ids)):
        bad.append("central holds %d of %d" % (len(set(ids)), len(sealed)))
    if any(lap.ids() for lap in laps) or os.listdir(drop):
        bad.append("left: %s" % os.listdir(drop))
    if integrity(db) != "ok":
        bad.append("integrity")
    report("concurrent_ingests_and_syncs", not bad, "; ".join(bad[:3]))

case("debris_swept", t_debris_swept)
case("export_tmp", t_export_tmp)
case("random_kills", t_random_kills)
case("concurrent", t_concurrent)
case("io_errors", t_io_errors)
case("ssh_full", t_ssh_full)
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
