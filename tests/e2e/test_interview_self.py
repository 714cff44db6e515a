#!/usr/bin/python3
# tests/e2e/test_interview_self.py: a section the leaver answers alone
# (mode: self), through a real pty at 80x24 and 100x30: the handover
# screen, the leaver's introduction and questions (arrow keys and Enter,
# no function keys on the key line), the hand-back the leaver confirms,
# and that no screen of the interviewer ever shows a self answer or
# depends on one (the question count stays the same whether a follow-up
# inside the self section opens): after the hand-back, in the overview,
# the review, the home screen's draft line, and after kill -9 inside the
# self section (the resumed draft starts at the handover). Sealing leaves
# the canary in no file.
import os
import shutil
import signal
import sys

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_interview as ti  # noqa: E402  (the pty + pyte harness)

report = ti.report
KEY = ti.KEY
CANARY = "SJÄLVKANARIE-7Q2Z-åäö"
SECRET_CHOICE = "Lingonsylt"

SELF_FORM = """id: self-prov
version: 1
languages: [sv, en]
title: {sv: "Självprov", en: "Self test"}
intro: {sv: "Några frågor.", en: "A few questions."}
sections:
  - id: forst
    title: {sv: "Först", en: "First"}
    questions:
      - id: trivsel
        type: yesno
        label: {sv: "Trivdes du?", en: "Did you like it?"}
  - id: ensam
    title: {sv: "Det du svarar på själv", en: "Your own answers"}
    mode: self
    questions:
      - id: trakasserad
        type: yesno
        label: {sv: "Blev du trakasserad?", en: "Were you harassed?"}
        sensitive: true
      - id: hur
        type: text
        label: {sv: "Berätta vad som hände.", en: "Tell what happened."}
        max_length: 200
        show_if: "trakasserad == yes"
      - id: val
        type: single
        label: {sv: "Vilket?", en: "Which?"}
        choices:
          - {id: a, label: {sv: "Blåbärssoppa", en: "Blueberry"}}
          - {id: b, label: {sv: "%s", en: "Lingonberry"}}
  - id: sist
    title: {sv: "Sist", en: "Last"}
    questions:
      - id: betyg
        type: scale
        label: {sv: "Betyg?", en: "Rating?"}
        min_label: {sv: "Dåligt", en: "Poor"}
        max_label: {sv: "Bra", en: "Good"}
""" % SECRET_CHOICE


def no_secret(name, t):
    txt = t.text()
    bad = [s for s in (CANARY, SECRET_CHOICE, "Berätta vad som hände",
                       "Blev du trakasserad") if s in txt]
    report(name, not bad, "shown: %r\n%s" % (bad, txt))


def setup():
    d, env = ti.setup()
    src = os.environ.get("AVSLUT_SRCDIR", os.getcwd())
    cdir = os.path.join(env["AVSLUT_HOME"], "config", "avslut")
    os.makedirs(cdir, mode=0o700)
    with open(os.path.join(src, "config", "avslut.yaml")) as f:
        cfg = f.read()
    cfg = cfg.replace("# forms:\n#   - forms/akuten-tillagg.yaml",
                      "forms:\n  - self.yaml")
    with open(os.path.join(cdir, "avslut.yaml"), "w") as f:
        f.write(cfg)
    with open(os.path.join(cdir, "self.yaml"), "w") as f:
        f.write(SELF_FORM)
    return d, env


def new_interview(t):
    t.send("n")
    t.send("akutm\r")
    t.wait_for("Vilket formulär?")
    t.send(KEY["down"] + "\r")      # Självprov, after the shipped form
    t.wait_for("Vilket språk")
    t.send("\r")                    # svenska
    t.wait_for("Några frågor.")
    t.send("\r")
    t.wait_for("Fråga 1 av")


