#!/usr/bin/env python3
"""test_keyfiles: an independent reader opens the key files from
avslut-keys(5) alone. keygen and init write hr.pub, hr.key, profile and
interviewer.pub; this test parses them with its own code (Python's
hashlib and libsodium through ctypes, nothing of avslut's), following the
man page step by step: the public key lines and their check digits, the
fingerprints the programs print, the wrapped layout, the checksum,
Argon2id, the two subkeys with the magic as context, the box and the tag.
Then it checks what it opened against what the programs said (the HR
public key derives from the secret one, the profile pins hr.pub, the
signing key pair matches interviewer.pub). A layout or derivation that the
page gets wrong fails here. Prints "PASS name" / "FAIL name: why"."""
import base64
import ctypes
import ctypes.util
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

SRC = os.environ.get("AVSLUT_SRCDIR", os.getcwd())
B = os.environ.get("AVSLUT_BUILD", os.path.join(SRC, "build"))
failed = 0
PASS = b"correct horse"


def report(name, ok, why=""):
    global failed
    if ok:
        print("PASS " + name)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, why))
    sys.stdout.flush()


so = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
assert so.sodium_init() >= 0
ALG_ARGON2ID13 = so.crypto_pwhash_alg_argon2id13()


def b2(data, n):
    return hashlib.blake2b(data, digest_size=n).digest()


def parse_pub_line(text, tag):
    """TAG BASE64 CHECK, one space apart, one optional newline."""
    m = re.fullmatch(re.escape(tag) + r" ([A-Za-z0-9+/]{43}=) ([0-9a-f]{16})\n?",
                     text)
    if m is None:
        return None, "not TAG BASE64 CHECK: %r" % text
    pk = base64.b64decode(m.group(1))
    want = b2(tag.encode() + pk, 8).hex()
    if m.group(2) != want:
        return None, "check %s, the page's rule gives %s" % (m.group(2), want)
    return pk, ""


def fingerprint(pk):
    h = b2(pk, 16).hex()
    return " ".join(h[i:i + 4] for i in range(0, 32, 4))


def open_wrapped(buf, magic, p, s, passphrase):
    """Open a wrapped file by avslut-keys(5); returns (public, secret) or
    raises ValueError with the step that failed."""
    size = 48 + p + 24 + 16 + s + 32 + 16
    if len(buf) != size:
        raise ValueError("size %d, the page gives %d" % (len(buf), size))
    if buf[:8] != magic:
        raise ValueError("magic %r" % buf[:8])
    if b2(buf[:-16], 16) != buf[-16:]:
        raise ValueError("checksum")
    version, flags, alg, ops = struct.unpack(">IIII", buf[8:24])
    (mem,) = struct.unpack(">Q", buf[24:32])
    salt = buf[32:48]
    if version != 1 or alg != 1 or flags & ~1:
        raise ValueError("version %d alg %d flags %d" % (version, alg, flags))
    if ops > 16 or mem > 1 << 30:
        raise ValueError("limits above the caps")
    pub = buf[48:48 + p]
    nonce = buf[48 + p:72 + p]
    box = buf[72 + p:88 + p + s]
    tag = buf[88 + p + s:120 + p + s]
    master = ctypes.create_string_buffer(32)
    if so.crypto_pwhash(master, ctypes.c_ulonglong(32), passphrase,
                        ctypes.c_ulonglong(len(passphrase)), salt,
                        ctypes.c_ulonglong(ops), ctypes.c_size_t(mem),
                        ctypes.c_int(ALG_ARGON2ID13)) != 0:
        raise ValueError("crypto_pwhash")
    boxkey = ctypes.create_string_buffer(32)
    tagkey = ctypes.create_string_buffer(32)
    so.crypto_kdf_derive_from_key(boxkey, ctypes.c_size_t(32),
                                  ctypes.c_uint64(1), magic, master)
    so.crypto_kdf_derive_from_key(tagkey, ctypes.c_size_t(32),
                                  ctypes.c_uint64(2), magic, master)
    sec = ctypes.create_string_buffer(s)
    if so.crypto_secretbox_open_easy(sec, box, ctypes.c_ulonglong(len(box)),
                                     nonce, boxkey) != 0:
        raise ValueError("box does not open (passphrase or box key)")
    if so.crypto_auth_verify(tag, buf[:88 + p + s],
                             ctypes.c_ulonglong(88 + p + s), tagkey) != 0:
        raise ValueError("tag does not verify (tag key or its range)")
    return pub, sec.raw


