"""Exports of one entry asked for at the same moment, against real SFTP and FTPS servers.

A user's automation that exports every half hour runs in the same second as the
automatic export: every call must succeed, each file must hold the day's lines once, and
the server must be sent each file once per change (a file left pending by a failed
upload included), however the calls interleave.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.iot_lab.const import (
    CONF_AUTO_EXPORT,
    CONF_BASE_TOPIC,
    CONF_CA_CERTIFICATE,
    CONF_PROTOCOL,
    CONF_REMOTE_DIR,
    CONF_SFTP,
    DOMAIN,
    SERVICE_EXPORT_COUNTS,
)

from .conftest import Fire, FtpsServer, SftpServer, load_fixture

DOOR = "door-1"
DAY = date(2026, 11, 23)
CALLS = 6
"""The user's export calls made together (the automatic export comes on top)."""
TODAY = "uploads/iot/23_11_2026_counterdata-door-1.csv"
YESTERDAY = "uploads/iot/22_11_2026_counterdata-door-1.csv"


def _local(at: str) -> datetime:
    """`HH:MM` on DAY in Home Assistant's time zone."""
    hour, minute = (int(part) for part in at.split(":"))
    return dt_util.as_utc(
        datetime.combine(DAY, time(hour, minute), dt_util.get_default_time_zone())
    )


def _line(at: str, entries: int) -> str:
    return f"2026-11-23,{at}:00,{entries},0,door-1,Library entrance,,,"


async def _export(hass: HomeAssistant, device_id: str, day: date) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        SERVICE_EXPORT_COUNTS,
        {"device_id": device_id, "date": day.isoformat()},
        blocking=True,
        return_response=True,
    )


async def _totals(hass: HomeAssistant, fire: Fire, entries: int) -> None:
    await fire(
        DOOR, "counter", json.dumps({"entries": entries, "exits": 0, "boot": "b"})
    )


async def _exports_together(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fire: Fire,
    server: dict[str, Any],
    root: Path,
    stored: Callable[[], list[str]],
) -> None:
    """Yesterday's file left pending, then CALLS exports plus the automatic one.

    `stored()` lists the files the server received; both servers note a file before
    the client hears that its transfer is complete.
    """
    freezer.move_to(_local("09:01"))  # the next automatic export: 09:30:30
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="IoT Lab (iot_lab)",
        data={CONF_BASE_TOPIC: "iot_lab"},
        options={
            CONF_AUTO_EXPORT: True,
            CONF_SFTP: server | {CONF_PASSWORD: "wrong"},
        },
        unique_id="iot_lab",
        version=2,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await fire(DOOR, "info", load_fixture("info_counter.json"), retain=True)
    await fire(DOOR, "status", "online", retain=True)
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"iot_lab/{DOOR}"), entry.entry_id
    )
    assert device is not None
    freezer.move_to(_local("09:02"))
    await _totals(hass, fire, 0)
    freezer.move_to(_local("09:05"))
    await _totals(hass, fire, 3)
    # The password was wrong: yesterday's file waits for the next upload.
    pending = await _export(hass, device.id, DAY - timedelta(days=1))
    uploads = entry.runtime_data.store.uploads
    assert uploads.pending == set(pending["files"])
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_SFTP: server}
    )
    await hass.async_block_till_done()

    freezer.move_to(_local("09:30") + timedelta(seconds=30))
    calls = [
        hass.async_create_task(_export(hass, device.id, DAY)) for _ in range(CALLS)
    ]
    async_fire_time_changed(hass)  # the automatic export, in the same second
    responses = await asyncio.gather(*calls)
    await hass.async_block_till_done(wait_background_tasks=True)

    local = Path(hass.config.path("iot_lab", "exports", Path(TODAY).name))
    assert responses == [{"files": [str(local)]}] * CALLS
    expected = [_line("08:30", 0), _line("09:00", 0), _line("09:30", 3)]
    assert local.read_text().splitlines() == expected
    assert sorted(stored()) == [YESTERDAY, TODAY]
    assert (root / TODAY).read_bytes() == local.read_bytes()
    assert uploads.pending == set()
    issue_id = f"upload_failed_{entry.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert not list(local.parent.glob("*.part"))

    # Nothing changed: exporting again sends nothing. A passage: sent once more.
    await asyncio.gather(*(_export(hass, device.id, DAY) for _ in range(CALLS)))
    assert len(stored()) == 2
    await _totals(hass, fire, 4)
    freezer.move_to(_local("10:00") + timedelta(seconds=30))
    calls = [
        hass.async_create_task(_export(hass, device.id, DAY)) for _ in range(CALLS)
    ]
    async_fire_time_changed(hass)
    await asyncio.gather(*calls)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sorted(stored()) == [YESTERDAY, TODAY, TODAY]
    assert local.read_text().splitlines() == [*expected, _line("10:00", 1)]
    assert (root / TODAY).read_bytes() == local.read_bytes()


def _server(protocol: str, port: int, **extra: str) -> dict[str, Any]:
    return {
        CONF_PROTOCOL: protocol,
        CONF_HOST: "127.0.0.1",
        CONF_PORT: port,
        CONF_USERNAME: "library",
        CONF_PASSWORD: "s3cret",
        CONF_REMOTE_DIR: "uploads/iot",
        **extra,
    }


async def test_sftp_exports_together(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mqtt_mock: Any,
    fire: Fire,
    sftp_server: SftpServer,
    sftp_stored: list[str],
) -> None:
    port, root = sftp_server
    server = _server("sftp", port)
    await _exports_together(hass, freezer, fire, server, root, sftp_stored.copy)


async def test_ftps_exports_together(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mqtt_mock: Any,
    fire: Fire,
    ftps_server: FtpsServer,
) -> None:
    server = _server("ftps", ftps_server.port, **{CONF_CA_CERTIFICATE: ftps_server.ca})
    await _exports_together(
        hass, freezer, fire, server, ftps_server.root, ftps_server.stored
    )
