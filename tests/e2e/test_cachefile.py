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

The aggregate file (central.db-aggcache) is opened the same way, from
avslut-cache(5) THE AGGREGATE FILE and the session's contract alone, after
a second report (which must have read no record) and after an ingest
(which must have opened only the three new envelopes): its key, header,
binding (recomputed from the shipped configuration's units and the
BLAKE2b of each release's sealed blob in central.db), counts and notes
(as avslut-hr printed them), ids (the store's), the aggregation (every
cell of every unit and year recomputed from the records, texts sorted:
the envelopes themselves opened by avslut-record(5), crypto_box_seal,
the sealed id, the padding and the record encoding, which must give the
record cache's records) and the release state (the ids of each year,
each release's late interviews: none, then the three). Ten deliberate
reader mistakes (MISTAKES: a wrong key context, a wrong order, a field a
byte off or of the wrong type) must each fail one of these checks.
AVSLUT_CACHE_TRACE shows which file each run took.
Prints "PASS name" / "FAIL name: why"."""
import collections
import ctypes
import ctypes.util
import datetime
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
TODAY_YEAR = datetime.datetime.now(datetime.timezone.utc).year

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
# The ingest since: three interviews of VC-ALBY 2024 (late for its
# release), texts out of order, so that a cell's texts must be sorted.
NEW_TEXTS = ("Cecilia", "Anna", "Berit")
NEW_ANSWERS = [(SK,), (SK,), (AN, 5), (SK,), (AN, 0), (NS,), (SK,), None]
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


def open_container(buf, sk, magic, version, context):
    """The container of avslut-cache(5), shared by both files: the 113-byte
    header (magic, version, forms digest, set digest, nonce, length, chunk
    size) and the plaintext, decrypted chunk by chunk under the file key
    BLAKE2b-256(context, key = the HR secret key), the header as additional
    data. Returns (header fields, plaintext)."""
    out = {}
    if buf[0:8] != magic:
        raise ValueError("magic %r" % buf[0:8])
    v, = struct.unpack(">I", buf[8:12])
    if v != version:
        raise ValueError("version %d" % v)
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
    key = b2(context, 32, key=sk)
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
    return out, p


def seal_container(head, plain, sk, context):
    """The inverse of open_container, for tests that forge a file with the
    HR key (as only its holder can): head's first 77 bytes (magic to set
    digest) are kept; a new nonce, the length and the chunk size follow;
    the plaintext is sealed chunk by chunk as avslut-cache(5) says."""
    chunk = struct.unpack(">I", head[109:113])[0]
    h = bytes(head[:77]) + os.urandom(24) + struct.pack(">QI", len(plain),
                                                        chunk)
    key = b2(context, 32, key=sk)
    body, tags = [], []
    for i in range((len(plain) + chunk - 1) // chunk):
        m = plain[i * chunk:(i + 1) * chunk]
        n = h[77:93] + bytes(a ^ b for a, b in
                             zip(h[93:101], struct.pack(">Q", i)))
        c = ctypes.create_string_buffer(max(len(m), 1))
        tag = ctypes.create_string_buffer(16)
        so.crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
            c, tag, None, m, ctypes.c_ulonglong(len(m)), h,
            ctypes.c_ulonglong(113), None, n, key)
        body.append(c.raw[:len(m)])
        tags.append(tag.raw)
    return h + b"".join(body) + b"".join(tags)


def read_cache(buf, sk, forms_by_hash):
    """central.db-cache by avslut-cache(5). forms_by_hash: hash -> list of
    question types in form order. Returns a dict of what it holds."""
    out, p = open_container(buf, sk, b"AVSLUTC\n", 6, CONTEXT)
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


# ------------------------------------------------------------------
# central.db-aggcache: the aggregate file, by the session's CONTRACT.md
# (sections 1, 2, 3 and 5) and avslut-cache(5): the same container under
# its own magic, version and key, holding the aggregation itself.

AGG_CONTEXT = b"avslut-hr aggregate cache v1\0"
REL_CONTEXT = b"avslut-hr release set v1\0"
# Deliberate reader mistakes: each must make read_aggcache raise or a
# check of check_aggcache fail (the test tries every one).
MISTAKES = (
    "record_context",      # the file key from the record cache's context
    "context_no_nul",      # the 28 bytes of the context, without its NUL
    "groups_year_first",   # groups expected in year, then unit order
    "year_u32",            # a group's year read as 4 bytes
    "counts_first",        # a cell's counts read before its 5 states
    "sum_as_integer",      # sum and sumsq read as integers, not binary64
    "binding_units_unsorted",   # the units in the configuration's order
    "binding_no_theme",    # the binding without the reasons theme
    "release_revision_u16",     # a release's revision as 2 bytes
    "texts_record_order",  # a cell's texts expected in record order
)


def str8(rd):
    return rd.take(rd.u(1))


def str32(rd):
    return rd.take(rd.u(4))


def put8(b):
    return bytes([len(b)]) + b


def read_agg_snap(rd, mistake=None):
    """An agg snapshot (CONTRACT.md section 1)."""
    nq = rd.u(4)
    ncat = [rd.u(4) for _ in range(nq)]
    a = {"ncat": ncat, "records": rd.u(8), "rejected": rd.u(8),
         "groups": {}}
    keys = []
    for _ in range(rd.u(4)):
        unit = str8(rd).decode("utf-8")
        year = rd.u(4 if mistake == "year_u32" else 2)
        interviews = rd.u(4)
        cells = []
        for q in range(nq):
            if mistake == "counts_first":
                counts = tuple(rd.u(4) for _ in range(ncat[q]))
                st = tuple(rd.u(4) for _ in range(5))
            else:
                st = tuple(rd.u(4) for _ in range(5))
                counts = tuple(rd.u(4) for _ in range(ncat[q]))
            if mistake == "sum_as_integer":
                s, ss = rd.u(8), rd.u(8)
            else:
                s, ss = struct.unpack(">dd", rd.take(16))
            texts = tuple(str32(rd).decode("utf-8")
                          for _ in range(rd.u(4)))
            if list(texts) != sorted(texts, key=lambda t: t.encode()):
                raise ValueError("texts of %s %d question %d not sorted" %
                                 (unit, year, q))
            cells.append(st + (counts, s, ss, texts))
        if (unit, year) in a["groups"]:
            raise ValueError("group %s %d repeats" % (unit, year))
        a["groups"][(unit, year)] = (interviews, cells)
        keys.append((year, unit.encode()) if mistake == "groups_year_first"
                    else (unit.encode(), year))
    if keys != sorted(keys):
        raise ValueError("groups not in unit, year order: %s" % keys[:4])
    return a


def read_release_snap(rd, mistake=None):
    """A release snapshot (CONTRACT.md section 2)."""
    years = {}
    for _ in range(rd.u(4)):
        y = rd.u(2)
        ids = [rd.take(16) for _ in range(rd.u(4))]
        if years and y <= max(years):
            raise ValueError("tap years not ascending at %d" % y)
        if any(ids[i] >= ids[i + 1] for i in range(len(ids) - 1)):
            raise ValueError("ids of %d not ascending" % y)
        years[y] = ids
    rels = []
    for _ in range(rd.u(4)):
        y = rd.u(2)
        rev = rd.u(2 if mistake == "release_revision_u16" else 4)
        late = read_agg_snap(rd, mistake)
        flag = rd.u(1)
        if flag not in (0, 1):
            raise ValueError("fresh flag %d" % flag)
        fresh = read_agg_snap(rd, mistake) if flag else None
        rels.append((y, rev, late, fresh))
    if [r[:2] for r in rels] != sorted(r[:2] for r in rels):
        raise ValueError("releases not in (year, revision) order")
    return {"years": years, "releases": rels}


def read_aggcache(buf, sk, mistake=None):
    """central.db-aggcache: the header (as the record cache's, magic
    "AVSLUTA\\n", version 1) and the plaintext of CONTRACT.md section 3."""
    ctx = {"record_context": CONTEXT,
           "context_no_nul": AGG_CONTEXT[:-1]}.get(mistake, AGG_CONTEXT)
    out, p = open_container(buf, sk, b"AVSLUTA\n", 1, ctx)
    rd = Reader(p)
    out["binding"] = rd.take(32)
    for k in ("total", "used", "unreadable", "unapproved", "invalid",
              "notes_dropped"):
        out[k] = rd.u(8)
    out["notes"] = [str32(rd).decode("utf-8") for _ in range(rd.u(4))]
    out["agg"] = read_agg_snap(rd, mistake)
    flag = rd.u(1)
    if flag not in (0, 1):
        raise ValueError("release flag %d" % flag)
    out["rel"] = read_release_snap(rd, mistake) if flag else None
    out["ids"] = [rd.take(16) for _ in range(rd.u(8))]
    if rd.o != len(p):
        raise ValueError("%d bytes after the ids" % (len(p) - rd.o))
    return out


def release_set_digest(rows, mistake=None):
    """CONTRACT.md section 2: rows (year, revision, sealed blob) as
    central.db holds them."""
    m = REL_CONTEXT + struct.pack(">I", len(rows))
    for y, rev, blob in sorted(rows, key=lambda r: (r[0], r[1])):
        m += struct.pack(">HI", y, rev) + b2(bytes(blob), 32)
    return b2(m, 32)


def binding_digest(units, theme, tap, mistake=None):
    """CONTRACT.md section 3: what the aggregation was made with."""
    codes = [u.encode() for u in units]
    if mistake != "binding_units_unsorted":
        codes = sorted(codes)
    m = AGG_CONTEXT + struct.pack(">I", len(codes))
    m += b"".join(put8(c) for c in codes)
    if mistake != "binding_no_theme":
        m += put8(theme)
    return b2(m + tap, 32)


def form_layout(doc):
    """Per question of a form: (type, ncat, lowest value, other) as the
    aggregation counts it (agg.h: single and multi: the choices, then
    "other"; scale and nps: min..max; yesno: no, yes; number, text:
    none; scale 1..5 unless min, max say otherwise, avslut-form(5))."""
    out = []
    for s in doc["sections"]:
        for q in s["questions"]:
            t = q["type"]
            if t in ("single", "multi"):
                other = 1 if q.get("other") else 0
                out.append((t, len(q["choices"]) + other, 0, other))
            elif t == "scale":
                lo, hi = q.get("min", 1), q.get("max", 5)
                out.append((t, hi - lo + 1, lo, 0))
            elif t == "nps":
                out.append((t, 11, 0, 0))
            elif t == "yesno":
                out.append((t, 2, 0, 0))
            else:
                out.append((t, 0, 0, 0))
    return out


def expected_cell(layout, q, answers, mistake=None):
    """The cell of question q over answers (one record's list each, as
    read_cache decodes them), recomputed: asked, answered, declined,
    skipped, not shown, the category counts, sum and sum of squares of
    the values (scale, nps, number) and the texts (text: the non-empty
    answers; single, multi: the "other, namely" texts), sorted."""
    t, ncat, lo, other = layout[q]
    st = [0] * 4
    counts = [0] * ncat
    s = ss = 0.0
    texts = []
    for ans in answers:
        a = ans[q]
        st[a[0]] += 1
        if a[0] != AN:
            continue
        if t in ("single", "multi"):
            _st, oth, value, choices, text = a
            if t == "single" and not oth:
                counts[value] += 1
            for i in range(ncat - other):
                if t == "multi" and choices >> i & 1:
                    counts[i] += 1
            if oth and other:
                counts[ncat - 1] += 1
            if oth and text:
                texts.append(text)
        elif t == "text":
            if a[1]:
                texts.append(a[1])
        else:
            v = a[1]
            if t in ("scale", "nps", "yesno"):
                counts[v - lo] += 1
            if t in ("scale", "nps", "number"):
                s += v
                ss += v * v
    if mistake != "texts_record_order":
        texts.sort(key=lambda x: x.encode())
    return (len(answers), st[AN], st[DE], st[SK], st[NS], tuple(counts),
            s, ss, tuple(texts))


def expected_groups(layout, recs, mistake=None):
    """(unit, year) -> (interviews, cells) over records (rid, unit, year,
    form index, answers)."""
    by = collections.defaultdict(list)
    for x in recs:
        by[(x[1], x[2])].append(x[4])
    return {k: (len(v), [expected_cell(layout, q, v, mistake)
                         for q in range(len(layout))])
            for k, v in by.items()}


def agg_differs(a, layout, recs, rejected, mistake=None):
    """"" when the agg snapshot a is the aggregation of recs (and
    rejected envelopes), else what differs first."""
    if a["ncat"] != [x[1] for x in layout]:
        return "layout %s, the form's %s" % (a["ncat"],
                                             [x[1] for x in layout])
    if a["records"] != len(recs) or a["rejected"] != rejected:
        return "records %d, rejected %d; want %d, %d" % (
            a["records"], a["rejected"], len(recs), rejected)
    want = expected_groups(layout, recs, mistake)
    got = {k: v for k, v in a["groups"].items() if v[0] != 0}
    for k, (n, cells) in a["groups"].items():
        if n == 0 and any(c[:5] != (0,) * 5 or any(c[5]) or c[8]
                          for c in cells):
            return "empty group %s with counts" % (k,)
    if set(got) != set(want):
        return "groups %s, want %s" % (sorted(got), sorted(want))
    for k in sorted(want):
        if got[k][0] != want[k][0]:
            return "%s: %d interviews, want %d" % (k, got[k][0], want[k][0])
        for q, (c, w) in enumerate(zip(got[k][1], want[k][1])):
            if c != w:
                return "%s question %d: %s, want %s" % (k, q, c, w)
    return ""


def check_aggcache(buf, sk, f, mistake=None):
    """Open buf and judge it against what the test knows independently
    (f: a dict of facts, see aggcache_facts). Returns [(name, ok, why)];
    a file that does not open is one failing check."""
    try:
        a = read_aggcache(buf, sk, mistake)
    except (ValueError, KeyError, IndexError, UnicodeError,
            struct.error) as ex:
        return [("agg_opens", False, str(ex))]
    out = [("agg_opens", True, "")]
    recs = f["records"]
    ours = [x for x in recs if x[1] in f["units"]]
    tap = release_set_digest(f["releases"], mistake)
    out.append(("agg_header", a["digest"] == f["forms_digest"] and
                a["hasset"] == 1 and a["setdigest"] == f["setdigest"],
                "forms digest, has set %d or set digest differs" %
                a["hasset"]))
    out.append(("agg_binding", a["binding"] == binding_digest(
        f["units"], b"reasons", tap, mistake),
        "the binding recomputed from the configuration's units and the "
        "releases differs"))
    out.append(("agg_ids_are_the_stores", a["ids"] == f["store_ids"],
                "%d ids, the store holds %d" % (len(a["ids"]),
                                                len(f["store_ids"]))))
    counts = (a["total"] - a["used"], a["total"], a["unreadable"],
              a["unapproved"], a["invalid"])
    out.append(("agg_counts_as_reported", counts == f["said"] and
                a["used"] == len(ours) and a["total"] == len(a["ids"]) and
                a["notes_dropped"] == 0,
                "file %s (used %d), avslut-hr said %s, %d records" %
                (counts, a["used"], f["said"], len(ours))))
    out.append(("agg_notes_as_reported", a["notes"] == sorted(f["notes"]),
                "file %s, said %s" % (a["notes"], sorted(f["notes"]))))
    why = agg_differs(a["agg"], f["layout"], ours,
                      len(f["store_ids"]) - len(ours), mistake)
    out.append(("agg_snapshot", not why, why))
    rel = a["rel"]
    if rel is None:
        out.append(("agg_releases", False, "no release snapshot"))
        return out
    out.append(("agg_releases", [r[:2] for r in rel["releases"]] ==
                sorted((y, rev) for y, rev, _b in f["releases"]),
                "releases %s, central.db %s" % (
                    [r[:2] for r in rel["releases"]],
                    sorted((y, rev) for y, rev, _b in f["releases"]))))
    byyear = collections.defaultdict(list)
    for x in ours:
        byyear[x[2]].append(x[0])
    bad = [y for y, ids in rel["years"].items() if ids != sorted(byyear[y])]
    need = {y for y, _r, _b in f["releases"]}
    out.append(("agg_tap_years", not bad and need <= set(rel["years"]) and
                set(rel["years"]) == set(byyear),
                "years %s (ids differ in %s), records of %s, releases of "
                "%s" % (sorted(rel["years"]), bad, sorted(byyear),
                        sorted(need))))
    why = ""
    for y, rev, late, fresh in rel["releases"]:
        inrel = f["released_ids"].get((y, rev), set())
        want = [x for x in ours if x[2] == y and x[0] not in inrel]
        why = why or agg_differs(late, f["layout"], want, 0, mistake)
        if fresh is not None and fresh["ncat"] != late["ncat"]:
            why = why or "fresh agg of %d/%d: layout" % (y, rev)
    out.append(("agg_release_late", not why, why))
    return out


def parse_record(b, types_by_hash):
    """A record by avslut-record(5) RECORD ENCODING: (unit, year, form
    hash, answers), answers as read_cache gives them (single, multi:
    (3, other, value, choices, text); text: (3, text); else (3, value));
    answers None when the form is not one of types_by_hash."""
    rd = Reader(b)
    if rd.take(4) != b"AVRC" or rd.u(2) != 1:
        raise ValueError("not a record of version 1")
    unit = rd.take(rd.u(1)).decode("utf-8")
    year = rd.u(2)
    rd.u(1)                         # quarter
    rd.take(rd.u(1))                # form id
    rd.u(4)                         # form version
    fhash = rd.take(32)
    rd.take(rd.u(1))                # language
    types = types_by_hash.get(fhash)
    answers = []
    for q in range(rd.u(2)):
        st = rd.u(1)
        if st > 3:
            raise ValueError("state %d" % st)
        if st != AN:
            answers.append((st,))
            continue
        flags = rd.u(1)
        if flags & ~3:
            raise ValueError("flags %d" % flags)
        value, choices = rd.s32(), rd.u(8)
        text = rd.take(rd.u(4)).decode("utf-8") if flags & 2 else None
        t = types[q] if types is not None and q < len(types) else None
        if t in ("single", "multi"):
            answers.append((st, flags & 1, value, choices, text))
        elif t == "text":
            answers.append((st, text))
        else:
            answers.append((st, value))
    if rd.o != len(b):
        raise ValueError("bytes after the last answer")
    return unit, year, fhash, answers if types is not None else None


def open_envelopes(db, sk, types_by_hash):
    """Every envelope of central.db opened by avslut-record(5) ENVELOPES
    (crypto_box_seal to the HR key, version 1, the id sealed inside, ISO
    7816-4 padding): {id: (unit, year, form hash, answers) or None when it
    does not open}."""
    pk = ctypes.create_string_buffer(32)
    so.crypto_scalarmult_base(pk, sk)
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    rows = [(bytes(i), bytes(d)) for i, d in
            con.execute("SELECT id, data FROM envelopes")]
    con.close()
    out = {}
    for eid, data in rows:
        out[eid] = None
        if len(data) < 48 + 1024 or (len(data) - 48) % 1024:
            continue
        m = ctypes.create_string_buffer(len(data) - 48)
        if so.crypto_box_seal_open(m, data, ctypes.c_ulonglong(len(data)),
                                   pk.raw, sk) != 0:
            continue
        p = m.raw.rstrip(b"\0")
        if p[-1:] != b"\x80" or p[:1] != b"\x01" or p[1:17] != eid:
            continue
        try:
            out[eid] = parse_record(p[17:-1], types_by_hash)
        except (ValueError, UnicodeError):
            pass
    return out


def aggcache_facts(db, src, types_layout, records, said, notes,
                   released_ids):
    """What the test knows without the file: the store's ids, set digest,
    forms and releases (sqlite3), the configuration's units (the shipped
    avslut.yaml), the records (decoded by read_cache, or given), what
    avslut-hr said on standard error."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    store_ids = [bytes(r[0]) for r in
                 con.execute("SELECT id FROM envelopes ORDER BY id")]
    setd = bytes(con.execute("SELECT value FROM store_meta "
                             "WHERE key = 'digest'").fetchone()[0])
    hashes = sorted(bytes(r[0]) for r in con.execute(
        "SELECT hash FROM forms"))
    rels = [(r[0], r[1], bytes(r[2])) for r in con.execute(
        "SELECT year, revision, blob FROM releases")]
    con.close()
    with open(os.path.join(src, "config", "avslut.yaml"),
              encoding="utf-8") as fh:
        units = [u["code"] for u in yaml.safe_load(fh)["units"]]
    return {"store_ids": sorted(store_ids), "setdigest": setd,
            "forms_digest": b2(CONTEXT + b"".join(hashes), 32),
            "releases": rels, "units": units, "layout": types_layout,
            "records": records, "said": said, "notes": notes,
            "released_ids": released_ids}


