#!/usr/bin/python3
# tests/e2e/test_interview.py: the interviewer program through a real pty
# and a terminal emulator (pexpect + pyte) at 80x24, whole screens
# compared for the main screens: a full interview of the shipped form in
# Swedish with å, ä, ö and an emoji, skip logic on and off, back and
# change, resize, SIGTERM and kill -9 with resume, submit, and a canary
# scan (UTF-8 and UTF-32) of the data directory, $TMPDIR and $HOME.
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import term  # noqa: E402  (the pty + pyte harness)

BUILD = os.environ.get("AVSLUT_BUILD", os.path.join(os.getcwd(), "build"))
AVSLUT = os.path.join(BUILD, "avslut")
AVSLUT_HR = os.path.join(BUILD, "avslut-hr")
PASS = "korrekt häst batteri"
CANARY1 = "Kanariefågel7Q"          # lead_text: hidden again before sealing
CANARY2 = "Gråsparv9Z"              # change: sealed
TEXT1 = "Chefen såg oss inte. Ärligt talat, Östen höll med 😀 " + CANARY1
TEXT2 = "Fler händer på golvet och mer ork – " + CANARY2 + " ✨"

report = term.report
check_screen = term.check_screen
KEY = term.KEY


def Term(env, args, cols=80, rows=24):
    """avslut ARGS in a pty (tests/e2e/term.py)."""
    return term.Term(AVSLUT, args, env, cols, rows)


def __getattr__(name):
    """ti.failures, ti.recorded, ti.RECORD: term's, as they are now (the
    suites that import this one used to read them here)."""
    if name in ("failures", "recorded", "RECORD"):
        return getattr(term, name)
    raise AttributeError(name)


def screen_has(term, *parts):
    t = term.text()
    return all(p in t for p in parts)


def setup():
    d = tempfile.mkdtemp(prefix="avslut-e2e-")
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
        os.makedirs(env[k], mode=0o700)
    pf = os.path.join(d, "pass")
    with open(pf, "w") as f:
        f.write(PASS + "\n")
    for cmd in ([AVSLUT_HR, "keygen", "--out", os.path.join(d, "hr"),
                 "--passphrase-file", pf, "--kdf", "test"],
                [AVSLUT, "init", "--hr-key", os.path.join(d, "hr", "hr.pub"),
                 "--passphrase-file", pf, "--kdf", "test"]):
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    os.unlink(pf)
    return d, env


def start(env):
    t = Term(env, ["--lang", "sv"])
    t.wait_for("Lösenfras:")
    t.child.send(PASS + "\r")
    t.wait_for("Senaste synkronisering")
    t.settle()
    return t


def answer_until(t, qid_text, key="3", limit=60):
    """Answer scale/single questions with key then Tab, until the screen
    shows qid_text."""
    for _ in range(limit):
        if qid_text in t.text():
            return True
        if "Vänd datorn mot den som slutar" in t.text():
            leaver_part(t)
            continue
        t.send(key + KEY["tab"])
        if "Tryck Tab igen" in t.text():
            t.send(KEY["tab"])
    return qid_text in t.text()


def leaver_part(t, limit=20):
    """At the handover: hand over, let the leaver answer every question
    of the self part with its first item, and take the laptop back."""
    t.send(KEY["enter"])
    t.wait_for("Intervjuaren ser inte dina")
    t.send(KEY["enter"])
    for _ in range(limit):
        if "Den här delen är klar" in t.text():
            break
        t.send(KEY["enter"])
    t.send(KEY["enter"])


def question_no(t):
    for l in t.lines():
        if "Fråga " in l and " av " in l:
            w = l.split()
            return int(w[1]), int(w[3])
    return None