def main():
    d, env = setup()
    t = ti.start(env)
    new_interview(t)
    report("count_before", "Fråga 1 av 5" in t.text(), t.text())
    t.send("j" + KEY["tab"])
    t.wait_for("Vänd datorn mot den som slutar")
    report("handover_screen", "Det du svarar på själv" in t.text() and
           "Enter" in t.lines()[-1], t.text())
    no_secret("handover_shows_no_question", t)
    t.send("\r")
    t.wait_for("Frågor som du besvarar själv")
    t.settle()
    last = t.lines()[-1]
    report("leaver_intro_no_fkeys", "F1" not in last and "F10" not in last
           and "Enter" in last and "Intervjuaren ser inte dina"
           in t.text(), repr(last) + "\n" + t.text())
    t.send("\r")
    t.wait_for("Blev du trakasserad?")
    report("leaver_question", "Ja" in t.text() and "Vill inte svara" in
           t.text() and "Hoppa över frågan" in t.text() and
           "F8" not in t.text(), t.text())
    # a larger terminal: the same question, roomier; then back
    t.resize(120, 40)
    t.settle()
    lines = t.lines()
    row = [i for i, l in enumerate(lines) if "Vill inte svara" in l]
    report("leaver_larger_terminal", len(lines) == 40 and
           "Blev du trakasserad?" in t.text() and row and
           lines[row[0] - 1].strip() == "" and "F8" not in t.text(),
           t.text())
    t.resize(80, 24)
    t.settle()
    t.send("\r")                    # Ja: the follow-up opens
    t.wait_for("Berätta vad som hände.")
    for ch in CANARY:
        t.child.send(ch)
    t.settle()
    report("leaver_types", CANARY in t.text(), t.text())
    # kill -9 in the middle of the self section
    t.send(KEY["up"])              # commits the text (still in the field)
    t.send(KEY["down"] + "\r")      # Nästa fråga: saved
    t.wait_for("Vilket?")
    os.kill(t.child.pid, signal.SIGKILL)
    t.child.expect(pexpect.EOF, timeout=10)
    t.child.close()
    t = ti.start(env)
    no_secret("home_after_kill9", t)
    t.send("\r")                    # resume the draft
    t.wait_for("Vänd datorn mot den som slutar")
    report("resume_at_handover", "Vänd datorn" in t.text(), t.text())
    no_secret("resume_shows_no_answer", t)
    t.send("\r")
    t.wait_for("Frågor som du besvarar själv")
    t.send("\r")
    t.wait_for("Vilket?")
    report("resume_same_question", CANARY not in t.text(), t.text())
    t.send(KEY["down"] + "\r")      # the secret choice: on to the end
    t.wait_for("Tack! Den här delen är klar.")
    report("handback_screen", "Klar: lämna tillbaka datorn" in t.text(),
           t.text())
    t.send("\r")
    t.wait_for("Betyg?")
    report("interviewer_again", "Den som slutar har besvarat sin del" in
           t.text() and "Tab Nästa" in t.text(), t.text())
    # the count the interviewer sees: all five, whatever was answered
    report("count_masked", "Fråga 5 av 5" in t.text(), t.text())
    no_secret("question_after_handback", t)
    t.send(KEY["f2"])
    t.wait_for("Översikt")
    report("overview_one_row", "Det du svarar på själv" in t.text(),
           t.text())
    no_secret("overview_hides", t)
    t.send("\x1b")
    t.send("4" + KEY["tab"])
    t.wait_for("Granska svaren")
    txt = t.text()
    report("review_masked", "besvarad av den som slutar" in txt.lower() or
           "besvarat" in txt, txt)
    no_secret("review_hides", t)
    # going back into the part means handing over again
    t.send(KEY["f2"])
    t.wait_for("Översikt")
    t.send(KEY["down"] + "\r")
    t.wait_for("Vänd datorn mot den som slutar")
    report("back_in_means_handover", "Vänd datorn mot den som slutar" in
           t.text(), t.text())
    t.send("\x1b")
    t.wait_for("Översikt")
    t.send("\x1b")                  # back: the position is in the part
    t.wait_for("Vänd datorn mot den som slutar")
    t.send(KEY["f10"])
    t.wait_for("Utkastet är sparat")
    report("home_draft_line", "Akutmottagningen" in t.text() and
           "5 av 5 besvarade" in t.text(), t.text())
    no_secret("home_hides", t)
    # seal it; then no file holds the canary
    t.send("\r")                    # resume: at the handover again
    t.wait_for("Vänd datorn mot den som slutar")
    t.send("\x1b")
    t.wait_for("Översikt")
    t.send(KEY["f5"])
    t.wait_for("Granska svaren")
    t.send(KEY["f5"])
    t.wait_for("Försegla intervjun nu?")
    t.send("j")
    t.wait_for("Förseglad")
    report("sealed", "Förseglad" in t.text(), t.text())
    t.send("\r")
    t.wait_for("väntar på synkronisering: 1")
    t.send("q")
    t.child.expect(pexpect.EOF, timeout=15)
    t.child.close()
    hits = []
    raw = CANARY.encode()
    for top in (env["AVSLUT_HOME"], env["TMPDIR"], env["HOME"]):
        for dirpath, _, files in os.walk(top):
            for fn in files:
                p = os.path.join(dirpath, fn)
                try:
                    with open(p, "rb") as f:
                        if raw in f.read():
                            hits.append(p)
                except OSError:
                    pass
    report("canary_in_no_file", not hits, repr(hits))
    shutil.rmtree(d, ignore_errors=True)
    return 1 if ti.failures else 0


if __name__ == "__main__":
    sys.exit(main())
