#!/usr/bin/env python3
"""test_exit_status: every exit status that avslut(1) and avslut-hr(1)
document in EXIT STATUS, triggered with the real programs and asserted.

The statuses are read from the man pages, not written down here: a status
the page lists that no case below triggers fails ("documented_N"), and so
does a case whose status the page does not list. So the page and the
program cannot drift apart without this test failing. 70 and 71 are
reached through resource limits: a stack limit above the address-space
limit refuses avslut-hr its threads (70), a large input under a small
address-space limit runs out of memory (71). avslut's 70 (an internal
error only a bug reaches) is the one status no case can trigger: the
test checks instead that the page calls it an internal error. Prints "PASS name"
/ "FAIL name: why"."""
import fcntl
import os
import pty
import resource
import re
import select
import shutil
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
TC = os.path.join(B, "tools", "avslut-testcentral")
failed = 0


def report(name, ok, why=""):
    global failed
    if ok:
        print("PASS " + name)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, why))
    sys.stdout.flush()


def documented(page):
    """The statuses listed under .Sh EXIT STATUS of man/PAGE."""
    return set(documented_text(page))


def documented_text(page):
    """{status: its text} under .Sh EXIT STATUS of man/PAGE."""
    with open(os.path.join(SRC, "man", page), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"(?ms)^\.Sh EXIT STATUS\n(.*?)(?=^\.Sh |\Z)", text)
    if m is None:
        return {}
    parts = re.split(r"(?m)^\.It (\d+)\s*$", m.group(1))
    return {int(parts[i]): parts[i + 1] for i in range(1, len(parts), 2)}


# Statuses no input can reach (only a bug does), with what the page must
# say of them instead.
UNREACHABLE = {("avslut", 70): "Internal error"}


T = tempfile.mkdtemp(prefix="avslut-e2e-exit.")
PASS = os.path.join(T, "pass")
WRONG = os.path.join(T, "wrong")
with open(PASS, "w") as f:
    f.write("correct horse\n")
with open(WRONG, "w") as f:
    f.write("wrong horse\nbattery staple\n")


def env_for(home, extra=None):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AVSLUT_") and k not in (
               "XDG_CONFIG_HOME", "XDG_DATA_HOME", "LANGUAGE")}
    env["AVSLUT_HOME"] = home
    env["LC_ALL"] = "C.UTF-8"
    env["TZ"] = "UTC"
    env.update(extra or {})
    return env


def run(argv, home, extra=None, tty=False, timeout=60):
    """(exit status, stderr) of argv; with tty, stdin and stdout are a
    pty (the interview needs a terminal)."""
    env = env_for(home, extra)
    if not tty:
        r = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=timeout)
        return r.returncode, r.stderr
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, env=env, stdin=slave, stdout=slave,
                         stderr=subprocess.PIPE, close_fds=True)
    os.close(slave)
    end = time.time() + timeout
    while p.poll() is None and time.time() < end:
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                os.read(master, 4096)
            except OSError:
                pass
    if p.poll() is None:
        p.kill()
    err = p.stderr.read().decode("utf-8", "replace")
    p.wait()
    os.close(master)
    return p.returncode, err


def limited(argv, h, as_mb=None, stack_mb=None, extra=None):
    """(exit status, stderr) of argv under an address-space limit of
    as_mb MiB and a soft stack limit of stack_mb MiB."""
    def lim():
        if as_mb is not None:
            resource.setrlimit(resource.RLIMIT_AS,
                               (as_mb << 20, as_mb << 20))
        if stack_mb is not None:
            hard = resource.getrlimit(resource.RLIMIT_STACK)[1]
            resource.setrlimit(resource.RLIMIT_STACK, (stack_mb << 20, hard))
    r = subprocess.run(argv, env=env_for(h, extra), stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=120,
                       preexec_fn=lim)
    return r.returncode, r.stderr


def base_mb(prog):
    """The smallest address-space limit (MiB) prog --version runs in."""
    for mb in range(4, 1024, 2):
        if limited([prog, "--version"], T, as_mb=mb)[0] == 0:
            return mb
    raise RuntimeError("%s --version fails under every limit" % prog)


def out_of_memory(argv, h, prog):
    """argv under address-space limits from prog's base upwards, 1 MiB
    apart: the first run that says it ran out of memory (exit 71
    expected), else the last run."""
    base = base_mb(prog)
    for k in range(0, 24):
        rc, err = limited(argv, h, as_mb=base + k)
        if "out of memory" in err and rc == 71:
            break
    return rc, err


def big_file(name, size):
    path = os.path.join(T, name)
    with open(path, "wb") as f:
        f.write(b"VC-ALBY;2024;10;1\n" * (size // 18))
    return path


def home(name):
    h = os.path.join(T, name)
    os.makedirs(h, exist_ok=True)
    return h


def must(argv, h, extra=None):
    rc, err = run(argv, h, extra)
    if rc != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(argv), rc, err))


