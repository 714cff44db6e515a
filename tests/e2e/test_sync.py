"""test_sync: avslut sync, export, receipt and status end to end, driving
the real binaries with real homes: the path, drop-folder and ssh
transports (ssh against a real OpenSSH server on loopback, tests/e2e/
sshd.py), kill -9 at every named crash point then sync again, the
failures that must leave the outbox untouched, two laptops at once.
Prints "PASS name" / "FAIL name: why" per case; exits non-zero on failure.
"""
import fcntl
import os
import re
import shutil
import sqlite3
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

T = tempfile.mkdtemp(prefix="avslut-e2e-sync-")
os.chmod(T, 0o755)
PASSFILE = os.path.join(T, "pass")
with open(PASSFILE, "w") as f:
    f.write("correct horse battery\n")
DB = os.path.join(T, "hr", "central.db")
HRHOME = os.path.join(T, "hrhome")
failed = 0
sealed_total = 0


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


def central_ids(db=DB):
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    try:
        return [row[0] for row in c.execute("SELECT hex(id) FROM envelopes")]
    finally:
        c.close()


class Laptop:
    def __init__(self, name, config_extra=None):
        self.name = name
        self.home = os.path.join(T, name)
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

    def register(self, db=DB):
        r = run([HR, "interviewers", "add", "--db", db, "--label",
                 self.name, self.pub], HRHOME)
        if r.returncode != 0:
            raise RuntimeError("interviewers add: " + why(r))

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
        global sealed_total
        before = set(self.ids())
        r = run([SEAL, str(n)], self.home)
        if r.returncode != 0:
            raise RuntimeError("seal: " + why(r))
        new = set(self.ids()) - before
        if len(new) != n:
            raise RuntimeError("sealed %d, %d new in the outbox"
                               % (n, len(new)))
        self.sealed |= new
        sealed_total += n

    def ids(self):
        if not os.path.exists(self.outbox):
            return []
        c = sqlite3.connect("file:%s?mode=ro" % self.outbox, uri=True,
                            timeout=30)
        try:
            return [r[0] for r in c.execute("SELECT hex(id) FROM envelopes")]
        finally:
            c.close()

    def avslut(self, *args, extra=None, timeout=120, preexec=None):
        return run([AVSLUT] + list(args), self.home, extra, timeout,
                   preexec)

    def waiting(self):
        r = self.avslut("status")
        m = re.search(r"sealed interviews waiting: (\d+)", r.stdout)
        return int(m.group(1)) if m else -1


def all_home(lap):
    """Everything this laptop sealed is central exactly once, none left."""
    ids = central_ids()
    if len(ids) != len(set(ids)):
        return "duplicate ids in central.db"
    if len(ids) != sealed_total:
        return "central holds %d, %d were sealed" % (len(ids), sealed_total)
    missing = lap.sealed - set(ids)
    if missing:
        return "%d sealed interviews missing centrally" % len(missing)
    left = lap.ids()
    if left:
        return "%d still in the outbox" % len(left)
    return None


def case(name, fn):
    try:
        fn()
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


# --- set-up --------------------------------------------------------------
r = run([HR, "keygen", "--out", HRHOME, "--kdf", "test"], HRHOME)
if r.returncode != 0:
    print("FAIL setup: avslut-hr keygen: " + why(r))
    sys.exit(1)
os.makedirs(os.path.dirname(DB))
A = Laptop("a")
A.register()


def t_path_basic():
    A.seal(6)
    r = A.avslut("sync", "--to", DB)
    err = all_home(A)
    ok = (r.returncode == 0 and r.stdout.strip() ==
          "6 sealed interviews sent, 6 confirmed" and err is None)
    report("sync_path_basic", ok, err or why(r))
    r = A.avslut("status")
    report("sync_status_after", r.returncode == 0 and
           "sealed interviews waiting: 0" in r.stdout and
           re.search(r"last successful sync: +20\d\d-", r.stdout)
           is not None, why(r))


