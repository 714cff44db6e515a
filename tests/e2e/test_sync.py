"""test_sync: avslut sync, export, receipt and status end to end, driving
the real binaries with real homes: the path, drop-folder and ssh
transports (ssh against a real OpenSSH server on loopback, tests/e2e/
sshd.py), kill -9 at every named crash point then sync again, the
failures that must leave the outbox untouched, two laptops at once.

Every case has a central store and laptops of its own (class Store), so
one failure is reported once and never shifts another case's figures.
Prints "PASS name" / "FAIL name: why" per case; exits non-zero on failure.
"""
import fcntl
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sshd as sshd_mod  # noqa: E402

SRC = os.environ.get("AVSLUT_SRCDIR", os.getcwd())
B = os.environ.get("AVSLUT_BUILD", os.path.join(SRC, "build"))
AVSLUT = os.path.join(B, "avslut")
HR = os.path.join(B, "avslut-hr")
SEAL = os.path.join(B, "tools", "avslut-testseal")
KILLED = -9
NOBODY = 65534

T = tempfile.mkdtemp(prefix="avslut-e2e-sync-")
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


def base_env(home):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AVSLUT_") and k not in ("XDG_CONFIG_HOME",
                                                       "XDG_DATA_HOME")}
    env["AVSLUT_HOME"] = home
    env["AVSLUT_PASSPHRASE_FILE"] = PASSFILE
    env["TZ"] = "UTC"
    return env


def run(argv, home, extra=None, timeout=120, preexec=None):
    env = base_env(home)
    env.update(extra or {})
    return subprocess.run(argv, env=env, capture_output=True, text=True,
                          timeout=timeout, preexec_fn=preexec)


def why(r):
    return "exit %d, out %r, err %r" % (r.returncode, r.stdout[-600:],
                                        r.stderr[-600:])


def central_ids(db):
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    try:
        return [row[0] for row in c.execute("SELECT hex(id) FROM envelopes")]
    finally:
        c.close()


class Store:
    """One case's own world: a central store in DIR/hr/central.db (made by
    the first register) and the laptops registered with it."""

    def __init__(self, name):
        self.dir = os.path.join(T, name)
        os.makedirs(os.path.join(self.dir, "hr"))
        self.db = os.path.join(self.dir, "hr", "central.db")
        self.laptops = []

    def laptop(self, name, register=True):
        lap = Laptop(self, name)
        if register:
            lap.register()
        return lap

    def ids(self):
        return central_ids(self.db)


class Laptop:
    def __init__(self, store, name):
        self.store = store
        self.name = name
        self.home = os.path.join(store.dir, name)
        os.makedirs(self.home)
        self.sealed = set()
        r = run([AVSLUT, "init", "--hr-key",
                 os.path.join(HRHOME, "hr.pub"), "--kdf", "test"],
                self.home)
        if r.returncode != 0:
            raise RuntimeError("init: " + why(r))
        self.pub = os.path.join(self.home, "data", "avslut",
                                "interviewer.pub")
        self.outbox = os.path.join(self.home, "data", "avslut", "outbox.db")

    def register(self):
        r = run([HR, "interviewers", "add", "--db", self.store.db,
                 "--label", self.name, self.pub], HRHOME)
        if r.returncode != 0:
            raise RuntimeError("interviewers add: " + why(r))
        self.store.laptops.append(self)

    def config(self, **sync):
        """Write the laptop's avslut.yaml: the shipped one, sync changed."""
        with open(os.path.join(SRC, "config", "avslut.yaml")) as f:
            text = f.read()
        lines = ["sync:"]
        for k in ("min_waiting", "to", "ssh_program", "remote_command"):
            if k in sync:
                lines.append("  %s: %s" % (k, sync[k]))
        text = re.sub(r"(?m)^sync:\n(?:(?:  .*|)\n)*", "\n".join(lines)
                      + "\n\n", text, count=1)
        d = os.path.join(self.home, "config", "avslut")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "avslut.yaml"), "w") as f:
            f.write(text)

    def seal(self, n):
        before = set(self.ids())
        r = run([SEAL, str(n)], self.home)
        if r.returncode != 0:
            raise RuntimeError("seal: " + why(r))
        new = set(self.ids()) - before
        if len(new) != n:
            raise RuntimeError("sealed %d, %d new in the outbox"
                               % (n, len(new)))
        self.sealed |= new

    def ids(self):
        if not os.path.exists(self.outbox):
            return []
        c = sqlite3.connect("file:%s?mode=ro" % self.outbox, uri=True,
                            timeout=30)
        try:
            return [r[0] for r in c.execute("SELECT hex(id) FROM envelopes")]
        finally:
            c.close()

    def avslut(self, *args, extra=None, timeout=120, preexec=None,
               program=None):
        return run([program or AVSLUT] + list(args), self.home, extra,
                   timeout, preexec)

    def waiting(self):
        r = self.avslut("status")
        m = re.search(r"sealed interviews waiting: (\d+)", r.stdout)
        return int(m.group(1)) if m else -1