def bad_config(h, prog):
    d = os.path.join(h, "config", prog)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "avslut.yaml"), "w") as f:
        f.write("region: [\n")


# --- fixtures ------------------------------------------------------------
# HR: a key, the shipped form approved, a store with interviews.
HRH = home("hr")
HRD = os.path.join(HRH, "data", "avslut-hr")
HRPUB = os.path.join(HRD, "hr.pub")
DB = os.path.join(HRD, "central.db")
must([HR, "keygen", "--passphrase-file", PASS, "--kdf", "test"], HRH)
must([HR, "forms", "add", os.path.join(SRC, "forms",
                                        "exit-interview.yaml")], HRH)
must([TC, DB, HRPUB, "VC-ALBY", "2024", "6"], HRH)
# A laptop with a profile and one sealed interview waiting.
LAP = home("laptop")
must([AVSLUT, "init", "--hr-key", HRPUB, "--passphrase-file", PASS,
      "--kdf", "test"], LAP)
must([SEAL, "1"], LAP, {"AVSLUT_PASSPHRASE_FILE": PASS})
# A copy of HR's store that no report has opened yet (no record cache):
# its first report opens every envelope in threads.
HR70 = os.path.join(T, "hr70")
shutil.copytree(HRH, HR70)
BADPUB = os.path.join(T, "bad.pub")
with open(BADPUB, "w") as f:
    f.write("avslut-hr-pub-v1 not a key\n")


def held_sync_lock(argv, h):
    """Run argv while another process holds the laptop's sync lock."""
    path = os.path.join(h, "data", "avslut", "sync.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return run(argv, h)
    finally:
        os.close(fd)


def lap_badcfg():
    h = os.path.join(T, "lap-badcfg")
    if not os.path.exists(h):
        shutil.copytree(LAP, h)
        bad_config(h, "avslut")
    return h


def open_dir():
    d = os.path.join(T, "open")
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o777)
    return d


def hr_badcfg():
    h = os.path.join(T, "hr-badcfg")
    if not os.path.exists(h):
        shutil.copytree(HRH, h)
        bad_config(h, "avslut-hr")
    return h


# --- the cases: (program, status, name, function returning (rc, err)) ---
CASES = [
    ("avslut", 0, "version", lambda: run([AVSLUT, "--version"], LAP)),
    ("avslut", 0, "status", lambda: run([AVSLUT, "status"], LAP)),
    ("avslut", 64, "unknown_option",
     lambda: run([AVSLUT, "status", "--no-such-option"], LAP)),
    ("avslut", 64, "interview_without_terminal",
     lambda: run([AVSLUT, "interview", "--passphrase-file", PASS], LAP)),
    ("avslut", 65, "damaged_hr_pub",
     lambda: run([AVSLUT, "init", "--hr-key", BADPUB, "--passphrase-file",
                  PASS, "--kdf", "test"], home("lap65"))),
    ("avslut", 65, "receipt_damaged",
     lambda: run([AVSLUT, "receipt", BADPUB], LAP)),
    ("avslut", 66, "no_hr_pub",
     lambda: run([AVSLUT, "init", "--hr-key", os.path.join(T, "none.pub"),
                  "--passphrase-file", PASS], home("lap66"))),
    ("avslut", 66, "no_profile",
     lambda: run([AVSLUT, "passwd", "--passphrase-file", PASS],
                 home("lap66b"))),
    ("avslut", 66, "receipt_no_such_file",
     lambda: run([AVSLUT, "receipt", os.path.join(T, "none")], LAP)),
    ("avslut", 69, "unusable_terminal",
     lambda: run([AVSLUT, "interview", "--passphrase-file", PASS], LAP,
                 {"TERM": "avslut-no-such-terminal"}, tty=True)),
    ("avslut", 71, "out_of_memory",
     lambda: out_of_memory([AVSLUT, "receipt",
                            big_file("big.receipt", 4800000)], LAP, AVSLUT)),
    ("avslut", 73, "profile_exists",
     lambda: run([AVSLUT, "init", "--hr-key", HRPUB, "--passphrase-file",
                  PASS, "--kdf", "test"], LAP)),
    ("avslut", 74, "export_cannot_write",
     lambda: run([AVSLUT, "export", "--now", "--passphrase-file", PASS,
                  os.path.join(T, "no-such-dir", "x.bundle")], LAP)),
    ("avslut", 75, "sync_lock_held",
     lambda: held_sync_lock([AVSLUT, "receipt", PASS], LAP)),
    ("avslut", 77, "wrong_passphrase",
     lambda: run([AVSLUT, "passwd", "--passphrase-file", WRONG], LAP)),
    ("avslut", 78, "invalid_config_status",
     lambda: run([AVSLUT, "status"], lap_badcfg())),
    ("avslut", 78, "invalid_config_export",
     lambda: run([AVSLUT, "export", os.path.join(T, "x")], lap_badcfg())),
    ("avslut", 78, "invalid_config_sync",
     lambda: run([AVSLUT, "sync"], lap_badcfg())),

    ("avslut-hr", 0, "version", lambda: run([HR, "--version"], HRH)),
    ("avslut-hr", 0, "report",
     lambda: run([HR, "report", "--year", "2024", "--passphrase-file", PASS,
                  "--out", os.path.join(T, "r.md")], HRH)),
    ("avslut-hr", 64, "unknown_option",
     lambda: run([HR, "report", "--no-such-option"], HRH)),
    ("avslut-hr", 64, "purge_without_yes",
     lambda: run([HR, "purge", "--before", "2025", "--passphrase-file",
                  PASS], HRH)),
    ("avslut-hr", 65, "invalid_form",
     lambda: run([HR, "forms", "add", os.path.join(
         SRC, "tests", "data", "forms", "broken.yaml")], HRH)),
    ("avslut-hr", 65, "damaged_pub",
     lambda: run([HR, "interviewers", "add", BADPUB], HRH)),
    ("avslut-hr", 66, "no_store",
     lambda: run([HR, "report", "--year", "2024", "--passphrase-file", PASS],
                 home("hr66"))),
    ("avslut-hr", 66, "no_such_form",
     lambda: run([HR, "forms", "add", os.path.join(T, "none.yaml")], HRH)),
    ("avslut-hr", 70, "no_thread",
     lambda: limited([HR, "report", "--year", "2024", "--passphrase-file",
                      PASS, "--out", os.path.join(T, "r70.md")], HR70,
                     as_mb=2048, stack_mb=8192)),
    ("avslut-hr", 71, "out_of_memory",
     lambda: out_of_memory([HR, "turnover", "import",
                            big_file("big.csv", 15 << 20)], HRH, HR)),
    ("avslut-hr", 73, "key_exists",
     lambda: run([HR, "keygen", "--passphrase-file", PASS, "--kdf", "test"],
                 HRH)),
    ("avslut-hr", 74, "report_cannot_write",
     lambda: run([HR, "report", "--year", "2024", "--passphrase-file", PASS,
                  "--out", os.path.join(T, "no-such-dir", "r.md")], HRH)),
    ("avslut-hr", 77, "wrong_passphrase",
     lambda: run([HR, "report", "--year", "2024", "--passphrase-file",
                  WRONG], HRH)),
    ("avslut-hr", 77, "key_dir_writable_by_others",
     lambda: run([HR, "keygen", "--out", open_dir(), "--passphrase-file",
                  PASS, "--kdf", "test"], HRH)),
    ("avslut-hr", 78, "invalid_config",
     lambda: run([HR, "units"], hr_badcfg())),
]

