#!/usr/bin/python3
# tests/e2e/test_interview_forms.py: a second form from the config: the
# form is picked on the screen, a one-language form skips the language,
# a number question checks its range, NPS takes "1" "0" as 10, a soft
# question warns once, and the review shows what was given.
import os
import shutil
import sys

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import term  # noqa: E402  (the pty + pyte harness)
import test_interview as ti  # noqa: E402  (its laptop set-up, screens)

report = term.report
KEY = term.KEY

EXTRA = """id: akuten-tillagg
version: 3
languages: [sv]
title: {sv: "Tillägg för akuten"}
intro: {sv: "Några extra frågor om akuten."}
sections:
  - id: akut
    title: {sv: "Akuten"}
    questions:
      - id: nattpass
        type: number
        label: {sv: "Hur många nattpass hade du en vanlig månad?"}
        min: 0
        max: 20
        required: soft
      - id: rekommendera
        type: nps
        label: {sv: "Skulle du rekommendera akuten?"}
        min_label: {sv: "Inte alls"}
        max_label: {sv: "Absolut"}
      - id: larm
        type: yesno
        label: {sv: "Fungerade larmen?"}
"""


def main():
    d, env = ti.setup()
    src = os.environ.get("AVSLUT_SRCDIR", os.getcwd())
    cdir = os.path.join(env["AVSLUT_HOME"], "config", "avslut")
    os.makedirs(cdir, mode=0o700)
    with open(os.path.join(src, "config", "avslut.yaml")) as f:
        cfg = f.read()
    cfg = cfg.replace("# forms:\n#   - forms/akuten-tillagg.yaml",
                      "forms:\n  - akuten.yaml")
    with open(os.path.join(cdir, "avslut.yaml"), "w") as f:
        f.write(cfg)
    with open(os.path.join(cdir, "akuten.yaml"), "w") as f:
        f.write(EXTRA)

    t = ti.start(env)
    t.send("n")
    t.send("akutm\r")
    t.wait_for("Vilket formulär?")
    report("form_list", "Tillägg för akuten  (akuten-tillagg, version 3)"
           in t.text() and "Avgångsintervju  (exit-interview, version 1)"
           in t.text(), t.text())
    t.send(KEY["down"] + "\r")
    t.wait_for("Några extra frågor")
    report("one_language_skips_the_choice", "Några extra frågor om akuten."
           in t.text(), t.text())
    t.send("\r")
    t.wait_for("Fråga 1 av 3")
    report("number_question", "Ett heltal från 0 till 20." in t.text(),
           t.text())
    t.send("2a5")                   # the letter is not taken
    t.send(KEY["tab"])
    report("number_range", "Ange ett heltal från 0 till 20." in t.text() and
           "Fråga 1 av 3" in t.text(), t.text())
    t.send(KEY["bs"] * 2)
    report("number_edit", "Fråga 1 av 3" in t.text(), t.text())
    t.send(KEY["tab"])              # empty, soft: warned once
    report("soft_warns", "Tryck Tab igen" in t.text(), t.text())
    t.send("7" + KEY["tab"])
    report("number_taken", "Fråga 2 av 3" in t.text(), t.text())
    t.send("1")
    t.send("0")                     # 1 then 0: ten
    report("nps_ten", "[10]" in t.text(), t.text())
    t.send(KEY["tab"])
    t.send("n" + KEY["tab"])
    t.wait_for("Granska svaren")
    txt = t.text()
    report("review_values", "7" in txt and "10  (0 = Inte alls, 10 = "
           "Absolut)" in txt and "Nej" in txt, txt)
    t.send(KEY["f10"])
    t.wait_for("Utkastet är sparat")
    report("draft_of_second_form", "Akutmottagningen · Tillägg för akuten "
           "· 3 av 3 besvarade" in t.text(), t.text())
    t.send("q")
    t.child.expect(pexpect.EOF, timeout=15)
    t.child.close()
    report("exit_0", t.child.exitstatus == 0, str(t.child.exitstatus))
    shutil.rmtree(d, ignore_errors=True)
    return 1 if term.failures else 0


if __name__ == "__main__":
    sys.exit(main())