def all_home(lap):
    """Everything the store's laptops sealed is central exactly once,
    nothing else is, and nothing is left in LAP's outbox."""
    ids = lap.store.ids()
    if len(ids) != len(set(ids)):
        return "duplicate ids in central.db"
    sealed = set()
    for other in lap.store.laptops:
        sealed |= other.sealed
    if set(ids) != sealed:
        return "central holds %d, %d were sealed (%d of them missing)" % (
            len(ids), len(sealed), len(sealed - set(ids)))
    left = lap.ids()
    if left:
        return "%d still in the outbox" % len(left)
    return None


def case(name, fn, *args):
    """Run FN(Store(NAME), *ARGS): its own store and laptops."""
    try:
        fn(Store(name), *args)
    except Exception as ex:  # one case never stops the others
        report(name, False, "%s: %s" % (type(ex).__name__, ex))


def untouched(lap, before, r, code, text):
    """A failed sync: exit code, message, outbox exactly as before."""
    if r.returncode != code:
        return "want exit %d: %s" % (code, why(r))
    if text not in r.stderr:
        return "no %r in: %s" % (text, why(r))
    if sorted(lap.ids()) != sorted(before):
        return "the outbox changed"
    return None


def others_can_enter(path):
    """True if a user who owns none of PATH's directories reaches it."""
    path = os.path.realpath(path)
    while True:
        st = os.stat(path)
        if not st.st_mode & stat.S_IXOTH:
            return False
        if path == "/":
            return True
        path = os.path.dirname(path)


def as_nobody(lap):
    """For a case run as root, which writes any file: the laptop's home
    given to nobody, and a copy of avslut (with its catalogue) in a fresh
    0755 directory nobody can reach, since the build may lie in a private
    directory (root's home is 0700). Returns (program, preexec, extra
    environment); as another user, the build as it is."""
    if os.getuid() != 0:
        return AVSLUT, None, {}
    if not others_can_enter(T):
        raise RuntimeError("nobody cannot reach %s: set TMPDIR to a "
                           "directory others may enter" % T)
    d = tempfile.mkdtemp(prefix="nobody-", dir=T)
    os.chmod(d, 0o755)
    program = os.path.join(d, "avslut")
    shutil.copy2(AVSLUT, program)
    os.chmod(program, 0o755)
    if os.path.isdir(os.path.join(B, "locale")):
        shutil.copytree(os.path.join(B, "locale"),
                        os.path.join(d, "locale"))
    passfile = os.path.join(lap.home, "pass")
    shutil.copy2(PASSFILE, passfile)
    for dp, dn, fn in os.walk(lap.home):
        for x in dn + fn:
            os.lchown(os.path.join(dp, x), NOBODY, NOBODY)
    os.lchown(lap.home, NOBODY, NOBODY)

    def preexec():
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    return program, preexec, {"AVSLUT_PASSPHRASE_FILE": passfile}


# --- set-up --------------------------------------------------------------
r = run([HR, "keygen", "--out", HRHOME, "--kdf", "test"], HRHOME)
if r.returncode != 0:
    print("FAIL setup: avslut-hr keygen: " + why(r))
    sys.exit(1)


def t_path_basic(w):
    A = w.laptop("a")
    A.seal(6)
    r = A.avslut("sync", "--to", w.db)
    err = all_home(A)
    ok = (r.returncode == 0 and r.stdout.strip() ==
          "6 sealed interviews sent, 6 confirmed" and err is None)
    report("sync_path_basic", ok, err or why(r))
    r = A.avslut("status")
    report("sync_status_after", r.returncode == 0 and
           "sealed interviews waiting: 0" in r.stdout and
           re.search(r"last successful sync: +20\d\d-", r.stdout)
           is not None, why(r))


