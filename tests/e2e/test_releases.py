#!/usr/bin/python3
# tests/e2e/test_releases.py: frozen releases, tried as an attacker who
# keeps every report (issue 10, attack classes 3 and 4). It reads only what
# avslut-hr publishes (Markdown, CSV, the dashboard's screen, `releases`),
# never the code's own tables:
#  - ingest, view year L (dashboard, then report), ingest one more for L,
#    view again: the second view must equal the first and say that one
#    interview is held back; the late leaver's free text appears nowhere;
#  - a unit moved to another area in the configuration, then L reported
#    again: no figure of L changes;
#  - between any two reports, a figure whose count changed by fewer than k
#    would isolate fewer than k leavers: none may.
import datetime
import os
import re
import subprocess
import sys
import tempfile
import time

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import term  # noqa: E402  (the pty + pyte harness)

BUILD = os.environ.get("AVSLUT_BUILD", os.path.join(os.getcwd(), "build"))
SRC = os.environ.get("AVSLUT_SRCDIR", os.getcwd())
HR = os.path.join(BUILD, "avslut-hr")
FILL = os.path.join(BUILD, "tools", "avslut-testfill")
FORM = os.path.join(SRC, "tests", "e2e", "data", "dash.yaml")
PASS = "korrekt häst batteri"
K = 5

TODAY = datetime.datetime.now(datetime.timezone.utc)
L = TODAY.year - 1 if TODAY.month > 2 else TODAY.year - 2

UNITS = [("VC-ALBY", "Alby vårdcentral", "Norra"),
         ("VC-ABACKA", "Åbacka vårdcentral", "Norra"),
         ("VC-ZAK", "Zakrisdals vårdcentral", "Norra"),
         ("SH-AKUT", "Akutmottagningen", "Sjukhuset"),
         ("SH-OGON", "Ögonkliniken", "Sjukhuset")]


def config(moved=None):
    """The configuration; moved: a unit code put in the other area."""
    s = ("region: Region Test\nanonymity:\n  k: %d\n  text_k: 8\n"
         "period: year\nunits:\n" % K)
    for code, name, area in UNITS:
        if code == moved:
            area = "Sjukhuset" if area == "Norra" else "Norra"
        s += "  - code: %s\n    name: %s\n    area: %s\n" % (code, name,
                                                            area)
    return s


SPEC = """
8 VC-ALBY {L} reasons=lead,hours lead=4 load=2 enps=9 change=Fler%20sjuksköterskor%20behövs
6 VC-ABACKA {L} reasons=pay lead=2 load=3 enps=3
2 VC-ZAK {L} reasons=pay lead=1 load=1 enps=0
10 SH-AKUT {L} reasons=hours lead=3 load=1 enps=10 change=Fler%20händer%20i%20natt
5 SH-OGON {L} reasons=lead lead=5 load=4 enps=8
""".format(L=L)
# The late leaver: answers no one else gave, and a text of their own.
LATE = "1 VC-ALBY {L} reasons=pay lead=1 load=5 enps=0 " \
    "change=Hemligt%20svar%20om%20chefen\n".format(L=L)
SECRET = "Hemligt svar"
# Late leavers of the emergency unit, for a store of their own: eight,
# with eight texts, enough for the gate on their own (k 5, text_k 8).
LATE_AKUT = ("4 SH-AKUT {L} reasons=pay lead=2 load=4 enps=5 "
             "change=Mer%20tid\n"
             "4 SH-AKUT {L} reasons=hours lead=3 load=3 enps=7 "
             "change=Färre%20möten\n").format(L=L)

report = term.report


def Term(env, args, cols=80, rows=24):
    """avslut-hr ARGS in a pty (tests/e2e/term.py)."""
    return term.Term(HR, args, env, cols, rows)


