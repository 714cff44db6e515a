#!/usr/bin/python3
# tests/e2e/test_dashboard.py: avslut-hr dashboard through a real pty and
# a terminal emulator (pexpect + pyte) at 80x24 on a fixture of sealed
# interviews with known answers: whole screens for the overview, a unit
# view and a question view; sorting, the year, an area, a search, resize
# to 60x20 and back, interviews whose free text holds escape sequences,
# suppressed cells that show no figure, and the screen cleared at exit.
# AVSLUT_DASH_SETUP=DIR only builds the fixture in DIR (to try by hand).
import datetime
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

import pexpect
import pyte

BUILD = os.environ.get("AVSLUT_BUILD", os.path.join(os.getcwd(), "build"))
SRC = os.environ.get("AVSLUT_SRCDIR", os.getcwd())
HR = os.path.join(BUILD, "avslut-hr")
FILL = os.path.join(BUILD, "tools", "avslut-testfill")
FORM = os.path.join(SRC, "tests", "e2e", "data", "dash.yaml")
RECORD = os.environ.get("AVSLUT_E2E_RECORD")  # write screens seen here
PASS = "korrekt häst batteri"

# The newest closed year (the gate closes a year two months after it
# ends) and the one before: the fixture's years follow the clock.
TODAY = datetime.datetime.now(datetime.timezone.utc)
L = TODAY.year - 1 if TODAY.month > 2 else TODAY.year - 2
P = L - 1
RUN = TODAY.year

CONFIG = """region: Region Test
anonymity:
  k: 5
  text_k: 8
turnover:
  threshold: 0.10
  years: 3
period: year
units:
  - code: VC-ALBY
    name: Alby vårdcentral
    area: Norra
  - code: VC-ABACKA
    name: Åbacka vårdcentral
    area: Norra
  - code: VC-ZAK
    name: Zakrisdals vårdcentral
    area: Norra
  - code: SH-AKUT
    name: Akutmottagningen
    area: Sjukhuset
  - code: SH-OGON
    name: Ögonkliniken
    area: Sjukhuset
  - code: SH-BARN
    name: Barnkliniken
    area: Sjukhuset
"""

HME = " ".join("hme_%d=%%d" % i for i in range(1, 10))


def hme(v):
    return HME.replace("%d", str(v))


# N UNIT YEAR answers (avslut-testfill's format).
SPEC = """
8 VC-ALBY {L} reasons=lead,hours lead=4 load=2 {h4} enps=9 change=Fler%20sjuksköterskor%20behövs
6 VC-ABACKA {L} reasons=pay lead=2 load=3 {h2} enps=3
2 VC-ZAK {L} reasons=pay lead=1 load=1 {h1} enps=0
9 SH-AKUT {L} reasons=hours lead=3 load=1 {h3} enps=10 change=Fler%20händer%20i%20natt
1 SH-AKUT {L} reasons=hours lead=3 load=1 {h3} enps=10 change=Tydligare%20mål
5 SH-OGON {L} reasons=lead lead=5 load=4 {h5} enps=8
6 VC-ALBY {P} reasons=pay lead=2 load=2 {h3} enps=6
7 SH-AKUT {P} reasons=hours lead=5 load=2 {h4} enps=9
3 VC-ALBY {RUN} reasons=pay lead=5 load=5 {h5} enps=10
2 SH-AKUT {L} reasons=hours lead=3 load=1 enps=10 change=%1b[2J%1b[31mRÖD%1b]0;pwned%07%1b[0m
""".format(L=L, P=P, RUN=RUN, h1=hme(1), h2=hme(2), h3=hme(3), h4=hme(4),
           h5=hme(5))

failures = 0


def report(name, ok, why=""):
    global failures
    if ok:
        print("PASS %s" % name)
    else:
        failures += 1
        print("FAIL %s: %s" % (name, why))
    sys.stdout.flush()


class Screen(pyte.Screen):
    """pyte with the few xterm sequences ncurses uses that pyte lacks:
    SU and SD (scroll the region) and REP (repeat the last character)."""

    def __init__(self, cols, rows):
        super().__init__(cols, rows)
        self.last = " "

    def draw(self, data):
        if data:
            self.last = data[-1]
        super().draw(data)

    def _scroll(self, count, up):
        top = self.margins.top if self.margins else 0
        y, x = self.cursor.y, self.cursor.x
        self.cursor.y = top
        if up:
            self.delete_lines(count or 1)
        else:
            self.insert_lines(count or 1)
        self.cursor.y, self.cursor.x = y, x

    def scroll_up(self, count=None, *args, **kwargs):
        self._scroll(count, True)

    def scroll_down(self, count=None, *args, **kwargs):
        self._scroll(count, False)

    def repeat_last(self, count=None, *args, **kwargs):
        self.draw(self.last * (count or 1))


class Stream(pyte.ByteStream):
    csi = dict(pyte.ByteStream.csi, S="scroll_up", T="scroll_down",
               b="repeat_last")