def main():
    d, env = setup()
    datadir = os.path.join(env["AVSLUT_HOME"], "data", "avslut")

    # --- unlock and the empty home screen --------------------------------
    t = start(env)
    check_screen("home_empty", t, HOME_EMPTY)

    # --- new interview: unit by filter, language, intro ------------------
    t.send("n")
    t.send("alby")
    check_screen("new_unit_filter", t, NEW_UNIT)
    t.send(KEY["enter"])
    t.send(KEY["enter"])            # svenska, the default
    check_screen("intro", t, INTRO)
    t.send(KEY["enter"])
    check_screen("question_1", t, Q1)

    # --- skip logic: leadership reveals two questions, and back ------------
    t.send("1")
    report("skip_logic_on", question_no(t) == (1, 39), str(question_no(t)))
    t.send("1")
    report("skip_logic_off", question_no(t) == (1, 37), str(question_no(t)))
    t.send("1")
    t.send("4")
    t.send(KEY["tab"])
    t.send("1")
    t.send(KEY["enter"])            # reason_main: leadership, and on
    t.send("9")
    t.send(KEY["enter"])            # destination: not decided yet
    t.send("2")
    t.send(KEY["tab"])              # lead_support
    t.send("1")
    t.send("3")
    t.send(KEY["tab"])              # lead_what
    for ch in TEXT1:
        t.child.send(ch)
    t.settle()
    check_screen("text_question", t, QTEXT)
    t.send(KEY["tab"])
    report("text_next", question_no(t) == (7, 39), str(question_no(t)))

    # --- back and change an answer -----------------------------------------
    t.send("4")
    t.send(KEY["tab"])              # workload_level = 4
    t.send(KEY["btab"])
    t.send("5")                     # changed to 5
    t.send(KEY["tab"])
    report("back_and_change", question_no(t) == (8, 39),
           str(question_no(t)))

    # --- resize to 60x20 and back --------------------------------------------
    t.resize(60, 20)
    check_screen("too_small", t, TOO_SMALL)
    t.resize(80, 24)
    check_screen("question_8_after_resize", t, Q8)

    # --- SIGTERM mid-interview, resume exactly there -------------------------
    t.send("2")                     # staffing = 2, not yet moved on
    t.child.kill(signal.SIGTERM)
    t.child.expect(pexpect.EOF, timeout=10)
    t.child.close()
    report("sigterm_exit", t.child.exitstatus is not None or
           t.child.signalstatus is None, str(t.child.status))
    t = start(env)
    check_screen("home_draft", t, HOME_DRAFT)
    t.send(KEY["enter"])
    report("sigterm_resume", question_no(t) == (8, 39) and
           "[ 2]" in t.text(), t.text())

    # --- kill -9: every answer up to the last move is intact -----------------
    t.send(KEY["tab"])              # staffing saved as 2
    t.send("1")
    t.send(KEY["enter"])            # overtime: first choice, on
    os.kill(t.child.pid, signal.SIGKILL)
    t.child.expect(pexpect.EOF, timeout=10)
    t.child.close()
    t = start(env)
    t.send(KEY["enter"])
    report("kill9_resume", question_no(t) == (10, 39), str(question_no(t)))
    t.send(KEY["f2"])
    t.send(KEY["pgup"] * 3)           # page up to the top of the overview
    check_screen("overview_after_kill9", t, OVERVIEW)
    t.send("\x1b")

    # --- the rest of the form -------------------------------------------------
    ok = answer_until(t, "Vad borde förändras")
    for ch in TEXT2:
        t.child.send(ch)
    t.settle()
    t.send(KEY["tab"])
    ok = answer_until(t, "Granska svaren", key="2") and ok
    report("form_completed", ok, t.text())

    # --- un-trigger the skip logic from the review: two questions go -------
    # lead_what and lead_text show if reasons or reason_main is leadership
    t.send(KEY["f2"])
    t.send(KEY["pgup"] * 3)
    t.send(KEY["enter"])            # question 1
    t.send("1")                     # leadership off: reason_main still on
    report("skip_logic_still_on", question_no(t) == (1, 39),
           str(question_no(t)))
    t.send(KEY["f2"])
    t.send(KEY["down"])
    t.send(KEY["enter"])            # question 2
    t.send("2")                     # workload: now both are off
    report("skip_logic_off_again", question_no(t) == (2, 37), t.text())
    t.send(KEY["tab"])              # nothing new to ask: the review
    report("review_after_change", "Granska svaren" in t.text(), t.text())
    check_screen("review", t, REVIEW)
    t.send("\x1b[6~" * 8)           # page down to the free text
    report("review_free_text_in_full", TEXT2 in t.text(), t.text())
    t.send(KEY["pgup"] * 8)         # back to the top

    # --- seal ---------------------------------------------------------------------
    t.send(KEY["f5"])
    check_screen("seal_confirm", t, SEAL_CONFIRM)
    t.send(KEY["enter"])            # F5 asked to seal: Enter does it
    t.wait_for("Förseglad")
    check_screen("sealed_notice", t, SEALED)
    t.send(KEY["enter"])
    t.wait_for("Senaste synkronisering")
    check_screen("home_sealed", t, HOME_SEALED)
    t.send("q")
    t.child.expect(pexpect.EOF, timeout=10)
    t.pump()
    report("screen_cleared_on_exit",
           all(l.strip() == "" for l in t.screen.display), t.text())
    t.child.close()
    report("exit_code_0", t.child.exitstatus == 0, str(t.child.exitstatus))

    # --- the envelope is in the outbox, the draft is gone -----------------
    db = sqlite3.connect(os.path.join(datadir, "outbox.db"))
    nenv = db.execute("SELECT count(*) FROM envelopes").fetchone()[0]
    ndraft = db.execute("SELECT count(*) FROM drafts").fetchone()[0]
    db.close()
    report("envelope_in_outbox", nenv == 1 and ndraft == 0,
           "envelopes %d drafts %d" % (nenv, ndraft))

    # --- canary scan ---------------------------------------------------------------
    found = []
    needles = []
    for c in (CANARY1, CANARY2, "Östen höll med"):
        for enc in ("utf-8", "utf-32-le", "utf-32-be"):
            needles.append((c, enc, c.encode(enc)))
    for top in (datadir, env["TMPDIR"], env["HOME"]):
        for dirpath, _, files in os.walk(top):
            for fn in files:
                p = os.path.join(dirpath, fn)
                try:
                    with open(p, "rb") as f:
                        data = f.read()
                except OSError:
                    continue
                for c, enc, n in needles:
                    if n in data:
                        found.append("%s (%s) in %s" % (c, enc, p))
    report("canary_scan", not found and os.path.isdir(datadir),
           "; ".join(found))

    term.write_recorded()
    subprocess.run(["rm", "-rf", d])
    return 1 if term.failures else 0