# A store locked by another program for longer than the busy timeout
# (30 s, not settable) ends in 75: that case runs in the background while
# the others run, on a copy of the store so that they are not blocked.
LOCKH = os.path.join(T, "hr-locked")
shutil.copytree(HRH, LOCKH)
lock = sqlite3.connect(os.path.join(LOCKH, "data", "avslut-hr", "central.db"),
                       timeout=30, isolation_level=None)
lock.execute("BEGIN EXCLUSIVE")
locked = subprocess.Popen(
    [HR, "forms", "add", os.path.join(SRC, "forms", "exit-interview.yaml")],
    env=env_for(LOCKH), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
    stderr=subprocess.PIPE, text=True)


def locked_store():
    try:
        err = locked.communicate(timeout=120)[1]
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    return locked.returncode, err


CASES.append(("avslut-hr", 75, "store_locked", locked_store))

try:
    for prog, page in (("avslut", "avslut.1"), ("avslut-hr", "avslut-hr.1")):
        doc = documented(page)
        report("%s_page_lists_statuses" % prog, len(doc) > 1,
               "no EXIT STATUS list in man/%s" % page)
        cases = [c for c in CASES if c[0] == prog]
        for _, status, name, fn in cases:
            label = "%s_%d_%s" % (prog, status, name)
            try:
                rc, err = fn()
            except Exception as ex:   # a broken case fails, loudly
                report(label, False, "%s: %s" % (type(ex).__name__, ex))
                continue
            if status not in doc:
                report(label, False, "status %d is not in man/%s EXIT "
                       "STATUS (%s)" % (status, page, sorted(doc)))
            else:
                report(label, rc == status, "exit %d, want %d: %s"
                       % (rc, status, err.strip()[-400:]))
        tried = {c[1] for c in cases}
        text = documented_text(page)
        for status in sorted(doc):
            why = UNREACHABLE.get((prog, status))
            if why is not None:
                report("%s_documented_%d_unreachable" % (prog, status),
                       status not in tried and why in text[status],
                       "man/%s must call %d %r" % (page, status, why))
                continue
            report("%s_documented_%d" % (prog, status), status in tried,
                   "man/%s lists %d but no case triggers it"
                   % (page, status))
finally:
    shutil.rmtree(T, ignore_errors=True)
sys.exit(1 if failed else 0)