def t_hold():
    A.seal(2)
    r = A.avslut("sync", "--to", DB)
    ok = (r.returncode == 0 and "2 waiting; sync waits until 5 are"
          in r.stdout and len(A.ids()) == 2)
    report("sync_holds_below_min", ok, why(r))
    r = A.avslut("sync", "--to", DB, "--now")
    err = all_home(A)
    report("sync_now", r.returncode == 0 and r.stdout.strip() ==
           "2 sealed interviews sent, 2 confirmed" and err is None,
           err or why(r))


def t_default_dest():
    A.config(to=DB, min_waiting=3)
    A.seal(3)
    r = A.avslut("sync")
    err = all_home(A)
    report("sync_default_dest_from_config", r.returncode == 0 and
           r.stdout.strip() == "3 sealed interviews sent, 3 confirmed"
           and err is None, err or why(r))
    os.unlink(os.path.join(A.home, "config", "avslut", "avslut.yaml"))
    r = A.avslut("sync")
    report("sync_no_dest_usage", r.returncode == 64 and
           "no destination" in r.stderr, why(r))


def t_usage():
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
    r = A.avslut("sync", "--to", DB)
    lockf.close()
    report("sync_locked_laptop", untouched(A, before, r, 75,
                                           "another sync") is None, why(r))
    r = A.avslut("sync", "--to", DB)
    err = all_home(A)
    report("sync_after_refusals", r.returncode == 0 and err is None,
           err or why(r))


def t_locked_central():
    A.seal(5)
    before = A.ids()
    c = sqlite3.connect(DB, timeout=30, isolation_level=None)
    c.execute("BEGIN IMMEDIATE")
    try:
        r = A.avslut("sync", "--to", DB,
                     extra={"AVSLUT_SYNC_TIMEOUT": "1"})
    finally:
        c.execute("ROLLBACK")
        c.close()
    err = untouched(A, before, r, r.returncode or 1, "")
    ok = (r.returncode != 0 and err is None and
          re.search(r"locked|busy", r.stderr) is not None and
          "nothing was removed from this laptop" in r.stderr)
    report("sync_central_locked", ok, err or why(r))
    r = A.avslut("sync", "--to", DB)
    err = all_home(A)
    report("sync_after_locked", r.returncode == 0 and err is None,
           err or why(r))


def t_readonly_central():
    """A central.db the laptop's user cannot write (as root: run the
    laptop as nobody, since root writes any file)."""
    d = os.path.join(T, "ro")
    os.makedirs(d)
    db = os.path.join(d, "central.db")
    r = run([HR, "interviewers", "add", "--db", db, A.pub], HRHOME)
    if r.returncode != 0:
        report("sync_central_readonly", False, "setup: " + why(r))
        return
    L = Laptop("ro-laptop")
    L.seal(5)
    before = L.ids()
    preexec = None
    if os.getuid() == 0:
        for dp, dn, fn in os.walk(L.home):
            for x in dn + fn:
                os.lchown(os.path.join(dp, x), 65534, 65534)
        os.lchown(L.home, 65534, 65534)
        os.chmod(PASSFILE, 0o644)

        def preexec():
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
    os.chmod(db, 0o444)
    os.chmod(d, 0o555)
    try:
        r = L.avslut("sync", "--to", db, preexec=preexec)
    finally:
        os.chmod(d, 0o755)
        os.chmod(PASSFILE, 0o600)
    err = untouched(L, before, r, 77, "is read-only: check the permissions")
    report("sync_central_readonly", err is None, err or why(r))
    global sealed_total
    sealed_total -= 5       # never meant to reach DB


