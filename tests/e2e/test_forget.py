#!/usr/bin/python3
# tests/e2e/test_forget.py: the laptop forgets a sealed interview, even
# with the passphrase. The data directory lives on a small loop-mounted
# ext4 image; real interviews run through the pty: one with a canary in
# its free text, edited several times and sealed; one saved and then
# deleted from the home screen; one left as a draft (the control). After
# unmounting, tests/tools/avslut-testcrack (libsodium and the documented
# formats only, none of avslut's code) scans the raw image for every
# profile, wrapped draft key and draft row and tries each with the
# passphrase: the control must come back, nothing of the others may. A
# fourth interview is sealed with avslut killed -9 right after the commit
# (AVSLUT_CRASH): its key is gone once the next avslut has started.
# Needs root (mount); otherwise it prints why it is skipped.
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_interview as ti  # noqa: E402  (the pty + pyte harness)

report = ti.report
KEY = ti.KEY
BUILD = ti.BUILD
CRACK = os.path.join(BUILD, "tools", "avslut-testcrack")

FORM = """id: glom
version: 1
languages: [sv]
title: {sv: "Glömska"}
intro: {sv: "Ett kort formulär för testet av glömskan."}
sections:
  - id: s
    title: {sv: "Fritext"}
    questions:
      - id: fritext
        type: text
        label: {sv: "Vad borde förändras?"}
        max_length: 400
      - id: klar
        type: yesno
        label: {sv: "Klart?"}
"""

TAG = "%08x" % random.getrandbits(32)
CANARY_S = "Sigill" + TAG + "Ö"     # sealed
CANARY_D = "Radera" + TAG + "Å"     # deleted from the home screen
CANARY_L = "Kvar" + TAG + "Ä"       # left as a draft: the control
CANARY_K = "Dödad" + TAG + "Ö"      # sealed, killed -9 right after


def skip(why):
    print("SKIP test_forget: %s" % why)
    sys.stdout.flush()
    return 0


def run(*cmd, **kw):
    return subprocess.run(list(cmd), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, **kw)


def draft_ids(datadir):
    db = sqlite3.connect("file:%s?mode=ro" %
                         os.path.join(datadir, "outbox.db"), uri=True)
    try:
        ids = {r[0].hex() for r in
               db.execute("SELECT id FROM drafts").fetchall()}
    finally:
        db.close()
    return ids


def interview(env, crash=None):
    if crash:
        env = dict(env, AVSLUT_CRASH=crash)
    t = ti.Term(env, ["--lang", "sv", "interview", "--unit", "VC-ALBY",
                      "--form", "glom"])
    t.wait_for("Lösenfras:")
    t.child.send(ti.PASS + "\r")
    t.wait_for("Ett kort formulär")
    t.send(KEY["enter"])
    t.wait_for("Vad borde förändras?")
    return t


def type_text(t, s):
    for ch in s:
        t.child.send(ch)
    t.settle()


def stop(t, sig=signal.SIGTERM):
    t.child.kill(sig)
    t.child.expect(pexpect.EOF, timeout=10)
    t.child.close()


