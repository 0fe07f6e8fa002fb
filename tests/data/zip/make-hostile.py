#!/usr/bin/env python3
"""Generate the zip fixtures for tests/test_zip.c (good and hostile).

Run from anywhere: python3 make-hostile.py.  The generated files are
committed; the tests never need Python.  Every zip is deterministic (fixed
timestamps), so rerunning reproduces the same bytes."""
import os
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
STAMP = (2024, 1, 2, 3, 4, 6)


def path(name):
    return os.path.join(HERE, name)


def info(name, method=zipfile.ZIP_DEFLATED):
    zi = zipfile.ZipInfo(name, date_time=STAMP)
    zi.compress_type = method
    zi.external_attr = 0o644 << 16
    return zi


def write_zip(fname, entries):
    """entries: list of (name, bytes, method)."""
    with zipfile.ZipFile(path(fname), "w") as z:
        for name, data, method in entries:
            z.writestr(info(name, method), data)


def good():
    data_bin = bytes(range(256)) * 4
    write_zip("good.zip", [
        ("hello.txt", b"Hello, zip.\n", zipfile.ZIP_DEFLATED),
        ("dir/", b"", zipfile.ZIP_STORED),
        ("dir/notes.txt", b"stored text", zipfile.ZIP_STORED),
        ("data.bin", data_bin, zipfile.ZIP_DEFLATED),
        ("caf\u00e9.txt", "na\u00efve \u2014 ok\n".encode(), zipfile.ZIP_DEFLATED),
        ("empty.txt", b"", zipfile.ZIP_DEFLATED),
        ("a..b.txt", b"dots inside a name are fine", zipfile.ZIP_STORED),
    ])


def bad_names():
    for fname, entry in [("dotdot.zip", "../evil.txt"), ("absolute.zip", "/abs.txt"),
                         ("backslash.zip", "a\\b.txt"), ("drive.zip", "C:evil.txt"),
                         ("inner-dotdot.zip", "docs/../../evil.txt")]:
        write_zip(fname, [("ok.txt", b"fine", zipfile.ZIP_STORED),
                          (entry, b"evil", zipfile.ZIP_STORED)])


def duplicate():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_zip("duplicate.zip", [("same.txt", b"first", zipfile.ZIP_STORED),
                                    ("same.txt", b"second", zipfile.ZIP_STORED)])


def many_entries():
    # 20001 empty stored entries with 3-character names: about 1.6 MB.
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    names = []
    for a in alphabet:
        for b in alphabet:
            for c in alphabet:
                names.append(a + b + c)
    write_zip("many-entries.zip", [(n, b"", zipfile.ZIP_STORED) for n in names[:20001]])


def bomb():
    # 200 MiB of zeros in one deflated entry: about 200 KiB, ratio ~1000.
    with zipfile.ZipFile(path("bomb.zip"), "w", compresslevel=9) as z:
        zi = info("zeros.bin")
        with z.open(zi, "w", force_zip64=False) as f:
            block = bytes(1 << 20)
            for _ in range(200):
                f.write(block)


def patch_uncompressed_size(fname, new_size):
    """Make the local header and central directory lie about the size."""
    raw = bytearray(open(path(fname), "rb").read())
    # local header: uncompressed size at +22
    assert raw[0:4] == b"PK\x03\x04"
    struct.pack_into("<I", raw, 22, new_size)
    cd = raw.find(b"PK\x01\x02")
    struct.pack_into("<I", raw, cd + 24, new_size)
    open(path(fname), "wb").write(bytes(raw))


def lying_size():
    # 2 MiB of 'a' declared as 100 bytes (CRC is the real one).
    write_zip("lying-size.zip", [("liar.txt", b"a" * (2 << 20), zipfile.ZIP_DEFLATED)])
    patch_uncompressed_size("lying-size.zip", 100)


def local_header(name, data, crc):
    n = name.encode()
    return struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 0, 0, 0x21,
                       crc, len(data), len(data), len(n), 0) + n + data


def central_record(name, data_len, crc, offset):
    n = name.encode()
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, 0, 0, 0x21,
                       crc, data_len, data_len, len(n), 0, 0, 0, 0, 0, offset) + n


def eocd(count, cd_size, cd_offset):
    return struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, count, count, cd_size, cd_offset, 0)


def overlap():
    # "Better zip bomb" shape: entry "b.txt" is a real entry whose local
    # header and data lie inside the stored data of entry "a.txt".
    inner = local_header("b.txt", b"kernel", zlib.crc32(b"kernel"))
    outer = local_header("a.txt", inner, zlib.crc32(inner))
    cd = (central_record("a.txt", len(inner), zlib.crc32(inner), 0) +
          central_record("b.txt", 6, zlib.crc32(b"kernel"), 30 + 5))
    open(path("overlap.zip"), "wb").write(outer + cd + eocd(2, len(cd), len(outer)))
    # Two central-directory records pointing at one local header.
    one = local_header("x.txt", b"shared", zlib.crc32(b"shared"))
    cd = (central_record("x.txt", 6, zlib.crc32(b"shared"), 0) +
          central_record("y.txt", 6, zlib.crc32(b"shared"), 0))
    open(path("same-offset.zip"), "wb").write(one + cd + eocd(2, len(cd), len(one)))


def not_zip_and_truncated():
    open(path("not-a-zip.zip"), "wb").write(b"This is plain text, not a zip archive.\n" * 3)
    raw = open(path("good.zip"), "rb").read()
    open(path("truncated.zip"), "wb").write(raw[: len(raw) // 2])
    # Central directory claimed beyond the end: EOCD intact, offsets wrong.
    cd = raw.find(b"PK\x01\x02")
    e = raw.rfind(b"PK\x05\x06")
    bad = bytearray(raw)
    struct.pack_into("<I", bad, e + 16, len(raw) + 1000)
    open(path("cd-outside.zip"), "wb").write(bytes(bad))
    assert cd > 0


def reordered():
    # Central directory in reverse order of the data: readers must not
    # assume the two orders agree.
    write_zip("reordered.zip", [("first.txt", b"one", zipfile.ZIP_DEFLATED),
                                ("second.txt", b"two", zipfile.ZIP_STORED),
                                ("third.txt", b"three", zipfile.ZIP_DEFLATED)])
    raw = open(path("reordered.zip"), "rb").read()
    e = raw.rfind(b"PK\x05\x06")
    cd_size, cd_off = struct.unpack_from("<II", raw, e + 12)
    recs, pos = [], cd_off
    while pos < cd_off + cd_size:
        n, x, c = struct.unpack_from("<HHH", raw, pos + 28)
        recs.append(raw[pos:pos + 46 + n + x + c])
        pos += 46 + n + x + c
    open(path("reordered.zip"), "wb").write(raw[:cd_off] + b"".join(reversed(recs)) + raw[e:])


if __name__ == "__main__":
    reordered()
    good()
    bad_names()
    duplicate()
    many_entries()
    bomb()
    lying_size()
    overlap()
    not_zip_and_truncated()
    for f in sorted(os.listdir(HERE)):
        if f.endswith(".zip"):
            print(f"{os.path.getsize(path(f)):>9}  {f}")
