#!/usr/bin/python3
# tests/e2e/test_interview_ux.py: what a new user of `make demo` saw that
# was odd, each kept from coming back: whole screens at 80x24 through a
# real pty (the harness of test_interview.py).
import os
import subprocess
import sys

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_interview as ti  # noqa: E402  (the pty + pyte harness)

report = ti.report
KEY = ti.KEY
check_screen = ti.check_screen


def ended(t):
    t.child.expect(pexpect.EOF, timeout=15)
    t.pump()
    t.child.close()
    return t.child.exitstatus


def main():
    d, env = ti.setup()

    # --- the unit list's key bar is Swedish; help keeps the unit chosen ---
    t = ti.start(env)
    t.send("n")
    check_screen("ux_unit_keybar_swedish", t, ti.NEW_UNIT_EMPTY)
    t.send("alby\r")
    t.wait_for("På vilket språk")
    t.send(KEY["f1"])
    t.wait_for("Hjälp")
    t.send(KEY["enter"])
    check_screen("ux_help_keeps_unit", t, NEW_LANG)
    t.send(KEY["down"])             # English
    t.send(KEY["f1"])
    t.send("x")
    report("ux_help_keeps_selection", "Read this to the leaver" not in
           t.text(), t.text())
    t.send(KEY["enter"])
    report("ux_help_kept_language", t.wait_for("Thank you"), t.text())
    t.send("\x1b")
    t.wait_for("Senaste synkronisering")
    t.send("q")
    report("ux_quit", ended(t) == 0, "")

    subprocess.run(["rm", "-rf", d])
    return 1 if ti.failures else 0


NEW_LANG = [
    ' Ny intervju',
    '',
    '  Enhet: Alby vårdcentral',
    '  Formulär: Avslutningsintervju',
    '',
    '  På vilket språk hålls intervjun?',
    '',
    '   svenska (sv)',
    '   English (en)',
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
    '',
    'Enter Välj  Esc Tillbaka  F1 Hjälp',
]

if __name__ == "__main__":
    sys.exit(main())
