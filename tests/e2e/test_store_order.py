"""test_store_order: central.db keeps no order of arrival (issue 11).

Written as the attacker would, independent of avslut-hr's code: ingest 20
bundles one after another through the real binary, then read the raw file
as whoever can read central.db or a backup of it: find each envelope's
bytes in the file, and try to tell the order of arrival, or where one
bundle ends and the next begins, from where they lie. Also: each envelope
lies inline, in the page that holds its id (no overflow chain)."""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

SRC = os.environ.get("AVSLUT_SRCDIR", os.getcwd())
B = os.environ.get("AVSLUT_BUILD", os.path.join(SRC, "build"))
HR = os.path.join(B, "avslut-hr")
BUNDLES = 20
PER = 10
SIZE = 1072          # one 1 KiB pad block sealed: the common envelope

failed = 0


def check(name, cond, why=""):
    global failed
    if cond:
        print("PASS " + name)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, why))


def ranks(xs):
    """Average ranks (1-based), ties shared."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2.0 + 1
        i = j + 1
    return r


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    va = sum((x - ma) ** 2 for x in ra)
    vb = sum((y - mb) ** 2 for y in rb)
    return cov / (va * vb) ** 0.5


def build_helper(tmp):
    out = os.path.join(tmp, "mkbundle")
    pk = subprocess.run(["pkg-config", "--cflags", "--libs", "libsodium",
                         "sqlite3", "yaml-0.1"], capture_output=True,
                        text=True, check=True).stdout.split()
    subprocess.run(["cc", "-std=c11", "-I" + os.path.join(SRC, "src"), "-o",
                    out, os.path.join(SRC, "tests/e2e/mkbundle.c"),
                    os.path.join(B, "libavslut.a")] + pk + ["-lm",
                                                           "-lpthread"],
                   check=True)
    return out


def hr(*args):
    r = subprocess.run([HR] + list(args), capture_output=True, timeout=120)
    r.stderr = r.stderr.decode("utf-8", "replace")
    return r


def ids_in(db):
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return {bytes(r[0]): bytes(r[1]) for r in
                c.execute("SELECT id, data FROM envelopes")}
    finally:
        c.close()


def main():
    tmp = tempfile.mkdtemp(prefix="avslut-e2e-order.")
    try:
        os.environ["AVSLUT_HOME"] = os.path.join(tmp, "home")
        mk = build_helper(tmp)
        db = os.path.join(tmp, "central.db")
        with open(os.path.join(tmp, "a.pub"), "wb") as f:
            f.write(subprocess.run([mk, "pub", "a"], capture_output=True,
                                   check=True).stdout)
        r = hr("interviewers", "add", "--db", db,
               os.path.join(tmp, "a.pub"))
        check("order_setup", r.returncode == 0, r.stderr)
        arrival = {}          # id -> bundle number
        seen = set()
        for k in range(BUNDLES):
            bf = os.path.join(tmp, "b%d.bundle" % k)
            with open(bf, "wb") as f:
                f.write(subprocess.run([mk, "random", "a", str(PER),
                                        str(SIZE)], capture_output=True,
                                       check=True).stdout)
            r = hr("ingest", "--db", db, bf)
            if r.returncode != 0:
                check("order_ingest", False, r.stderr)
                return
            now = set(ids_in(db))
            for i in now - seen:
                arrival[i] = k
            seen = now
        check("order_ingested", len(arrival) == BUNDLES * PER,
              "%d envelopes" % len(arrival))
        envs = ids_in(db)
        # What an attacker reads: the file (and a WAL if one is left).
        for extra in ("-wal", "-journal"):
            p = db + extra
            check("order_no" + extra.replace("-", "_"),
                  not os.path.exists(p) or os.path.getsize(p) == 0,
                  "%s holds %d bytes" % (p, os.path.getsize(p)
                                         if os.path.exists(p) else 0))
        raw = open(db, "rb").read()
        psize = int.from_bytes(raw[16:18], "big")
        psize = 65536 if psize == 1 else psize
        pos, inline = {}, 0
        for i, data in envs.items():
            tail = raw.find(data[-32:])
            # the cell: the id, then the envelope (the id alone is also
            # in the index of ids, schema 6)
            head = raw.find(i + data[:16])
            if tail < 0 or head < 0:
                check("order_found", False, "envelope bytes not in file")
                return
            pos[i] = tail
            inline += (tail // psize) == (head // psize)
        check("order_inline", inline == len(envs),
              "%d of %d envelopes in the page of their id (page size %d)"
              % (inline, len(envs), psize))
        ids = sorted(envs)
        rho = spearman([arrival[i] for i in ids], [pos[i] for i in ids])
        # 200 envelopes: rho's spread is about 0.07 when there is no order.
        check("order_rank_correlation", abs(rho) < 0.25,
              "Spearman rho between arrival and position %.3f" % rho)
        by_pos = sorted(ids, key=lambda i: pos[i])
        same = sum(arrival[a] == arrival[b]
                   for a, b in zip(by_pos, by_pos[1:]))
        frac = same / (len(by_pos) - 1)
        # No order: about (PER - 1) / (N - 1) = 0.045 of neighbours come
        # from the same bundle; contiguous bundles give 0.95.
        check("order_no_batch_boundary", frac < 0.15,
              "%.3f of neighbours in the file came in the same bundle"
              % frac)
        # Within a page, the cells' offsets must not give the order
        # either: neighbours on one page from consecutive bundles.
        step = sum(arrival[b] - arrival[a] == 1
                   for a, b in zip(by_pos, by_pos[1:]))
        check("order_no_sequence", step / (len(by_pos) - 1) < 0.2,
              "%.3f of neighbours arrived one bundle apart" %
              (step / (len(by_pos) - 1)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
sys.exit(1 if failed else 0)