def said_of(err):
    """(rejected, total, unreadable, unapproved, not fitting) as avslut-hr
    said them on standard error, or None."""
    m = re.search(r"(\d+) of (\d+) interviews rejected \((\d+) "
                  r"unreadable, (\d+) of forms not approved, (\d+) not "
                  r"fitting", err)
    return tuple(int(x) for x in m.groups()) if m else None


def notes_of(err):
    """The notes avslut-hr printed: "envelope HEX: why"."""
    return ["envelope " + h + rest for h, rest in
            re.findall(r"(?m)^  envelope ([0-9a-f]{32})(.*)$", err)]


def new_home(t):
    """An HR home under t with the trace on: the passphrase file, the
    environment, the data directory, the store and the public key."""
    pf = os.path.join(t, "pass")
    with open(pf, "wb") as f:
        f.write(PASS + b"\n")
    env = {k: v for k, v in os.environ.items()
           if k not in ("AVSLUT_PASSPHRASE_FILE", "LANGUAGE")}
    env.update(AVSLUT_HOME=os.path.join(t, "home"), LC_ALL="C.UTF-8",
               AVSLUT_CACHE_TRACE="1")
    hrd = os.path.join(t, "home", "data", "avslut-hr")
    return (pf, env, hrd, os.path.join(hrd, "central.db"),
            os.path.join(hrd, "hr.pub"))