# --- expected screens (80x24; TOO_SMALL 60x20), as the program draws them --
HOME_EMPTY = [
    ' avslut: avgångsintervjuer                                       Region Exempel',
    '',
    '  Inga utkast. Börja en ny intervju:',
    '   Ny intervju',
    '   Avsluta',
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
    '  Förseglade intervjuer som väntar på synkronisering: 0',
    '  Senaste synkronisering: aldrig',
    '',
    '',
    'Enter Öppna  n Ny  Del Ta bort utkast  F1 Hjälp  q Avsluta',
]

NEW_UNIT = [
    ' Ny intervju',
    '',
    '  Vilken enhet arbetade personen på? Skriv för att filtrera.',
    '  Filter: alby',
    '',
    '   Alby vårdcentral  (VC-ALBY)',
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
    '',
    '',
    '',
    'Enter Välj  bokstäver Filtrera  Esc Tillbaka  F1 Hjälp',
]

NEW_UNIT_EMPTY = [
    ' Ny intervju',
    '',
    '  Vilken enhet arbetade personen på? Skriv för att filtrera.',
    '  Filter:',
    '',
    '   Akutmottagningen  (SH-AKUT)',
    '   Alby vårdcentral  (VC-ALBY)',
    '   Barn- och ungdomskliniken  (SH-BARN)',
    '   Björkhaga vårdcentral  (VC-BJORKHAGA)',
    '   Enhagens vårdcentral  (VC-ENHAGEN)',
    '   Intensivvårdsavdelningen  (SH-IVA)',
    '   Kirurgkliniken  (SH-KIR)',
    '   Kvinnokliniken  (SH-KVINNO)',
    '   Lundby vårdcentral  (VC-LUNDBY)',
    '   Medicinkliniken  (SH-MED)',
    '   Psykiatriska kliniken  (SH-PSYK)',
    '   Sandvrets vårdcentral  (VC-SANDVRET)',
    '   Zakrisdals vårdcentral  (VC-ZAKRISDAL)',
    '   Åbacka vårdcentral  (VC-ABACKA)',
    '   Äldremedicinska kliniken  (SH-ALDREMED)',
    '   Älvängens vårdcentral  (VC-ALVANGEN)                        (mer nedanför)',
    '',
    '',
    'Enter Välj  bokstäver Filtrera  Esc Tillbaka  F1 Hjälp',
]