def main():
    t = tempfile.mkdtemp(prefix="avslut-e2e-keyfiles.")
    try:
        env = dict(os.environ, AVSLUT_HOME=os.path.join(t, "home"),
                   LC_ALL="C.UTF-8")
        env.pop("AVSLUT_PASSPHRASE_FILE", None)
        pf = os.path.join(t, "pass")
        with open(pf, "wb") as f:
            f.write(PASS + b"\n")
        hrd = os.path.join(t, "home", "data", "avslut-hr")
        avd = os.path.join(t, "home", "data", "avslut")
        r = subprocess.run([os.path.join(B, "avslut-hr"), "keygen",
                            "--passphrase-file", pf, "--kdf", "test"],
                           env=env, capture_output=True, text=True)
        report("keygen", r.returncode == 0, r.stderr)
        m = re.search(r"fingerprint\s+([0-9a-f ]{39})", r.stdout)
        shown = m.group(1) if m else None

        with open(os.path.join(hrd, "hr.pub")) as f:
            hr_pk, why = parse_pub_line(f.read(), "avslut-hr-pub-v1")
        report("hr_pub_line", hr_pk is not None, why)
        if hr_pk is None:
            return
        report("hr_fingerprint", fingerprint(hr_pk) == shown,
               "page's rule %s, keygen printed %s" % (fingerprint(hr_pk),
                                                      shown))
        with open(os.path.join(hrd, "hr.key"), "rb") as f:
            buf = f.read()
        try:
            pub, sec = open_wrapped(buf, b"avslutHK", 32, 32, PASS)
            report("hr_key_opens", True)
        except ValueError as ex:
            report("hr_key_opens", False, str(ex))
            return
        report("hr_key_public_part", pub == hr_pk, "differs from hr.pub")
        derived = ctypes.create_string_buffer(32)
        so.crypto_scalarmult_base(derived, sec)
        report("hr_key_secret_matches", derived.raw == hr_pk,
               "X25519 of the secret part is not hr.pub's key")
        try:
            open_wrapped(buf, b"avslutHK", 32, 32, b"wrong horse")
            report("hr_key_wrong_passphrase", False, "opened")
        except ValueError as ex:
            report("hr_key_wrong_passphrase", "box" in str(ex), str(ex))
        bad = bytearray(buf)
        bad[48] ^= 1                       # the public key, in the clear
        bad[-16:] = b2(bytes(bad[:-16]), 16)
        try:
            open_wrapped(bytes(bad), b"avslutHK", 32, 32, PASS)
            report("hr_key_tag_covers_public", False, "opened")
        except ValueError as ex:
            report("hr_key_tag_covers_public", "tag" in str(ex), str(ex))

        r = subprocess.run([os.path.join(B, "avslut"), "init", "--hr-key",
                            os.path.join(hrd, "hr.pub"), "--passphrase-file",
                            pf, "--kdf", "test"], env=env,
                           capture_output=True, text=True)
        report("init", r.returncode == 0, r.stderr)
        with open(os.path.join(avd, "interviewer.pub")) as f:
            sign_pk, why = parse_pub_line(f.read(), "avslut-interviewer-v1")
        report("interviewer_pub_line", sign_pk is not None, why)
        with open(os.path.join(avd, "profile"), "rb") as f:
            buf = f.read()
        try:
            pub, sec = open_wrapped(buf, b"avslutIP", 64, 96, PASS)
            report("profile_opens", True)
        except ValueError as ex:
            report("profile_opens", False, str(ex))
            return
        report("profile_pins_hr_pub", pub[:32] == hr_pk, "first 32 bytes")
        report("profile_signing_public", pub[32:] == sign_pk,
               "bytes 32-63 differ from interviewer.pub")
        report("profile_signing_secret", sec[32:64] == sign_pk,
               "the Ed25519 secret key's public half differs")
        msg = b"avslut"
        sig = ctypes.create_string_buffer(64)
        so.crypto_sign_detached(sig, None, msg, ctypes.c_ulonglong(len(msg)),
                                sec[:64])
        report("profile_signing_pair", so.crypto_sign_verify_detached(
            sig, msg, ctypes.c_ulonglong(len(msg)), sign_pk) == 0,
            "a signature with the secret key does not verify")
        report("profile_draft_key", len(sec[64:]) == 32 and
               sec[64:] != bytes(32), "no draft key after the signing key")
    finally:
        shutil.rmtree(t, ignore_errors=True)


main()
sys.exit(1 if failed else 0)