def t_hold(w):
    A = w.laptop("a")
    A.seal(2)
    r = A.avslut("sync", "--to", w.db)
    ok = (r.returncode == 0 and "2 waiting; sync waits until 5 are"
          in r.stdout and len(A.ids()) == 2)
    report("sync_holds_below_min", ok, why(r))
    r = A.avslut("sync", "--to", w.db, "--now")
    err = all_home(A)
    report("sync_now", r.returncode == 0 and r.stdout.strip() ==
           "2 sealed interviews sent, 2 confirmed" and err is None,
           err or why(r))


def t_default_dest(w):
    A = w.laptop("a")
    A.config(to=w.db, min_waiting=3)
    A.seal(3)
    r = A.avslut("sync")
    err = all_home(A)
    report("sync_default_dest_from_config", r.returncode == 0 and
           r.stdout.strip() == "3 sealed interviews sent, 3 confirmed"
           and err is None, err or why(r))


def t_no_dest(w):
    A = w.laptop("a")
    A.seal(5)
    before = A.ids()
    r = A.avslut("sync")
    report("sync_no_dest_usage", untouched(A, before, r, 64,
                                           "no destination") is None,
           why(r))


def t_usage(w):
    A = w.laptop("a")
    A.seal(5)
    before = A.ids()
    r = A.avslut("sync", "--to", "sftp://host/x")
    report("sync_bad_dest", untouched(A, before, r, 64,
                                      "unknown transport") is None,
           why(r))
    r = A.avslut("sync", "--to", T)
    report("sync_dest_is_folder", untouched(A, before, r, 64,
                                            "write dir:") is None, why(r))
    r = A.avslut("sync", "--to", os.path.join(T, "nothere.db"))
    report("sync_no_central", untouched(A, before, r, 66,
                                        "no central store") is None,
           why(r))
    r = A.avslut("sync", "--to", "ssh://-oProxyCommand=x/db")
    report("sync_ssh_option_host", untouched(A, before, r, 64,
                                             "host name") is None, why(r))
    # Another sync, export or receipt holds the laptop's lock.
    lockf = open(os.path.join(A.home, "data", "avslut", "sync.lock"), "a")
    fcntl.flock(lockf, fcntl.LOCK_EX)
    r = A.avslut("sync", "--to", w.db)
    lockf.close()
    report("sync_locked_laptop", untouched(A, before, r, 75,
                                           "another sync") is None, why(r))
    r = A.avslut("sync", "--to", w.db)
    err = all_home(A)
    report("sync_after_refusals", r.returncode == 0 and err is None,
           err or why(r))


def t_locked_central(w):
    A = w.laptop("a")
    A.seal(5)
    before = A.ids()
    c = sqlite3.connect(w.db, timeout=30, isolation_level=None)
    c.execute("BEGIN IMMEDIATE")
    try:
        r = A.avslut("sync", "--to", w.db,
                     extra={"AVSLUT_SYNC_TIMEOUT": "1"})
    finally:
        c.execute("ROLLBACK")
        c.close()
    err = untouched(A, before, r, r.returncode or 1, "")
    ok = (r.returncode != 0 and err is None and
          re.search(r"locked|busy", r.stderr) is not None and
          "nothing was removed from this laptop" in r.stderr)
    report("sync_central_locked", ok, err or why(r))
    r = A.avslut("sync", "--to", w.db)
    err = all_home(A)
    report("sync_after_locked", r.returncode == 0 and err is None,
           err or why(r))


def t_readonly_central(w):
    """A central.db the laptop's user cannot write (as root: the laptop
    runs as nobody, see as_nobody)."""
    L = w.laptop("ro-laptop")
    L.seal(5)
    before = L.ids()
    program, preexec, extra = as_nobody(L)
    d = os.path.dirname(w.db)
    os.chmod(w.db, 0o444)
    os.chmod(d, 0o555)
    try:
        r = L.avslut("sync", "--to", w.db, preexec=preexec, extra=extra,
                     program=program)
    finally:
        os.chmod(d, 0o755)
    err = untouched(L, before, r, 77, "is read-only: check the permissions")
    if err is None and w.ids():
        err = "central.db changed"
    report("sync_central_readonly", err is None, err or why(r))


