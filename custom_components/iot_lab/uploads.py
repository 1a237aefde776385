"""Exported files waiting for the upload server, and what the server already has."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
import hashlib
from typing import Final

MAX_SENT: Final = 200
"""Files whose last upload is remembered (the newest; 20 counters' last 10 days): a file
forgotten and exported again is sent once more, which the server takes as an overwrite.
Kept small: the list is stored with the counters, written after every count."""


def digest(data: bytes) -> str:
    """What tells a file's contents apart: the first 128 bits of its SHA-256."""
    return hashlib.sha256(data).hexdigest()[:32]


class UploadQueue:
    """The files not yet on the server; the store writes them on every change.

    `lock` gives the entry's exports and uploads one turn each: two exports of the
    same day at the same second (an automation and the automatic export) would
    otherwise send the same files over two sessions at once.
    """

    def __init__(self, on_change: Callable[[], None]) -> None:
        """Empty until restored; `on_change` schedules a write of the store."""
        self.pending: set[str] = set()
        self.sent: dict[str, str] = {}
        """Path -> digest of the content the server was last sent, oldest first."""
        self.lock = asyncio.Lock()
        self._on_change = on_change

    def restore(self, files: Iterable[str], sent: Mapping[str, str]) -> None:
        """Take back the stored lists at start-up."""
        self.pending = set(files)
        self.sent = dict(sent)

    def add(self, files: set[str]) -> None:
        """Remember files to upload until an upload succeeds."""
        self.pending |= files
        self._on_change()

    def unchanged(self, path: str, data: bytes) -> bool:
        """True when the server was already sent exactly this content."""
        return self.sent.get(path) == digest(data)

    def done(self, files: set[str], contents: Mapping[str, bytes]) -> None:
        """Forget `files`; the server now holds `contents` (path -> bytes)."""
        self.pending -= files
        for path, data in contents.items():
            self.sent.pop(path, None)  # the newest last
            self.sent[path] = digest(data)
        while len(self.sent) > MAX_SENT:
            del self.sent[next(iter(self.sent))]
        self._on_change()
