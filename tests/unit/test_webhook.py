"""HTTP door counters: CSV lines posted to a webhook per counter."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.iot_lab.const import CONF_BASE_TOPIC, CONF_CSV_COUNTERS, DOMAIN

from .conftest import load_fixture

WEBHOOK_ID = "0123456789abcdef"
URL = f"/api/webhook/{WEBHOOK_ID}"
LIFETIME = "sensor.counter_a_lifetime_entries"


@pytest.fixture
def config_entry() -> MockConfigEntry:
    """An entry with one HTTP counter, ALLI1."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="IoT Lab (iot_lab)",
        data={CONF_BASE_TOPIC: "iot_lab"},
        options={CONF_CSV_COUNTERS: {"ALLI1": WEBHOOK_ID}},
        unique_id="iot_lab",
    )


def _today_line(time: str, entries: int, exits: int) -> str:
    today = dt_util.now().date()
    return (
        f"{today.year}-{today.month}-{today.day},{time},{entries},{exits},"
        "ALLI1,Counter A,RDCentre,Alliance,ALLI"
    )


async def test_seed_line_counts_once(
    hass: HomeAssistant, setup_integration: MockConfigEntry, hass_client: Any
) -> None:
    client = await hass_client()
    line = load_fixture("legacy_counter_line.csv")
    response = await client.post(URL, data=line, headers={"Content-Type": "text/plain"})
    assert response.status == 200
    assert await response.text() == "counted 1 of 1 lines\n"
    assert hass.states.get(LIFETIME).state == "12"
    assert hass.states.get("sensor.counter_a_lifetime_exits").state == "9"
    # A line of another day does not count toward today.
    assert hass.states.get("sensor.counter_a_entries_today").state == "0"
    response = await client.post(URL, data=line)
    assert await response.text() == "counted 0 of 1 lines\n"
    assert hass.states.get(LIFETIME).state == "12"


async def test_todays_lines_fill_todays_figures(
    hass: HomeAssistant, setup_integration: MockConfigEntry, hass_client: Any
) -> None:
    client = await hass_client()
    body = "\n".join([_today_line("08:30:00", 5, 0), _today_line("09:00:00", 3, 2), ""])
    response = await client.post(URL, data=body)
    assert await response.text() == "counted 2 of 2 lines\n"
    assert hass.states.get("sensor.counter_a_entries_today").state == "8"
    assert hass.states.get("sensor.counter_a_exits_today").state == "2"
    assert hass.states.get("sensor.counter_a_occupancy").state == "6"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("2024-5-12,14:30:00,12,9,ALLI1", "CSV line has 5 fields, expected 9"),
        ("2024-13-12,14:30:00,12,9,ALLI1,A,B,C,D", "is not YYYY-M-D,HH:MM:SS"),
        ("2024-5-12,14:30:00,-1,9,ALLI1,A,B,C,D", "CSV entries '-1' is not a count"),
        ("2024-5-12,14:30:00,12,x,ALLI1,A,B,C,D", "CSV exits 'x' is not a count"),
        ("2024-5-12,14:30:00,1,1,ALLI2,A,B,C,D", "posted to the webhook of 'ALLI1'"),
        ("2024-5-12,14:30:00,1,1,../x,A,B,C,D", "invalid identifier"),
        ("2024-5-12,14:30:00,1,1,ALLI1,A\x07,B,C,D", "is not plain text"),
        ("x" * 600, "exceeds 512"),
    ],
)
async def test_malformed_lines_get_400_and_count_nothing(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    hass_client: Any,
    caplog: pytest.LogCaptureFixture,
    body: str,
    reason: str,
) -> None:
    client = await hass_client()
    good = _today_line("10:00:00", 1, 0)
    response = await client.post(URL, data=f"{good}\n{body}")
    assert response.status == 400
    assert reason in await response.text()
    assert hass.states.get(LIFETIME) is None
    assert "Refused a CSV post for counter ALLI1" in caplog.text


async def test_oversized_body_and_wrong_method(
    hass: HomeAssistant, setup_integration: MockConfigEntry, hass_client: Any
) -> None:
    client = await hass_client()
    response = await client.post(URL, data=b"1" * 20_000)
    assert response.status == 413
    response = await client.get(URL)
    assert response.status == 405
    response = await client.post(URL, data=b"\xff\xfe")
    assert response.status == 400
    response = await client.post(URL, data=b"\n \n")
    assert response.status == 400
    assert await response.text() == "body holds no CSV line\n"
    assert hass.states.get(LIFETIME) is None


async def test_webhook_removed_on_unload(
    hass: HomeAssistant, setup_integration: MockConfigEntry, hass_client: Any
) -> None:
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    await hass.async_block_till_done()
    client = await hass_client()
    response = await client.post(URL, data=load_fixture("legacy_counter_line.csv"))
    assert response.status == 200  # the webhook component answers unknown ids 200
    assert hass.states.get(LIFETIME) is None