def t_dir(w):
    A = w.laptop("a")
    drop = os.path.join(w.dir, "drop")
    os.makedirs(drop)
    A.seal(5)
    r = A.avslut("sync", "--to", "dir:" + drop)
    files = sorted(os.listdir(drop))
    ok = (r.returncode == 0 and r.stdout.strip() ==
          "5 sealed interviews sent, 0 confirmed" and len(files) == 1 and
          files[0].endswith(".bundle") and len(A.ids()) == 5)
    report("sync_dir_writes_bundle", ok, "%s %s" % (files, why(r)))
    r = A.avslut("sync", "--to", "dir:" + drop, "--now")
    ok = (r.returncode == 0 and "0 sealed interviews sent, 0 confirmed, "
          "5 waiting for HR's receipt" in r.stdout and
          len(os.listdir(drop)) == 1)
    report("sync_dir_no_resend", ok, why(r))
    h = run([HR, "ingest", "--db", w.db, drop], HRHOME)
    files = sorted(os.listdir(drop))
    report("sync_dir_ingest_receipt", h.returncode == 0 and
           len([x for x in files if x.endswith(".receipt")]) == 1,
           "%s %s" % (files, why(h)))
    r = A.avslut("sync", "--to", "dir:" + drop)
    err = all_home(A)
    report("sync_dir_confirms", r.returncode == 0 and r.stdout.strip() ==
           "0 sealed interviews sent, 5 confirmed" and err is None and
           os.listdir(drop) == [], "%s %s" % (err, why(r)))


def t_dir_shared(w):
    """Another laptop's bundle in the same folder is left alone."""
    A = w.laptop("a")
    Bl = w.laptop("dir-b")
    drop = os.path.join(w.dir, "drop")
    os.makedirs(drop)
    Bl.seal(5)
    A.seal(5)
    rb = Bl.avslut("sync", "--to", "dir:" + drop)
    ra = A.avslut("sync", "--to", "dir:" + drop)
    h = run([HR, "ingest", "--db", w.db, drop], HRHOME)
    ra2 = A.avslut("sync", "--to", "dir:" + drop)
    left = sorted(os.listdir(drop))
    ok = (rb.returncode == ra.returncode == h.returncode ==
          ra2.returncode == 0 and len(Bl.ids()) == 5 and
          # B's receipt only: ingest removed B's bundle with its receipt
          len(left) == 1 and left[0].endswith(".receipt")
          and A.ids() == [])
    report("sync_dir_shared_folder", ok, "%s %s" % (left, why(ra2)))
    rb2 = Bl.avslut("sync", "--to", "dir:" + drop)
    err = all_home(Bl)
    report("sync_dir_shared_folder_other", rb2.returncode == 0 and
           err is None and os.listdir(drop) == [], err or why(rb2))


def t_dir_bad_receipt(w):
    """A receipt that does not read: warned about, left alone, and its
    interviews sent again rather than lost."""
    A = w.laptop("a")
    drop = os.path.join(w.dir, "drop")
    os.makedirs(drop)
    A.seal(5)
    A.avslut("sync", "--to", "dir:" + drop)
    run([HR, "ingest", "--db", w.db, drop], HRHOME)
    rc = [x for x in os.listdir(drop) if x.endswith(".receipt")]
    with open(os.path.join(drop, rc[0]), "r+b") as f:
        f.truncate(20)
    r = A.avslut("sync", "--to", "dir:" + drop)
    ok = (r.returncode == 0 and "could not be read" in r.stderr and
          r.stdout.strip() == "5 sealed interviews sent, 0 confirmed")
    run([HR, "ingest", "--db", w.db, drop], HRHOME)
    r2 = A.avslut("sync", "--to", "dir:" + drop)
    err = all_home(A)
    report("sync_dir_bad_receipt", ok and r2.returncode == 0 and
           # the bad receipt alone: ingest removed its bundle
           err is None and len(os.listdir(drop)) == 1,
           "%s %s %s" % (err, why(r), why(r2)))


def t_dir_missing(w):
    A = w.laptop("a")
    A.seal(1)
    before = A.ids()
    r = A.avslut("sync", "--to", "dir:" + os.path.join(w.dir, "nodrop"),
                 "--now")
    report("sync_dir_missing", untouched(
        A, before, r, 74, "check that the share is mounted") is None,
        why(r))


