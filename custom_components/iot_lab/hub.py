"""Routes every MQTT message of one base topic to the board it belongs to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from homeassistant.components import mqtt
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_call_later, async_track_time_change
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from . import legacy, protocol
from .alert import Transition
from .board import Board
from .const import (
    ALERT_EVENT,
    DEFAULT_OFFLINE_GRACE,
    DOMAIN,
    LOGGER,
    MANUFACTURER,
    MAX_PENDING_BOARDS,
    SIGNAL_BOARD_ANNOUNCED,
)
from .counter import DoorCount
from .legacy import CsvLine
from .protocol import (
    BoardInfo,
    Channel,
    Command,
    CounterTotals,
    Passage,
    ProtocolError,
)

STORAGE_VERSION: Final = 1
SAVE_DELAY: Final = 1.0
"""Seconds to gather counter changes into one write; flushed on unload and stop."""

# Each value channel is parsed by one protocol function and stored on the `Board`
# attribute of the same name.
_VALUE_PARSERS: Final[dict[Channel, Callable[[protocol.Payload], Any]]] = {
    Channel.LIGHT: protocol.parse_light,
    Channel.TEMPERATURE: protocol.parse_temperature,
    Channel.HUMIDITY: protocol.parse_humidity,
    Channel.LED: protocol.parse_led,
    Channel.OLED: protocol.parse_oled,
}
_COMMAND_SUFFIXES: Final = tuple(f"/{command}" for command in Command)
_INVALID_TOPIC: Final = "<invalid topic>"
MAX_WARNED: Final = 10_000
"""Bound on remembered warnings, so that a flood of bad ids cannot grow memory."""


type IotLabConfigEntry = ConfigEntry[IotLabHub]


def counters_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Where an entry keeps its door counters (and its boards' alerts) across restarts."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.counters")


class IotLabHub:
    """One wildcard subscription per base topic, and the boards heard on it."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        base_topic: str,
        offline_grace: float = DEFAULT_OFFLINE_GRACE,
    ) -> None:
        """Prepare the hub; nothing is subscribed before `async_start`.

        `offline_grace`: minutes a board may stay offline before its offline alert.
        """
        self.hass = hass
        self.offline_grace = offline_grace
        self.entry_id = entry_id
        self.base_topic = base_topic
        self.boards: dict[str, Board] = {}
        self.connected = mqtt.is_connected(hass)
        self._pending = 0
        self.legacy_active = False
        """True when this hub adopts the legacy topics (one hub at most)."""
        self.pending_uploads: set[str] = set()
        """Exported files not yet on the SFTP server (kept across restarts)."""
        self._warned: set[tuple[str, str]] = set()
        self._unsubscribers: list[Callable[[], None]] = []
        self._signal = SIGNAL_BOARD_ANNOUNCED.format(entry_id)
        self._store = counters_store(hass, entry_id)
        self._offline_timers: dict[str, Callable[[], None]] = {}

    async def async_start(self) -> None:
        """Restore the counters and alerts, then subscribe to `<base>/#`, follow the broker."""
        stored = await self._store.async_load() or {}
        self.pending_uploads = set(stored.get("pending_uploads", []))
        today = dt_util.now().date()
        for board_id, data in stored.get("doors", {}).items():
            if (board := self.board(board_id)) is not None:
                board.door = DoorCount.from_dict(data)
                board.door.roll_over(today)
        for board_id, alerts in stored.get("alerts", {}).items():
            if (board := self.board(board_id)) is not None:
                for kind, alert in board.alerts.items():
                    alert.restore(alerts.get(kind, {}))
        self._unsubscribers.append(
            async_track_time_change(
                self.hass, self._async_new_day, hour=0, minute=0, second=0
            )
        )
        self._unsubscribers.append(
            await mqtt.async_subscribe(
                self.hass,
                protocol.subscription_topic(self.base_topic),
                self._async_handle_message,
                qos=1,
                encoding=None,
            )
        )
        self._unsubscribers.append(
            mqtt.async_subscribe_connection_status(
                self.hass, self._async_connection_changed
            )
        )

    @callback
    def async_stop(self) -> None:
        """Release every subscription and timer."""
        while self._unsubscribers:
            self._unsubscribers.pop()()
        while self._offline_timers:
            self._offline_timers.popitem()[1]()

    async def async_flush(self) -> None:
        """Write the counters now (unload, removal of the entry)."""
        await self._store.async_save(self._counters_data())

    @callback
    def async_reset_occupancy(self, board: Board) -> None:
        """Set a counter's occupancy to 0 (people were miscounted)."""
        if board.door is not None:
            board.door.reset_occupancy()
            self._async_counted(board)

    @property
    def announced_boards(self) -> list[Board]:
        """Boards that have sent a valid announce."""
        return [board for board in self.boards.values() if board.info is not None]

    async def async_publish_command(
        self, board_id: str, command: Command, payload: str
    ) -> None:
        """Send a command to a board under the base topic."""
        await self.async_publish(
            protocol.channel_topic(self.base_topic, board_id, command), payload
        )

    async def async_publish(self, topic: str, payload: str) -> None:
        """Send a command (never retained: a board obeys it once)."""
        await mqtt.async_publish(self.hass, topic, payload, qos=1, retain=False)

    @callback
    def async_apply_csv(self, line: CsvLine) -> bool:
        """Count one CSV line of an HTTP counter; False when it was counted already."""
        board = self.async_announce(legacy.csv_board_info(line))
        if board is None:
            return False
        board.csv_line = line
        if not self._door(board).apply_period(
            line.period_end,
            line.entries,
            line.exits,
            dt_util.now().replace(tzinfo=None),
        ):
            LOGGER.debug(
                "CSV period %s of %s counted already", line.period_end, line.counter_id
            )
            return False
        self._async_counted(board)
        return True

    async def async_forget_board(self, board_id: str) -> None:
        """Drop a board and clear its retained announce so that it does not come back."""
        board = self.boards.pop(board_id, None)
        if board is not None and board.info is None:
            self._pending -= 1
        topic = protocol.channel_topic(self.base_topic, board_id, Channel.INFO)
        await mqtt.async_publish(self.hass, topic, "", qos=1, retain=True)
        LOGGER.info("Board %s removed; its retained announce was cleared", board_id)

    @callback
    def _async_connection_changed(self, connected: bool) -> None:
        self.connected = connected
        for board in self.boards.values():
            board.async_notify(Channel.STATUS)

    @callback
    def _async_handle_message(self, msg: mqtt.ReceiveMessage) -> None:
        """Parse one message; bad input is logged and dropped, never raised."""
        try:
            board_id, channel = protocol.split_topic(self.base_topic, msg.topic)
        except ProtocolError as err:
            if not msg.topic.endswith(_COMMAND_SUFFIXES):
                self.warn(_INVALID_TOPIC, "topic", err)
            return
        payload = msg.payload
        try:
            if channel is Channel.INFO:
                self._async_handle_info(board_id, payload)
            elif channel is Channel.STATUS:
                self._async_handle_status(board_id, protocol.parse_status(payload))
            elif channel is Channel.COUNTER:
                self._async_handle_totals(board_id, protocol.parse_counter(payload))
            elif channel is Channel.PASSAGE:
                self._async_handle_passage(board_id, protocol.parse_passage(payload))
            else:
                self._async_handle_value(
                    board_id, channel, _VALUE_PARSERS[channel](payload)
                )
        except ProtocolError as err:
            self.warn(board_id, channel, err)
            return
        self.clear_warning(board_id, channel)

    def clear_warning(self, board_id: str, kind: str) -> None:
        """A good message of this kind arrived: warn again on the next bad one."""
        if self._warned:
            self._warned.discard((board_id, kind))

    def _async_handle_info(self, board_id: str, payload: protocol.Payload) -> None:
        if not payload:
            self._async_retire_board(board_id)
            return
        self.async_announce(protocol.parse_info(board_id, payload))

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
        device_registry = dr.async_get(self.hass)
        device = device_registry.async_get_or_create(
            config_entry_id=self.entry_id,
            identifiers={(DOMAIN, info.board_id)},
            manufacturer=MANUFACTURER,
            serial_number=info.board_id,
        )
        device_registry.async_update_device(
            device.id, model=info.model, name=info.name, sw_version=info.firmware
        )
        async_dispatcher_send(self.hass, self._signal, board)
        return board

    def _async_retire_board(self, board_id: str) -> None:
        """A cleared announce means the board was decommissioned: drop its device."""
        board = self.boards.get(board_id)
        if board is None or board.info is None:
            return
        del self.boards[board_id]
        self._cancel_offline_timer(board_id)
        device_registry = dr.async_get(self.hass)
        if device := device_registry.async_get_device_by_identifier(
            (DOMAIN, board_id), self.entry_id
        ):
            device_registry.async_update_device(
                device.id, remove_config_entry_id=self.entry_id
            )
        LOGGER.info("Board %s cleared its announce; its device was removed", board_id)

    def _async_handle_status(self, board_id: str, online: bool) -> None:
        if (board := self.board(board_id)) is not None:
            self.async_set_online(board, online)

    @callback
    def async_set_online(self, board: Board, online: bool) -> None:
        """Record a board's birth or last will; log each change once."""
        if board.online == online:
            return
        if board.online is not None or not online:
            LOGGER.info(
                "Board %s is %s", board.board_id, "online" if online else "offline"
            )
        board.online = online
        board.async_notify(Channel.STATUS)
        if online:
            self._cancel_offline_timer(board.board_id)
            board.async_alert(board.offline_alert.resolve(dt_util.utcnow()))
        elif board.board_id not in self._offline_timers:

            @callback
            def _still_offline(_: datetime) -> None:
                del self._offline_timers[board.board_id]
                board.async_alert(
                    board.offline_alert.open(dt_util.utcnow(), self.offline_grace)
                )

            self._offline_timers[board.board_id] = async_call_later(
                self.hass, self.offline_grace * 60, _still_offline
            )

    def _cancel_offline_timer(self, board_id: str) -> None:
        if cancel := self._offline_timers.pop(board_id, None):
            cancel()

    @callback
    def _async_alert(self, board: Board, transition: Transition) -> None:
        """Fire `iot_lab_alert` for the automations, blueprints and the logbook."""
        device = dr.async_get(self.hass).async_get_device_by_identifier(
            (DOMAIN, board.board_id), self.entry_id
        )
        data: dict[str, Any] = {
            "device_id": device.id if device else None,
            "board_id": board.board_id,
            "name": board.info.name if board.info else board.board_id,
            "kind": transition.kind,
            "state": "opened" if transition.opened else "resolved",
            "value": transition.value,
            "threshold": transition.threshold,
        }
        if transition.duration is not None:
            data["duration"] = transition.duration
        data["since_previous"] = transition.since_previous
        LOGGER.info(
            "Alert %s %s on board %s (value %s, threshold %s)",
            transition.kind,
            data["state"],
            board.board_id,
            transition.value,
            transition.threshold,
        )
        self.hass.bus.async_fire(ALERT_EVENT, data)
        self._store.async_delay_save(self._counters_data, SAVE_DELAY)

    def _async_handle_value(self, board_id: str, channel: Channel, value: Any) -> None:
        if (board := self.board(board_id)) is not None:
            self.async_set_value(board, channel, value)

    @callback
    def async_set_value(self, board: Board, key: str, value: Any) -> None:
        """Store a parsed value on the `Board` attribute named `key` (its channel)."""
        if getattr(board, key) == value:
            return
        setattr(board, key, value)
        board.async_notify(key)

    def _async_handle_totals(self, board_id: str, totals: CounterTotals) -> None:
        if (board := self.board(board_id)) is None:
            return
        board.counter = totals
        if self._door(board).apply_totals(totals, dt_util.now()):
            self._async_counted(board)

    def _async_handle_passage(self, board_id: str, passage: Passage) -> None:
        if (board := self.board(board_id)) is None:
            return
        self._door(board).apply_passage(passage, dt_util.now())
        board.async_notify(Channel.PASSAGE)
        self._async_counted(board)

    @staticmethod
    def _door(board: Board) -> DoorCount:
        if board.door is None:
            board.door = DoorCount(day=dt_util.now().date())
        return board.door

    @callback
    def _async_counted(self, board: Board) -> None:
        board.async_notify(Channel.COUNTER)
        self._store.async_delay_save(self._counters_data, SAVE_DELAY)

    @callback
    def _async_new_day(self, now: datetime) -> None:
        """Reset today's figures at local midnight, even when no one passes."""
        for board in self.boards.values():
            if board.door is not None and board.door.roll_over(now.date()):
                self._async_counted(board)

    @callback
    def async_queue_upload(self, files: set[str]) -> None:
        """Remember files to upload until an upload succeeds."""
        self.pending_uploads |= files
        self._store.async_delay_save(self._counters_data, SAVE_DELAY)

    @callback
    def async_uploaded(self, files: set[str]) -> None:
        """Forget files the server has received."""
        self.pending_uploads -= files
        self._store.async_delay_save(self._counters_data, SAVE_DELAY)

    def _counters_data(self) -> dict[str, Any]:
        return {
            "pending_uploads": sorted(self.pending_uploads),
            "doors": {
                board.board_id: board.door.as_dict()
                for board in self.boards.values()
                if board.door is not None
            },
            "alerts": {
                board.board_id: {
                    kind: alert.as_dict()
                    for kind, alert in board.alerts.items()
                    if alert.last_opened_at is not None
                }
                for board in self.boards.values()
                if any(alert.last_opened_at for alert in board.alerts.values())
            },
        }

    def board(self, board_id: str) -> Board | None:
        """The board with this id, created on first message within the pending cap."""
        if (board := self.boards.get(board_id)) is not None:
            return board
        if self._pending >= MAX_PENDING_BOARDS:
            self.warn(board_id, "pending", "too many boards heard but not announced")
            return None
        self._pending += 1
        board = self.boards[board_id] = Board(board_id)
        board.on_alert = self._async_alert
        return board

    def warn(self, board_id: str, kind: str, reason: object) -> None:
        """Log bad input once per board and kind until that kind is good again."""
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