def trace_of(err):
    """The trace line of CONTRACT.md section 5, or "" without one."""
    m = re.findall(r"(?m)^avslut-hr: cache: (.*)$", err)
    return m[-1] if len(m) == 1 else "%d trace lines" % len(m)


def main():
    t = tempfile.mkdtemp(prefix="avslut-e2e-cachefile.")
    try:
        pf, env, hrd, db, pub = new_home(t)
        cache = db + "-cache"
        aggcache = db + "-aggcache"

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
        said = said_of(err24)
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

        # The aggregate file: the first open found no file ("none"), the
        # second read no record at all; then the file is opened by the
        # contract and judged against the store, the configuration, the
        # releases and the records decoded above.
        report("trace_first_open", trace_of(err24) == "none, 23 opened",
               trace_of(err24))
        report("trace_second_open", trace_of(r23.stderr) ==
               "aggregate file, 23 covered, 0 opened", trace_of(r23.stderr))
        report("aggcache_written", os.path.isfile(aggcache),
               "no " + aggcache)
        if not os.path.isfile(aggcache):
            return
        mode = stat.S_IMODE(os.stat(aggcache).st_mode)
        report("aggcache_mode_0600", mode == 0o600, "mode %o" % mode)
        report("one_form", len(forms) == 1, "%d forms" % len(forms))
        layout = form_layout(yaml.safe_load(forms[0][1]))
        # the records from the envelopes themselves (avslut-record(5)):
        # the same as the record cache's, then the aggregate file is
        # judged against them
        opened = open_envelopes(db, sk, types)
        erecs = sorted((i, x[0], x[1], 0, x[3]) for i, x in opened.items()
                       if x is not None and x[3] is not None)
        unapproved = [i for i, x in opened.items()
                      if x is not None and x[3] is None]
        report("envelopes_opened", len(opened) == 23 and
               sorted(recs) == erecs and len(unapproved) == 3 and
               sum(x is None for x in opened.values()) == 2,
               "%d envelopes, %d records (the record cache %d), %d of "
               "forms not approved, %d not opened" % (
                   len(opened), len(erecs), len(recs), len(unapproved),
                   sum(x is None for x in opened.values())))
        released = {(y, 1): {x[0] for x in erecs if x[2] == y}
                    for y in (2023, 2024)}
        facts = aggcache_facts(db, SRC, layout, erecs, said_of(r23.stderr),
                               notes_of(r23.stderr), released)
        report("two_releases", sorted(r[:2] for r in facts["releases"]) ==
               [(2023, 1), (2024, 1)], "releases %s" %
               [r[:2] for r in facts["releases"]])
        with open(aggcache, "rb") as f:
            abuf = f.read()
        for name, good, why in check_aggcache(abuf, sk, facts):
            report(name, good, why)

        # An ingest since: only the new envelopes are opened, and the file
        # is written afresh with every id in order, under a new nonce.
        before = set(facts["store_ids"])
        r = run(FILL, db, pub, FORM, stdin="".join(
            "1 VC-ALBY 2024 support=5 offered=no by=! change=%s\n" % n
            for n in NEW_TEXTS))
        r = hr_report(2024) if r.returncode == 0 else r
        report("report_after_ingest", r.returncode == 0, r.stderr)
        # the file is extended: the new envelopes alone are opened, and it
        # is judged again, its release 1 of 2024 now lacking the three
        # (held back: its late agg is theirs)
        report("trace_after_ingest", trace_of(r.stderr) ==
               "aggregate file, 23 covered, 3 opened", trace_of(r.stderr))
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        new = sorted(set(bytes(x[0]) for x in
                         con.execute("SELECT id FROM envelopes")) - before)
        con.close()
        recs_after = erecs + [(i, "VC-ALBY", 2024, 0, NEW_ANSWERS[:-1] +
                               [(AN, t)]) for i, t in zip(new, NEW_TEXTS)]
        facts = aggcache_facts(db, SRC, layout, recs_after,
                               said_of(r.stderr), notes_of(r.stderr),
                               released)
        with open(aggcache, "rb") as f:
            abuf = f.read()
        res = check_aggcache(abuf, sk, facts)
        for name, good, why in res:
            report(name + "_after_ingest", len(new) == 3 and good,
                   "%d new; %s" % (len(new), why))
        # the checks are not vacuous: a reader that gets one thing of the
        # contract wrong fails at least one of them
        for mistake in MISTAKES if all(x[1] for x in res) else ():
            bad = [n for n, good, _w in
                   check_aggcache(abuf, sk, facts, mistake) if not good]
            report("mistake_%s_caught" % mistake, bool(bad),
                   "a reader with this mistake passes every check")
        # a load by the aggregate file leaves the record cache as it was;
        # without the aggregate file the record cache is extended
        with open(cache, "rb") as f:
            report("record_cache_left", f.read() == buf,
                   "the record cache changed in a load by the aggregate "
                   "file")
        csv_agg = r.stdout
        os.unlink(aggcache)
        r = hr_report(2024)
        report("trace_record_path", r.returncode == 0 and
               trace_of(r.stderr) == "record file, 23 covered, 3 opened",
               trace_of(r.stderr))
        report("same_figures_both_paths", r.stdout == csv_agg,
               "the report by the record cache differs from the one by "
               "the aggregate file")
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
        if os.path.exists(aggcache):    # else the record cache is not read
            os.unlink(aggcache)
        r = hr_report(2024)
        report("trace_damaged", trace_of(r.stderr) == "none, 26 opened",
               trace_of(r.stderr))
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

        # A record cache that decrypts but whose first record does not
        # parse (a state of 9; sealed with the HR key, as only a fault of
        # avslut-hr could write it): the run notes it, deletes the file
        # and writes no aggregate file from that load (avslut-cache(5));
        # the next run is a load without either.
        if not fine:
            return
        if os.path.exists(aggcache):
            os.unlink(aggcache)
        _h, p = open_container(buf3, sk, b"AVSLUTC\n", 6, CONTEXT)
        first = c3["records"][0]
        off = 16 + 1 + len(first[1].encode()) + 1 + 2 + 1
        with open(cache, "wb") as f:
            f.write(seal_container(buf3[:113], p[:off] + b"\x09" +
                                   p[off + 1:], sk, CONTEXT))
        r = hr_report(2024)
        report("record_cache_damaged", p[off] in (0, 1, 2, 3) and
               "the record cache is damaged: run again" in r.stderr and
               trace_of(r.stderr) == "record file, 26 covered, 0 opened"
               and not os.path.exists(cache) and
               not os.path.exists(aggcache),
               "exit %d, trace %s, record file %s, aggregate file %s: %s" %
               (r.returncode, trace_of(r.stderr), os.path.exists(cache),
                os.path.exists(aggcache), r.stderr[-300:]))
        r = hr_report(2024)
        report("record_cache_damaged_then_cold", r.returncode == 0 and
               r.stdout == csv_after and
               trace_of(r.stderr) == "none, 26 opened",
               "exit %d, trace %s" % (r.returncode, trace_of(r.stderr)))
    finally:
        shutil.rmtree(t, ignore_errors=True)