def t_progress_bar(w):
    """On a terminal: a bar on stderr, redrawn in place, then cleared."""
    import pexpect
    A = w.laptop("a")
    A.seal(5)
    env = base_env(A.home)
    child = pexpect.spawn(AVSLUT, ["sync", "--to", w.db], env=env,
                          timeout=60, encoding="utf-8")
    out = child.read()
    child.close()
    ok = (child.exitstatus == 0 and "sending [" in out and "100%" in out
          and "\r\033[K" in out and
          "5 sealed interviews sent, 5 confirmed" in out)
    err = all_home(A)
    report("sync_progress_bar_on_tty", ok and err is None,
           "%s exit %s %r" % (err, child.exitstatus, out[-300:]))


def t_no_bar(w):
    A = w.laptop("a")
    A.seal(5)
    r = A.avslut("sync", "--to", w.db)
    report("sync_no_bar_without_tty", r.returncode == 0 and
           "sending [" not in r.stderr and all_home(A) is None, why(r))


def t_export(w):
    A = w.laptop("a")
    A.seal(5)
    bundle = os.path.join(w.dir, "export.bundle")
    r = A.avslut("export", bundle)
    st = A.avslut("status")
    ok = (r.returncode == 0 and r.stdout.startswith(
          "5 sealed interviews exported to ") and os.path.exists(bundle)
          and "(5 exported, waiting for HR's receipt)" in st.stdout)
    report("export_writes_bundle", ok, why(r) + st.stdout)
    r = A.avslut("export", bundle)
    report("export_refuses_existing", r.returncode == 64 and
           "already exists" in r.stderr, why(r))
    rcpt = os.path.join(w.dir, "export.receipt")
    h = run([HR, "ingest", "--db", w.db, "--receipt", rcpt, bundle],
            HRHOME)
    with open(rcpt, "rb") as f:
        good = f.read()
    bad = os.path.join(w.dir, "bad.receipt")
    with open(bad, "wb") as f:
        f.write(good[:-5])
    before = A.ids()
    r = A.avslut("receipt", bad)
    report("receipt_truncated_refused", r.returncode == 65 and
           sorted(A.ids()) == sorted(before), why(r))
    r = A.avslut("receipt", rcpt)
    err = all_home(A)
    report("receipt_confirms", h.returncode == 0 and r.returncode == 0 and
           r.stdout.strip() == "5 sealed interviews confirmed, 0 still "
           "waiting" and err is None, err or why(h) + why(r))


def t_export_nothing(w):
    A = w.laptop("a")
    bundle = os.path.join(w.dir, "export.bundle")
    r = A.avslut("export", bundle)
    report("export_nothing_waiting", r.returncode == 0 and
           "none are waiting" in r.stdout and
           not os.path.exists(bundle), why(r))


S = None


def ssh_config(lap, program=None, remote=None, **kw):
    lap.config(ssh_program=program or S.ssh_program,
               remote_command=remote or HR + " ingest -", **kw)


def ssh_dest(w, port=None):
    return "ssh://127.0.0.1:%d%s" % (port or S.port, w.db)


def t_ssh(w):
    A = w.laptop("a")
    ssh_config(A)
    A.seal(7)
    r = A.avslut("sync", "--to", ssh_dest(w))
    err = all_home(A)
    report("sync_ssh_basic", r.returncode == 0 and r.stdout.strip() ==
           "7 sealed interviews sent, 7 confirmed" and err is None,
           err or why(r))


