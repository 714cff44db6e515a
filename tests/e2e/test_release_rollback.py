#!/usr/bin/python3
# tests/e2e/test_release_rollback.py: the red team's rollback of frozen
# releases (tests/attacks/restore_backup.py, found 2026-12-03) turned into
# checks through the real binaries. Releases live in central.db; a store
# restored from a copy made before a closed year's first view, or a
# releases row deleted with sqlite3, used to be released again from what
# the store then held: the old and new "Release 1" differed by single
# leavers. Now the ledger of releases this account has seen (in its
# configuration directory) makes every view of such a store refuse (65,
# naming the release), and a purge keeps ledger and store in step.
import os
import shutil
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_attack_releases as T  # noqa: E402
import term  # noqa: E402

LATE = "1 A1 {L} reasons=hours lead=1 harass=yes\n"


def refused(st, name):
    for fmt in ("csv", "md", "html"):
        rc, out, err = st.rep(fmt)
        term.report("%s_%s_refused" % (name, fmt),
                    rc == 65 and "lacks release 1 of" in err and
                    out.strip() == "",
                    "exit %d, %r, %d bytes out" % (rc, err[-200:], len(out)))


def main():
    # 1. the data directory restored from last night's copy, one late
    # interview after it: the next view must not make a new release 1
    st = T.Store("rb1")
    st.fill(T.BASE)
    dd = os.path.dirname(st.db)
    shutil.copytree(dd, os.path.join(st.d, "backup"))
    st.publish("release1")
    shutil.rmtree(dd)
    shutil.copytree(os.path.join(st.d, "backup"), dd)
    st.fill(LATE)
    refused(st, "restored")

    # 2. the releases row deleted by someone who can write central.db
    st = T.Store("rb2", T.FORM_NOTEXT)
    st.fill(T.BASE)
    st.publish("release1")
    st.fill(LATE)
    c = sqlite3.connect(st.db)
    c.execute("DELETE FROM releases")
    c.commit()
    c.close()
    refused(st, "deleted")

    # 3. a purge of the year deletes its release from the store and from
    # the ledger alike: the store is not taken for a rolled-back one
    st = T.Store("rb3", T.FORM_NOTEXT)
    st.fill(T.BASE)
    st.fill("1 A1 %d reasons=hours lead=3 harass=no\n" % (T.L + 1))
    st.publish("release1")
    r = st.hr("purge", "--before", str(T.L + 1), "--yes",
              "--passphrase-file", st.pf)
    term.report("purge_ok", r.returncode == 0, r.stderr.decode()[-300:])
    # the running year's interview keeps the store open to every view
    r = st.hr("releases", "--passphrase-file", st.pf)
    err = r.stderr.decode()
    term.report("purged_not_rollback", r.returncode == 0 and
                "lacks release" not in err,
                "exit %d: %s" % (r.returncode, err[-200:]))
    return 1 if term.failures else 0


if __name__ == "__main__":
    sys.exit(main())