# Three approved forms for the question layout of avslut-cache(5)
# "Aggregation snapshot": two versions of b-form (pick's choices change,
# so it is two questions; rate and note merge; ok is new in 2) and a-form,
# first by id, with a question rate of the same type and range as
# b-form's: another form's, so not merged (the page said otherwise until
# this test: the program merges the versions of one form only, as agg.h
# says).
LAYOUT_HEAD = """id: %s
version: %d
languages: [sv, en]
title: {sv: T, en: T}
intro: {sv: T., en: T.}
sections:
  - id: main
    title: {sv: F, en: Q}
    questions:
"""
LAYOUT_Q = {
    "pick": """      - id: pick
        type: single
        label: {sv: V, en: P}
        choices:
%s""",
    "rate": """      - id: rate
        type: scale
        label: {sv: B, en: R}
        min_label: {sv: L, en: L}
        max_label: {sv: H, en: H}
""",
    "note": """      - id: note
        type: text
        label: {sv: A, en: N}
""",
    "ok": """      - id: ok
        type: yesno
        label: {sv: OK, en: OK}
""",
    "why": """      - id: why
        type: multi
        other: true
        label: {sv: Va, en: Why}
        choices:
          - {id: p, label: {sv: P, en: P}}
          - {id: q, label: {sv: Q, en: Q}}
""",
}


