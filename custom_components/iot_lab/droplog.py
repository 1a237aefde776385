"""Refused input is logged once per board and kind, until that kind is good again."""

from __future__ import annotations

from typing import Final

from .const import LOGGER

MAX_WARNED: Final = 10_000
"""Bound on remembered warnings, so that a flood of bad ids cannot grow memory."""


class DropLog:
    """Which (board, kind) pairs have had their one warning."""

    def __init__(self) -> None:
        """Nothing warned yet."""
        self._warned: set[tuple[str, str]] = set()

    def warn(self, board_id: str, kind: str, reason: object) -> None:
        """Log bad input once per board and kind; later ones at debug level."""
        if (board_id, kind) in self._warned or len(self._warned) >= MAX_WARNED:
            LOGGER.debug("Dropped message from %s (%s): %s", board_id, kind, reason)
            return
        self._warned.add((board_id, kind))
        LOGGER.warning(
            "Dropped %s message from board %s: %s (further ones are logged at debug "
            "level until a valid one arrives)",
            kind,
            board_id,
            reason,
        )

    def clear(self, board_id: str, kind: str) -> None:
        """A good message of this kind arrived: warn again on the next bad one."""
        if self._warned:
            self._warned.discard((board_id, kind))
