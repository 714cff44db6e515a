#!/usr/bin/python3
# tests/e2e/test_interview_edges.py: the interviewer program's edges
# through a real pty: a locale that is not UTF-8, three wrong
# passphrases, `avslut interview --unit`, NO_COLOR, a long paste into a
# free-text answer, and deleting a draft after a confirmation. Each
# section has a laptop of its own.
import os
import re
import signal
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import term  # noqa: E402  (the pty + pyte harness)
import test_interview as ti  # noqa: E402  (its laptop set-up, screens)

report = term.report
KEY = term.KEY


def ended(t):
    return t.ended(timeout=15)


dirs = []


def fresh():
    """A laptop of its own for one section (ti.setup)."""
    d, env = ti.setup()
    dirs.append(d)
    return env


def main():
    # --- not UTF-8: say so and how to fix it, draw nothing -----------------
    env = fresh()
    c = dict(env, LANG="C", LC_ALL="C")
    p = subprocess.run([ti.AVSLUT], env=c, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = p.stderr.decode("utf-8", "replace")
    report("locale_not_utf8", p.returncode == 78 and "UTF-8" in err and
           "LANG=C.UTF-8" in err and p.stdout == b"",
           "%d %r" % (p.returncode, err))

    # --- three wrong passphrases: exit 77 ----------------------------------
    env = fresh()
    t = ti.Term(env, ["--lang", "sv"])
    t.wait_for("Lösenfras:")
    t.send("fel ett\r")
    t.wait_for("Fel lösenfras")
    report("wrong_passphrase_message", "2 försök kvar" in t.text(), t.text())
    t.send("fel två\r")
    t.send("fel tre\r")
    rc = ended(t)
    report("three_wrong_passphrases_exit_77", rc == 77, str(rc))

    # --- avslut interview --unit: straight to the language --------------------
    env = fresh()
    t = ti.Term(env, ["interview", "--unit", "VC-ALBY", "--lang", "sv"])
    t.wait_for("Lösenfras:")
    t.send(ti.PASS + "\r")
    t.wait_for("På vilket språk")
    report("interview_unit_option",
           "Enhet: Alby vårdcentral" in t.text() and
           "svenska (sv)" in t.text(), t.text())
    t.send("2")                     # English, by digit
    t.wait_for("Read this to the leaver") or t.wait_for("Thank you")
    report("interview_language_by_digit", "Thank you" in t.text(),
           t.text())
    t.send("\x1b")                  # back: nothing was saved
    t.wait_for("Senaste synkronisering")
    report("intro_back_keeps_no_draft", "Inga utkast" in t.text(), t.text())
    t.send("q")
    report("quit_exit_0", ended(t) == 0, "")

    # --- NO_COLOR: no colour sequences at all; then, in the same session,
    # a long paste and deleting the draft it left --------------------------
    env = fresh()
    datadir = os.path.join(env["AVSLUT_HOME"], "data", "avslut")
    nc = dict(env, NO_COLOR="1")
    t = ti.Term(nc, ["--lang", "sv"])
    raw = []
    t.child.logfile_read = _Sink(raw)
    t.wait_for("Lösenfras:")
    t.send(ti.PASS + "\r")
    t.wait_for("Senaste synkronisering")
    out = b"".join(raw)
    colours = [m for m in re.findall(rb"\x1b\[([0-9;]*)m", out)
               if any(p.isdigit() and (30 <= int(p) <= 49 or
                                       90 <= int(p) <= 107)
                      for p in m.split(b";"))]
    report("no_color", not colours and b"\x1b[0;7m" in out,
           repr(colours[:5]))

    # --- a long paste: cut at the question's length, counted -------------------
    t.send("n")
    t.send("alby\r")
    t.send("\r")                    # svenska
    t.send("\r")                    # the intro
    t.send("1")                     # reasons: leadership
    t.send(KEY["tab"])
    t.send("1\r")                   # reason_main, on
    t.send("9\r")                   # destination
    t.send("2" + KEY["tab"])        # lead_support
    t.send("1" + KEY["tab"])        # lead_what
    t.wait_for("Vill du berätta mer")
    chunk = "Lång text med åäö och 😀. " * 10
    for _ in range(10):             # 2500 characters, as a paste
        t.child.send(chunk)
    t.settle()
    report("paste_counted_and_cut", "2000 av 2000 tecken" in t.text(),
           t.text())
    t.send("x")
    report("paste_full_message", "Svaret är fullt" in t.text(), t.text())
    t.send(KEY["f10"])
    t.wait_for("Utkastet är sparat")
    report("leave_saves_draft", "1 av" not in t.text() and
           "Alby vårdcentral · Avgångsintervju · 6 av 39 besvarade" in
           t.text(), t.text())

    # --- delete a draft: asked first; "keep" keeps it ---------------------------
    t.send(KEY["up"] * 3)
    t.send("d")
    report("delete_asks", "Ta bort utkastet för gott?" in t.text(), t.text())
    t.send("n")
    report("delete_keep", "6 av 39 besvarade" in t.text(), t.text())
    t.send("d")
    t.send("j")
    t.wait_for("Utkastet är borttaget")
    report("delete_done", "Inga utkast" in t.text(), t.text())
    t.send("q")
    ended(t)
    db = sqlite3.connect(os.path.join(datadir, "outbox.db"))
    n = db.execute("SELECT count(*) FROM drafts").fetchone()[0]
    db.close()
    report("delete_gone_from_outbox", n == 0, str(n))

    # --- SIGINT (Ctrl-C) saves like SIGTERM -------------------------------------
    env = fresh()
    t = ti.start(env)
    t.send("n")
    t.send("alby\r")
    t.send("\r")
    t.send("\r")
    t.send("4")                     # reasons: pay, not yet moved on
    t.child.kill(signal.SIGINT)
    ended(t)
    t = ti.start(env)
    report("sigint_saves", "1 av 37 besvarade" in t.text(), t.text())
    t.send("q")
    ended(t)

    for d in dirs:
        subprocess.run(["rm", "-rf", d])
    return 1 if term.failures else 0


class _Sink:
    """A pexpect logfile that keeps the raw bytes."""

    def __init__(self, parts):
        self.parts = parts

    def write(self, b):
        self.parts.append(b)

    def flush(self):
        pass


if __name__ == "__main__":
    sys.exit(main())
