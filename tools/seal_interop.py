#!/usr/bin/env python3
"""Independent decryption of loka sealed containers (.lks), written from docs/sealed-format.md.

Uses Python `cryptography` (AES-GCM, HKDF, HMAC, scrypt, PBKDF2) and, for SM4-CTR, its SM4
cipher when the OpenSSL it is built on has one, else the `openssl enc -sm4-ctr` command.

  seal_interop.py decrypt FILE.lks (--key-file K | --passphrase P) -o OUT
  seal_interop.py selftest LOKA_PROGRAM MODEL_DIR   # seal with loka, decrypt here, compare bytes

The self test seals a GGUF file and a Hugging Face folder with both suites (and a passphrase)
using the `loka` program, decrypts them with this script, and compares every file byte for
byte with the original. Exit status 0 when all match.
"""
import argparse
import hashlib
import hmac as std_hmac
import os
import struct
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as c_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

HEADER_SIZE = 208


class SealError(Exception):
    pass


def parse_header(data):
    if data[:8] != b"LOKASEAL":
        raise SealError("bad magic")
    version, header_size = struct.unpack_from("<HH", data, 8)
    if header_size < 44 or header_size > len(data):
        raise SealError("bad header size")
    if hashlib.sha256(data[: header_size - 32]).digest() != data[header_size - 32 : header_size]:
        raise SealError("header digest mismatch")
    if version != 1 or header_size != HEADER_SIZE:
        raise SealError(f"unsupported version {version}")
    suite, kdf, chunk_log2 = data[12], data[13], data[14]
    payload_size, chunk_count = struct.unpack_from("<QQ", data, 16)
    h = dict(
        suite=suite, kdf=kdf, chunk_log2=chunk_log2, payload_size=payload_size,
        chunk_count=chunk_count, file_id=data[32:48], kdf_salt=data[48:80],
        kdf_p=struct.unpack_from("<III", data, 80), key_id=data[96:128].rstrip(b"\0").decode(),
        key_check=data[128:144], mac=data[144:176], raw=data[:HEADER_SIZE])
    if suite not in (1, 2) or not 16 <= chunk_log2 <= 26:
        raise SealError("bad suite or chunk size")
    c = 1 << chunk_log2
    if chunk_count != (payload_size + c - 1) // c:
        raise SealError("bad chunk count")
    tag = 16 if suite == 1 else 32
    if len(data) != HEADER_SIZE + payload_size + chunk_count * tag:
        raise SealError("wrong file size (truncated or extended)")
    return h


def master_key(h, key_bytes=None, passphrase=None):
    if h["kdf"] == 0:
        if key_bytes is None:
            raise SealError("the file needs a raw key")
        return key_bytes
    if passphrase is None:
        raise SealError("the file needs a passphrase")
    p1, p2, p3 = h["kdf_p"]
    pw = passphrase.encode()
    if h["kdf"] == 1:
        return Scrypt(salt=h["kdf_salt"], length=32, n=1 << p1, r=p2, p=p3).derive(pw)
    if h["kdf"] == 2:
        return PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=h["kdf_salt"], iterations=p1).derive(pw)
    raise SealError("unknown KDF")


def hash_alg(h):
    return hashes.SHA256() if h["suite"] == 1 else hashes.SM3()


def hkdf(h, k, info, n):
    return HKDF(algorithm=hash_alg(h), length=n, salt=h["file_id"], info=info).derive(k)


def hmac_h(h, key, *parts):
    m = c_hmac.HMAC(key, hash_alg(h))
    for p in parts:
        m.update(p)
    return m.finalize()


def sm4_ctr(key, iv, data):
    try:
        c = Cipher(algorithms.SM4(key), modes.CTR(iv)).decryptor()
        return c.update(data) + c.finalize()
    except Exception:  # an OpenSSL without SM4 under cryptography: the openssl command
        r = subprocess.run(["openssl", "enc", "-d", "-sm4-ctr", "-K", key.hex(), "-iv", iv.hex(), "-nopad"],
                           input=data, capture_output=True, check=True)
        return r.stdout


def decrypt(data, key_bytes=None, passphrase=None):
    h = parse_header(data)
    k = master_key(h, key_bytes, passphrase)
    k_enc = hkdf(h, k, b"loka-seal v1 enc", 32 if h["suite"] == 1 else 16)
    k_mac = hkdf(h, k, b"loka-seal v1 mac", 32)
    if not std_hmac.compare_digest(hkdf(h, k, b"loka-seal v1 check", 16), h["key_check"]):
        raise SealError("wrong key")
    if not std_hmac.compare_digest(hmac_h(h, k_mac, h["raw"][:128]), h["mac"]):
        raise SealError("header MAC mismatch")
    c, tag = 1 << h["chunk_log2"], (16 if h["suite"] == 1 else 32)
    out = bytearray()
    for i in range(h["chunk_count"]):
        off = HEADER_SIZE + i * (c + tag)
        n = min(c, h["payload_size"] - i * c)
        ct, t = data[off : off + n], data[off + n : off + n + tag]
        if h["suite"] == 1:
            iv = b"\0" * 4 + struct.pack(">Q", i)
            try:
                out += AESGCM(k_enc).decrypt(iv, ct + t, h["raw"] + struct.pack("<Q", i))
            except Exception:
                raise SealError(f"chunk {i}: authentication failed")
        else:
            if not std_hmac.compare_digest(hmac_h(h, k_mac, h["raw"], struct.pack("<Q", i), ct), t):
                raise SealError(f"chunk {i}: authentication failed")
            out += sm4_ctr(k_enc, struct.pack(">Q", i) + b"\0" * 8, ct)
    return h, parse_manifest(bytes(out))