def t_dir():
    drop = os.path.join(T, "drop")
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
    h = run([HR, "ingest", "--db", DB, drop], HRHOME)
    files = sorted(os.listdir(drop))
    report("sync_dir_ingest_receipt", h.returncode == 0 and
           len([x for x in files if x.endswith(".receipt")]) == 1,
           "%s %s" % (files, why(h)))
    r = A.avslut("sync", "--to", "dir:" + drop)
    err = all_home(A)
    report("sync_dir_confirms", r.returncode == 0 and r.stdout.strip() ==
           "0 sealed interviews sent, 5 confirmed" and err is None and
           os.listdir(drop) == [], "%s %s" % (err, why(r)))
    # Another laptop's bundle in the same folder is left alone.
    Bl = Laptop("dir-b")
    Bl.register()
    Bl.seal(5)
    A.seal(5)
    rb = Bl.avslut("sync", "--to", "dir:" + drop)
    ra = A.avslut("sync", "--to", "dir:" + drop)
    h = run([HR, "ingest", "--db", DB, drop], HRHOME)
    ra2 = A.avslut("sync", "--to", "dir:" + drop)
    left = sorted(os.listdir(drop))
    ok = (rb.returncode == ra.returncode == h.returncode ==
          ra2.returncode == 0 and len(left) == 2 and len(Bl.ids()) == 5
          and A.ids() == [])
    report("sync_dir_shared_folder", ok, "%s %s" % (left, why(ra2)))
    rb2 = Bl.avslut("sync", "--to", "dir:" + drop)
    err = all_home(Bl)
    report("sync_dir_shared_folder_other", rb2.returncode == 0 and
           err is None and os.listdir(drop) == [], err or why(rb2))
    # A receipt that does not read: warned about, left alone, and its
    # interviews sent again rather than lost.
    drop2 = os.path.join(T, "drop2")
    os.makedirs(drop2)
    A.seal(5)
    A.avslut("sync", "--to", "dir:" + drop2)
    run([HR, "ingest", "--db", DB, drop2], HRHOME)
    rc = [x for x in os.listdir(drop2) if x.endswith(".receipt")]
    with open(os.path.join(drop2, rc[0]), "r+b") as f:
        f.truncate(20)
    r = A.avslut("sync", "--to", "dir:" + drop2)
    ok = (r.returncode == 0 and "could not be read" in r.stderr and
          r.stdout.strip() == "5 sealed interviews sent, 0 confirmed")
    run([HR, "ingest", "--db", DB, drop2], HRHOME)
    r2 = A.avslut("sync", "--to", "dir:" + drop2)
    err = all_home(A)
    report("sync_dir_bad_receipt", ok and r2.returncode == 0 and
           err is None and len(os.listdir(drop2)) == 2,
           "%s %s %s" % (err, why(r), why(r2)))
    r = A.avslut("sync", "--to", "dir:" + os.path.join(T, "nodrop"),
                 "--now")
    report("sync_dir_missing", r.returncode == 74 and
           "check that the share is mounted" in r.stderr, why(r))


def t_progress_bar():
    """On a terminal: a bar on stderr, redrawn in place, then cleared."""
    import pexpect
    A.seal(5)
    env = base_env(A.home)
    child = pexpect.spawn(AVSLUT, ["sync", "--to", DB], env=env,
                          timeout=60, encoding="utf-8")
    out = child.read()
    child.close()
    ok = (child.exitstatus == 0 and "sending [" in out and "100%" in out
          and "\r\033[K" in out and
          "5 sealed interviews sent, 5 confirmed" in out)
    err = all_home(A)
    report("sync_progress_bar_on_tty", ok and err is None,
           "%s exit %s %r" % (err, child.exitstatus, out[-300:]))
    r = A.avslut("sync", "--to", DB)
    report("sync_no_bar_without_tty", "sending [" not in r.stderr,
           why(r))


def t_export():
    A.seal(5)
    bundle = os.path.join(T, "export.bundle")
    r = A.avslut("export", bundle)
    st = A.avslut("status")
    ok = (r.returncode == 0 and r.stdout.startswith(
          "5 sealed interviews exported to ") and os.path.exists(bundle)
          and "(5 exported, waiting for HR's receipt)" in st.stdout)
    report("export_writes_bundle", ok, why(r) + st.stdout)
    r = A.avslut("export", bundle)
    report("export_refuses_existing", r.returncode == 64 and
           "already exists" in r.stderr, why(r))
    rcpt = os.path.join(T, "export.receipt")
    h = run([HR, "ingest", "--db", DB, "--receipt", rcpt, bundle], HRHOME)
    with open(rcpt, "rb") as f:
        good = f.read()
    bad = os.path.join(T, "bad.receipt")
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
    r = A.avslut("export", bundle + "2")
    report("export_nothing_waiting", r.returncode == 0 and
           "none are waiting" in r.stdout and
           not os.path.exists(bundle + "2"), why(r))


