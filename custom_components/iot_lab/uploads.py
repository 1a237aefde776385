"""Exported files waiting for the SFTP server, kept until an upload succeeds."""

from __future__ import annotations

from collections.abc import Callable, Iterable


class UploadQueue:
    """The files not yet on the server; the store writes them on every change."""

    def __init__(self, on_change: Callable[[], None]) -> None:
        """Empty until restored; `on_change` schedules a write of the store."""
        self.pending: set[str] = set()
        self._on_change = on_change

    def restore(self, files: Iterable[str]) -> None:
        """Take back the stored list at start-up."""
        self.pending = set(files)

    def add(self, files: set[str]) -> None:
        """Remember files to upload until an upload succeeds."""
        self.pending |= files
        self._on_change()

    def done(self, files: set[str]) -> None:
        """Forget files the server has received."""
        self.pending -= files
        self._on_change()
