"""Adopts boards running older firmware: their MQTT topics become IoT Lab devices."""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.components import mqtt
from homeassistant.core import HomeAssistant, callback

from . import legacy
from .board import MEASUREMENT
from .hub import IotLabHub
from .protocol import Channel, ProtocolError


class LegacyAdopter:
    """Subscribes to the fixed topics of the seed firmware and feeds the hub."""

    def __init__(self, hass: HomeAssistant, hub: IotLabHub) -> None:
        """Adopt into `hub`; nothing is subscribed before `async_start`."""
        self.hass = hass
        self.hub = hub

    async def async_start(self) -> Callable[[], None]:
        """Subscribe to every legacy topic; return the function that stops it all."""
        handlers = {
            legacy.ESP32_LIGHT_TOPIC: self._async_esp32_output,
            legacy.DHT11_DATA_TOPIC: self._async_dht11_data,
            legacy.DHT11_STATUS_TOPIC: self._async_dht11_status,
            legacy.POLYSOURCE_TOPIC: self._async_polysource,
        }
        unsubscribers = [
            await mqtt.async_subscribe(self.hass, topic, handler, qos=1, encoding=None)
            for topic, handler in handlers.items()
        ]

        def stop() -> None:
            for unsubscribe in unsubscribers:
                unsubscribe()

        return stop

    @callback
    def _async_esp32_output(self, msg: mqtt.ReceiveMessage) -> None:
        board_id = legacy.ESP32_BOARD.board_id
        try:
            value = legacy.parse_esp32_output(msg.payload)
        except ProtocolError as err:
            self.hub.warn(board_id, msg.topic, err)
            return
        self.hub.clear_warning(board_id, msg.topic)
        if board := self.hub.async_announce(legacy.ESP32_BOARD):
            self.hub.async_set_value(board, Channel.LIGHT, value)

    @callback
    def _async_dht11_data(self, msg: mqtt.ReceiveMessage) -> None:
        board_id = legacy.DHT11_BOARD.board_id
        try:
            temperature, humidity = legacy.parse_dht11_data(msg.payload)
        except ProtocolError as err:
            self.hub.warn(board_id, msg.topic, err)
            return
        self.hub.clear_warning(board_id, msg.topic)
        if board := self.hub.async_announce(legacy.DHT11_BOARD):
            if temperature is not None:
                self.hub.async_set_value(board, Channel.TEMPERATURE, temperature)
            if humidity is not None:
                self.hub.async_set_value(board, Channel.HUMIDITY, humidity)

    @callback
    def _async_dht11_status(self, msg: mqtt.ReceiveMessage) -> None:
        board_id = legacy.DHT11_BOARD.board_id
        try:
            online = legacy.parse_dht11_status(msg.payload)
        except ProtocolError as err:
            self.hub.warn(board_id, msg.topic, err)
            return
        self.hub.clear_warning(board_id, msg.topic)
        if board := self.hub.async_announce(legacy.DHT11_BOARD):
            self.hub.async_set_online(board, online)

    @callback
    def _async_polysource(self, msg: mqtt.ReceiveMessage) -> None:
        try:
            reading = legacy.parse_polysource(msg.payload)
        except ProtocolError as err:
            self.hub.warn("polysource", msg.topic, err)
            return
        board_id = reading.board.board_id
        if (board := self.hub.board(board_id)) is None:
            return
        if board.info is None:
            # The unit is fixed when the sensor is created: statistics need one unit.
            board.measurement_unit = reading.unit
            board.measurement_class = reading.device_class
        elif board.measurement_unit != reading.unit:
            self.hub.warn(
                board_id,
                msg.topic,
                f"unit {reading.unit!r} differs from {board.measurement_unit!r}",
            )
            return
        self.hub.clear_warning(board_id, msg.topic)
        self.hub.async_announce(reading.board)
        self.hub.async_set_value(board, MEASUREMENT, reading.value)
