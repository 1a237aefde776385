"""The CSV export action, the automatic export and the SFTP upload to a real server."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.iot_lab.const import (
    CONF_AUTO_EXPORT,
    CONF_BASE_TOPIC,
    CONF_CLOSING,
    CONF_OPENING,
    CONF_REMOTE_DIR,
    CONF_SFTP,
    DOMAIN,
    SERVICE_EXPORT_COUNTS,
)
from custom_components.iot_lab.export_schedule import auto_export_on
from custom_components.iot_lab.upload import MAX_SENT, UploadQueue

from .conftest import Fire, SftpServer, load_fixture

DOOR = "door-1"
DAY = date(2026, 11, 23)


def _sftp_options(port: int, password: str = "s3cret") -> dict[str, Any]:
    return {
        CONF_SFTP: {
            CONF_HOST: "127.0.0.1",
            CONF_PORT: port,
            CONF_USERNAME: "library",
            CONF_PASSWORD: password,
            CONF_REMOTE_DIR: "uploads/iot",
        }
    }


async def _setup(hass: HomeAssistant, options: dict[str, Any]) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="IoT Lab (iot_lab)",
        data={CONF_BASE_TOPIC: "iot_lab"},
        options=options,
        unique_id="iot_lab",
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def _local(at: str) -> datetime:
    """`HH:MM` on DAY in Home Assistant's time zone."""
    hour, minute = (int(part) for part in at.split(":"))
    return dt_util.as_utc(
        datetime.combine(DAY, time(hour, minute), dt_util.get_default_time_zone())
    )


async def _count(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fire: Fire,
    at: str,
    totals: tuple[int, int],
) -> None:
    freezer.move_to(_local(at))
    await fire(
        DOOR,
        "counter",
        json.dumps({"entries": totals[0], "exits": totals[1], "boot": "b1"}),
    )


async def _door_device(hass: HomeAssistant, entry: MockConfigEntry, fire: Fire) -> str:
    await fire(DOOR, "info", load_fixture("info_counter.json"), retain=True)
    await fire(DOOR, "status", "online", retain=True)
    return (await _door_device_of(hass, entry)).id


async def _door_device_of(
    hass: HomeAssistant, entry: MockConfigEntry
) -> dr.DeviceEntry:
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"iot_lab/{DOOR}"), entry.entry_id
    )
    assert device is not None
    return device


async def _export(hass: HomeAssistant, device_id: str, day: date | None = DAY) -> Any:
    data: dict[str, Any] = {"device_id": device_id}
    if day:
        data["date"] = day.isoformat()
    return await hass.services.async_call(
        DOMAIN, SERVICE_EXPORT_COUNTS, data, blocking=True, return_response=True
    )


async def test_export_holds_the_periods_that_have_ended_once_each(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mqtt_mock: Any,
    fire: Fire,
) -> None:
    entry = await _setup(hass, {CONF_OPENING: "08:00:00", CONF_CLOSING: "19:00:00"})
    device_id = await _door_device(hass, entry, fire)
    await _count(hass, freezer, fire, "08:10", (0, 0))
    await _count(hass, freezer, fire, "08:20", (4, 1))
    await _count(hass, freezer, fire, "13:45", (10, 6))
    response = await _export(hass, device_id)
    path = Path(
        hass.config.path("iot_lab", "exports", "23_11_2026_counterdata-door-1.csv")
    )
    assert response == {"files": [str(path)]}
    # At 13:45 the 13:30-14:00 period is still running: nothing said about it yet.
    lines = path.read_text().splitlines()
    assert len(lines) == 11
    assert lines[0] == "2026-11-23,08:30:00,4,1,door-1,Library entrance,,,"
    assert lines[-1] == "2026-11-23,13:30:00,0,0,door-1,Library entrance,,,"
    await _export(hass, device_id)
    assert path.read_text().splitlines() == lines  # written again, never twice
    freezer.move_to(_local("14:00"))
    await _export(hass, device_id)
    grown = path.read_text().splitlines()
    assert grown == [*lines, "2026-11-23,14:00:00,6,5,door-1,Library entrance,,,"]
    # The next morning, the past day's file holds the whole day.
    freezer.move_to(_local("14:00") + timedelta(days=1))
    await _export(hass, device_id)
    whole = path.read_text().splitlines()
    assert whole[:12] == grown
    assert len(whole) == 22
    assert whole[-1] == "2026-11-23,19:00:00,0,0,door-1,Library entrance,,,"


