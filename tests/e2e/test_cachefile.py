#!/usr/bin/env python3
"""test_cachefile: an independent reader opens central.db-cache from
avslut-cache(5) alone. A store is made with the real programs (keygen,
forms add, avslut-testfill and avslut-testcentral sealing and storing
interviews as ingest would, some unreadable, some of a form not approved,
one of a unit the configuration does not name); `avslut-hr report` makes
the cache. This test then opens hr.key by avslut-keys(5) and the cache by
avslut-cache(5) with its own code (hashlib, sqlite3 and libsodium through
ctypes, nothing of avslut's): the file key, the forms digest, the header
as additional data, the trailer, every record and answer. It checks what
it decoded against what the programs said and stored (the counts on
standard error, the notes, the interviews per unit and year in the CSV,
the answers given to avslut-testfill, the store's envelope ids in sorted
order), then that an ingest since is added in id order and a damaged file
is replaced. A layout or derivation that the page gets wrong fails here.
Prints "PASS name" / "FAIL name: why"."""
import collections
import ctypes
import ctypes.util
import hashlib
import os
import re
import shutil
import sqlite3
import stat
import struct
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from term import report  # noqa: E402  "PASS name" / "FAIL name: why"
import term  # noqa: E402

SRC = os.environ.get("AVSLUT_SRCDIR", os.getcwd())
B = os.environ.get("AVSLUT_BUILD", os.path.join(SRC, "build"))
HR = os.path.join(B, "avslut-hr")
FILL = os.path.join(B, "tools", "avslut-testfill")
TC = os.path.join(B, "tools", "avslut-testcentral")
FORM = os.path.join(SRC, "tests", "e2e", "data", "cachefile.yaml")
PASS = b"correct horse"

# avslut-testfill's spec: N UNIT YEAR answers. VC-NOWHERE is not in the
# shipped configuration. SH-AKUT 2024 is the one known interview.
SPEC = """\
5 VC-ALBY 2024 reasons=pay,hours main=pay support=4 enps=9 offered=no by=! overtime=12 change=Fler%20sjuksk%C3%B6terskor
6 VC-ABACKA 2024 reasons=lead,other:Pendling main=other:Resv%C3%A4gen support=2 enps=- offered=yes by=hr overtime=-7
5 VC-ALBY 2023 reasons=other main=other support=1 enps=0 offered=yes by=manager overtime=0 change=-
1 SH-AKUT 2024 reasons=pay,lead,hours,other:Allt%20p%C3%A5%20en%20g%C3%A5ng main=lead support=5 enps=10 offered=yes by=manager overtime=-100 change=%22Citat%22%3B%20%C3%A5%C3%A4%C3%B6%20%E2%80%94%20slut
1 VC-NOWHERE 2024 support=3 offered=no by=!
"""
# What each line's record must decode to, question by question in form
# order: (state,) or (3, value) or, for single and multi,
# (3, other, value, choices, text); text: (3, text). None: no text.
SK, DE, NS, AN = 1, 2, 0, 3
EXPECT = {
    ("VC-ALBY", 2024): [(AN, 0, 0, 0b101, None), (AN, 0, 0, 0, None),
                        (AN, 4), (AN, 9), (AN, 0), (NS,), (AN, 12),
                        (AN, "Fler sjuksköterskor")],
    ("VC-ABACKA", 2024): [(AN, 1, 0, 0b010, "Pendling"),
                          (AN, 1, 0, 0, "Resvägen"), (AN, 2), (DE,),
                          (AN, 1), (AN, 0, 1, 0, None), (AN, -7), (SK,)],
    ("VC-ALBY", 2023): [(AN, 1, 0, 0, None), (AN, 1, 0, 0, None), (AN, 1),
                        (AN, 0), (AN, 1), (AN, 0, 0, 0, None), (AN, 0),
                        (DE,)],
    ("SH-AKUT", 2024): [(AN, 1, 0, 0b111, "Allt på en gång"),
                        (AN, 0, 1, 0, None), (AN, 5), (AN, 10), (AN, 1),
                        (AN, 0, 0, 0, None), (AN, -100),
                        (AN, "\"Citat\"; åäö — slut")],
    ("VC-NOWHERE", 2024): [(SK,), (SK,), (AN, 3), (SK,), (AN, 0), (NS,),
                           (SK,), (SK,)],
}


so = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
assert so.sodium_init() >= 0


def b2(data, n, key=b""):
    return hashlib.blake2b(data, digest_size=n, key=key).digest()


def open_hr_key(buf, passphrase):
    """hr.key by avslut-keys(5): the 32-byte X25519 secret key."""
    if len(buf) != 200 or buf[:8] != b"avslutHK":
        raise ValueError("not an hr.key")
    ops, = struct.unpack(">I", buf[20:24])
    mem, = struct.unpack(">Q", buf[24:32])
    master = ctypes.create_string_buffer(32)
    if so.crypto_pwhash(master, ctypes.c_ulonglong(32), passphrase,
                        ctypes.c_ulonglong(len(passphrase)), buf[32:48],
                        ctypes.c_ulonglong(ops), ctypes.c_size_t(mem),
                        ctypes.c_int(so.crypto_pwhash_alg_argon2id13())) != 0:
        raise ValueError("crypto_pwhash")
    boxkey = ctypes.create_string_buffer(32)
    so.crypto_kdf_derive_from_key(boxkey, ctypes.c_size_t(32),
                                  ctypes.c_uint64(1), b"avslutHK", master)
    sec = ctypes.create_string_buffer(32)
    box = buf[104:152]
    if so.crypto_secretbox_open_easy(sec, box, ctypes.c_ulonglong(len(box)),
                                     buf[80:104], boxkey) != 0:
        raise ValueError("hr.key does not open")
    return sec.raw


class Reader:
    """Big-endian fields from bytes, failing loudly past the end."""

    def __init__(self, data):
        self.d = data
        self.o = 0

    def take(self, n):
        if n < 0 or self.o + n > len(self.d):
            raise ValueError("%d bytes at %d, %d left" %
                             (n, self.o, len(self.d) - self.o))
        v = self.d[self.o:self.o + n]
        self.o += n
        return v

    def u(self, n):
        return int.from_bytes(self.take(n), "big")

    def s32(self):
        return struct.unpack(">i", self.take(4))[0]

    def text(self):
        n = self.u(4)
        if n == 0xffffffff:
            return None
        t = self.take(n + 1)
        if t[-1:] != b"\0":
            raise ValueError("text not NUL-terminated at %d" % self.o)
        return t[:-1].decode("utf-8")


CONTEXT = b"avslut-hr record cache v1\0"


def record_key(rec):
    """The records' order in the file: the unit's bytes, the year, the
    envelope id."""
    rid, unit, year = rec[0], rec[1], rec[2]
    return (unit.encode("utf-8"), year, rid)