def choices(*ids):
    return "".join("          - {id: %s, label: {sv: %s, en: %s}}\n" %
                   (c, c, c) for c in ids)


LAYOUT_FORMS = {
    ("b-form", 1): LAYOUT_HEAD % ("b-form", 1) +
    LAYOUT_Q["pick"] % choices("x", "y") + LAYOUT_Q["rate"] +
    LAYOUT_Q["note"],
    ("b-form", 2): LAYOUT_HEAD % ("b-form", 2) +
    LAYOUT_Q["pick"] % choices("y", "x", "z") + LAYOUT_Q["rate"] +
    LAYOUT_Q["ok"] + LAYOUT_Q["note"],
    ("a-form", 1): LAYOUT_HEAD % ("a-form", 1) + LAYOUT_Q["rate"] +
    LAYOUT_Q["why"],
}
LAYOUT_N = {("b-form", 1): 3, ("b-form", 2): 4, ("a-form", 1): 2}
LAYOUT_PICK = {("b-form", 1): " pick=y", ("b-form", 2): " pick=x"}


def page_layout(docs):
    """The questions of the approved forms as avslut-cache(5) merges
    them: forms by id, newest version first, each form's questions in
    order, a question joining one listed before of a version of the same
    form with the same id, type, set of choice ids, "other" and (scale)
    range. Returns [(ncat, the (form id, version) of each version it
    holds, question id)]."""
    out = []
    for d in sorted(docs, key=lambda d: (d["id"], -d["version"])):
        for s in d["sections"]:
            for q in s["questions"]:
                t, ncat, lo, other = form_layout(
                    {"sections": [{"questions": [q]}]})[0]
                key = (d["id"], q["id"], t, frozenset(c["id"] for c in
                                             q.get("choices", [])),
                       other, (lo, ncat) if t == "scale" else None)
                for k, o in enumerate(out):
                    if o[0] == key:
                        o[2].append((d["id"], d["version"]))
                        break
                else:
                    out.append([key, ncat, [(d["id"], d["version"])]])
    return [(o[1], o[2], o[0][1]) for o in out]