async def test_a_file_that_cannot_be_written_leaves_nothing_behind(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mqtt_mock: Any,
    fire: Fire,
    caplog: pytest.LogCaptureFixture,
) -> None:
    freezer.move_to(_local("09:00"))  # the next automatic export: 09:30:30
    entry = await _setup(hass, {CONF_AUTO_EXPORT: True})
    device_id = await _door_device(hass, entry, fire)
    folder = Path(hass.config.path("iot_lab", "exports"))
    (folder / "23_11_2026_counterdata-door-1.csv").mkdir(parents=True)  # in the way
    with pytest.raises(HomeAssistantError) as err:
        await _export(hass, device_id)
    assert err.value.translation_key == "export_failed"
    assert "Is a directory" in str(err.value)
    freezer.move_to(_local("09:30") + timedelta(seconds=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (
        "Automatic export of IoT Lab (iot_lab) failed: The export files" in caplog.text
    )
    assert [path.name for path in folder.iterdir()] == [
        "23_11_2026_counterdata-door-1.csv"
    ]


async def test_export_of_a_csv_counter_keeps_its_fields(
    hass: HomeAssistant,
    hass_client: Any,
    mqtt_mock: Any,
) -> None:
    entry = await _setup(hass, {"csv_counters": {"ALLI1": "hook"}})
    client = await hass_client()
    await client.post("/api/webhook/hook", data=load_fixture("legacy_counter_line.csv"))
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, "iot_lab/csv-alli1"), entry.entry_id
    )
    assert device is not None
    await _export(hass, device.id, date(2024, 5, 12))
    path = Path(
        hass.config.path("iot_lab", "exports", "12_05_2024_counterdata-csv-alli1.csv")
    )
    assert "2024-5-12,14:30:00,12,9,ALLI1,Counter A,RDCentre,Alliance,ALLI" in (
        path.read_text().splitlines()
    )


async def test_export_refuses_devices_that_are_not_counters(
    hass: HomeAssistant, light_board: str, setup_integration: MockConfigEntry
) -> None:
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"iot_lab/{light_board}"), setup_integration.entry_id
    )
    assert device is not None
    for device_id in (device.id, "no-such-device"):
        with pytest.raises(ServiceValidationError) as err:
            await _export(hass, device_id, None)
        assert err.value.translation_key == "not_a_counter"


