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

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import term  # noqa: E402  (the pty + pyte harness)

BUILD = os.environ.get("AVSLUT_BUILD", os.path.join(os.getcwd(), "build"))
SRC = os.environ.get("AVSLUT_SRCDIR", os.getcwd())
HR = os.path.join(BUILD, "avslut-hr")
FILL = os.path.join(BUILD, "tools", "avslut-testfill")
FORM = os.path.join(SRC, "tests", "e2e", "data", "dash.yaml")
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
10 SH-AKUT {L} reasons=hours lead=3 load=1 {h3} enps=10 change=Fler%20händer%20i%20natt
5 SH-OGON {L} reasons=lead lead=5 load=4 {h5} enps=8
6 VC-ALBY {P} reasons=pay lead=2 load=2 {h3} enps=6
7 SH-AKUT {P} reasons=hours lead=5 load=2 {h4} enps=9
3 VC-ALBY {RUN} reasons=pay lead=5 load=5 {h5} enps=10
2 SH-AKUT {L} reasons=hours lead=3 load=1 enps=10 change=%1b[2J%1b[31mRÖD%1b]0;pwned%07%1b[0m
""".format(L=L, P=P, RUN=RUN, h1=hme(1), h2=hme(2), h3=hme(3), h4=hme(4),
           h5=hme(5))


SCREENS = {
    'overview': [
        ' Overview {L}                                                      Region Test',
        ' Area: all   Search:    6 of 6 units   2 envelopes not counted',
        ' Unit name',
        " Unit▴                 Int T'{lm2_2} T'{lm1_2} T'{l2} !  Cov HME Staff eNPS Top reason",
        ' Region Test            31  12%  14%  16%    69%  64     –  +64 Working hours',
        ' Akutmottagningen       10    –    –  50%    50%  50     – +100 Working hours',
        ' Alby vårdcentral        8  12%  14%  11% ▲  73%   ×    72    × ×',
        ' Barnkliniken            0    –    –    –      –   –     –    – –',
        ' Zakrisdals vårdcentr    2    –    –    –      –   ×     –   <5 <5',
        ' Åbacka vårdcentral      6    –    –   5%   150%   ×     –    × ×',
        ' Ögonkliniken            5    –    –    –      – 100     –    0 Leadership',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        ' Marks: <5 too few  × protects another  … open year  – no data  ▲ flagged',
        '',
        'Enter Unit  v Question  ←→ Column  s Sort  [ ] Year  a Area  / Search  F1 Help',
    ],
    'sort_int': [
        ' Overview {L}                                                      Region Test',
        ' Area: all   Search:    6 of 6 units   2 envelopes not counted',
        ' Interviews held in {L}',
        " Unit                 Int▾ T'{lm2_2} T'{lm1_2} T'{l2} !  Cov HME Staff eNPS Top reason",
        ' Region Test            31  12%  14%  16%    69%  64     –  +64 Working hours',
        ' Akutmottagningen       10    –    –  50%    50%  50     – +100 Working hours',
        ' Alby vårdcentral        8  12%  14%  11% ▲  73%   ×    72    × ×',
        ' Åbacka vårdcentral      6    –    –   5%   150%   ×     –    × ×',
        ' Ögonkliniken            5    –    –    –      – 100     –    0 Leadership',
        ' Zakrisdals vårdcentr    2    –    –    –      –   ×     –   <5 <5',
        ' Barnkliniken            0    –    –    –      –   –     –    – –',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        ' Marks: <5 too few  × protects another  … open year  – no data  ▲ flagged',
        '',
        'Enter Unit  v Question  ←→ Column  s Sort  [ ] Year  a Area  / Search  F1 Help',
    ],
    'year_prev': [
        ' Overview {Lm1}                                                      Region Test',
        ' Area: all   Search:    6 of 6 units   2 envelopes not counted',
        ' Interviews held in {Lm1}',
        " Unit                 Int▾ T'{lm3_2} T'{lm2_2} T'{lm1_2} !  Cov HME Staff eNPS Top reason",
        ' Region Test            13    –  12%  14%    43%  63     –   +8 Working hours',
        ' Akutmottagningen        7    –    –    –      –  75     – +100 Working hours',
        ' Alby vårdcentral        6    –  12%  14%    43%  50     – -100 Pay',
        ' Barnkliniken            0    –    –    –      –   –     –    – –',
        ' Zakrisdals vårdcentr    0    –    –    –      –   –     –    – –',
        ' Åbacka vårdcentral      0    –    –    –      –   –     –    – –',
        ' Ögonkliniken            0    –    –    –      –   –     –    – –',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        ' Marks: <5 too few  × protects another  … open year  – no data  ▲ flagged',
        ' Showing {Lm1}.',
        'Enter Unit  v Question  ←→ Column  s Sort  [ ] Year  a Area  / Search  F1 Help',
    ],
    'year_running': [
        ' Overview {R} (running year: counts only)                          Region Test',
        ' Area: all   Search:    6 of 6 units   2 envelopes not counted',
        ' Interviews held in {R}',
        " Unit                 Int▾ T'{lm1_2} T'{l2} T'{r2} !  Cov HME Staff eNPS Top reason",
        ' Region Test             3  14%  16%    –      –   …     –    … …',
        ' Alby vårdcentral        3  14%  11%    –      –   …     –    … …',
        ' Akutmottagningen        0    –  50%    –      –   …     –    … …',
        ' Barnkliniken            0    –    –    –      –   …     –    … …',
        ' Zakrisdals vårdcentr    0    –    –    –      –   …     –    … …',
        ' Åbacka vårdcentral      0    –   5%    –      –   …     –    … …',
        ' Ögonkliniken            0    –    –    –      –   …     –    … …',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        ' Marks: <5 too few  × protects another  … open year  – no data  ▲ flagged',
        ' Showing {R}.',
        'Enter Unit  v Question  ←→ Column  s Sort  [ ] Year  a Area  / Search  F1 Help',
    ],
    'unit': [
        ' Unit Akutmottagningen (SH-AKUT) {L}                               Region Test',
        ' Interviews 10  Turnover {Lm2}–{L} – – 50%  Coverage 50%',
        ' HME 50 region 64 staff survey –  eNPS +100 region +64  Top reason Working hour',
        ' HME sub-indices   motivation 50   leadership 50   governance 50',
        '',
        ' 1. Why are you leaving?',
        '    n 10',
        '    Pay                                                                0%    0',
        '    Leadership                                                         0%    0',
        '    Working hours              ████████████████████████████████████  100%   10',
        '',
        ' 2. Support from the manager',
        '    Mean 3.0 (region 3.6)   n 10   {Lm1}–{L} █▅',
        '    1                                                                  0%    0',
        '    2                                                                  0%    0',
        '    3                          ████████████████████████████████████  100%   10',
        '    4                                                                  0%    0',
        '    5                                                                  0%    0',
        '',
        ' 3. Reasonable workload',
        '    Mean 1.0 (region 1.9)   n 10   {Lm1}–{L} ▃▁                                ↓',
        ' Marks: <5 too few  × protects another  … open year  – no data  ▲ flagged',
        '',
        'Tab Next  Enter Question  PgDn Page  [ ] Year  n p Unit  Esc Back  F1 Help',
    ],
    'unit_end': [
        ' Unit Akutmottagningen (SH-AKUT) {L}                               Region Test',
        ' Interviews 10  Turnover {Lm2}–{L} – – 50%  Coverage 50%',
        ' HME 50 region 64 staff survey –  eNPS +100 region +64  Top reason Working hour',
        '    7                                                                  0%    0',
        '    8                                                                  0%    0',
        '    9                                                                  0%    0',
        '    10                         ████████████████████████████████████  100%   10',
        '',
        ' 14. What should change?',
        '    Free text, in random order (10)',
        '    • Fler händer i natt',
        '    • Fler händer i natt',
        '    • Fler händer i natt',
        '    • Fler händer i natt',
        '    • Fler händer i natt',
        '    • Fler händer i natt',
        '    • Fler händer i natt',
        '    • Fler händer i natt',
        '    • Fler händer i natt',
        '    • Fler händer i natt',
        '',
        ' Marks: <5 too few  × protects another  … open year  – no data  ▲ flagged',
        '',
        'Tab Next  Enter Question  PgDn Page  [ ] Year  n p Unit  Esc Back  F1 Help',
    ],
    'question': [
        ' Question 2: lead                                                   Region Test',
        ' Support from the manager',
        ' Mean, 1 to 5; low (red) to high (green)',
        ' Unit                   {Lm1}   {L}   {R}',
        ' Region Test          ▓  3.6 ▓  3.6      …',
        ' Akutmottagningen     █  5.0 ▒  3.0      …',
        ' Alby vårdcentral     ░  2.0      ×      …',
        ' Åbacka vårdcentral        –      ×      …',
        ' Ögonkliniken              – █  5.0      …',
        ' Zakrisdals vårdcentr      –     <5      …',
        ' Barnkliniken              –      –      …',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        ' Marks: <5 too few  × protects another  … open year  – no data  ▲ flagged',
        '',
        'Tab Next question  ←→ Answer  Enter Unit  Esc Back  F1 Help  q Quit',
    ],
    'small': [
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        ' Make the window larger.',
        ' now 60x20, at least 80x24',
    ],
    'back': [
        ' Question 2: lead                                                   Region Test',
        ' Support from the manager',
        ' Mean, 1 to 5; low (red) to high (green)',
        ' Unit                   {Lm1}   {L}   {R}',
        ' Region Test          ▓  3.6 ▓  3.6      …',
        ' Akutmottagningen     █  5.0 ▒  3.0      …',
        ' Alby vårdcentral     ░  2.0      ×      …',
        ' Åbacka vårdcentral        –      ×      …',
        ' Ögonkliniken              – █  5.0      …',
        ' Zakrisdals vårdcentr      –     <5      …',
        ' Barnkliniken              –      –      …',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        ' Marks: <5 too few  × protects another  … open year  – no data  ▲ flagged',
        '',
        'Tab Next question  ←→ Answer  Enter Unit  Esc Back  F1 Help  q Quit',
    ],
    'search': [
        ' Overview {L}                                                      Region Test',
        ' Area: all   Search: å_   3 of 6 units   2 envelopes not counted',
        ' Interviews held in {L}',
        " Unit                 Int▾ T'{lm2_2} T'{lm1_2} T'{l2} !  Cov HME Staff eNPS Top reason",
        ' Region Test            31  12%  14%  16%    69%  64     –  +64 Working hours',
        ' Alby vårdcentral        8  12%  14%  11% ▲  73%   ×    72    × ×',
        ' Åbacka vårdcentral      6    –    –   5%   150%   ×     –    × ×',
        ' Zakrisdals vårdcentr    2    –    –    –      –   ×     –   <5 <5',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        ' Marks: <5 too few  × protects another  … open year  – no data  ▲ flagged',
        '',
        'Enter Unit  v Question  ←→ Column  s Sort  [ ] Year  a Area  / Search  F1 Help',
    ],
    'area': [
        ' Overview {L}                                                      Region Test',
        ' Area: Norra   Search:    3 of 6 units   2 envelopes not counted',
        ' Interviews held in {L}',
        " Unit                 Int▾ T'{lm2_2} T'{lm1_2} T'{l2} !  Cov HME Staff eNPS Top reason",
        ' Region Test            31  12%  14%  16%    69%  64     –  +64 Working hours',
        ' Alby vårdcentral        8  12%  14%  11% ▲  73%   ×    72    × ×',
        ' Åbacka vårdcentral      6    –    –   5%   150%   ×     –    × ×',
        ' Zakrisdals vårdcentr    2    –    –    –      –   ×     –   <5 <5',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        ' Marks: <5 too few  × protects another  … open year  – no data  ▲ flagged',
        '',
        'Enter Unit  v Question  ←→ Column  s Sort  [ ] Year  a Area  / Search  F1 Help',
    ],
}


def want(name):
    """An expected screen with the fixture's years filled in."""
    y = {"L": L, "Lm1": L - 1, "Lm2": L - 2, "Lm3": L - 3, "R": RUN}
    for k, v in list(y.items()):
        y[k.lower() + "_2" if k != "L" and k != "R" else k.lower() + "2"] = \
            "%02d" % (v % 100)
    return [l.format(**y) for l in SCREENS[name]]


report = term.report
check_screen = term.check_screen
KEY = term.KEY


def Term(env, args, cols=80, rows=24):
    """avslut-hr ARGS in a pty (tests/e2e/term.py)."""
    return term.Term(HR, args, env, cols, rows)


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
    c.executemany("INSERT INTO turnover (unit, year, headcount, leavers) "
                  "VALUES (?, ?, ?, ?)", [
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
    check_screen("overview", t, want("overview"))
    # a hidden cell shows its mark and no figure: Zakrisdals has two
    # interviews, so only its count may be a number
    row = [l for l in t.lines() if l.startswith(" Zakrisdals")]
    cells = row[0][21:].split() if row else []
    report("suppressed_cells_show_no_figure",
           len(cells) > 0 and cells[0] == "2" and
           all(not any(ch.isdigit() for ch in c) or c == "<5"
               for c in cells[1:]) and "<5" in cells, repr(row))
    # the interviews with escape sequences in their free text do not fit
    # the form: counted as not counted, and nothing of them reaches the
    # terminal
    report("escape_text_not_shown",
           b"pwned" not in t.raw and "RÖD".encode() not in t.raw and
           b"\x1b]0" not in t.raw, "escape text in the output")

    t.send(KEY["right"])
    t.send("s")
    check_screen("sort_by_interviews", t, want("sort_int"))
    t.send("s")
    names = [l[:21].strip() for l in t.lines()[5:11]]
    report("sort_reversed", names == ["Barnkliniken", "Zakrisdals vårdcentr",
                                      "Ögonkliniken", "Åbacka vårdcentral",
                                      "Alby vårdcentral",
                                      "Akutmottagningen"], repr(names))
    t.send("s")

    t.send("[")
    check_screen("year_before", t, want("year_prev"))
    t.send("]")
    t.send("]")
    t.send("]")
    lines = t.lines()
    alby = [l for l in lines if l.startswith(" Alby")]
    report("running_year_counts_only",
           "(running year: counts only)" in lines[0] and
           ("%d" % RUN) in lines[0] and len(alby) == 1 and
           alby[0].split()[2] == "3" and "…" in alby[0] and
           "+" not in alby[0], repr(lines[:8]))
    while ("Overview %d" % L) not in t.lines()[0]:
        t.send("[")

    t.send(KEY["enter"])
    check_screen("unit_view", t, want("unit"))
    t.send(KEY["end"])
    check_screen("unit_view_free_text", t, want("unit_end"))
    t.send(KEY["home"])
    t.send(KEY["tab"])
    t.send(KEY["tab"])
    t.send(KEY["enter"])
    check_screen("question_view", t, want("question"))

    t.resize(60, 20)
    check_screen("too_small", t, want("small"))
    t.resize(80, 24)
    check_screen("question_view_after_resize", t, want("question"))

    # a choice question: the share choosing one answer, Left/Right
    t.send("p")
    lines = t.lines()
    ok1 = lines[0].startswith(" Question 1: reasons") and \
        lines[2] == " Share choosing: Pay (1 of 3; left and right for another)"
    t.send(KEY["right"])
    lines = t.lines()
    akut = [l for l in lines if l.startswith(" Akutmottagningen")]
    report("question_view_choice", ok1 and lines[2].startswith(
        " Share choosing: Leadership (2 of 3;") and len(akut) == 1 and
        akut[0].split()[-2] in ("0%", "×"), repr(lines[:8]))

    t.send(KEY["esc"])
    t.send(KEY["esc"])
    t.send("/")
    for ch in "åb":
        t.send(ch)
    lines = t.lines()
    report("search_swedish_letter",
           lines[1].startswith(" Area: all   Search: åb_   1 of 6 units")
           and lines[5].startswith(" Åbacka vårdcentral") and
           lines[6] == "", repr(lines[1:7]))
    t.send(KEY["esc"])
    t.send("a")
    check_screen("area_norra", t, want("area"))
    t.send(KEY["f1"])
    report("help_lists_keys", "OVERVIEW:" in t.text() and
           "s, F6  sort by the column" in t.text(), t.lines()[2])
    t.send(KEY["esc"])
    t.send("q")
    t.child.expect(pexpect.EOF, timeout=10)
    t.stream.feed(t.child.before)
    t.child.close()
    left = "".join(t.screen.display).strip()
    report("quit_clears_screen", t.child.exitstatus == 0 and left == "",
           "exit %r, %r" % (t.child.exitstatus, left[:200]))

    # Swedish: the same figures, the interface in Swedish
    t = start(env, pf, lang="sv")
    lines = t.lines()
    report("swedish_overview", lines[0].startswith(" Översikt %d" % L) and
           "Arbetstiderna" in lines[4], repr(lines[:5]))
    t.send("q")
    t.child.expect(pexpect.EOF, timeout=10)

    # 200x60: everything on one screen, the scale means too
    t = start(env, pf, cols=200, rows=60)
    lines = t.lines()
    report("wide_overview", "lead   load" in lines[3] and
           lines[5].startswith(" Akutmottagningen") and
           lines[5].rstrip().endswith("3.0    1.0"), repr(lines[3:7]))
    t.send("q")
    t.child.expect(pexpect.EOF, timeout=10)
    # colours: the heat map's cells are coloured, hidden ones are not;
    # with NO_COLOR nothing is
    for nocolor in (False, True):
        e2 = dict(env)
        if nocolor:
            e2["NO_COLOR"] = "1"
        t = start(e2, pf)
        for _ in range(11):
            t.child.send(KEY["right"])
        t.send("v")
        lines = t.lines()
        buf = t.screen.buffer
        ogon = [i for i, l in enumerate(lines) if l.startswith(" Ögonkliniken")]
        zak = [i for i, l in enumerate(lines) if l.startswith(" Zakrisdals")]
        colours = set(buf[y][x].bg for y in range(24) for x in range(80)) | \
            set(buf[y][x].fg for y in range(24) for x in range(80))
        if not nocolor:
            ok = len(ogon) == 1 and len(zak) == 1 and \
                buf[ogon[0]][lines[ogon[0]].index("5.0")].bg == "green" and \
                buf[zak[0]][lines[zak[0]].index("<5")].bg == "default"
            report("heat_map_colours", ok, repr(lines[3:11]))
        else:
            report("no_color", colours == {"default"} and
                   "Question 2: lead" in lines[0], repr(colours))
        t.send("q")
        t.child.expect(pexpect.EOF, timeout=10)

    # outside a UTF-8 locale: ASCII names, marks and arrows, columns kept
    e2 = dict(env)
    e2["LANG"] = "C"
    e2["LC_ALL"] = "C"
    t = start(e2, pf)
    lines = t.lines()
    report("ascii_locale",
           lines[3].startswith(" Unit^                 Int") and
           lines[6] == " Alby vardcentral        8  12%  14%  11% !  73%"
           "   x    72    x x" and
           lines[9] == " Abacka vardcentral      6    -    -   5%   150%"
           "   x     -    x x" and
           all(ord(ch) < 128 for l in lines for ch in l), repr(lines[3:10]))
    t.send("q")
    t.child.expect(pexpect.EOF, timeout=10)

    # SIGTERM: the loop ends, the screen is cleared
    t = start(env, pf)
    t.child.kill(15)
    t.child.expect(pexpect.EOF, timeout=10)
    t.stream.feed(t.child.before)
    t.child.close()
    left = "".join(t.screen.display).strip()
    report("sigterm_clears_screen", left == "", repr(left[:200]))

    # a wrong passphrase: exit 77 before any screen, and nothing opened
    wrong = os.path.join(os.path.dirname(pf), "wrong")
    with open(wrong, "w") as f:
        f.write("fel häst\n")
    c = pexpect.spawn(HR, ["dashboard", "--passphrase-file", wrong],
                      env=env, dimensions=(24, 80))
    c.expect(pexpect.EOF, timeout=30)
    out = c.before.decode("utf-8", "replace")
    c.close()
    report("wrong_passphrase", c.exitstatus == 77 and
           "wrong passphrase" in out and "Overview" not in out,
           "exit %r: %r" % (c.exitstatus, out[-300:]))
    term.write_recorded("plain")
    return 1 if term.failures else 0

if __name__ == "__main__":
    sys.exit(main())
