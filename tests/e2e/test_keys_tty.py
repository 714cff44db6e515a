"""test_keys_tty: the key commands on a real terminal (pexpect pty):
passphrases asked twice with echo off and never shown, the fingerprint
confirmation of avslut init, wrong passphrases on the terminal."""
import os
import shutil
import sys
import tempfile

import pexpect

B = os.environ.get("AVSLUT_BUILD", os.path.join(os.getcwd(), "build"))
HR = os.path.join(B, "avslut-hr")
AV = os.path.join(B, "avslut")
failed = 0


def check(name, cond, why=""):
    global failed
    if cond:
        print("PASS " + name)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, why))


def spawn(home, *args):
    env = dict(os.environ)
    env.pop("AVSLUT_PASSPHRASE_FILE", None)
    env["AVSLUT_HOME"] = home
    return pexpect.spawn(args[0], list(args[1:]), env=env, timeout=30,
                         encoding="utf-8")


def finish(p):
    p.expect(pexpect.EOF)
    p.close()
    return p.exitstatus, p.before


SECRET = "tyst-hemlig-fras"
top = tempfile.mkdtemp(prefix="avslut-e2e-tty.")
try:
    home = os.path.join(top, "home")
    hrd = os.path.join(home, "data", "avslut-hr")
    avd = os.path.join(home, "data", "avslut")

    # keygen: two prompts, mismatch refused, nothing written.
    # Ctrl-C at the prompt cancels with the terminal restored (echo on),
    # and Backspace edits: the shell after it sees echo in stty.
    p = spawn(home, "/bin/sh", "-c", '"$0" keygen --kdf test; echo rc=$?; '
              'stty -a | grep -o " -*echo " | head -1', HR)
    p.expect("New passphrase for the HR key: ")
    p.send("abc\x03")
    rc, out = finish(p)
    check("tty_keygen_ctrl_c_restores_echo", "cancelled" in out and
          "rc=66" in out and " echo " in out and " -echo " not in out and
          not os.path.exists(os.path.join(hrd, "hr.key")),
          "rc=%r out=%r" % (rc, out))

    # A mismatch asks again; a short passphrase is refused before
    # "Repeat:" and asked for again; Ctrl-C then leaves nothing written.
    p = spawn(home, HR, "keygen", "--kdf", "test")
    p.expect("New passphrase for the HR key: ")
    p.sendline(SECRET)
    p.expect("Repeat: ")
    p.sendline(SECRET + "x")
    i = p.expect(["differ: type it again", pexpect.EOF])
    check("tty_keygen_mismatch_asks_again", i == 0, p.before)
    p.expect("New passphrase for the HR key: ")
    p.sendline("abc")
    i = p.expect(["too short", "Repeat: ", pexpect.EOF])
    check("tty_keygen_short_before_repeat", i == 0, p.before)
    i = p.expect(["New passphrase for the HR key: ", "Repeat: ",
                  pexpect.EOF])
    check("tty_keygen_short_asks_again", i == 0, p.before)
    p.send("\x03")
    rc, out = finish(p)
    check("tty_keygen_mismatch", rc == 66 and
          not os.path.exists(os.path.join(hrd, "hr.key")),
          "rc=%r out=%r" % (rc, out))

    p = spawn(home, HR, "keygen", "--kdf", "test")
    p.expect("New passphrase for the HR key: ")
    p.sendline(SECRET)
    p.expect("Repeat: ")
    p.sendline(SECRET)
    rc, out = finish(p)
    whole = p.before if isinstance(p.before, str) else ""
    check("tty_keygen", rc == 0 and "fingerprint" in out,
          "rc=%r out=%r" % (rc, out))
    check("tty_keygen_no_echo", SECRET not in out + whole,
          "passphrase echoed: %r" % out)
    fpr = [line.split("fingerprint", 1)[1].strip()
           for line in out.splitlines() if "fingerprint" in line]
    fpr = fpr[0] if fpr else "?"

    # init: the fingerprint is shown and must be confirmed.
    pub = os.path.join(hrd, "hr.pub")
    p = spawn(home, AV, "init", "--hr-key", pub, "--kdf", "test")
    p.expect(r"\[y/N\] ")
    shown = p.before
    p.sendline("n")
    rc, out = finish(p)
    check("tty_init_shows_fingerprint", fpr in shown,
          "want %r in %r" % (fpr, shown))
    check("tty_init_declined", rc == 65 and
          not os.path.exists(os.path.join(avd, "profile")),
          "rc=%r out=%r" % (rc, out))

    p = spawn(home, AV, "init", "--hr-key", pub, "--kdf", "test")
    p.expect(r"\[y/N\] ")
    p.sendline("y")
    p.expect("New passphrase for your profile: ")
    p.sendline(SECRET)
    p.expect("Repeat: ")
    p.sendline(SECRET)
    rc, out = finish(p)
    check("tty_init", rc == 0 and os.path.exists(
          os.path.join(avd, "profile")) and SECRET not in out,
          "rc=%r out=%r" % (rc, out))

    # passwd: a wrong current passphrase on the terminal is 77.
    with open(os.path.join(avd, "profile"), "rb") as f:
        before = f.read()
    p = spawn(home, AV, "passwd")
    p.expect("Current passphrase: ")
    p.sendline("not it")
    rc, out = finish(p)
    with open(os.path.join(avd, "profile"), "rb") as f:
        after = f.read()
    check("tty_passwd_wrong_77", rc == 77 and "wrong passphrase" in out and
          "New passphrase" not in out and before == after,
          "rc=%r out=%r" % (rc, out))

    p = spawn(home, HR, "passwd")
    p.expect("Current passphrase for the HR key: ")
    p.sendline(SECRET)
    p.expect("New passphrase: ")
    p.sendline("brand new phrase")
    p.expect("Repeat: ")
    p.sendline("brand new phrase")
    rc, out = finish(p)
    check("tty_hr_passwd", rc == 0 and "changed" in out and
          "brand new phrase" not in out, "rc=%r out=%r" % (rc, out))
finally:
    shutil.rmtree(top, ignore_errors=True)
sys.exit(1 if failed else 0)