async def test_auto_export_uploads_by_sftp(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mqtt_mock: Any,
    fire: Fire,
    sftp_server: SftpServer,
) -> None:
    port, root = sftp_server
    # The 30-minute tracker schedules from the moment of set-up: fix that moment first.
    freezer.move_to(_local("09:00"))
    entry = await _setup(hass, {CONF_AUTO_EXPORT: True, **_sftp_options(port)})
    await _door_device(hass, entry, fire)
    await _count(hass, freezer, fire, "09:05", (3, 0))
    freezer.move_to(_local("09:30") + timedelta(seconds=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    uploaded = root / "uploads" / "iot" / "23_11_2026_counterdata-door-1.csv"
    assert uploaded.exists()
    assert "2026-11-23,09:30:00,3,0,door-1" in uploaded.read_text()
    assert entry.runtime_data.store.uploads.pending == set()


async def test_failed_upload_keeps_file_raises_issue_and_retries(
    hass: HomeAssistant,
    mqtt_mock: Any,
    fire: Fire,
    sftp_server: SftpServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    port, root = sftp_server
    entry = await _setup(hass, _sftp_options(port, password="wrong"))
    device_id = await _door_device(hass, entry, fire)
    await fire(DOOR, "counter", '{"entries": 2, "exits": 1, "boot": "b1"}')
    today = dt_util.now().date()
    response = await _export(hass, device_id, today)
    local = Path(response["files"][0])
    assert local.exists()
    assert entry.runtime_data.store.uploads.pending == {str(local)}
    issue_id = f"upload_failed_{entry.entry_id}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "login_refused"
    assert (
        "SFTP upload of 1 file(s) to 127.0.0.1 failed (login_refused), kept for the next run"
        in caplog.text
    )
    # The password is fixed: the next run sends what was kept and clears the issue.
    hass.config_entries.async_update_entry(entry, options=_sftp_options(port))
    await hass.async_block_till_done()
    await _export(hass, device_id, today)
    assert (root / "uploads" / "iot" / local.name).read_text() == local.read_text()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert entry.runtime_data.store.uploads.pending == set()


async def test_pending_uploads_survive_a_restart(
    hass: HomeAssistant,
    mqtt_mock: Any,
    fire: Fire,
    sftp_server: SftpServer,
) -> None:
    port, _ = sftp_server
    entry = await _setup(hass, _sftp_options(port, password="wrong"))
    device_id = await _door_device(hass, entry, fire)
    response = await _export(hass, device_id, dt_util.now().date())
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.runtime_data.store.uploads.pending == set(response["files"])


async def test_what_the_server_holds_is_not_sent_again_after_a_restart(
    hass: HomeAssistant,
    mqtt_mock: Any,
    fire: Fire,
    sftp_server: SftpServer,
    sftp_stored: list[str],
) -> None:
    port, _ = sftp_server
    entry = await _setup(hass, _sftp_options(port))
    device_id = await _door_device(hass, entry, fire)
    await _export(hass, device_id)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await _door_device(hass, entry, fire)  # the retained announce, again
    await _export(hass, device_id)
    assert sftp_stored == ["uploads/iot/23_11_2026_counterdata-door-1.csv"]


def test_the_newest_uploads_are_remembered() -> None:
    queue = UploadQueue(lambda: None)
    for number in range(MAX_SENT):
        queue.done(set(), {f"file-{number}": b"a"})
    queue.done(set(), {"file-0": b"b"})  # sent again: the newest now
    queue.done(set(), {"file-new": b"c"})
    assert len(queue.sent) == MAX_SENT
    assert "file-1" not in queue.sent
    assert queue.unchanged("file-0", b"b")
    assert not queue.unchanged("file-0", b"a")


async def test_counter_identity_announced_then_set_by_the_librarian(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mqtt_mock: Any,
    fire: Fire,
) -> None:
    """Lines complete like the library's: the board announces its identity, the
    librarian corrects a field in the options, the other fields stay the board's."""
    entry = await _setup(hass, {CONF_OPENING: "08:00:00", CONF_CLOSING: "09:00:00"})
    info = json.loads(load_fixture("info_counter.json"))
    info["csv"] = {
        "counter_id": "ALLI1",
        "counter_name": "Counter A",
        "location": "RDCentre",
        "site": "Alliance",
        "site_code": "ALLI",
    }
    await fire(DOOR, "info", json.dumps(info), retain=True)
    device_id = (await _door_device_of(hass, entry)).id
    await _count(hass, freezer, fire, "08:10", (0, 0))
    await _count(hass, freezer, fire, "08:20", (12, 9))
    freezer.move_to(_local("10:00"))
    path = Path((await _export(hass, device_id))["files"][0])
    assert path.read_text() == (
        "2026-11-23,08:30:00,12,9,ALLI1,Counter A,RDCentre,Alliance,ALLI\n"
        "2026-11-23,09:00:00,0,0,ALLI1,Counter A,RDCentre,Alliance,ALLI\n"
    )

    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "csv_identity"}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"board": DOOR}
    )
    assert result["step_id"] == "csv_identity_fields"
    shown = result["data_schema"]({})
    assert shown == {}  # suggested values only: an empty field keeps the board's
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"location": "Ground, floor"}
    )
    assert result["errors"] == {"base": "invalid_csv_identity"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"location": "RDC Nord", "site_code": ""}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options["csv_identities"] == {DOOR: {"location": "RDC Nord"}}
    await fire(DOOR, "info", json.dumps(info), retain=True)  # the entry was reloaded
    path = Path((await _export(hass, device_id))["files"][0])
    assert path.read_text().splitlines()[0] == (
        "2026-11-23,08:30:00,12,9,ALLI1,Counter A,RDC Nord,Alliance,ALLI"
    )


async def test_identity_step_without_a_counter(
    hass: HomeAssistant, mqtt_mock: Any
) -> None:
    entry = await _setup(hass, {})
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "csv_identity"}
    )
    assert result == result | {"type": FlowResultType.ABORT, "reason": "no_counter"}


@pytest.mark.parametrize(
    ("options", "on"),
    [
        ({}, False),
        (_sftp_options(22), True),  # a server set: on by default
        ({**_sftp_options(22), CONF_AUTO_EXPORT: False}, False),  # the user's choice
    ],
)
def test_auto_export_is_on_by_default_once_a_server_is_set(
    options: dict[str, Any], on: bool
) -> None:
    assert auto_export_on(options) is on


async def test_identity_step_of_an_entry_not_loaded(
    hass: HomeAssistant, mqtt_mock: Any
) -> None:
    entry = await _setup(hass, {})
    await hass.config_entries.async_unload(entry.entry_id)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "csv_identity"}
    )
    assert result["reason"] == "no_counter"