def layouts():
    t = tempfile.mkdtemp(prefix="avslut-e2e-cachefile-layout.")
    try:
        pf, env, hrd, db, pub = new_home(t)

        def run(*args, stdin=None):
            return subprocess.run(list(args), env=env, input=stdin,
                                  capture_output=True, text=True)
        ok = run(HR, "keygen", "--passphrase-file", pf,
                 "--kdf", "test").returncode == 0
        for (fid, v), text in sorted(LAYOUT_FORMS.items()):
            path = os.path.join(t, "%s-%d.yaml" % (fid, v))
            with open(path, "w") as f:
                f.write(text)
            ok = ok and run(HR, "forms", "add", path).returncode == 0
            ok = ok and run(FILL, db, pub, path, stdin="%d VC-ALBY %d "
                            "rate=3%s\n" % (LAYOUT_N[(fid, v)], TODAY_YEAR,
                                            LAYOUT_PICK.get((fid, v), ""))
                            ).returncode == 0
        # and 12 envelopes that do not open: two notes beyond the ten
        def ids():
            con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
            v = {bytes(x[0]).hex() for x in
                 con.execute("SELECT id FROM envelopes")}
            con.close()
            return v
        before = ids()
        ok = ok and run(TC, db, pub, "VC-ALBY", str(TODAY_YEAR), "12",
                        "tamper").returncode == 0
        bad = sorted(ids() - before)
        r = run(HR, "audit", "--year", str(TODAY_YEAR),
                "--passphrase-file", pf)
        report("layout_setup", ok and r.returncode == 0 and
               trace_of(r.stderr) == "none, 21 opened", r.stderr[-300:])
        with open(os.path.join(hrd, "hr.key"), "rb") as f:
            sk = open_hr_key(f.read(), PASS)
        with open(db + "-aggcache", "rb") as f:
            whole = read_aggcache(f.read(), sk)
        a = whole["agg"]
        # the ten smallest notes kept, sorted, the two others counted
        said = notes_of(r.stderr)
        report("notes_beyond_ten", whole["unreadable"] == 12 and
               whole["notes_dropped"] == 2 and len(whole["notes"]) == 10
               and whole["notes"] == sorted(said) and
               [n.split()[1].rstrip(":") for n in whole["notes"]] ==
               bad[:10] and
               said_of(r.stderr) == (12, 21, 12, 0, 0),
               "%d notes, %d dropped; said %d notes, %s" % (
                   len(whole["notes"]), whole["notes_dropped"], len(said),
                   said_of(r.stderr)))
        want = page_layout([yaml.safe_load(x) for x in
                            LAYOUT_FORMS.values()])
        report("layout_as_the_page", a["ncat"] == [w[0] for w in want],
               "the file's categories per question %s, the page's %s" %
               (a["ncat"], [w[0] for w in want]))
        # asked: the records whose form version has the question
        g = a["groups"].get(("VC-ALBY", TODAY_YEAR))
        asked = [sum(LAYOUT_N[fv] for fv in w[1]) for w in want]
        report("layout_asked", g is not None and g[0] == 9 and
               [c[0] for c in g[1]] == asked,
               "asked %s, the page's merge gives %s" % (
                   g and [c[0] for c in g[1]], asked))
        # a choice's category is its place in the newest version: x is
        # second in b-form 2 (y, x, z); y second in b-form 1 (x, y)
        picks = [c[5] for c, w in zip(g[1], want)
                 if w[2] == "pick"] if g else []
        report("layout_choice_order", picks == [(0, 4, 0), (0, 3)],
               "pick's counts %s" % picks)
    except (ValueError, KeyError, IndexError, UnicodeError) as ex:
        report("layout_file", False, str(ex))
    finally:
        shutil.rmtree(t, ignore_errors=True)


if __name__ == "__main__":    # test_attack_aggcache.py imports the reader
    main()
    layouts()
    sys.exit(1 if term.failures else 0)
