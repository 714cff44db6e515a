"""bench_store: what the store layout of issue 11 costs (make bench).

Builds a store as avslut-hr made it before schema 3 (4 KiB pages, so each
1 KiB envelope spilled into an overflow page) with N envelopes (default
100 000, BENCH_STORE_N), then: its size; the one-time conversion to
16 KiB pages with the envelopes inline (time, size after); and an ingest
of a 10-envelope bundle into it, which now ends with the VACUUM that
lays the file out in id order: median, min and max of 3, with the
VACUUM alone timed beside it. Figures are printed, not asserted."""
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

SRC = os.environ.get("AVSLUT_SRCDIR", os.getcwd())
B = os.environ.get("AVSLUT_BUILD", os.path.join(SRC, "build"))
HR = os.path.join(B, "avslut-hr")
N = int(os.environ.get("BENCH_STORE_N", "100000"))
SIZE = 1072

V1 = """
CREATE TABLE envelopes (id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
  data BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE forms (hash BLOB PRIMARY KEY NOT NULL CHECK (length(hash) = 32),
  form_id TEXT NOT NULL, version INTEGER NOT NULL CHECK (version >= 1),
  yaml TEXT NOT NULL, UNIQUE (form_id, version)) WITHOUT ROWID;
CREATE TABLE interviewers (pk BLOB PRIMARY KEY NOT NULL
  CHECK (length(pk) = 32), label TEXT NOT NULL DEFAULT '',
  revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))) WITHOUT ROWID;
CREATE TABLE units (code TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL,
  area TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
CREATE TABLE turnover (unit TEXT NOT NULL, year INTEGER NOT NULL,
  headcount REAL NOT NULL CHECK (headcount >= 0),
  leavers INTEGER NOT NULL CHECK (leavers >= 0),
  PRIMARY KEY (unit, year)) WITHOUT ROWID;
CREATE TABLE hme (unit TEXT NOT NULL, year INTEGER NOT NULL,
  hme REAL, motivation REAL, ledarskap REAL, styrning REAL,
  PRIMARY KEY (unit, year)) WITHOUT ROWID;
CREATE TABLE access_log (seq INTEGER PRIMARY KEY, time INTEGER NOT NULL,
  user TEXT NOT NULL, what TEXT NOT NULL);
PRAGMA application_id = 1096173635; PRAGMA user_version = 1;
"""


def mb(p):
    return os.path.getsize(p) / 1048576.0


def helper(tmp):
    out = os.path.join(tmp, "mkbundle")
    pk = subprocess.run(["pkg-config", "--cflags", "--libs", "libsodium",
                         "sqlite3", "yaml-0.1"], capture_output=True,
                        text=True, check=True).stdout.split()
    subprocess.run(["cc", "-std=c11", "-I" + os.path.join(SRC, "src"), "-o",
                    out, os.path.join(SRC, "tests/e2e/mkbundle.c"),
                    os.path.join(B, "libavslut.a")] + pk +
                   ["-lm", "-lpthread"], check=True)
    return out


def main():
    tmp = tempfile.mkdtemp(prefix="avslut-bench-store.")
    try:
        os.environ["AVSLUT_HOME"] = os.path.join(tmp, "home")
        mk = helper(tmp)
        db = os.path.join(tmp, "central.db")
        c = sqlite3.connect(db)
        c.execute("PRAGMA page_size = 4096")
        c.execute("PRAGMA journal_mode = WAL")
        c.executescript(V1)
        for k in range(0, N, 1000):     # 1000-envelope ingests
            c.executemany("INSERT INTO envelopes VALUES (?, ?)",
                          [(os.urandom(16), os.urandom(SIZE))
                           for _ in range(min(1000, N - k))])
            c.commit()
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        c.close()
        before = mb(db)
        print("store of %d envelopes of %d bytes, schema 1, 4 KiB pages: "
              "%.1f MiB" % (N, SIZE, before))
        with open(os.path.join(tmp, "a.pub"), "wb") as f:
            f.write(subprocess.run([mk, "pub", "a"], capture_output=True,
                                   check=True).stdout)
        t = time.monotonic()
        r = subprocess.run([HR, "interviewers", "add", "--db", db,
                            os.path.join(tmp, "a.pub")],
                           capture_output=True)
        conv = time.monotonic() - t
        if r.returncode != 0:
            print("conversion failed: %s" % r.stderr.decode())
            return 1
        c = sqlite3.connect(db)
        ps = c.execute("PRAGMA page_size").fetchone()[0]
        c.close()
        after = mb(db)
        print("converted to schema 3, %d-byte pages, envelopes inline: "
              "%.1f MiB (%.2fx smaller) in %.2f s"
              % (ps, after, before / after, conv))
        times = []
        for k in range(3):
            bf = os.path.join(tmp, "b%d.bundle" % k)
            with open(bf, "wb") as f:
                f.write(subprocess.run([mk, "random", "a", "10", str(SIZE)],
                                       capture_output=True,
                                       check=True).stdout)
            t = time.monotonic()
            r = subprocess.run([HR, "ingest", "--db", db, bf],
                               capture_output=True)
            times.append(time.monotonic() - t)
            if r.returncode != 0:
                print("ingest failed: %s" % r.stderr.decode())
                return 1
        print("ingest of 10 into %d, with the VACUUM: median %.2f s "
              "(min %.2f, max %.2f)" % (N, statistics.median(times),
                                        min(times), max(times)))
        vt = []
        for k in range(3):
            c = sqlite3.connect(db)
            t = time.monotonic()
            c.execute("VACUUM")
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            vt.append(time.monotonic() - t)
            c.close()
        print("VACUUM + checkpoint alone: median %.2f s (min %.2f, max %.2f)"
              % (statistics.median(vt), min(vt), max(vt)))
        print("load average: %s" % " ".join(open("/proc/loadavg").read()
                                              .split()[:3]))
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


sys.exit(main())
