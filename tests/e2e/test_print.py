#!/usr/bin/env python3
"""End-to-end tests of `avslut print`: the questionnaire for approval as
HTML (printed by headless Chromium: A4, every page's foot carries the form
hash that `avslut-hr forms list` shows, no text overflowing its box), as
Markdown (conditions in words, the self part named) and as a CSV codebook
(the ids the CSV report uses); errors and exit codes."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import browser  # noqa: E402

SRC = os.environ.get("AVSLUT_SRCDIR", ".")
B = os.environ.get("AVSLUT_BUILD", os.path.join(SRC, "build"))
AV = os.path.join(B, "avslut")
HR = os.path.join(B, "avslut-hr")
FORM = os.path.join(SRC, "forms", "exit-interview.yaml")
T = tempfile.mkdtemp(prefix="avslut-print-")
fails = 0


def ok(name):
    print("PASS " + name)


def bad(name, why):
    global fails
    fails += 1
    print("FAIL %s: %s" % (name, why))


def run(*args, env=None):
    e = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8",
             AVSLUT_HOME=os.path.join(T, "home"))
    if env:
        e.update(env)
    return subprocess.run(list(args), capture_output=True, text=True, env=e)


SELF_FORM = """id: self-test
version: 3
languages: [sv, en]
title: {sv: "Prov <b>&", en: Test}
intro: {sv: Läses upp., en: Read out.}
sections:
  - id: start
    title: {sv: Början, en: Start}
    questions:
      - {id: role, type: single, label: {sv: "=HYPERLINK(1)", en: Role},
         choices: [{id: nurse, label: {sv: Sjuksköterska, en: Nurse}},
                   {id: doctor, label: {sv: Läkare, en: Doctor}}]}
      - {id: more, type: yesno, label: {sv: Mer?, en: More?},
         show_if: "role == doctor"}
  - id: alone
    title: {sv: Ensam, en: Alone}
    mode: self
    questions:
      - {id: harass, type: yesno, label: {sv: Trakasserier?, en: Harassed?},
         sensitive: true}
