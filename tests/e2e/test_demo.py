#!/usr/bin/python3
# tests/e2e/test_demo.py: avslut-hr demo, the throwaway sample region. Run
# without a terminal it builds the region and says how to open it; the
# report on it says EXEMPELDATA in every format and has figures for the
# closed years; a second demo into the same directory is refused; run in a
# real pty (pyte) it opens the dashboard in Swedish with EXEMPELDATA in the
# title and filled rows, and q leaves it.
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_dashboard import Term, HR  # noqa: E402

failures = 0


def report(name, ok, why=""):
    global failures
    if ok:
        print("PASS %s" % name)
    else:
        failures += 1
        print("FAIL %s: %s" % (name, why))
    sys.stdout.flush()


def run(args, env):
    return subprocess.run([HR] + args, env=env, capture_output=True,
                          text=True, timeout=120)


def main():
    base = tempfile.mkdtemp(prefix="avslut-e2e-demo-")
    env = dict(os.environ, LC_ALL="C.UTF-8")
    for k in ("AVSLUT_HOME", "AVSLUT_PASSPHRASE_FILE", "LANGUAGE"):
        env.pop(k, None)
    d = os.path.join(base, "d")
    p = run(["demo", "--dir", d, "--no-dashboard", "--lang", "sv"], env)
    out = p.stdout
    report("demo_exit_0", p.returncode == 0, p.stderr)
    report("demo_says_exempeldata", out.startswith("EXEMPELDATA: en "
           "påhittad region i %s" % d), out[:200])
    m = re.search(r"(\d+) påhittade avgångsintervjuer \((\d+)–(\d+), några "
                  r"få (\d+)\)", out)
    report("demo_counts", m is not None and int(m.group(1)) > 300 and
           int(m.group(3)) - int(m.group(2)) == 2, out)
    year = m.group(3) if m else "2025"
    home = os.path.join(d, "home")
    report("demo_store", os.path.exists(os.path.join(
        home, "data", "avslut-hr", "central.db")), home)
    renv = dict(env, AVSLUT_HOME=home)
    pf = os.path.join(d, "passphrase")
    for fmt in ("md", "html", "csv"):
        r = run(["report", "--year", year, "--format", fmt, "--lang", "sv",
                 "--passphrase-file", pf], renv)
        body = r.stdout
        if fmt == "md":
            ok = body.startswith("> **EXEMPELDATA: påhittade siffror")
            # closed years have figures: the flagged units' table is filled
            ok = ok and "| Akutmottagningen (Sjukhuset) |" in body
        elif fmt == "html":
            ok = '<div class="sample" role="note">EXEMPELDATA' in body
        else:
            ok = ";exempeldata;1;EXEMPELDATA\n" in body
        report("report_%s_exempeldata" % fmt, r.returncode == 0 and ok,
               "rc=%d %s %s" % (r.returncode, r.stderr[-300:], body[:300]))
    p = run(["demo", "--dir", d, "--no-dashboard"], env)
    report("demo_twice_refused", p.returncode == 73 and
           "already holds a demo" in p.stderr, "rc=%d %s" % (p.returncode,
                                                             p.stderr))
    # In a terminal the dashboard opens on the sample.
    d2 = os.path.join(base, "d2")
    t = Term(env, ["demo", "--dir", d2, "--lang", "sv"], 100, 30)
    t.wait_for("Akutmottagningen", 60)
    t.settle()
    lines = t.lines()
    if os.environ.get("AVSLUT_E2E_SHOW"):
        print("\n".join(lines))
    report("dashboard_title_exempeldata", "EXEMPELDATA · Region Exempel" in
           lines[0], lines[0])
    akut = [l for l in lines if l.startswith(" Akutmottagningen")]
    report("dashboard_filled", len(akut) == 1 and
           len(re.findall(r"\d+", akut[0])) >= 5, repr(akut))
    # Swedish column labels from the form's short: keys, no raw ids, the
    # decimal comma, a tie named as one
    head = [l for l in lines if l.startswith(" Enhet") and " Int " in l]
    report("dashboard_short_labels", len(head) == 1 and
           "Chefsstöd" in head[0] and "lead_s" not in t.text() and
           "Främsta skäl" in head[0], repr(head))
    region = lines[4] if len(lines) > 4 else ""
    report("dashboard_decimal_comma", re.search(r" \d,\d( |$)", region)
           is not None and re.search(r" \d\.\d( |$)", region) is None,
           region)
    report("dashboard_tie_named", "(lika: flera)" in t.text(), t.text())
    # the question view: "Fråga N: Chefsstöd", the short label, no id
    for _ in range(30):
        if "Chefsstöd" in t.lines()[2]:
            break
        t.send("\x1bOC")
    t.send("v")
    top = t.lines()[0]
    report("question_view_title", re.match(r" Fråga \d+: Chefsstöd ", top)
           is not None, top)
    t.child.send("q")
    t.child.expect(pexpect_eof(), timeout=15)
    t.child.close()
    report("dashboard_quits_0", t.child.exitstatus == 0,
           "exit %r" % t.child.exitstatus)
    subprocess.run(["rm", "-rf", base])
    return 1 if failures else 0


def pexpect_eof():
    import pexpect
    return pexpect.EOF


if __name__ == "__main__":
    sys.exit(main())