INTRO = [
    ' Avgångsintervju                                               Alby vårdcentral',
    '',
    '   Läs upp detta för den som slutar:',
    '',
    '   Tack för att du tar dig tid för det här samtalet. Syftet är att regionen',
    '   ska förstå varför medarbetare slutar och vad som behöver bli bättre, så',
    '   att fler vill stanna. Jag som intervjuar dig är inte anställd hos din',
    '   arbetsgivare, och jag berättar inte för någon vad just du har sagt. Dina',
    '   svar sparas utan namn, personnummer och datum. När vi är klara låses de',
    '   (krypteras), så att bara regionens centrala HR-funktion kan läsa dem, och',
    '   de redovisas bara sammanställda med andras svar, när tillräckligt många',
    '   har svarat. Frågor om yrke och anställningstid och vissa fritextsvar',
    '   redovisas bara för hela regionen, aldrig för en enskild arbetsplats. Du',
    '   väljer själv vilka frågor du vill svara på och kan hoppa över vilken fråga',
    '   som helst. Fram till att svaren låses kan du ändra eller ta tillbaka dem.',
    '   När de väl är låsta går de inte att ta tillbaka, eftersom ingen, varken',
    '   jag eller HR, längre kan se vilka svar som är dina. Samtalet tar ungefär',
    '   tjugo minuter. Har du några frågor innan vi börjar?',
    '',
    '',
    '',
    '',
    '',
    'Enter Börja intervjun  ↑↓ Rulla  Esc Tillbaka  F1 Hjälp',
]

Q1 = [
    ' Avgångsintervju                                               Alby vårdcentral',
    '  Fråga 1 av 37  █░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░',
    '  Skäl till att du slutar',
    '',
    '   Vilka skäl bidrog till att du valde att sluta?',
    '   Läs upp alternativen. Flera svar är möjliga.',
    '',
    '    [ ] 1. Ledarskapet eller min närmaste chef',
    '    [ ] 2. Arbetsbelastning och bemanning',
    '    [ ] 3. Schema och arbetstider',
    '    [ ] 4. Lön och löneutveckling',
    '    [ ] 5. Kompetensutveckling och karriärmöjligheter',
    '    [ ] 6. Möjlighet att påverka mitt arbete',
    '    [ ] 7. Bemötande, respekt och värderingar',
    '    [ ] 8. Arbetsmiljön, fysisk eller psykosocial',
    '    [ ] 9. Relationer eller konflikter i arbetsgruppen',
    '    [ ]    Omorganisation eller förändringar i verksamheten',
    '    [ ]    Resväg eller flytt',
    '    [ ]    Studier',
    '                                                                            ↓',
    '    [ ] Vill inte svara (F8)',
    '',
    '',
    'Tab Nästa  S-Tab Tillbaka  F8 Vill inte svara  F2 Översikt  F1 Hjälp  F10 Lämna',
]