S = None


def ssh_config(lap, program=None, remote=None, **kw):
    lap.config(ssh_program=program or S.ssh_program,
               remote_command=remote or HR + " ingest -", **kw)


def ssh_dest(port=None, db=DB):
    return "ssh://127.0.0.1:%d%s" % (port or S.port, db)


def t_ssh():
    ssh_config(A)
    A.seal(7)
    r = A.avslut("sync", "--to", ssh_dest())
    err = all_home(A)
    report("sync_ssh_basic", r.returncode == 0 and r.stdout.strip() ==
           "7 sealed interviews sent, 7 confirmed" and err is None,
           err or why(r))


def t_ssh_failures():
    A.seal(5)
    before = A.ids()
    r = A.avslut("sync", "--to", ssh_dest(port=sshd_mod.free_port()))
    report("sync_ssh_unreachable", untouched(
        A, before, r, 69, "cannot reach 127.0.0.1") is None, why(r))
    r = A.avslut("sync", "--to", "ssh://no-such-host.invalid" + DB)
    report("sync_ssh_unknown_host", untouched(
        A, before, r, 69, "no-such-host.invalid") is None, why(r))
    # A key the server does not know.
    other = os.path.join(T, "otherkey")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    other], check=True)
    wrap = os.path.join(T, "ssh-other")
    with open(S.ssh_program) as f:
        text = f.read().replace(S.client_key, other)
    with open(wrap, "w") as f:
        f.write(text)
    os.chmod(wrap, 0o755)
    ssh_config(A, program=wrap)
    r = A.avslut("sync", "--to", ssh_dest())
    report("sync_ssh_login_refused", untouched(
        A, before, r, 77, "refused the ssh login") is None, why(r))
    # A host key that is not the pinned one.
    wrap2 = os.path.join(T, "ssh-nohostkey")
    empty = os.path.join(T, "empty_known_hosts")
    open(empty, "w").close()
    with open(S.ssh_program) as f:
        text = f.read().replace(S.known_hosts, empty)
    with open(wrap2, "w") as f:
        f.write(text)
    os.chmod(wrap2, 0o755)
    ssh_config(A, program=wrap2)
    r = A.avslut("sync", "--to", ssh_dest())
    report("sync_ssh_host_key", untouched(
        A, before, r, 77, "host key of 127.0.0.1") is None, why(r))
    # No ssh client where the config says.
    ssh_config(A, program="/nonexistent/bin/ssh")
    r = A.avslut("sync", "--to", ssh_dest())
    report("sync_ssh_no_client", untouched(
        A, before, r, 74, "set sync.ssh_program") is None, why(r))
    # The remote has no avslut-hr.
    ssh_config(A, remote="/nonexistent/bin/avslut-hr ingest -")
    r = A.avslut("sync", "--to", ssh_dest())
    report("sync_ssh_no_avslut_hr", untouched(
        A, before, r, 69, "has no avslut-hr") is None, why(r))
    # A remote that never answers: stopped after the idle timeout.
    ssh_config(A, remote="sh -c 'sleep 60' sh")
    r = A.avslut("sync", "--to", ssh_dest(),
                 extra={"AVSLUT_SYNC_TIMEOUT": "2"})
    report("sync_ssh_timeout", untouched(
        A, before, r, 75, "nothing for too long") is None, why(r))
    # HR refuses the bundle: an unregistered laptop.
    U = Laptop("unregistered")
    ssh_config(U)
    U.seal(5)
    ub = U.ids()
    r = U.avslut("sync", "--to", ssh_dest())
    report("sync_ssh_unknown_signer", untouched(
        U, ub, r, 77, "not registered") is None, why(r))
    global sealed_total
    sealed_total -= 5
    # A locked central store on the far side.
    ssh_config(A, remote="env AVSLUT_SYNC_TIMEOUT=1 %s ingest -" % HR)
    c = sqlite3.connect(DB, timeout=30, isolation_level=None)
    c.execute("BEGIN IMMEDIATE")
    try:
        r = A.avslut("sync", "--to", ssh_dest())
    finally:
        c.execute("ROLLBACK")
        c.close()
    err = untouched(A, before, r, r.returncode or 1, "HR's ingest on")
    report("sync_ssh_central_locked", r.returncode != 0 and err is None,
           err or why(r))
    ssh_config(A)
    r = A.avslut("sync", "--to", ssh_dest())
    err = all_home(A)
    report("sync_ssh_after_failures", r.returncode == 0 and err is None,
           err or why(r))


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