class Term:
    """avslut-hr in a pty, its output fed into a pyte screen."""

    def __init__(self, env, args, cols=80, rows=24):
        self.screen = Screen(cols, rows)
        self.stream = Stream(self.screen)
        self.raw = b""
        self.child = pexpect.spawn(HR, args, env=env,
                                   dimensions=(rows, cols))

    def pump(self, wait=0.05):
        try:
            while True:
                data = self.child.read_nonblocking(65536, timeout=wait)
                self.raw += data
                self.stream.feed(data)
                wait = 0.05
        except (pexpect.TIMEOUT, pexpect.EOF):
            pass

    def lines(self):
        self.pump()
        return [l.rstrip() for l in self.screen.display]

    def text(self):
        return "\n".join(self.lines())

    def wait(self, pred, timeout=15.0):
        end = time.monotonic() + timeout
        t = self.text()
        while not pred(t) and time.monotonic() < end:
            self.pump(0.1)
            t = self.text()
        return t

    def wait_for(self, s, timeout=15.0):
        return s in self.wait(lambda t: s in t, timeout)

    def settle(self):
        last = None
        for _ in range(50):
            self.pump(0.15)
            t = self.text()
            if t == last:
                return t
            last = t
        return last

    def send(self, s):
        self.child.send(s)
        self.settle()

    def resize(self, cols, rows):
        self.screen.resize(rows, cols)
        self.child.setwinsize(rows, cols)
        self.settle()


KEY = {"tab": "\t", "enter": "\r", "f1": "\x1bOP", "esc": "\x1b",
       "down": "\x1bOB", "up": "\x1bOA", "right": "\x1bOC",
       "left": "\x1bOD", "pgdn": "\x1b[6~", "bs": "\x7f"}

recorded = []


def check_screen(name, term, want):
    """Compare the whole screen with want (a list of rstripped lines)."""
    got = term.lines()
    if RECORD:
        recorded.append((name, got))
    want = [l.rstrip() for l in want]
    want += [""] * (len(got) - len(want))
    if got == want:
        report(name, True)
        return True
    diff = []
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            diff.append("line %d: got %r want %r" % (i, g, w))
    report(name, False, "; ".join(diff[:4]))
    return False


def setup(d):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.path.join(d, "home"),
        "TMPDIR": os.path.join(d, "tmp"),
        "AVSLUT_HOME": os.path.join(d, "avslut"),
        "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
        "NCURSES_NO_UTF8_ACS": "1",
    }
    for k in ("HOME", "TMPDIR"):
        os.makedirs(env[k], mode=0o700, exist_ok=True)
    cfgdir = os.path.join(env["AVSLUT_HOME"], "config", "avslut-hr")
    os.makedirs(cfgdir, mode=0o700, exist_ok=True)
    with open(os.path.join(cfgdir, "avslut.yaml"), "w") as f:
        f.write(CONFIG)
    pf = os.path.join(d, "pass")
    with open(pf, "w") as f:
        f.write(PASS + "\n")
    datadir = os.path.join(env["AVSLUT_HOME"], "data", "avslut-hr")
    db = os.path.join(datadir, "central.db")
    subprocess.run([HR, "keygen", "--passphrase-file", pf, "--kdf", "test"],
                   env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    subprocess.run([HR, "forms", "add", FORM], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([FILL, db, os.path.join(datadir, "hr.pub"), FORM],
                   input=SPEC.encode(), env=env, check=True,
                   stdout=subprocess.DEVNULL)
    c = sqlite3.connect(db)
    # Alby: 12 %, 14 %, 11 % of 100: flagged; Åbacka 5 % in L only.
    c.executemany("INSERT INTO turnover VALUES (?, ?, ?, ?)", [
        ("VC-ALBY", L - 2, 100, 12), ("VC-ALBY", P, 100, 14),
        ("VC-ALBY", L, 100, 11), ("VC-ABACKA", L, 80, 4),
        ("SH-AKUT", L, 40, 20)])
    c.execute("INSERT INTO hme VALUES ('VC-ALBY', ?, 72, 70, 74, 72)",
              (L,))
    c.commit()
    c.close()
    return env, pf


def start(env, pf, lang="en", cols=80, rows=24):
    t = Term(env, ["dashboard", "--lang", lang, "--passphrase-file", pf],
             cols, rows)
    t.wait_for("Region Test")
    t.settle()
    return t


def main():
    if os.environ.get("AVSLUT_DASH_SETUP"):
        env, pf = setup(os.environ["AVSLUT_DASH_SETUP"])
        print(" ".join("%s=%s" % kv for kv in sorted(env.items())))
        print("passphrase file:", pf)
        return 0
    d = tempfile.mkdtemp(prefix="avslut-e2e-dash-")
    env, pf = setup(d)
    t = start(env, pf)
    check_screen("overview", t, [])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