def hr(env, *args, input=None):
    return subprocess.run([HR] + list(args), env=env, input=input,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def fill(env, db, pub, spec):
    subprocess.run([FILL, db, pub, FORM], input=spec.encode(), env=env,
                   check=True, stdout=subprocess.DEVNULL)


def md(env, pf):
    r = hr(env, "report", "--year", str(L), "--lang", "en",
           "--passphrase-file", pf)
    return r.returncode, r.stdout.decode("utf-8", "replace"), \
        r.stderr.decode("utf-8", "replace")


def csv(env, pf):
    r = hr(env, "report", "--year", str(L), "--format", "csv", "--lang",
           "en", "--passphrase-file", pf)
    return r.stdout.decode("utf-8-sig", "replace")


HELD = re.compile(r"arrived after the release")


def strip_held(text):
    """The report without the lines that count held-back interviews (and
    the blank line that set them apart)."""
    out = []
    for l in text.splitlines():
        if HELD.search(l) or ";held_back;" in l:
            continue
        if l.strip() == "" and out and out[-1].strip() == "":
            continue
        out.append(l)
    return out


def cells(text):
    """CSV rows as {(level, area, unit, question, category, measure):
    (value, status)}; the attacker's view of a report."""
    out = {}
    for line in text.splitlines()[1:]:
        f = line.rstrip("\r").split(";")
        if len(f) < 10:
            continue
        out[tuple(f[1:5] + f[6:8])] = (f[8], f[9])
    return out


def attacker(a, b, measures=("answered", "count")):
    """Figures shown in both reports whose counts differ by 1..k-1: each
    such difference isolates fewer than k leavers. Returns them."""
    bad = []
    for key, (va, sa) in a.items():
        if key not in b or key[5] not in measures:
            continue
        vb = b[key][0]
        if va == "" or vb == "":
            continue
        try:
            d = abs(int(va) - int(vb))
        except ValueError:
            continue
        if 0 < d < K:
            bad.append("%s: %s -> %s" % ("/".join(key), va, vb))
    return bad


def dashboard(env, pf):
    """The overview of L and Alby's unit view, as screens."""
    t = Term(env, ["dashboard", "--year", str(L), "--lang", "en",
                   "--passphrase-file", pf])
    end = time.monotonic() + 20
    while "Region Test" not in "\n".join(t.lines()) and \
            time.monotonic() < end:
        t.pump(0.1)
    t.settle()
    over = t.lines()
    # Alby is the first unit by name after the region row
    row = [i for i, l in enumerate(over) if l.startswith(" Alby")]
    unit = []
    if row:
        t.send("\x1bOB" * (row[0] - 5))
        t.send("\r")
        unit = t.lines()
        t.send("\x1bOF")
        unit += t.lines()
        t.send("\x1b")
    t.send("q")
    t.child.expect(pexpect.EOF, timeout=10)
    t.child.close()
    return over, unit, t.raw


def same_but_held(a, b):
    """Lines of screen b that differ from screen a; the ones that name
    held-back interviews are allowed and returned apart."""
    diff, held = [], []
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            (held if HELD.search(y) else diff).append(
                "line %d: %r -> %r" % (i, x, y))
    return diff, held


def setup(d):
    """A store in d with the key, the form and the configuration."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.path.join(d, "home"),
        "TMPDIR": os.path.join(d, "tmp"),
        "AVSLUT_HOME": os.path.join(d, "avslut"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm-256color",
        "NCURSES_NO_UTF8_ACS": "1",
    }
    for k in ("HOME", "TMPDIR"):
        os.makedirs(env[k], mode=0o700, exist_ok=True)
    cfgdir = os.path.join(env["AVSLUT_HOME"], "config", "avslut-hr")
    os.makedirs(cfgdir, mode=0o700, exist_ok=True)
    with open(os.path.join(cfgdir, "avslut.yaml"), "w") as f:
        f.write(config())
    pf = os.path.join(d, "pass")
    with open(pf, "w") as f:
        f.write(PASS + "\n")
    datadir = os.path.join(env["AVSLUT_HOME"], "data", "avslut-hr")
    hr(env, "keygen", "--passphrase-file", pf, "--kdf", "test")
    hr(env, "forms", "add", FORM)
    return env, pf, os.path.join(datadir, "central.db"), \
        os.path.join(datadir, "hr.pub")


def revision():
    """Eight late leavers of a unit shown in release 1 pass the gate on
    their own, so a revision is made (issue 10: the difference from
    release 1 is a release of its own): the report names release 2,
    holds nothing back, and no figure moved by fewer than k."""
    env, pf, db, pub = setup(tempfile.mkdtemp(prefix="avslut-e2e-rev-"))
    fill(env, db, pub, SPEC)
    rc, md1, err = md(env, pf)
    csv1 = csv(env, pf)
    fill(env, db, pub, LATE_AKUT)
    rc, md2, err = md(env, pf)
    csv2 = csv(env, pf)
    report("revision_report_ok", rc == 0, "rc=%d %s" % (rc, err[-300:]))
    report("revision_names_release_2",
           re.search(r"[Rr]elease 2\b", md2) is not None and
           "arrived after the release" not in md2,
           "%s %s" % ([l for l in md2.splitlines() if "elease" in l or
                       "after" in l][:2], err[-300:]))
    # the difference is a release of its own: each group it touches has
    # k answers or more (its category counts, like any shown figure's,
    # may be fewer)
    bad = attacker(cells(csv1), cells(csv2), ("answered",))
    report("revision_no_group_below_k", not bad, "; ".join(bad[:5]))
    report("revision_shows_late", cells(csv2).get(
        ("unit", "Sjukhuset", "SH-AKUT", "reasons", "", "answered"),
        ("",))[0] == "18", "SH-AKUT reasons answered is not 18")
    rc, md3, err = md(env, pf)
    report("revision_stays", rc == 0 and md3 == md2, "rc=%d" % rc)
    # the audit reads both releases and the revision's difference
    r = hr(env, "audit", "--year", str(L), "--passphrase-file", pf)
    out = r.stdout.decode("utf-8", "replace")
    report("revision_audit", r.returncode == 0 and
           re.search(r"^tables +3$", out, re.M) is not None and
           re.search(r"^pinned +0$", out, re.M) is not None,
           "rc=%d %r %s" % (r.returncode, out[:400],
                            r.stderr.decode("utf-8", "replace")[-300:]))


def main():
    d = tempfile.mkdtemp(prefix="avslut-e2e-rel-")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.path.join(d, "home"),
        "TMPDIR": os.path.join(d, "tmp"),
        "AVSLUT_HOME": os.path.join(d, "avslut"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm-256color",
        "NCURSES_NO_UTF8_ACS": "1",
    }
    for k in ("HOME", "TMPDIR"):
        os.makedirs(env[k], mode=0o700, exist_ok=True)
    cfgdir = os.path.join(env["AVSLUT_HOME"], "config", "avslut-hr")
    os.makedirs(cfgdir, mode=0o700, exist_ok=True)
    cfg = os.path.join(cfgdir, "avslut.yaml")
    with open(cfg, "w") as f:
        f.write(config())
    pf = os.path.join(d, "pass")
    with open(pf, "w") as f:
        f.write(PASS + "\n")
    datadir = os.path.join(env["AVSLUT_HOME"], "data", "avslut-hr")
    db = os.path.join(datadir, "central.db")
    pub = os.path.join(datadir, "hr.pub")
    hr(env, "keygen", "--passphrase-file", pf, "--kdf", "test")
    hr(env, "forms", "add", FORM)
    fill(env, db, pub, SPEC)

    # First view: the dashboard; then the report shows the same release.
    over1, unit1, _ = dashboard(env, pf)
    report("dashboard_first_view", any(l.startswith(" Alby") for l in
                                       over1), repr(over1[:8]))
    rc, md1, err = md(env, pf)
    csv1 = csv(env, pf)
    report("report_first", rc == 0 and "Fler händer i natt" in md1,
           "rc=%d %s" % (rc, err[-300:]))
    report("first_report_names_release",
           re.search(r"[Rr]elease 1\b", md1) is not None,
           [l for l in md1.splitlines() if "elease" in l][:3])

    # One more interview for the closed year L.
    fill(env, db, pub, LATE)
    rc, md2, err = md(env, pf)
    csv2 = csv(env, pf)
    report("late_report_ok", rc == 0, "rc=%d %s" % (rc, err[-300:]))
    report("late_report_equals_first", strip_held(md2) == strip_held(md1),
           "\n".join(l for l in strip_held(md2)
                     if l not in strip_held(md1))[:600])
    report("late_report_says_held_back",
           "1 interview arrived after the release" in md2,
           [l for l in md2.splitlines() if "after" in l][:3])
    report("late_text_not_published", SECRET not in md2 and
           SECRET not in csv2, "the late leaver's text is in the report")
    report("late_csv_equals_first", strip_held(csv2) == strip_held(csv1),
           "\n".join(l for l in strip_held(csv2)
                     if l not in strip_held(csv1))[:600])
    bad = attacker(cells(csv1), cells(csv2))
    report("late_no_difference_below_k", not bad, "; ".join(bad[:5]))

    over2, unit2, raw2 = dashboard(env, pf)
    diff, held = same_but_held(over1, over2)
    report("dashboard_overview_frozen", not diff, "; ".join(diff[:4]))
    report("dashboard_says_held_back",
           any("1 interview arrived after the release" in l for l in over2),
           repr([l for l in over2 if l.strip()][-4:]))
    diff, held = same_but_held(unit1, unit2)
    report("dashboard_unit_frozen", unit1 != [] and not diff,
           "; ".join(diff[:4]))
    report("dashboard_late_text_not_shown",
           SECRET.encode() not in raw2, "the late text reached the screen")

    # A reorganisation: Zakrisdal (2 leavers) moves from Norra to
    # Sjukhuset. Reporting L again must not move Norra's pool or totals.
    with open(cfg, "w") as f:
        f.write(config(moved="VC-ZAK"))
    rc, md3, err = md(env, pf)
    csv3 = csv(env, pf)
    report("reorg_report_ok", rc == 0, "rc=%d %s" % (rc, err[-300:]))
    report("reorg_report_equals_first", strip_held(md3) == strip_held(md1),
           "\n".join(l for l in strip_held(md3)
                     if l not in strip_held(md1))[:600])
    report("reorg_csv_equals_first", strip_held(csv3) == strip_held(csv1),
           "\n".join(l for l in strip_held(csv3)
                     if l not in strip_held(csv1))[:600])
    bad = attacker(cells(csv1), cells(csv3))
    report("reorg_no_difference_below_k", not bad, "; ".join(bad[:5]))
    over3, _, _ = dashboard(env, pf)
    diff, held = same_but_held(over1, over3)
    report("reorg_dashboard_frozen", not diff, "; ".join(diff[:4]))

    # The audit reads the release (not today's recomputation): one table,
    # nothing pinned, also after the reorganisation.
    r = hr(env, "audit", "--year", str(L), "--passphrase-file", pf)
    out = r.stdout.decode("utf-8", "replace")
    report("audit_of_release", r.returncode == 0 and
           re.search(r"^tables +1$", out, re.M) is not None and
           re.search(r"^pinned +0$", out, re.M) is not None,
           "rc=%d %r %s" % (r.returncode, out[:300],
                            r.stderr.decode("utf-8", "replace")[-300:]))

    # The list of releases: year L, revision 1, one held back.
    r = hr(env, "releases", "--passphrase-file", pf)
    out = r.stdout.decode("utf-8", "replace")
    line = [l for l in out.splitlines() if l.startswith(str(L))]
    report("releases_lists_release", r.returncode == 0 and len(line) == 1
           and line[0].split()[1] == "1" and line[0].split()[3] == "31"
           and line[0].split()[4] == "1",
           "rc=%d %r %s" % (r.returncode, out[-400:],
                            r.stderr.decode("utf-8", "replace")[-200:]))

    # Purging the year deletes its release with its interviews (one
    # interview of the running year keeps the store from being empty).
    fill(env, db, pub, "1 VC-ALBY %d lead=3\n" % TODAY.year)
    r = hr(env, "purge", "--before", str(L + 1), "--yes",
           "--passphrase-file", pf)
    out = r.stdout.decode("utf-8", "replace")
    r2 = hr(env, "releases", "--passphrase-file", pf)
    out2 = r2.stdout.decode("utf-8", "replace")
    report("purge_deletes_release", r.returncode == 0 and
           re.search(r"deleted [0-9]+ releases? of years before", out) and r2.returncode == 0 and
           not any(l.startswith(str(L)) for l in out2.splitlines()),
           "rc=%d %r / rc=%d %r %s" % (r.returncode, out[-300:],
                                      r2.returncode, out2[-200:],
                                      r2.stderr.decode("utf-8",
                                                       "replace")[-300:]))
    revision()
    return 1 if term.failures else 0


if __name__ == "__main__":
    sys.exit(main())
