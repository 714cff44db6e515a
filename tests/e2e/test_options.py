#!/usr/bin/env python3
"""test_options: the option rules every command of both programs shares.

The attack first: a secret typed after an abbreviated option
(`avslut-hr report --pass SECRET`) used to be taken as
--passphrase-file's argument and echoed in the error. Long options are
now matched exactly (no abbreviations), an unknown option is named
without its value, and no message repeats the argument of
--passphrase-file. Then --version, --help and --lang on every command. Written
against the programs' documented behaviour only, not their code. Last, each
command's --help against its man page: the usage lines name exactly the
long options of the command's SYNOPSIS in avslut(1) / avslut-hr(1), and
the option list explains exactly those (and --help, --version). Prints
"PASS name" / "FAIL name: why"."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("AVSLUT_SRCDIR", os.getcwd())
B = os.environ.get("AVSLUT_BUILD", os.path.join(SRC, "build"))
AVSLUT = os.path.join(B, "avslut")
HR = os.path.join(B, "avslut-hr")
SECRET = "Tr0ub4dor-SECRET-3"
failed = 0

# Every command as the man pages name it (sub-commands with their verb).
COMMANDS = {
    AVSLUT: ["init", "passwd", "interview", "sync", "export", "receipt",
             "status", "check", "print"],
    HR: ["keygen", "passwd", "forms add", "forms list", "interviewers add",
         "interviewers list", "interviewers revoke", "ingest", "dashboard",
         "report", "turnover import", "hme import", "units", "log", "purge",
         "audit", "releases", "demo"],
}


def report(name, ok, why=""):
    global failed
    if ok:
        print("PASS " + name)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, why))
    sys.stdout.flush()


T = tempfile.mkdtemp(prefix="avslut-e2e-options.")


def run(argv):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVSLUT_")}
    env["AVSLUT_HOME"] = os.path.join(T, "home")
    env["LC_ALL"] = "C.UTF-8"
    r = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr


def name_of(prog, cmd):
    return "%s_%s" % (os.path.basename(prog), cmd.replace(" ", "_"))



def man_synopsis(page):
    """{(command, verb): set of long options} from the SYNOPSIS of
    man/PAGE; the bare program (no .Cm) is ("", "")."""
    with open(os.path.join(SRC, "man", page), encoding="utf-8") as f:
        text = f.read()
    syn = re.search(r"(?ms)^\.Sh SYNOPSIS\n(.*?)^\.Sh ", text).group(1)
    out = {}
    for block in syn.split(".Nm\n")[1:]:
        if "Ar command" in block or "Fl -help | -version" in block:
            continue
        m = re.search(r"(?m)^\.Cm (\S+)(?: (\S+))?$", block)
        key = (m.group(1), m.group(2) or "") if m else ("", "")
        out[key] = set(re.findall(r"Fl (?:\w \| )?--?([a-z][a-z-]+)",
                                  block))
    return out


def help_usage(out, prog, cmd):
    """{verb: set of long options} of the usage lines of a --help."""
    forms, cur = {}, None
    name = os.path.basename(prog)
    for line in out.split("\n"):
        m = re.match(r"^(?:usage:)?\s*%s(?: (.*))?$" % re.escape(name),
                     line)
        if m and (line.startswith("usage:") or cur is not None):
            rest = (m.group(1) or "").split()
            if cmd and rest and rest[0] == cmd:
                rest = rest[1:]
            verb = rest[0] if rest and re.match(r"^[a-z]+$", rest[0]) \
                else ""
            cur = forms.setdefault(verb, set())
            cur |= set(re.findall(r"--([a-z][a-z-]*)", " ".join(rest)))
        elif cur is not None and line.startswith(" ") and \
                line.lstrip().startswith("["):
            cur |= set(re.findall(r"--([a-z][a-z-]*)", line))
        else:
            break
    return forms


def help_listed(out):
    """The long options the option list of a --help explains."""
    return set(re.findall(r"(?m)^ {2}(?:-\w, | {4})?--([a-z][a-z-]*)",
                          out))


def check_help_against_man():
    for prog, page in ((AVSLUT, "avslut.1"), (HR, "avslut-hr.1")):
        syn = man_synopsis(page)
        report("%s_man_synopsis_read" % os.path.basename(prog),
               len(syn) >= 9, repr(sorted(syn)))
        # the program's --help lists exactly the commands of the page
        rc, out = run([prog, "--help"])
        listed = set(re.findall(r"(?m)^  ([a-z]+) ", out.split(
            "commands:", 1)[-1]))
        want = {c for c, _ in syn if c}
        report("%s_commands_match_man" % os.path.basename(prog),
               rc == 0 and listed == want,
               "--help lists %r, man/%s has %r" % (
                   sorted(listed), page, sorted(want)))
        for (cmd, verb), want in sorted(syn.items()):
            argv = [prog] + ([cmd] if cmd else ["--lang", "en"]) + \
                ["--help"]
            rc, out = run(argv)
            label = "%s_%s%s_help_matches_man" % (
                os.path.basename(prog), cmd or "home",
                "_" + verb if verb else "")
            forms = help_usage(out, prog, cmd)
            got = forms.get(verb)
            listed = help_listed(out) - {"help", "version"}
            every = set().union(*forms.values()) if forms else set()
            report(label, rc == 0 and got == want,
                   "exit %d; usage has %r, man/%s has %r" % (
                       rc, sorted(got or []), page, sorted(want)))
            report(label + "_list", listed == every,
                   "options explained %r, in usage %r" % (
                       sorted(listed), sorted(every)))
            report(label + "_help_version",
                   {"help", "version"} <= help_listed(out),
                   "--help/--version not in the list: %r" % out[-300:])


try:
    # The attack: abbreviations of --passphrase-file, and the secret
    # after them, on every command.
    for prog, cmds in COMMANDS.items():
        for cmd in cmds:
            for spelling in (["--pass", SECRET], ["--pass=" + SECRET],
                             ["--passphrase", SECRET],
                             ["--passphrase-fil=" + SECRET]):
                rc, out = run([prog] + cmd.split() + spelling)
                report("%s_refuses_%s" % (name_of(prog, cmd),
                                          spelling[0].split("=")[0][2:]
                                          .replace("-", "_")),
                       rc == 64 and SECRET not in out,
                       "exit %d, output %r" % (rc, out[-300:]))
    # Before any command: avslut alone opens the home screen and takes
    # --passphrase-file; avslut-hr has none.
    for prog in (AVSLUT, HR):
        for spelling in (["--pass", SECRET], ["--pass=" + SECRET]):
            rc, out = run([prog] + spelling)
            report("%s_top_refuses_%s" % (os.path.basename(prog),
                                          "eq" if "=" in spelling[0]
                                          else "arg"),
                   rc == 64 and SECRET not in out,
                   "exit %d, output %r" % (rc, out[-300:]))
    # The file named by --passphrase-file is not repeated either.
    for argv in ([HR, "keygen", "--out", os.path.join(T, "k"),
                  "--passphrase-file", os.path.join(T, SECRET)],
                 [HR, "report", "--year", "2024", "--passphrase-file",
                  os.path.join(T, SECRET)],
                 [AVSLUT, "passwd", "--passphrase-file",
                  os.path.join(T, SECRET)]):
        rc, out = run(argv)
        report("%s_passfile_not_echoed" % name_of(argv[0], argv[1]),
               rc != 0 and SECRET not in out,
               "exit %d, output %r" % (rc, out[-300:]))
    # No abbreviation of any long option, secret or not.
    rc, out = run([HR, "report", "--yea", "2024"])
    report("hr_report_no_abbreviation", rc == 64 and "--yea" in out,
           "exit %d, output %r" % (rc, out[-300:]))
    rc, out = run([AVSLUT, "sync", "--no", "x"])
    report("avslut_sync_no_abbreviation", rc == 64,
           "exit %d, output %r" % (rc, out[-300:]))
    # --version and --help on every command.
    for prog, cmds in COMMANDS.items():
        want = "%s " % os.path.basename(prog)
        for cmd in cmds:
            rc, out = run([prog] + cmd.split() + ["--version"])
            report("%s_version" % name_of(prog, cmd),
                   rc == 0 and out.startswith(want),
                   "exit %d, output %r" % (rc, out[-300:]))
            rc, out = run([prog] + cmd.split() + ["--lang", "sv",
                                                  "--no-such-option"])
            report("%s_lang" % name_of(prog, cmd),
                   rc == 64 and "okänd flagga" in out,
                   "exit %d, output %r" % (rc, out[-300:]))
            rc, out = run([prog] + cmd.split() + ["--help"])
            report("%s_help" % name_of(prog, cmd),
                   rc == 0 and "usage:" in out,
                   "exit %d, output %r" % (rc, out[-300:]))
    # A command that takes no operands refuses one, naming it.
    for prog, cmd in ((AVSLUT, "status"), (AVSLUT, "sync"),
                      (AVSLUT, "passwd"), (AVSLUT, "init"),
                      (AVSLUT, "interview"), (HR, "units"), (HR, "log"),
                      (HR, "report"), (HR, "audit"), (HR, "releases"),
                      (HR, "keygen"), (HR, "passwd"), (HR, "purge"),
                      (HR, "dashboard"), (HR, "demo")):
        rc, out = run([prog, cmd, "stray-operand"])
        report("%s_refuses_operand" % name_of(prog, cmd),
               rc == 64 and "unexpected argument 'stray-operand'" in out,
               "exit %d, output %r" % (rc, out[-300:]))
    check_help_against_man()
finally:
    shutil.rmtree(T, ignore_errors=True)
sys.exit(1 if failed else 0)