def t_ssh_failures(w):
    A = w.laptop("a")
    ssh_config(A)
    A.seal(5)
    before = A.ids()
    r = A.avslut("sync", "--to", ssh_dest(w, port=sshd_mod.free_port()))
    report("sync_ssh_unreachable", untouched(
        A, before, r, 69, "cannot reach 127.0.0.1") is None, why(r))
    r = A.avslut("sync", "--to", "ssh://no-such-host.invalid" + w.db)
    report("sync_ssh_unknown_host", untouched(
        A, before, r, 69, "no-such-host.invalid") is None, why(r))
    # A key the server does not know.
    other = os.path.join(w.dir, "otherkey")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    other], check=True)
    wrap = os.path.join(w.dir, "ssh-other")
    with open(S.ssh_program) as f:
        text = f.read().replace(S.client_key, other)
    with open(wrap, "w") as f:
        f.write(text)
    os.chmod(wrap, 0o755)
    ssh_config(A, program=wrap)
    r = A.avslut("sync", "--to", ssh_dest(w))
    report("sync_ssh_login_refused", untouched(
        A, before, r, 77, "refused the ssh login") is None, why(r))
    # A host key that is not the pinned one.
    wrap2 = os.path.join(w.dir, "ssh-nohostkey")
    empty = os.path.join(w.dir, "empty_known_hosts")
    open(empty, "w").close()
    with open(S.ssh_program) as f:
        text = f.read().replace(S.known_hosts, empty)
    with open(wrap2, "w") as f:
        f.write(text)
    os.chmod(wrap2, 0o755)
    ssh_config(A, program=wrap2)
    r = A.avslut("sync", "--to", ssh_dest(w))
    report("sync_ssh_host_key", untouched(
        A, before, r, 77, "host key of 127.0.0.1") is None, why(r))
    # No ssh client where the config says.
    ssh_config(A, program="/nonexistent/bin/ssh")
    r = A.avslut("sync", "--to", ssh_dest(w))
    report("sync_ssh_no_client", untouched(
        A, before, r, 74, "set sync.ssh_program") is None, why(r))
    # The remote has no avslut-hr.
    ssh_config(A, remote="/nonexistent/bin/avslut-hr ingest -")
    r = A.avslut("sync", "--to", ssh_dest(w))
    report("sync_ssh_no_avslut_hr", untouched(
        A, before, r, 69, "has no avslut-hr") is None, why(r))
    # A remote that never answers: stopped after the idle timeout.
    ssh_config(A, remote="sh -c 'sleep 60' sh")
    r = A.avslut("sync", "--to", ssh_dest(w),
                 extra={"AVSLUT_SYNC_TIMEOUT": "2"})
    report("sync_ssh_timeout", untouched(
        A, before, r, 75, "nothing for too long") is None, why(r))
    # A locked central store on the far side.
    ssh_config(A, remote="env AVSLUT_SYNC_TIMEOUT=1 %s ingest -" % HR)
    c = sqlite3.connect(w.db, timeout=30, isolation_level=None)
    c.execute("BEGIN IMMEDIATE")
    try:
        r = A.avslut("sync", "--to", ssh_dest(w))
    finally:
        c.execute("ROLLBACK")
        c.close()
    err = untouched(A, before, r, r.returncode or 1, "HR's ingest on")
    report("sync_ssh_central_locked", r.returncode != 0 and err is None,
           err or why(r))
    ssh_config(A)
    r = A.avslut("sync", "--to", ssh_dest(w))
    err = all_home(A)
    report("sync_ssh_after_failures", r.returncode == 0 and err is None,
           err or why(r))


def t_ssh_unknown_signer(w):
    """HR refuses the bundle of a laptop it has not registered."""
    w.laptop("a")           # the store exists and knows another laptop
    U = w.laptop("unregistered", register=False)
    ssh_config(U)
    U.seal(5)
    ub = U.ids()
    r = U.avslut("sync", "--to", ssh_dest(w))
    err = untouched(U, ub, r, 77, "not registered")
    if err is None and w.ids():
        err = "central.db changed"
    report("sync_ssh_unknown_signer", err is None, err or why(r))


CRASH = [
    ("path", "sync-before-transfer", None),
    ("path", "ingest-mid-transaction", None),
    ("path", "sync-after-ack-before-remove", None),
    ("path", "sync-mid-remove", None),
    ("ssh", "sync-before-transfer", None),
    ("ssh", "sync-mid-transfer", None),
    ("ssh", "ingest-mid-transaction", "remote"),
    ("ssh", "ingest-after-commit", "remote"),
    ("ssh", "ingest-mid-receipt", "remote"),
    ("ssh", "sync-after-ack-before-remove", None),
    ("ssh", "sync-mid-remove", None),
    ("dir", "sync-before-transfer", None),
    ("dir", "sync-mid-transfer", None),
    ("dir", "ingest-mid-transaction", "hr"),
    ("dir", "ingest-after-commit", "hr"),
    ("dir", "ingest-mid-receipt", "hr"),
    ("dir", "sync-after-ack-before-remove", None),
    ("dir", "sync-mid-remove", None),
]