def read_cache(buf, sk, forms_by_hash):
    """central.db-cache by avslut-cache(5). forms_by_hash: hash -> list of
    question types in form order. Returns a dict of what it holds."""
    out = {}
    if buf[0:8] != b"AVSLUTC\n":
        raise ValueError("magic %r" % buf[0:8])
    version, = struct.unpack(">I", buf[8:12])
    if version != 6:
        raise ValueError("version %d" % version)
    out["digest"] = buf[12:44]
    out["hasset"] = buf[44]
    out["setdigest"] = buf[45:77]
    nonce = buf[77:101]
    out["nonce"] = nonce
    plen, chunk = struct.unpack(">QI", buf[101:113])
    nchunks = (plen + chunk - 1) // chunk
    if len(buf) != 113 + plen + 16 * nchunks:
        raise ValueError("%d bytes, not 113 + %d + 16 * %d" %
                         (len(buf), plen, nchunks))
    out["nchunks"] = nchunks
    key = b2(CONTEXT, 32, key=sk)
    parts = []
    for i in range(nchunks):
        c = buf[113 + i * chunk:113 + min(plen, (i + 1) * chunk)]
        tag = buf[113 + plen + 16 * i:113 + plen + 16 * (i + 1)]
        n = nonce[:16] + bytes(a ^ b for a, b in
                               zip(nonce[16:], struct.pack(">Q", i)))
        m = ctypes.create_string_buffer(max(len(c), 1))
        if so.crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
                m, None, c, ctypes.c_ulonglong(len(c)), tag, buf[:113],
                ctypes.c_ulonglong(113), n, key) != 0:
            raise ValueError("chunk %d does not decrypt (key, nonce or "
                             "additional data)" % i)
        parts.append(m.raw[:len(c)])
    p = b"".join(parts)
    if len(p) != plen:
        raise ValueError("plaintext of %d bytes" % len(p))
    tl, = struct.unpack(">I", p[-4:])
    tr = Reader(p[len(p) - 4 - tl:len(p) - 4])
    for k in ("total", "used", "unreadable", "unapproved", "invalid",
              "notes_dropped"):
        out[k] = tr.u(8)
    out["notes"] = [tr.take(tr.u(4)).decode("utf-8")
                    for _ in range(tr.u(4))]
    out["forms"] = [tr.take(32) for _ in range(tr.u(4))]
    out["nrec"] = tr.u(8)
    mark = tr.u(4)
    if not 1 <= mark <= 1 << 20:
        raise ValueError("mark interval %d" % mark)
    out["marks"] = [tr.u(8) for _ in range((out["nrec"] + mark - 1) // mark)]
    nids = tr.u(8)
    out["ids"] = [tr.take(16) for _ in range(nids)]
    if tr.o != len(tr.d):
        raise ValueError("%d bytes after the trailer's ids" %
                         (len(tr.d) - tr.o))
    rd = Reader(p[:len(p) - 4 - tl])
    recs = []
    offsets = []
    for _ in range(out["nrec"]):
        offsets.append(rd.o)
        rid = rd.take(16)
        ul = rd.u(1)
        unit = rd.take(ul + 1)
        if unit[-1:] != b"\0":
            raise ValueError("unit not NUL-terminated")
        year = rd.u(2)
        fi = rd.u(1)
        types = forms_by_hash[out["forms"][fi]]
        answers = []
        for t in types:
            st = rd.u(1)
            if st > 3:
                raise ValueError("state %d at %d" % (st, rd.o - 1))
            if st != AN:
                answers.append((st,))
            elif t in ("single", "multi"):
                other = rd.u(1)
                value = rd.s32()
                choices = rd.u(8)
                answers.append((st, other, value, choices, rd.text()))
            elif t == "text":
                answers.append((st, rd.text()))
            else:
                answers.append((st, rd.s32()))
        recs.append((rid, unit[:-1].decode("utf-8"), year, fi, answers))
    if rd.o != len(rd.d):
        raise ValueError("%d bytes between the records and the trailer" %
                         (len(rd.d) - rd.o))
    if out["marks"] != offsets[::mark]:
        raise ValueError("marks %r, records at %r" %
                         (out["marks"][:4], offsets[::mark][:4]))
    out["records"] = recs
    return out


def main():
    t = tempfile.mkdtemp(prefix="avslut-e2e-cachefile.")
    try:
        pf = os.path.join(t, "pass")
        with open(pf, "wb") as f:
            f.write(PASS + b"\n")
        env = {k: v for k, v in os.environ.items()
               if k not in ("AVSLUT_PASSPHRASE_FILE", "LANGUAGE")}
        env.update(AVSLUT_HOME=os.path.join(t, "home"), LC_ALL="C.UTF-8")
        hrd = os.path.join(t, "home", "data", "avslut-hr")
        db = os.path.join(hrd, "central.db")
        pub = os.path.join(hrd, "hr.pub")
        cache = db + "-cache"

        def run(*args, stdin=None):
            return subprocess.run(list(args), env=env, input=stdin,
                                  capture_output=True, text=True)

        def hr_report(year):
            return run(HR, "report", "--year", str(year), "--format", "csv",
                       "--passphrase-file", pf)

        ok = run(HR, "keygen", "--passphrase-file", pf,
                 "--kdf", "test").returncode == 0
        ok = ok and run(HR, "forms", "add", FORM).returncode == 0
        r = run(FILL, db, pub, FORM, stdin=SPEC)
        ok = ok and r.returncode == 0
        # two envelopes that do not open, three of a form not approved
        ok = ok and run(TC, db, pub, "VC-ALBY", "2024", "2",
                        "tamper").returncode == 0
        ok = ok and run(TC, db, pub, "VC-ALBY", "2024", "3").returncode == 0
        report("setup", ok, r.stderr)
        if not ok:
            return
        r = hr_report(2024)
        report("report_2024", r.returncode == 0, r.stderr)
        csv24, err24 = r.stdout, r.stderr
        report("cache_written", os.path.isfile(cache), "no " + cache)
        if not os.path.isfile(cache):
            return
        mode = stat.S_IMODE(os.stat(cache).st_mode)
        report("cache_mode_0600", mode == 0o600, "mode %o" % mode)

        with open(os.path.join(hrd, "hr.key"), "rb") as f:
            sk = open_hr_key(f.read(), PASS)
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        store_ids = [row[0] for row in
                     con.execute("SELECT id FROM envelopes ORDER BY id")]
        setd = con.execute("SELECT value FROM store_meta "
                           "WHERE key = 'digest'").fetchone()[0]
        forms = list(con.execute("SELECT hash, yaml FROM forms "
                                 "ORDER BY form_id, version"))
        con.close()
        types = {}
        for h, y in forms:
            doc = yaml.safe_load(y)
            types[bytes(h)] = [q["type"] for s in doc["sections"]
                               for q in s["questions"]]
        with open(cache, "rb") as f:
            buf = f.read()
        try:
            c = read_cache(buf, sk, types)
            report("cache_opens", True)
        except (ValueError, KeyError, IndexError, UnicodeError) as ex:
            report("cache_opens", False, str(ex))
            return

        hashes = [bytes(h) for h, _ in forms]
        report("digest", c["digest"] == b2(CONTEXT + b"".join(sorted(hashes)),
                                           32),
               "the page's digest of the approved forms differs")
        report("set_digest", c["hasset"] == 1 and len(setd) == 32 and
               c["setdigest"] == bytes(setd),
               "has set %d, the page's copy of store_meta's digest differs"
               % c["hasset"])
        report("form_table", c["forms"] == hashes,
               "%d forms, want the store's %d" % (len(c["forms"]),
                                                   len(hashes)))
        report("ids_are_the_stores", c["ids"] == sorted(store_ids) and
               len(store_ids) == 23,
               "%d ids, the store holds %d" % (len(c["ids"]),
                                               len(store_ids)))
        m = re.search(r"(\d+) of (\d+) interviews rejected \((\d+) "
                      r"unreadable, (\d+) of forms not approved, (\d+) not "
                      r"fitting", err24)
        said = tuple(int(x) for x in m.groups()) if m else None
        recs = c["records"]
        nowhere = [x for x in recs if x[1] == "VC-NOWHERE"]
        mine = (c["total"] - c["used"] + len(nowhere), c["total"],
                c["unreadable"], c["unapproved"],
                c["invalid"] + len(nowhere))
        report("counts_as_reported", said == mine and
               c["nrec"] == c["used"] == len(recs) == 18,
               "avslut-hr said %s, the file gives %s, %d records" %
               (said, mine, len(recs)))
        named = re.findall(r"(?m)^  envelope ([0-9a-f]{32})(.*)$", err24)
        shown = {"envelope " + h + rest for h, rest in named}
        report("notes_as_reported", len(c["notes"]) == 5 and
               all(n in shown for n in c["notes"]) and
               c["notes"] == sorted(c["notes"]), "notes %s" % c["notes"])
        rids = [x[0] for x in recs]
        rejected = {bytes.fromhex(h) for h, _ in named} - \
            {x[0] for x in nowhere}
        report("records_in_unit_year_id_order",
               recs == sorted(recs, key=record_key) and
               len(set(rids)) == len(rids), "not ascending")
        report("record_ids_are_the_used_envelopes",
               set(rids) == set(store_ids) - rejected and
               len(nowhere) == 1 and nowhere[0][0].hex() in
               {h for h, rest in named if "VC-NOWHERE" in rest},
               "record ids differ from the store's less the rejected")
        want = collections.Counter()
        for line in SPEC.splitlines():
            n, unit, year = line.split()[:3]
            want[(unit, int(year))] += int(n)
        got = collections.Counter((x[1], x[2]) for x in recs)
        report("units_and_years", got == want, "got %s" % dict(got))
        r23 = hr_report(2023)
        shown_n = {}
        for year, out in ((2024, csv24), (2023, r23.stdout)):
            for row in out.splitlines():
                f = row.split(";")
                if len(f) > 8 and f[1] == "unit" and f[7] == "interviews" \
                        and f[8] not in ("", "0"):
                    shown_n[(f[3], year)] = int(f[8])
        from_file = {k: v for k, v in got.items() if k[0] != "VC-NOWHERE"}
        report("interviews_per_unit_as_in_the_report",
               r23.returncode == 0 and shown_n == from_file,
               "report %s, file %s" % (shown_n, from_file))
        bad = [(x[1], x[2], x[4]) for x in recs
               if x[4] != EXPECT.get((x[1], x[2]))]
        report("answers", not bad, "first differing: %s" % (bad[:1],))
        akut = [x for x in recs if x[1] == "SH-AKUT"]
        report("known_interview", len(akut) == 1 and
               akut[0][4] == EXPECT[("SH-AKUT", 2024)],
               "%s" % (akut[0][4] if akut else "missing"))

        # An ingest since: only the new envelopes are opened, and the file
        # is written afresh with every id in order, under a new nonce.
        r = run(FILL, db, pub, FORM, stdin="3 VC-ALBY 2024 support=5 "
                "offered=no by=!\n")
        # without the aggregate file, which would take the load and leave
        # this file as it is (avslut-cache(5)): the record file's path
        if os.path.exists(db + "-aggcache"):
            os.remove(db + "-aggcache")
        r = hr_report(2024) if r.returncode == 0 else r
        report("report_after_ingest", r.returncode == 0, r.stderr)
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        store_ids = [row[0] for row in
                     con.execute("SELECT id FROM envelopes ORDER BY id")]
        setd2 = con.execute("SELECT value FROM store_meta "
                            "WHERE key = 'digest'").fetchone()[0]
        con.close()
        with open(cache, "rb") as f:
            buf2 = f.read()
        try:
            c2 = read_cache(buf2, sk, types)
            rids = [x[0] for x in c2["records"]]
            report("ingest_added_in_order",
                   c2["ids"] == sorted(store_ids) and
                   len(store_ids) == 26 and len(rids) == 21 and
                   c2["records"] == sorted(c2["records"], key=record_key)
                   and c2["nonce"] != c["nonce"] and
                   c2["total"] == 26 and c2["unreadable"] == 2 and
                   c2["setdigest"] == bytes(setd2) and setd2 != setd,
                   "%d ids, %d records" % (len(c2["ids"]), len(rids)))
        except (ValueError, KeyError, IndexError, UnicodeError) as ex:
            report("ingest_added_in_order", False, str(ex))
            return
        csv_after = r.stdout

        # A damaged file is ignored, every envelope opened again, and a
        # good file written in its place.
        dam = bytearray(buf2)
        dam[len(dam) // 2] ^= 0x40
        with open(cache, "wb") as f:
            f.write(dam)
        if os.path.exists(db + "-aggcache"):
            os.remove(db + "-aggcache")
        r = hr_report(2024)
        with open(cache, "rb") as f:
            buf3 = f.read()
        try:
            c3 = read_cache(buf3, sk, types)
            fine = [x[:3] for x in c3["records"]] == \
                [x[:3] for x in c2["records"]]
        except (ValueError, KeyError, IndexError, UnicodeError):
            fine = False
        report("damaged_file_replaced", r.returncode == 0 and
               r.stdout == csv_after and fine and buf3 != bytes(dam),
               "rc=%d %s" % (r.returncode, r.stderr[-300:]))
    finally:
        shutil.rmtree(t, ignore_errors=True)


main()
sys.exit(1 if term.failures else 0)
