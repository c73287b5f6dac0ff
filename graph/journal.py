"""The embedded store's append-only journal file and atomic file replacement.

``journal.jsonl`` starts with a header line naming its generation, then holds one
line per acknowledged write: ``{"len":L,"crc":C,"rec":<L bytes of JSON>}`` where
C is the CRC-32 of those L bytes. Every line is valid JSON, and a record cut short
by a crash (a torn tail) is told apart from a damaged record in the middle of the
file: a torn tail is the last line and nothing follows it.

>>> line = encode_record({"op": "delete", "incident": "i"})
>>> line
b'{"len":30,"crc":1826479212,"rec":{"op":"delete","incident":"i"}}\\n'
>>> scan_records(line + line[:20], 100, "journal.jsonl")
Scan(records=[{'op': 'delete', 'incident': 'i'}], end=165, torn=True)
>>> import io
>>> read_header(io.BytesIO(header_line(3) + line), "journal.jsonl")
(3, 29)
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from graph.errors import StoreCorrupt

JOURNAL_NAME = "journal.jsonl"
_HEADER = re.compile(rb'\{"journal":1,"generation":(\d+)\}\n')
_FRAME = re.compile(rb'\{"len":(\d+),"crc":(\d+),"rec":')
_FRAME_END = b"}\n"
_HEADER_MAX = 64


@dataclass
class Scan:
    """Records decoded from a stretch of journal; ``end`` is the file offset just past the last complete one."""

    records: list[dict[str, Any]]
    end: int
    torn: bool  # bytes after ``end`` are an incomplete last record (a write in progress, or cut by a crash)


def header_line(generation: int) -> bytes:
    """The first line of a journal of this generation."""
    return b'{"journal":1,"generation":%d}\n' % generation


def encode_record(record: dict[str, Any]) -> bytes:
    """One journal line holding ``record``, with its length and checksum."""
    body = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b'{"len":%d,"crc":%d,"rec":' % (len(body), zlib.crc32(body)) + body + _FRAME_END


def read_header(handle: IO[bytes], path: str) -> tuple[int, int]:
    """Return (generation, offset of the first record) of an open journal; StoreCorrupt if it has no valid header."""
    handle.seek(0)
    match = _HEADER.match(handle.read(_HEADER_MAX))
    if match is None:
        raise StoreCorrupt(path, "the journal does not start with a journal header")
    return int(match.group(1)), match.end()


def scan_records(data: bytes, start: int, path: str) -> Scan:
    """Decode the records in ``data``, read from file offset ``start``.

    A record that fails its length or checksum test is a torn tail if no newline
    follows it (only its own last byte may be one); otherwise the journal is
    damaged in the middle and StoreCorrupt names the file and the byte offset.
    """
    records: list[dict[str, Any]] = []
    pos = 0
    while pos < len(data):
        record, after = _decode_at(data, pos)
        if record is None:
            newline = data.find(b"\n", pos)
            if newline != -1 and newline != len(data) - 1:
                raise StoreCorrupt(path, f"the journal record at byte {start + pos} is damaged and is not the last one")
            return Scan(records, start + pos, torn=True)
        records.append(record)
        pos = after
    return Scan(records, start + pos, torn=False)


def _decode_at(data: bytes, pos: int) -> tuple[dict[str, Any] | None, int]:
    """The record framed at ``pos`` and the offset after it, or (None, pos) if it is incomplete or damaged."""
    frame = _FRAME.match(data, pos)
    if frame is None:
        return None, pos
    length, crc = int(frame.group(1)), int(frame.group(2))
    body_end = frame.end() + length
    body = data[frame.end():body_end]
    if len(body) != length or data[body_end:body_end + 2] != _FRAME_END or zlib.crc32(body) != crc:
        return None, pos
    try:
        record = json.loads(body.decode("utf-8"))
    except ValueError:
        return None, pos
    if not isinstance(record, dict):
        return None, pos
    return record, body_end + 2


class JournalFile:
    """Appends to, trims and re-creates one journal file; the caller holds the store's file lock for all three."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def open(self) -> IO[bytes] | None:
        """The journal opened for reading, or None if there is none yet."""
        try:
            return open(self.path, "rb")
        except FileNotFoundError:
            return None

    def create(self, generation: int) -> os.stat_result:
        """Atomically replace the journal with an empty one of ``generation``; return its stat."""
        return replace_atomically(self.path, header_line(generation))

    def append(self, line: bytes, *, inode: int, offset: int) -> int:
        """Append ``line`` and fsync; return the new end offset. The write is durable once this returns.

        The file must still be the one (``inode``) and size (``offset``) the caller
        read. On any failure the file is cut back to ``offset`` (its last whole record)
        and AppendFailed raised; its ``cut_back`` is False only if even that failed, when
        the record may still be read back later.
        """
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        try:
            stat = os.fstat(fd)
            if (stat.st_ino, stat.st_size) != (inode, offset):
                raise AppendFailed(f"{self.path} changed under the lock (size {stat.st_size}, expected {offset})")
            try:
                _write_all(fd, line)
                os.fsync(fd)
            except OSError as exc:
                # A record written whole but not fsynced (ENOSPC, EIO) would be read back as stored: cut it off.
                raise AppendFailed(str(exc), errno=exc.errno, cut_back=_cut_back(fd, offset)) from exc
        finally:
            os.close(fd)
        return offset + len(line)

    def truncate(self, offset: int) -> None:
        """Cut a torn tail off at ``offset`` and fsync."""
        fd = os.open(self.path, os.O_WRONLY)
        try:
            os.ftruncate(fd, offset)
            os.fsync(fd)
        finally:
            os.close(fd)


def replace_atomically(path: Path, data: bytes) -> os.stat_result:
    """Write ``data`` to a temp file in the same folder, fsync it, rename it over ``path``, fsync the folder.

    A crash at any point leaves either the old file or the new one, never a mix.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return path.stat()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _cut_back(fd: int, offset: int, attempts: int = 3) -> bool:
    """Take back a failed append, so no reader or later writer sees any of it; True once the file ends at ``offset``.

    Truncating frees space, so it works on a full disk; its fsync may still fail, but the size
    every reader sees is already the cut one.
    """
    for _ in range(attempts):
        try:
            os.ftruncate(fd, offset)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        return os.fstat(fd).st_size == offset
    return False


class AppendFailed(OSError):
    """A journal append that did not complete; ``cut_back`` says whether the journal was cut back to its last
    whole record (so nothing of it was stored)."""

    def __init__(self, message: str, *, errno: int | None = None, cut_back: bool = True) -> None:
        args = (errno, message) if errno is not None else (message,)
        super().__init__(*args)
        self.cut_back = cut_back


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX needs the directory fsynced)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