"""


def form_hash():
    r = run(AV, "check", "--canonical", FORM)
    h = subprocess.run(["b2sum", "-l", "256"], input=r.stdout.encode(),
                       capture_output=True).stdout.decode().split()[0]
    return h


def test_html_pdf():
    html = os.path.join(T, "form.html")
    r = run(AV, "print", "--lang", "sv", "--out", html, FORM)
    if r.returncode != 0:
        return bad("html_written", "rc=%d %s" % (r.returncode, r.stderr))
    ok("html_written")
    # the hash HR approves: forms add, then forms list
    run(HR, "forms", "add", FORM)
    lst = run(HR, "forms", "list").stdout
    want = form_hash()
    if want in lst:
        ok("hash_matches_forms_list")
    else:
        bad("hash_matches_forms_list", "%s not in %r" % (want, lst))
    if browser.chromium() is None:
        return bad("html_pdf_a4", "chromium is not installed (make deps)")
    pdf = os.path.join(T, "form.pdf")
    pages, size = browser.print_pdf(html, pdf)
    if browser.is_a4(size) and pages >= 5:
        ok("html_pdf_a4")
    else:
        bad("html_pdf_a4", "pages=%d size=%r" % (pages, size))
    text = browser.pdf_text(pdf)
    # every page's foot: title, form id, version and the whole hash
    n = text.count(want)
    if n == pages:
        ok("hash_on_every_page")
    else:
        bad("hash_on_every_page", "hash on %d of %d pages" % (n, pages))
    for needle in ("Del 1:", "Läses först upp för den som slutar",
                   "Visas om fråga", "Stämmer mycket dåligt", "Avslutning"):
        if needle not in text:
            bad("pdf_content", "%r not in the PDF" % needle)
            break
    else:
        ok("pdf_content")
    over = browser.overflow(html)
    if over == []:
        ok("html_no_overflow")
    else:
        bad("html_no_overflow", "%r" % over[:5])
    # the probe itself can fail: a box too narrow for its text is found
    narrow = os.path.join(T, "narrow.html")
    with open(narrow, "w", encoding="utf-8") as f:
        f.write(open(html, encoding="utf-8").read().replace(
            "</style>", ".help { width: 20px; overflow: hidden; "
            "white-space: nowrap; }</style>", 1))
    if browser.overflow(narrow) != []:
        ok("overflow_probe_finds_overflow")
    else:
        bad("overflow_probe_finds_overflow", "nothing found")


def test_md_and_self():
    path = os.path.join(T, "self.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(SELF_FORM)
    r = run(AV, "print", "--format", "md", path)
    md = r.stdout
    if r.returncode == 0 and "Visas om fråga 1 är Läkare." in md:
        ok("md_condition_in_words")
    else:
        bad("md_condition_in_words", "rc=%d %r" % (r.returncode, md[:400]))
    if "Den som slutar besvarar den här delen ensam" in md and \
            md.index("Del 2: Ensam") < md.index("ensam på datorn"):
        ok("md_self_part_named")
    else:
        bad("md_self_part_named", md)
    if "Känslig:" in md and "\\_" not in md and "\\." not in md:
        ok("md_plain_text")
    else:
        bad("md_plain_text", md)
    r = run(AV, "print", "--lang", "en", "--format", "md", path)
    if "Shown if question 1 is Doctor." in r.stdout and \
            "The leaver answers this part alone" in r.stdout:
        ok("md_english")
    else:
        bad("md_english", r.stdout[:600])
    r = run(AV, "print", path)
    if "<title>Prov &lt;b&gt;&amp;</title>" in r.stdout and \
            "<b>&" not in r.stdout:
        ok("html_escaped")
    else:
        bad("html_escaped", r.stdout[:300])


def test_codebook():
    r = run(AV, "print", "--format", "codebook", "--lang", "en", FORM)
    import csv
    import io
    lines = list(csv.reader(io.StringIO(r.stdout.lstrip("\ufeff")),
                            delimiter=";"))
    head = lines[0]
    if r.returncode == 0 and head[:2] == ["number", "question"]:
        ok("codebook_header")
    else:
        bad("codebook_header", "rc=%d %r" % (r.returncode, lines[:2]))
    rows = [ln for ln in lines[1:] if ln]
    # every question once as a question row, choices under it
    qrows = [x for x in rows if x[5] == ""]
    chk = run(AV, "check", FORM).stdout
    nq = int(chk.split(" questions")[0].rsplit(" ", 1)[1])
    cats = {x[5] for x in rows if x[1] == "reasons"}
    if len(qrows) == nq and "leadership" in cats and "other" in cats:
        ok("codebook_rows")
    else:
        bad("codebook_rows", "%d question rows, %d questions, %r" %
            (len(qrows), nq, sorted(cats)[:5]))
    r = run(AV, "print", "--format", "codebook", "--lang", "sv",
            os.path.join(T, "self.yaml"))
    if r.stdout.lstrip("\ufeff").startswith("nummer;fråga;del;typ;") and \
            ";\"'=HYPERLINK(1)\";" in r.stdout:
        ok("codebook_swedish_and_formula_safe")
    else:
        bad("codebook_swedish_and_formula_safe", r.stdout[:400])


def test_errors():
    cases = [
        ("unknown_format", ["--format", "pdf", FORM], 64, "html, md"),
        ("no_form", [], 64, "no form"),
        ("missing_file", [os.path.join(T, "nope.yaml")], 66, "nope.yaml"),
        ("unknown_lang", ["--lang", "fi", FORM], 64, "'fi'"),
    ]
    broken = os.path.join(T, "broken.yaml")
    with open(broken, "w") as f:
        f.write("id: x\nversion: 1\n")
    cases.append(("broken_form", [broken], 65, "broken.yaml:"))
    for name, args, code, needle in cases:
        r = run(AV, "print", *args)
        if r.returncode == code and needle in r.stderr and r.stdout == "":
            ok("error_" + name)
        else:
            bad("error_" + name, "rc=%d err=%r" % (r.returncode, r.stderr))
    r = run(AV, "print", "--help")
    if r.returncode == 0 and "--format" in r.stdout and "codebook" in \
            r.stdout:
        ok("help")
    else:
        bad("help", r.stdout)


for t in (test_html_pdf, test_md_and_self, test_codebook, test_errors):
    try:
        t()
    except Exception as ex:  # one broken step is one failure
        bad(t.__name__, repr(ex))
subprocess.run(["rm", "-rf", T])
sys.exit(1 if fails else 0)