QTEXT = [
    ' Avgångsintervju                                               Alby vårdcentral',
    '  Fråga 6 av 39  █████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░',
    '  Ledarskap och närmaste chef',
    '',
    '   Vill du berätta mer om vad som borde ha varit annorlunda i ledarskapet?',
    '   Redovisas bara för hela regionen. Skriv inga namn; läs upp det du har',
    '   skrivit.',
    '',
    '    Chefen såg oss inte. Ärligt talat, Östen höll med 😀 Kanariefågel7Q',
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
    '    Enter: ny rad. Tab: nästa fråga.                       66 av 2000 tecken',
    '    [ ] Vill inte svara (F8)',
    '',
    '',
    'Tab Nästa  S-Tab Tillbaka  F8 Vill inte svara  F2 Översikt  F1 Hjälp  F10 Lämna',
]

# 60x20: below the minimum
TOO_SMALL = [
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    ' Gör fönstret större.',
    ' nu 60x20, minst 80x24',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
]

Q8 = [
    ' Avgångsintervju                                               Alby vårdcentral',
    '  Fråga 8 av 39  ████████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░',
    '  Arbetsbelastning och bemanning',
    '',
    '   Bemanningen räckte för att ge en god och säker vård.',
    '',
    '',
    '      1         2         3         4         5',
    '    Stämmer mycket dåligt     Stämmer mycket bra',
    '',
    '',
    '    [ ] Vill inte svara (F8)',
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
    'Tab Nästa  S-Tab Tillbaka  F8 Vill inte svara  F2 Översikt  F1 Hjälp  F10 Lämna',
]

HOME_DRAFT = [
    ' avslut: avgångsintervjuer                                       Region Exempel',
    '',
    '  Utkast att fortsätta, eller en ny intervju:',
    '   Alby vårdcentral · Avgångsintervju · 8 av 39 besvarade',
    '   Ny intervju',
    '   Avsluta',
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
    '  Förseglade intervjuer som väntar på synkronisering: 0',
    '  Senaste synkronisering: aldrig',
    '',
    '',
    'Enter Öppna  n Ny  Del Ta bort utkast  F1 Hjälp  q Avsluta',
]

OVERVIEW = [
    ' Översikt                                                      Alby vårdcentral',
    '  9 av 37 frågor ställda.  ✓ besvarad  – vill inte svara  · inget svar',
    '',
    '    1. ✓ Vilka skäl bidrog till att du valde att sluta?',
    '    2. ✓ Vilket av skälen var det viktigaste?',
    '    3. ✓ Vad ska du göra efter att du har slutat?',
    '    4. ✓ Min närmaste chef gav mig det stöd jag behövde i mitt arbete.',
    '    5. ✓ Vad i ledarskapet bidrog till att du slutar?',
    '    6. ✓ Vill du berätta mer om vad som borde ha varit annorlunda i ledarskap…',
    '    7. ✓ Min arbetsbelastning var rimlig.',
    '    8. ✓ Bemanningen räckte för att ge en god och säker vård.',
    '    9. ✓ Hur ofta arbetade du övertid eller tog extra pass?',
    '   10.   Mitt schema gick att förena med livet utanför arbetet.',
    '   11.   Jag kunde påverka mitt schema.',
    '   12.   Min lön var rimlig i förhållande till mitt arbete och mitt ansvar.',
    '   13.   Det var tydligt vad som påverkade min lön och hur jag själv kunde på…',
    '   14.   Jag fick en bra introduktion när jag började.',
    '   15.   Jag fick möjlighet att utvecklas i min yrkesroll, till exempel genom…',
    '   16.   Jag kunde påverka hur arbetet på min arbetsplats organiserades.',
    '   17.   Jag kunde framföra kritik och synpunkter utan att oroa mig för följd…',
    '   18.   Jag blev bemött med respekt av chefer och kollegor.    (mer nedanför)',
    '',
    '',
    'Enter Gå till frågan  F5 Granska  Esc Tillbaka  F1 Hjälp',
]

