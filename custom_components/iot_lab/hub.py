"""Routes every message of one base topic to its board, and keeps the boards' lifecycle.

The path of one message: Home Assistant's MQTT client → `IotLabHub._async_received` →
`decode_message` (one typed message) → `IotLabHub.async_dispatch` → the board's
typed state → its entities. Device registry, availability, storage and the upload queue
live in their own modules; the hub only calls them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import time

from homeassistant.components import mqtt
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util

from .alert import Transition
from .alerting import async_fire_alert
from .availability import Availability
from .board import Board
from .const import (
    DEFAULT_OFFLINE_GRACE,
    LOGGER,
    MAX_PENDING_BOARDS,
    SIGNAL_BOARD_ANNOUNCED,
)
from .devices import BoardDevices
from .door import EVERY_MIDNIGHT, DayRules
from .droplog import DropLog
from .iot_lab_wire import (
    DEFAULT_TOPICS,
    Announce,
    BoardInfo,
    Channel,
    Command,
    CsvLine,
    LegacyTopics,
    Refusal,
    Status,
    WireMessage,
    channel_topic,
    csv_board_info,
    decode_message,
    subscription_topic,
)
from .state import Part
from .storage import BoardStore

type IotLabConfigEntry = ConfigEntry[IotLabHub]


class IotLabHub:
    """One wildcard subscription per base topic, and the boards heard on it."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        base_topic: str,
        offline_grace: float = DEFAULT_OFFLINE_GRACE,
        legacy_topics: LegacyTopics = DEFAULT_TOPICS,
        *,
        bridges: Mapping[str, Iterable[str]] | None = None,
        silence: Mapping[str, float] | None = None,
        day: DayRules = EVERY_MIDNIGHT,
        closing: time = time(19),
    ) -> None:
        """Prepare the hub; nothing is subscribed before `async_start`.

        `offline_grace`: minutes a board may stay offline before its offline alert.
        `legacy_topics`: where older firmware publishes and listens, if this hub adopts it.
        `bridges`: notification topics of site brokers' bridges, and the boards behind
        each (none listed: every other board).
        `silence`: minutes a board with no status topic may stay silent, by kind.
        `day`: when a day's figures start, and what occupancy does then; `closing`:
        when the building empties, for the rules that say so.
        """
        self.hass = hass
        self.legacy_topics = legacy_topics
        self.day = day
        self._closing = closing
        self.entry_id = entry_id
        self.base_topic = base_topic
        self.boards: dict[str, Board] = {}
        self.drops = DropLog()
        self.availability = Availability(
            hass, self.boards, offline_grace, bridges, silence
        )
        self.devices = BoardDevices(hass, entry_id, base_topic)
        self.store = BoardStore(hass, entry_id, self.boards)
        self._pending = 0
        self._signal = SIGNAL_BOARD_ANNOUNCED.format(entry_id)
        self._unsubscribers: list[Callable[[], None]] = []

    def reachable(self, board: Board) -> bool:
        """True while a board can be reached (broker connected, its bridge not down)."""
        return self.availability.reachable(board.board_id)

    @property
    def announced_boards(self) -> list[Board]:
        """Boards that have sent a valid announce."""
        return [board for board in self.boards.values() if board.info is not None]

    async def async_start(self) -> None:
        """Restore the counters and alerts, subscribe to `<base>/#`, follow the broker."""
        await self.store.async_restore(self.board)
        self._unsubscribers.append(self.store.async_track_days(self.day, self._closing))
        self._unsubscribers.append(
            await mqtt.async_subscribe(
                self.hass,
                subscription_topic(self.base_topic),
                self._async_received,
                qos=1,
                encoding=None,
            )
        )
        self._unsubscribers.append(await self.availability.async_start())

    @callback
    def async_stop(self) -> None:
        """Release every subscription and timer."""
        while self._unsubscribers:
            self._unsubscribers.pop()()

    @callback
    def _async_received(self, msg: mqtt.ReceiveMessage) -> None:
        """Decode once; bad input is logged and dropped, never raised."""
        message = decode_message(self.base_topic, msg.topic, msg.payload)
        if message is not None:
            self._async_handle(message)

    @callback
    def async_dispatch(self, messages: Iterable[WireMessage]) -> None:
        """Apply what one payload of older firmware said, in order.

        A refusal stops the rest. A board that sent what was applied has been heard.
        """
        heard: dict[str, None] = {}
        for message in messages:
            if not self._async_handle(message):
                break
            heard[message.board_id] = None
        for board_id in heard:
            if (board := self.boards.get(board_id)) is not None:
                self.availability.async_heard(board)

    def _async_handle(self, message: WireMessage) -> bool:
        """Apply one message; log a refusal once per board and kind, then drop it."""
        if (refusal := self._async_apply(message)) is None:
            self.drops.clear(message.board_id, message.kind)
            return True
        self.drops.warn(refusal.board_id, refusal.kind, refusal.reason)
        return False

    def _async_apply(self, message: WireMessage) -> Refusal | None:
        """The one place that routes a message: lifecycle here, the rest to its board."""
        if isinstance(message, Refusal):
            return message
        if isinstance(message, Announce):
            if message.info is None:
                self._async_retire_board(message.board_id)
            else:
                self.async_announce(message.info)
            return None
        if (board := self.board(message.board_id)) is None:
            return None
        if isinstance(message, Status):
            self.availability.async_set_online(board, message.online)
        elif (reason := board.take(message, dt_util.now())) is not None:
            return Refusal(board_id=message.board_id, kind=message.kind, reason=reason)
        return None

    @callback
    def async_announce(self, info: BoardInfo) -> Board | None:
        """Create or update the board's device and let the platforms add its entities."""
        board = self.board(info.board_id)
        if board is None or board.info == info:
            return board
        if board.info is None:
            self._pending -= 1
            LOGGER.info(
                "Discovered board %s (%s, firmware %s)",
                info.board_id,
                info.model,
                info.firmware,
            )
        board.info = info
        board.async_changed((Part.INFO,))
        self.devices.async_update(info)
        async_dispatcher_send(self.hass, self._signal, board)
        return board

    def _async_retire_board(self, board_id: str) -> None:
        """A cleared announce means the board was decommissioned: drop its device."""
        board = self.boards.get(board_id)
        if board is None or board.info is None:
            return
        del self.boards[board_id]
        self.availability.async_forget(board_id)
        self.devices.async_remove(board_id)
        LOGGER.info("Board %s cleared its announce; its device was removed", board_id)

    async def async_forget_board(self, board_id: str) -> None:
        """Drop a board and clear its retained announce so that it does not come back."""
        board = self.boards.pop(board_id, None)
        if board is not None and board.info is None:
            self._pending -= 1
        self.availability.async_forget(board_id)
        topic = channel_topic(self.base_topic, board_id, Channel.INFO)
        await mqtt.async_publish(self.hass, topic, "", qos=1, retain=True)
        LOGGER.info("Board %s removed; its retained announce was cleared", board_id)

    def board(self, board_id: str) -> Board | None:
        """The board with this id, created on first message within the pending cap."""
        if (board := self.boards.get(board_id)) is not None:
            return board
        if self._pending >= MAX_PENDING_BOARDS:
            self.drops.warn(
                board_id, "pending", "too many boards heard but not announced"
            )
            return None
        self._pending += 1
        board = self.boards[board_id] = Board(board_id)
        board.door.rules = self.day
        board.on_change = self._async_board_changed
        board.on_alert = self._async_alert
        return board

    @callback
    def async_apply_csv(self, line: CsvLine) -> bool:
        """Count one CSV line of an HTTP counter; False when it was counted already."""
        board = self.async_announce(csv_board_info(line))
        if board is None:
            return False
        self.availability.async_heard(board)
        if (reason := board.take(line, dt_util.now())) is not None:
            LOGGER.debug("%s: %s", line.counter_id, reason)
            return False
        return True

    async def async_publish_command(
        self, board_id: str, command: Command, payload: str
    ) -> None:
        """Send a command to a board under the base topic."""
        await self.async_publish(
            channel_topic(self.base_topic, board_id, command), payload
        )

    async def async_publish(self, topic: str, payload: str) -> None:
        """Send a command (never retained: a board obeys it once)."""
        await mqtt.async_publish(self.hass, topic, payload, qos=1, retain=False)

    @callback
    def _async_board_changed(self, board: Board, part: Part) -> None:
        if part is Part.COUNT:
            self.store.async_schedule_save()

    @callback
    def _async_alert(self, board: Board, transition: Transition) -> None:
        async_fire_alert(
            self.hass,
            self.base_topic,
            self.devices.device_id(board.board_id),
            board,
            transition,
        )
        self.store.async_schedule_save()