def main():
    if os.geteuid() != 0:
        return skip("needs root to loop-mount an ext4 image")
    for tool in ("mkfs.ext4", "mount", "umount"):
        if run("sh", "-c", "command -v " + tool).returncode != 0:
            return skip("%s is not installed" % tool)
    d = tempfile.mkdtemp(prefix="avslut-forget-")
    img = os.path.join(d, "disk.img")
    mnt = os.path.join(d, "mnt")
    os.makedirs(mnt)
    with open(img, "wb") as f:
        f.truncate(16 << 20)
    r = run("mkfs.ext4", "-q", "-F", img)
    if r.returncode != 0:
        subprocess.run(["rm", "-rf", d])
        return skip("mkfs.ext4 failed: %s" % r.stdout.decode().strip())
    r = run("mount", "-o", "loop", img, mnt)
    if r.returncode != 0:
        subprocess.run(["rm", "-rf", d])
        return skip("cannot loop-mount (%s)" % r.stdout.decode().strip())
    mounted = True
    try:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.path.join(mnt, "home"),
            "TMPDIR": os.path.join(mnt, "tmp"),
            "AVSLUT_HOME": os.path.join(mnt, "avslut"),
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
            "NCURSES_NO_UTF8_ACS": "1",
        }
        for k in ("HOME", "TMPDIR"):
            os.makedirs(env[k], mode=0o700)
        pf = os.path.join(d, "pass")
        with open(pf, "w") as f:
            f.write(ti.PASS + "\n")
        for cmd in ([ti.AVSLUT_HR, "keygen", "--out",
                     os.path.join(d, "hr"), "--passphrase-file", pf,
                     "--kdf", "test"],
                    [ti.AVSLUT, "init", "--hr-key",
                     os.path.join(d, "hr", "hr.pub"),
                     "--passphrase-file", pf, "--kdf", "test"]):
            subprocess.run(cmd, env=env, check=True,
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        src = os.environ.get("AVSLUT_SRCDIR", os.getcwd())
        cdir = os.path.join(env["AVSLUT_HOME"], "config", "avslut")
        os.makedirs(cdir, mode=0o700)
        with open(os.path.join(src, "config", "avslut.yaml")) as f:
            cfg = f.read()
        cfg = cfg.replace("# forms:\n#   - forms/akuten-tillagg.yaml",
                          "forms:\n  - glom.yaml")
        with open(os.path.join(cdir, "avslut.yaml"), "w") as f:
            f.write(cfg)
        with open(os.path.join(cdir, "glom.yaml"), "w") as f:
            f.write(FORM)
        datadir = os.path.join(env["AVSLUT_HOME"], "data", "avslut")

        # --- sealed: the canary typed, edited four times, then sealed --
        t = interview(env)
        type_text(t, "Mer personal, " + CANARY_S + " sa det")
        t.send(KEY["tab"])
        sealed = draft_ids(datadir)
        for edit in (" och fler", " händer", " på golvet"):
            t.send(KEY["btab"])
            t.send(KEY["bs"] * 2)
            type_text(t, edit)
            t.send(KEY["tab"])
        t.send("j")
        t.send(KEY["tab"])
        t.wait_for("Granska svaren")
        report("sealed_review", CANARY_S in t.text(), t.text())
        t.send(KEY["f5"])
        t.send("j")
        report("sealed", t.wait_for("Förseglad"), t.text())
        t.send(KEY["enter"])
        t.send("q")
        t.child.expect(pexpect.EOF, timeout=10)
        t.child.close()

        # --- deleted: saved once, then deleted on the home screen ------
        t = interview(env)
        type_text(t, "Det här tas bort: " + CANARY_D)
        t.send(KEY["tab"])
        deleted = draft_ids(datadir)
        stop(t)
        t = ti.start(env)
        t.send("\x1b[3~")                   # Del
        t.send("j")
        report("deleted", t.wait_for("Utkastet är borttaget") and
               not draft_ids(datadir), t.text())
        t.send("q")
        t.child.expect(pexpect.EOF, timeout=10)
        t.child.close()

        # --- sealed, and killed -9 right after the commit: the draft's
        # key is still in its slot until the next start overwrites it --
        t = interview(env, crash="outbox-submit-after-commit")
        type_text(t, "Sparat men dödat: " + CANARY_K)
        t.send(KEY["tab"])
        killed = draft_ids(datadir)
        t.send("j")
        t.send(KEY["tab"])
        t.wait_for("Granska svaren")
        t.send(KEY["f5"])
        t.child.send("j")
        t.child.expect(pexpect.EOF, timeout=20)
        t.child.close()
        report("killed_after_commit", t.child.signalstatus == signal.SIGKILL,
               str(t.child.status))
        # Before the next start the key is still there: the files, put
        # end to end, give it to the attacker.
        pre = os.path.join(d, "pre.img")
        with open(pre, "wb") as out:
            for fn in ("profile", "outbox.db", "outbox.db-wal", "draftkeys"):
                try:
                    with open(os.path.join(datadir, fn), "rb") as f:
                        out.write(f.read())
                except FileNotFoundError:
                    pass
        r = run(CRACK, pre, pf)
        k_id = next(iter(killed))
        report("killed_key_there_until_next_start",
               ("key " + k_id + " ") in r.stdout.decode(),
               r.stdout.decode()[-300:])
        r = run(ti.AVSLUT, "status", env=env)
        out = r.stdout.decode()
        report("killed_seal_kept_and_hidden",
               "sealed interviews waiting: 2" in out and
               "unfinished drafts:         0" in out, out)

        # --- the control: a draft that stays -----------------------------
        t = interview(env)
        type_text(t, "Det här ligger kvar: " + CANARY_L)
        t.send(KEY["tab"])
        live = draft_ids(datadir)
        stop(t)
        report("ids_known", len(sealed) == 1 and len(deleted) == 1 and
               len(killed) == 1 and len(live) == 1 and
               len(sealed | deleted | killed | live) == 4,
               "%r %r %r %r" % (sealed, deleted, killed, live))

        subprocess.run(["sync"])
        r = run("umount", mnt)
        mounted = r.returncode != 0
        report("unmounted", not mounted, r.stdout.decode())

        # --- the attack ----------------------------------------------------
        with open(img, "rb") as f:
            raw = f.read()
        found = []
        for c in (CANARY_S, CANARY_D, CANARY_K, CANARY_L):
            for enc in ("utf-8", "utf-16-le", "utf-32-le", "utf-32-be"):
                if c.encode(enc) in raw:
                    found.append("%s (%s)" % (c, enc))
        report("no_plaintext_on_disk", not found, "; ".join(found))

        r = run(CRACK, img, pf)
        out = r.stdout.decode(errors="replace").splitlines()
        report("crack_ran", r.returncode == 0 and out and
               out[-1].startswith("done "), "\n".join(out[-5:]))
        profiles = [l for l in out if l.startswith("profile ")]
        keys = {}
        rows = {}
        plains = []
        for l in out:
            w = l.split()
            if w[0] == "key":
                keys[w[1]] = keys.get(w[1], 0) + 1
            elif w[0] == "row":
                rows[w[1]] = rows.get(w[1], 0) + 1
            elif w[0] == "plain":
                plains.append((w[1], bytes.fromhex(w[3] if len(w) > 3 else "")))
        report("profile_opens", len(profiles) >= 1, "\n".join(out[-5:]))
        got_l = [p for i, p in plains if CANARY_L.encode() in p]
        report("control_draft_recovered", live <= set(keys) and got_l,
               "keys %r, %d plaintexts" % (keys, len(plains)))
        s_id = next(iter(sealed))
        d_id = next(iter(deleted))
        print("info: draft rows on the raw disk: sealed %d, deleted %d, "
              "killed %d, control %d; wrapped keys that open: %r" %
              (rows.get(s_id, 0), rows.get(d_id, 0),
               rows.get(next(iter(killed)), 0),
               rows.get(next(iter(live)), 0), keys))
        report("sealed_rows_on_disk_are_ciphertext_only",
               rows.get(s_id, 0) >= 1 and s_id not in keys,
               "rows %d, keys that open %d" %
               (rows.get(s_id, 0), keys.get(s_id, 0)))
        report("sealed_key_gone", s_id not in keys,
               "%d wrapped keys of the sealed draft open" %
               keys.get(s_id, 0))
        report("deleted_key_gone", d_id not in keys,
               "%d wrapped keys of the deleted draft open" %
               keys.get(d_id, 0))
        report("killed_key_gone_after_next_start", k_id not in keys,
               "%d wrapped keys of the draft sealed and killed open" %
               keys.get(k_id, 0))
        leak = [i for i, p in plains if CANARY_S.encode() in p or
                CANARY_D.encode() in p or CANARY_K.encode() in p or
                i in (s_id, d_id, k_id)]
        report("nothing_sealed_or_deleted_decrypts", not leak,
               "%d versions decrypted" % len(leak))
    finally:
        if mounted:
            subprocess.run(["umount", mnt])
        subprocess.run(["rm", "-rf", d])
    return 1 if ti.failures else 0


if __name__ == "__main__":
    sys.exit(main())