def t_crash(kind, point, where):
    name = "crash_%s_%s" % (kind, point)
    drop = os.path.join(T, "crashdrop")
    os.makedirs(drop, exist_ok=True)
    dest = {"path": DB, "ssh": ssh_dest(), "dir": "dir:" + drop}[kind]
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
        h = run([HR, "ingest", "--db", DB, drop], HRHOME, crash)
        died = r.returncode == 0 and h.returncode == KILLED
    elif kind == "dir" and point in ("sync-after-ack-before-remove",
                                     "sync-mid-remove"):
        r = A.avslut("sync", "--to", dest)
        h = run([HR, "ingest", "--db", DB, drop], HRHOME)
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
            h = run([HR, "ingest", "--db", DB, drop], HRHOME)
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


def t_two_laptops(kind):
    L1 = Laptop("two-%s-1" % kind)
    L2 = Laptop("two-%s-2" % kind)
    L1.register()
    L2.register()
    dest = DB if kind == "path" else ssh_dest()
    for L in (L1, L2):
        if kind == "ssh":
            ssh_config(L)
        L.seal(15)
    n0 = len(central_ids())
    res = {}

    def go(L):
        res[L.name] = L.avslut("sync", "--to", dest)
    th = [threading.Thread(target=go, args=(L,)) for L in (L1, L2)]
    for t in th:
        t.start()
    for t in th:
        t.join()
    n1 = len(central_ids())
    ok = all(r.returncode == 0 and r.stdout.strip() ==
             "15 sealed interviews sent, 15 confirmed"
             for r in res.values()) and n1 == n0 + 30
    report("sync_two_laptops_%s" % kind, ok and all_home(L1) is None and
           all_home(L2) is None, "%d -> %d %s" % (
               n0, n1, " | ".join(why(r) for r in res.values())))


case("sync_path_basic", t_path_basic)
case("sync_hold", t_hold)
case("sync_default_dest", t_default_dest)
case("sync_usage", t_usage)
case("sync_central_locked", t_locked_central)
case("sync_central_readonly", t_readonly_central)
case("sync_dir", t_dir)
case("export", t_export)
case("sync_progress_bar", t_progress_bar)
case("sync_two_laptops_path", lambda: t_two_laptops("path"))
ok, whynot = sshd_mod.available()
if not ok:
    report("sync_ssh", False, whynot)
else:
    # The client gets the port from the DEST, not from the wrapper.
    with sshd_mod.Sshd(T, wrapper_port=False) as S:
        case("sync_ssh", t_ssh)
        case("sync_ssh_failures", t_ssh_failures)
        case("sync_two_laptops_ssh", lambda: t_two_laptops("ssh"))
        for kind, point, where in CRASH:
            case("crash_%s_%s" % (kind, point),
                 lambda k=kind, p=point, w=where: t_crash(k, p, w))
if not os.environ.get("AVSLUT_KEEP"):
    shutil.rmtree(T, ignore_errors=True)
sys.exit(1 if failed else 0)
