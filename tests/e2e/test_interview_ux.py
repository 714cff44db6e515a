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


def width(s):
    """Display columns, counting the emoji used here as two."""
    return sum(2 if ord(c) >= 0x1f000 else 1 for c in s)


def check_cursor(t, name, upto, find=None):
    """The cursor is visible, on the line that shows find (default:
    upto), just after the text upto."""
    lines = t.lines()
    find = find or upto
    for y, line in enumerate(lines):
        if find in line:
            x = width(line[:line.index(upto)]) + width(upto)
            c = t.screen.cursor
            report(name, (c.y, c.x) == (y, x) and not c.hidden,
                   "cursor at %d,%d hidden %s, want %d,%d" %
                   (c.y, c.x, c.hidden, y, x))
            return
    report(name, False, "%r not on the screen: %s" % (find, t.text()))


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

    # --- the cursor is where typing goes, not on the message line --------
    t = ti.start(env)
    t.send("n")
    t.send("alby\r")
    t.send("\r")                    # svenska
    t.send("\r")                    # the intro
    t.send("1" + KEY["tab"])        # reasons: leadership
    t.send("1\r")                   # reason_main
    t.send(KEY["down"] * 9)         # destination: "Annat, nämligen:"
    t.send(" ")
    t.send("Båt på ön")
    check_cursor(t, "ux_cursor_in_other_field", "Annat, nämligen: Båt på ön")
    t.send(KEY["left"] * 3)
    check_cursor(t, "ux_cursor_moves_in_other_field",
                 "Annat, nämligen: Båt på", "Båt på ön")
    t.send(KEY["tab"])
    t.send("2" + KEY["tab"])        # lead_support
    t.send("1" + KEY["tab"])        # lead_what
    t.wait_for("Vill du berätta mer")
    t.send("Hej 😀 på ön")
    check_cursor(t, "ux_cursor_in_free_text", "Hej 😀 på ön")
    t.send("\r" + "rad två")
    check_cursor(t, "ux_cursor_on_second_line", "rad två")

    # --- a paste that ends in a new line still says the answer is full -----
    chunk = "Lång text med åäö. " * 20
    for _ in range(6):
        t.child.send(chunk)
    t.settle()
    t.send("\r")
    report("ux_full_message_on_enter", "Svaret är fullt" in t.text(),
           t.text())
    t.send(KEY["f10"])
    t.wait_for("Senaste synkronisering")
    t.send("q")
    ended(t)

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