def parse_manifest(p):
    if p[:8] != b"LKSMANI1":
        raise SealError("bad manifest magic")
    count, _, size = struct.unpack_from("<IIQ", p, 8)
    at, files = 24, {}
    for _ in range(count):
        off, n, name_len = struct.unpack_from("<QQH", p, at)
        at += 18
        name = p[at : at + name_len].decode()
        at += name_len
        if off % 4096 or off < size or off + n > len(p) or name in files or name.startswith("/") or ".." in name.split("/"):
            raise SealError(f"bad manifest entry {name!r}")
        files[name] = p[off : off + n]
    return files


def read_key_file(path):
    raw = open(path, "rb").read()
    if len(raw) == 32:
        return raw
    return bytes.fromhex(raw.decode().strip())


def selftest(loka, model_dir):
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        key = os.path.join(tmp, "k.key")
        subprocess.run([loka, "keygen", key], check=True, capture_output=True)
        cases = []
        gguf = os.path.join(model_dir, "model.gguf")
        for suite in ("aes", "sm4"):
            if os.path.exists(gguf):
                cases.append((gguf, suite, ["--key-file", key], dict(key_bytes=read_key_file(key))))
            cases.append((model_dir, suite, ["--key-file", key], dict(key_bytes=read_key_file(key))))
        cases.append((model_dir, "sm4", ["--passphrase", "interop pass"], dict(passphrase="interop pass")))
        cases.append((model_dir, "aes", ["--passphrase", "interop pass", "--kdf", "pbkdf2"],
                      dict(passphrase="interop pass")))
        for src, suite, key_args, key_kw in cases:
            out = os.path.join(tmp, "m.lks")
            subprocess.run([loka, "seal", "-m", src, "-o", out, "--suite", suite, "--chunk-size", "64K"] + key_args,
                           check=True, capture_output=True)
            data = open(out, "rb").read()
            h, files = decrypt(data, **key_kw)
            originals = ({os.path.basename(src): src} if os.path.isfile(src) else
                         {f: os.path.join(src, f) for f in files})
            ok = set(files) == set(originals) and all(files[n] == open(originals[n], "rb").read() for n in originals)
            if os.path.isdir(src):  # every model file of the folder is in the container
                want = sorted(f for f in os.listdir(src) if f.endswith((".json", ".safetensors")))
                ok = ok and sorted(files) == want
            # A flipped bit in the last chunk must fail here too.
            bad = bytearray(data)
            bad[-40] ^= 1
            try:
                decrypt(bytes(bad), **key_kw)
                ok = False
            except SealError:
                pass
            print(f"{'ok  ' if ok else 'FAIL'} {suite} kdf={h['kdf']} {src}: {len(files)} files, "
                  f"{h['chunk_count']} chunks, {sum(len(v) for v in files.values())} bytes")
            failures += not ok
        failures += cli_checks(loka, model_dir, key, tmp)
    return failures


def cli_checks(loka, model_dir, key, tmp):
    """`loka inspect` needs no key; `loka info` needs the right one (exit 1, "key error")."""
    out = os.path.join(tmp, "cli.lks")
    subprocess.run([loka, "seal", "-m", model_dir, "-o", out, "--suite", "sm4", "--key-file", key,
                    "--key-id", "interop-key"], check=True, capture_output=True)
    other = os.path.join(tmp, "other.key")
    subprocess.run([loka, "keygen", other], check=True, capture_output=True)
    inspect = subprocess.run([loka, "inspect", out], capture_output=True, text=True)
    info = subprocess.run([loka, "info", out, "--key-file", key], capture_output=True, text=True)
    wrong = subprocess.run([loka, "info", out, "--key-file", other], capture_output=True, text=True)
    plain = subprocess.run([loka, "info", model_dir], capture_output=True, text=True)
    checks = {
        "inspect shows the public header": inspect.returncode == 0 and "sm4-ctr+hmac-sm3" in inspect.stdout
        and "interop-key" in inspect.stdout and "config.json" not in inspect.stdout,
        "info on the sealed model equals info on the folder": info.returncode == 0
        and info.stdout.replace(out, "P") == plain.stdout.replace(model_dir, "P"),
        "a wrong key is a key error": wrong.returncode == 1 and "key error" in wrong.stderr,
    }
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} cli: {name}")
    return sum(not ok for ok in checks.values())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("decrypt")
    d.add_argument("file")
    d.add_argument("--key-file")
    d.add_argument("--passphrase")
    d.add_argument("-o", "--output", required=True)
    s = sub.add_parser("selftest")
    s.add_argument("loka")
    s.add_argument("model_dir")
    a = ap.parse_args()
    if a.cmd == "selftest":
        failures = selftest(a.loka, a.model_dir)
        print("all containers decrypted to the original bytes" if not failures else f"{failures} failures")
        return 1 if failures else 0
    key = read_key_file(a.key_file) if a.key_file else None
    _, files = decrypt(open(a.file, "rb").read(), key, a.passphrase)
    if len(files) == 1:
        open(a.output, "wb").write(next(iter(files.values())))
    else:
        os.makedirs(a.output, exist_ok=True)
        for name, b in files.items():
            open(os.path.join(a.output, name), "wb").write(b)
    return 0


if __name__ == "__main__":
    sys.exit(main())
