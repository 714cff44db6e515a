#!/usr/bin/env python3
"""test_options: the option rules every command of both programs shares.

The attack first: a secret typed after an abbreviated option
(`avslut-hr report --pass SECRET`) used to be taken as
--passphrase-file's argument and echoed in the error. Long options are
now matched exactly (no abbreviations), an unknown option is named
without its value, and no message repeats the argument of
--passphrase-file. Then --version, --help and --lang on every command. Written
against the programs' documented behaviour only, not their code. Prints
"PASS name" / "FAIL name: why"."""
import os
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
finally:
    shutil.rmtree(T, ignore_errors=True)
sys.exit(1 if failed else 0)