def t_crash(w, kind, point, where):
    name = "crash_%s_%s" % (kind, point)
    A = w.laptop("a")
    drop = os.path.join(w.dir, "crashdrop")
    os.makedirs(drop)
    dest = {"path": w.db, "ssh": ssh_dest(w), "dir": "dir:" + drop}[kind]
    ssh_config(A)
    A.seal(6)
    crash = {"AVSLUT_CRASH": point}
    if where == "remote":
        ssh_config(A, remote="env AVSLUT_CRASH=%s %s ingest -"
                   % (point, HR))
        r = A.avslut("sync", "--to", dest)
        died = r.returncode != 0 and "nothing was removed" in r.stderr
        ssh_config(A)
    elif where == "hr":
        r = A.avslut("sync", "--to", dest)
        h = run([HR, "ingest", "--db", w.db, drop], HRHOME, crash)
        died = r.returncode == 0 and h.returncode == KILLED
    elif kind == "dir" and point in ("sync-after-ack-before-remove",
                                     "sync-mid-remove"):
        r = A.avslut("sync", "--to", dest)
        h = run([HR, "ingest", "--db", w.db, drop], HRHOME)
        r = A.avslut("sync", "--to", dest, extra=crash)
        died = h.returncode == 0 and r.returncode == KILLED
    else:
        r = A.avslut("sync", "--to", dest, extra=crash)
        died = r.returncode == KILLED
    if not died:
        report(name, False, "the crash point did not fire: " + why(r))
        return
    # Sync again (the drop folder needs HR's ingest between two syncs).
    for _ in range(3):
        r = A.avslut("sync", "--to", dest, "--now")
        if r.returncode != 0:
            break
        if kind == "dir":
            h = run([HR, "ingest", "--db", w.db, drop], HRHOME)
            if h.returncode != 0:
                r = h
                break
    err = all_home(A)
    # Nothing else: a receipt HR's killed ingest was writing
    # (".NAME.receipt.XXXXXX") is swept by the next ingest.
    left = os.listdir(drop)
    if kind == "dir" and err is None and left:
        err = "left in the drop folder: %s" % left
    report(name, r.returncode == 0 and err is None, err or why(r))


def t_two_laptops(w, kind):
    L1 = w.laptop("two-1")
    L2 = w.laptop("two-2")
    dest = w.db if kind == "path" else ssh_dest(w)
    for L in (L1, L2):
        if kind == "ssh":
            ssh_config(L)
        L.seal(15)
    res = {}

    def go(L):
        res[L.name] = L.avslut("sync", "--to", dest)
    th = [threading.Thread(target=go, args=(L,)) for L in (L1, L2)]
    for t in th:
        t.start()
    for t in th:
        t.join()
    n1 = len(w.ids())
    ok = all(r.returncode == 0 and r.stdout.strip() ==
             "15 sealed interviews sent, 15 confirmed"
             for r in res.values()) and n1 == 30
    report("sync_two_laptops_%s" % kind, ok and all_home(L1) is None and
           all_home(L2) is None, "0 -> %d %s" % (
               n1, " | ".join(why(r) for r in res.values())))


case("sync_path_basic", t_path_basic)
case("sync_hold", t_hold)
case("sync_default_dest", t_default_dest)
case("sync_no_dest_usage", t_no_dest)
case("sync_usage", t_usage)
case("sync_central_locked", t_locked_central)
case("sync_central_readonly", t_readonly_central)
case("sync_dir", t_dir)
case("sync_dir_shared_folder", t_dir_shared)
case("sync_dir_bad_receipt", t_dir_bad_receipt)
case("sync_dir_missing", t_dir_missing)
case("export", t_export)
case("export_nothing_waiting", t_export_nothing)
case("sync_progress_bar", t_progress_bar)
case("sync_no_bar_without_tty", t_no_bar)
case("sync_two_laptops_path", t_two_laptops, "path")
ok, whynot = sshd_mod.available()
if not ok:
    report("sync_ssh", False, whynot)
else:
    # The client gets the port from the DEST, not from the wrapper.
    with sshd_mod.Sshd(T, wrapper_port=False) as S:
        case("sync_ssh", t_ssh)
        case("sync_ssh_failures", t_ssh_failures)
        case("sync_ssh_unknown_signer", t_ssh_unknown_signer)
        case("sync_two_laptops_ssh", t_two_laptops, "ssh")
        for kind, point, where in CRASH:
            case("crash_%s_%s" % (kind, point), t_crash, kind, point,
                 where)
if not os.environ.get("AVSLUT_KEEP"):
    shutil.rmtree(T, ignore_errors=True)
sys.exit(1 if failed else 0)
