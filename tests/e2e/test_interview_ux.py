#!/usr/bin/python3
# tests/e2e/test_interview_ux.py: what a new user of `make demo` saw that
# was odd, each kept from coming back: whole screens at 80x24 through a
# real pty (the harness of test_interview.py).
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import term  # noqa: E402  (the pty + pyte harness)
import test_interview as ti  # noqa: E402  (its laptop set-up, screens)

report = term.report
KEY = term.KEY
check_screen = term.check_screen


def ended(t):
    return t.ended(timeout=15)


dirs = []


def fresh():
    """A laptop of its own for one section (ti.setup)."""
    d, env = ti.setup()
    dirs.append(d)
    return env


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
    # --- the unit list's key bar is Swedish; help keeps the unit chosen ---
    t = ti.start(fresh())
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

    # --- the cursor is where typing goes, not on the message line; then,
    # in the same interview, help, a long paste and the review ----------
    t = ti.start(fresh())
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

    # --- help wraps what a key does instead of cutting it off ---------------
    t.send(KEY["f1"])
    check_screen("ux_help_wrapped", t, HELP)
    t.send("x")
    report("ux_help_back_to_text", "Hej 😀 på ön" in t.text(), t.text())

    # --- a paste that ends in a new line still says the answer is full -----
    chunk = "Lång text med åäö. " * 20
    for _ in range(6):
        t.child.send(chunk)
    t.settle()
    t.send("\r")
    report("ux_full_message_on_enter", "Svaret är fullt" in t.text(),
           t.text())
    report("ux_text_scrolled_mark", any(l.endswith("↑") and
                                         l.strip() == "↑"
                                         for l in t.lines()), t.text())
    t.send(KEY["up"] * 30)
    report("ux_text_more_below_mark", any(l.endswith("↓") for l in
                                          t.lines()), t.text())
    t.send(KEY["down"] * 30 + "\x1bOF")     # back to the end

    # --- the review shows a long answer in full: Down scrolls it first -----
    t.send(KEY["bs"] * 40 + " SLUTORD")
    t.send(KEY["f2"])
    t.send(KEY["f5"])
    t.wait_for("Granska svaren")
    t.send(KEY["down"] * 5)         # question 6, the long answer
    check_screen("ux_review_long_answer_top", t, REVIEW_LONG_TOP)
    seen = False
    for _ in range(4):
        t.send(KEY["down"])
        if "SLUTORD" in t.text():
            seen = True
            break
    report("ux_review_long_answer_end", seen and "   6.  " not in
           t.text() and "Vill du berätta mer" not in t.text(), t.text())
    check_screen("ux_review_long_answer_end_screen", t, REVIEW_LONG_END)
    t.send(KEY["down"])
    report("ux_review_then_next_question", "   7.  " in t.text(),
           t.text())
    t.send(KEY["f10"])
    t.wait_for("Senaste synkronisering")
    t.send("q")
    ended(t)

    # --- an English screen over the Swedish form: the interview's language
    # starts on the form's first language; "Annat, nämligen:" says that
    # the answer is typed there; changing the last answer from the review
    # comes back to it, not to the top -------------------------------------
    t = ti.Term(fresh(), ["--lang", "en"])
    t.wait_for("assphrase")
    t.child.send(ti.PASS + "\r")
    t.wait_for("Last sync")
    t.settle()
    t.send("n")
    t.send("alby\r")
    t.wait_for("which language")
    t.send("\r")                    # the default
    report("ux_language_default_form_first", t.wait_for("Tack"), t.text())
    t.send("\r")                    # the intro
    t.wait_for("Vilka skäl")
    t.send(KEY["down"] * 25)        # the last row: "Annat, nämligen:"
    row = [l for l in t.lines() if "Annat, nämligen:" in l]
    report("ux_other_typing_cue", len(row) == 1 and
           "(Space, then type the answer)" in row[0], t.text())
    t.send(KEY["f2"])
    t.send(KEY["f5"])
    t.wait_for("Review")
    t.send(KEY["down"] * 80)        # the last question of the review
    last = [l for l in t.lines() if re.match(r"^ +\d+\. ", l)][-1]
    t.send(KEY["enter"])            # change it
    t.send("\r")                    # and go on: back to the review
    t.wait_for("Review")
    lines = t.lines()
    report("ux_review_returns_to_changed", last in lines and
           not any(l.startswith("    1. ") for l in lines), t.text())
    t.send(KEY["f10"])
    t.wait_for("Last sync")
    t.send("q")
    ended(t)

    # --- 200x60: lines short enough to read aloud, "prefer not to answer"
    # right under the input; in an English interview it is in English ---
    t = ti.Term(fresh(), ["--lang", "sv"], cols=200, rows=60)
    t.wait_for("Lösenfras:")
    t.send(ti.PASS + "\r")
    t.wait_for("Senaste synkronisering")
    t.send("n")
    t.send("lundby\r")
    t.send("2")                     # English
    t.wait_for("Thank you")
    t.send("\r")
    lines = t.lines()
    other = [i for i, l in enumerate(lines) if "Other, namely:" in l]
    decl = [i for i, l in enumerate(lines) if "Prefer not to answer (F8)"
            in l]
    report("ux_wide_decline_under_choices", other and decl and
           decl[0] == other[0] + 2, t.text())
    report("ux_wide_text_width", max(len(l) for l in lines[3:8]) <= 80 and
           "Fråga 1 av 37" in t.text(), t.text())
    t.send(KEY["f8"])
    t.send(KEY["f2"])
    t.send(KEY["f5"])
    report("ux_english_decline_in_review", "Prefer not to answer" in
           t.text() and "Granska svaren" in t.text(), t.text())
    report("ux_wide_review_width", max(len(l) for l in t.lines()[3:-2]) <=
           85, t.text())
    t.send(KEY["f10"])
    t.wait_for("Senaste synkronisering")
    t.send("q")
    ended(t)

    # --- sealing with many soft questions empty: one warning, not one
    # per question ------------------------------------------------------
    t = ti.start(fresh())
    t.send("n")
    t.send("alby\r")
    t.send("\r")                    # svenska
    t.send("\r")                    # the intro
    t.send(KEY["f2"])
    t.send(KEY["f5"])
    t.wait_for("Granska svaren")
    t.send(KEY["f5"])
    report("ux_soft_warning_once", "Fråga 1 och " in t.text() and
           "till saknar svar. Tryck F5 igen" in t.text(), t.text())
    t.send(KEY["f5"])
    report("ux_soft_then_seal_asks", "Försegla intervjun nu?" in t.text(),
           t.text())
    t.send("\x1b")                  # cancel
    report("ux_seal_cancel_said", "Inte förseglad: intervjun är fortfarande "
           "ett utkast" in t.text(), t.text())
    t.send(KEY["f10"])
    t.wait_for("Senaste synkronisering")
    t.send("q")
    ended(t)

    # --- not UTF-8: the message itself is plain ASCII ---------------------
    env = fresh()
    c = dict(env, LANG="C", LC_ALL="C")
    p = subprocess.run([ti.AVSLUT, "--lang", "sv"], env=c,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    report("ux_locale_message_ascii", p.returncode == 78 and
           all(b < 0x80 for b in p.stderr) and b"LANG=C.UTF-8" in p.stderr,
           repr(p.stderr))

    # --- --help names the start screen's options and --lang for commands --
    p = subprocess.run([ti.AVSLUT, "--help"], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.decode()
    report("ux_help_usage", p.returncode == 0 and
           "avslut [--lang sv|en] [--passphrase-file FILE]" in out and
           "avslut [--lang sv|en] COMMAND [ARGS]" in out, out)

    term.write_recorded()
    for d in dirs:
        subprocess.run(["rm", "-rf", d])
    return 1 if term.failures else 0


NEW_LANG = [
    ' Ny intervju',
    '',
    '  Enhet: Alby vårdcentral',
    '  Formulär: Avgångsintervju',
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

# The question screen's rows come from its key table (screen_question.c),
# the last four from screen_help.c.
HELP = [
    ' Hjälp: tangenter',
    '',
    '  Tab, PgDn, Ctrl-N          nästa fråga (svaret sparas)',
    '  Shift-Tab, PgUp, Ctrl-P    föregående fråga',
    '  ↑, ↓                       flytta i en lista med svarsalternativ',
    '  ←, →                       flytta på en skala eller ja/nej',
    '  Mellanslag                 välj; kryssa i eller ur vid flera svar',
    '  Enter                      välj och gå vidare; i fritext ny rad',
    '  F8, Ctrl-X                 vill inte svara (igen: ångra)',
    '  F2, Ctrl-O                 översikt: gå till valfri fråga, F5 granska',
    '  F10, Esc                   spara utkastet och gå till startsidan',
    '  F1, ?                      den här hjälpen',
    '  1-9, 0                     välj med siffra (på 0-10: 1 och sedan 0 är 10)',
    '  Granska                    Enter ändrar ett svar, F5 förseglar och skickar',
    '                             in',
    '  Start                      Enter öppnar ett utkast, n ny, Del tar bort, q',
    '                             avsluta',
    '  Ny intervju                skriv för att filtrera enheterna, Backsteg tar',
    '                             bort en bokstav, Esc rensar',
    '',
    '  Varje svar sparas krypterat när du går vidare; efter en krasch öppnar du',
    '  utkastet från startsidan.',
    '',
    'valfri tangent Tillbaka',
]
REVIEW_LONG_TOP = [
    ' Granska svaren                                                Alby vårdcentral',
    '  Läs upp fritextsvaren för den som slutar. Ta bort namn och andra detaljer',
    '  som kan peka ut en person innan du förseglar.',
    '                                                                  (mer ovanför)',
    '   6.  Vill du berätta mer om vad som borde ha varit annorlunda i ledarskapet?',
    '       Hej 😀 på ön',
    '       rad tvåLång text med åäö. Lång text med åäö. Lång text med åäö. Lång',
    '       text med åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö.',
    '       Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång text med',
    '       åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång text',
    '       med åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång',
    '       text med åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö.',
    '       Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång text med',
    '       åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång text',
    '       med åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång',
    '       text med åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö.',
    '       Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång text med',
    '       åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång text',
    '       med åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång',
    '       text med åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö.',
    '       Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång text med',
    '                                                                 (mer nedanför)',
    '',
    'Enter Ändra  F5 Försegla och skicka in  F2 Översikt  F1 Hjälp  F10 Lämna',
]
REVIEW_LONG_END = [
    ' Granska svaren                                                Alby vårdcentral',
    '  Läs upp fritextsvaren för den som slutar. Ta bort namn och andra detaljer',
    '  som kan peka ut en person innan du förseglar.',
    '                                                                  (mer ovanför)',
    '       Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång text med',
    '       åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång text',
    '       med åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång',
    '       text med åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö.',
    '       Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång text med',
    '       åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång text',
    '       med åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång',
    '       text med åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö.',
    '       Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång text med',
    '       åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång text',
    '       med åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång',
    '       text med åäö. Lång text med åäö. Lång text med åäö. Lång text med åäö.',
    '       Lång text med åäö. Lång text med åäö. Lång text med åäö. Lång text med',
    '       åäö. Lång text med åäö. Lån SLUTORD',
    '',
    '   7.  Min arbetsbelastning var rimlig.',
    '       (inte ställd än)',
    '                                                                 (mer nedanför)',
    '',
    'Enter Ändra  F5 Försegla och skicka in  F2 Översikt  F1 Hjälp  F10 Lämna',
]

if __name__ == "__main__":
    sys.exit(main())