REVIEW = [
    ' Granska svaren                                                Alby vårdcentral',
    '  Läs upp fritextsvaren för den som slutar. Ta bort namn och andra detaljer',
    '  som kan peka ut en person innan du förseglar.',
    '',
    '   1.  Vilka skäl bidrog till att du valde att sluta?',
    '       Lön och löneutveckling',
    '',
    '   2.  Vilket av skälen var det viktigaste?',
    '       Arbetsbelastning och bemanning',
    '',
    '   3.  Vad ska du göra efter att du har slutat?',
    '       Vet inte än',
    '',
    '   4.  Min närmaste chef gav mig det stöd jag behövde i mitt arbete.',
    '       2  (1 = Stämmer mycket dåligt, 5 = Stämmer mycket bra)',
    '',
    '   5.  Min arbetsbelastning var rimlig.',
    '       5  (1 = Stämmer mycket dåligt, 5 = Stämmer mycket bra)',
    '',
    '   6.  Bemanningen räckte för att ge en god och säker vård.',
    '       2  (1 = Stämmer mycket dåligt, 5 = Stämmer mycket bra)',
    '                                                                 (mer nedanför)',
    '',
    'Enter Ändra  F5 Försegla och skicka in  F2 Översikt  F1 Hjälp  F10 Lämna',
]

SEAL_CONFIRM = [
    ' Granska svaren                                                Alby vårdcentral',
    '  Läs upp fritextsvaren för den som slutar. Ta bort namn och andra detaljer',
    '  som kan peka ut en person innan du förseglar.',
    '',
    '   1.  Vilka skäl bidrog till att du valde att sluta?',
    '       Lön och löneutveckling',
    '',
    '   2.  Vilket av skälen var det viktigaste?',
    '       Arb┌─ Försegla och skicka in ─────────────────────────────────┐',
    '          │                                                          │',
    '   3.  Vad│ Försegla intervjun nu? Därefter kan svaren inte öppnas,  │',
    '       Vet│ läsas eller ändras på den här datorn, inte ens med din   │',
    '          │ lösenfras.                                               │',
    '   4.  Min│                                                          │',
    '       2  │  [ Försegla ]   [ Avbryt ]                               │',
    '          └──────────────────────────────────────────────────────────┘',
    '   5.  Min arbetsbelastning var rimlig.',
    '       5  (1 = Stämmer mycket dåligt, 5 = Stämmer mycket bra)',
    '',
    '   6.  Bemanningen räckte för att ge en god och säker vård.',
    '       2  (1 = Stämmer mycket dåligt, 5 = Stämmer mycket bra)',
    '                                                                 (mer nedanför)',
    '',
    'Enter Välj  ←→ Byt  j Försegla  Esc Avbryt',
]

SEALED = [
    ' avslut: avgångsintervjuer                                       Region Exempel',
    '',
    '  Inga utkast. Börja en ny intervju:',
    '   Ny intervju',
    '   Avsluta',
    '',
    '',
    '',
    '          ┌─ Förseglad ──────────────────────────────────────────────┐',
    '          │                                                          │',
    '          │ Intervjun är förseglad och kan inte öppnas på den här    │',
    '          │ datorn igen. Den skickas till HR vid nästa               │',
    '          │ synkronisering.                                          │',
    '          │                                                          │',
    '          │  [ OK ]                                                  │',
    '          └──────────────────────────────────────────────────────────┘',
    '',
    '',
    '',
    '  Förseglade intervjuer som väntar på synkronisering: 1',
    '  Senaste synkronisering: aldrig',
    '',
    ' Intervjun är förseglad.',
    'Enter OK',
]

HOME_SEALED = [
    ' avslut: avgångsintervjuer                                       Region Exempel',
    '',
    '  Inga utkast. Börja en ny intervju:',
    '   Ny intervju',
    '   Avsluta',
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
    '  Förseglade intervjuer som väntar på synkronisering: 1',
    '  Senaste synkronisering: aldrig',
    '',
    ' Intervjun är förseglad.',
    'Enter Öppna  n Ny  Del Ta bort utkast  F1 Hjälp  q Avsluta',
]

if __name__ == "__main__":
    sys.exit(main())
