"""A TLS broker with users and an ACL, as a school or a hosted service (HiveMQ Cloud) runs it.

Mosquitto listens on TLS only, with a CA and a server certificate made here, a password
file and an ACL that keeps Home Assistant's user to `iot_lab/#` and `homeassistant/#`.
Home Assistant's MQTT entry is set up through its own config flow with the CA uploaded;
the simulated boards connect with TLS and a user of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
import shutil
import ssl
import threading

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
import pytest
import requests

from iot_lab_sim.brokers import write_password_file
from iot_lab_sim.harness import start_new_hass
from iot_lab_sim.hass_client import HassClient
from iot_lab_sim.hass_entries import add_iot_lab_entry
from iot_lab_sim.processes import HOST, Stack, free_port, wait_for_port
from tests.certificates import write_server_files

from .conftest import E2E_DIR, wait_until

pytestmark = pytest.mark.e2e

USERS = {"homeassistant": "ha-secret-1", "board": "board-secret-2", "observer": "obs-3"}
ACL = """\
user homeassistant
topic readwrite iot_lab/#
topic readwrite homeassistant/#

user board
topic readwrite iot_lab/#
topic read homeassistant/status

user observer
topic read #
"""


def _start_tls_broker(stack: Stack, folder: Path) -> tuple[int, Path]:
    mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    passwd = shutil.which("mosquitto_passwd")
    if not Path(mosquitto).exists() or passwd is None:
        pytest.skip("Mosquitto (with mosquitto_passwd) is not installed")
    ca, cert, key = write_server_files(folder, HOST)
    passwords = folder / "passwords"
    write_password_file(passwords, USERS)
    (folder / "acl").write_text(ACL)
    port = free_port()
    conf = folder / "mosquitto-tls.conf"
    conf.write_text(
        f"listener {port} {HOST}\n"
        f"cafile {ca}\ncertfile {cert}\nkeyfile {key}\n"
        "tls_version tlsv1.2\n"
        "allow_anonymous false\n"
        f"password_file {passwords}\nacl_file {folder / 'acl'}\n"
        "persistence false\nlog_dest stdout\n"
        "log_type error\nlog_type warning\nlog_type notice\n"
    )
    broker = stack.spawn("mosquitto-tls", [mosquitto, "-c", conf])
    wait_for_port(port, 20, broker)
    return port, ca


def _add_tls_mqtt_entry(api: HassClient, port: int, ca: Path) -> None:
    """Home Assistant's own MQTT config flow, with the CA uploaded as a user would."""
    upload = requests.post(
        f"{api.url}/api/file_upload",
        headers={"Authorization": f"Bearer {api.token}"},
        files={"file": ("ca.crt", ca.read_bytes(), "application/x-pem-file")},
        timeout=30,
    )
    upload.raise_for_status()
    result = api.flow("mqtt")
    result = api.flow_step(
        result["flow_id"],
        {
            "broker": HOST,
            "port": port,
            "protocol": "5",
            "username": "homeassistant",
            "password": USERS["homeassistant"],
            "other_settings": {
                "set_client_cert": False,
                "set_ca_cert": "custom",
                "certificate": upload.json()["file_id"],
                "transport": "tcp",
            },
        },
    )
    assert result.get("type") == "create_entry", result


@pytest.fixture(scope="module")
def tls_stack() -> Iterator[tuple[HassClient, int, Path, Stack]]:
    workdir = E2E_DIR / "tls"
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "broker").mkdir(parents=True)
    with Stack(workdir / "logs") as stack:
        port, ca = _start_tls_broker(stack, workdir / "broker")
        stack.start_simulator(
            port,
            "--tls",
            "--ca-file",
            str(ca),
            "--username",
            "board",
            "--password",
            USERS["board"],
            "--boards",
            "1",
            "--no-legacy",
            "--seed",
            "5",
            # The light board sends on a 2 % change or a 5-minute heartbeat: at x60 its
            # heartbeat comes every 5 s, whatever the seed's clouds do.
            "--speed",
            "60",
        )
        api = start_new_hass(stack, workdir / "config", "tls test")
        _add_tls_mqtt_entry(api, port, ca)
        add_iot_lab_entry(api)
        try:
            yield api, port, ca, stack
        finally:
            api.close()


def test_integration_works_through_a_tls_broker(
    tls_stack: tuple[HassClient, int, Path, Stack],
) -> None:
    api = tls_stack[0]
    entities = wait_until(
        lambda: {
            unique_id: entry["entity_id"]
            for unique_id, entry in api.iot_lab_entities().items()
        },
        lambda found: (
            {"lab-1_light_level", "lab-1_led", "climate-1_temperature"} <= set(found)
        ),
        timeout=60,
    )
    wait_until(
        lambda: str(api.state(entities["lab-1_light_level"])["state"]),
        lambda state: state.replace(".", "", 1).isdigit(),
        timeout=30,
    )
    led = entities["lab-1_led"]
    for service, state in (("turn_on", "on"), ("turn_off", "off")):
        api.service("switch", service, entity_id=led)
        # The state comes back from the board's echo, through the TLS broker.
        wait_until(
            lambda: str(api.state(led)["state"]), lambda s, want=state: s == want
        )


def _client(user: str, port: int, ca: Path) -> mqtt.Client:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"acl-{user}")
    client.username_pw_set(user, USERS[user])
    client.tls_set(ca_certs=str(ca), cert_reqs=ssl.CERT_REQUIRED)
    connected = threading.Event()
    client.on_connect = lambda *args: connected.set()
    client.connect(HOST, port)
    client.loop_start()
    assert connected.wait(10), f"{user} could not connect"
    return client


def test_acl_keeps_home_assistant_to_its_topics(
    tls_stack: tuple[HassClient, int, Path, Stack],
) -> None:
    _, port, ca, _ = tls_stack
    seen: list[str] = []
    observer = _client("observer", port, ca)
    observer.on_message = lambda client, userdata, msg: seen.append(msg.topic)
    observer.subscribe("#", qos=1)
    ha_user = _client("homeassistant", port, ca)
    try:
        ha_user.publish("school/outside", "x", qos=1).wait_for_publish(10)
        ha_user.publish("iot_lab/acl-check/status", "online", qos=1).wait_for_publish(
            10
        )
        wait_until(
            lambda: list(seen), lambda topics: "iot_lab/acl-check/status" in topics
        )
        assert "school/outside" not in seen
    finally:
        for client in (observer, ha_user):
            client.disconnect()
            client.loop_stop()
    # A wrong password is refused.
    answers: list[mqtt.ReasonCode] = []
    intruder = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="intruder")
    intruder.username_pw_set("homeassistant", "wrong")
    intruder.tls_set(ca_certs=str(ca), cert_reqs=ssl.CERT_REQUIRED)
    intruder.on_connect = lambda client, userdata, flags, reason, props: answers.append(
        reason
    )
    intruder.connect(HOST, port)
    intruder.loop_start()
    try:
        wait_until(lambda: list(answers), bool, timeout=10)
    finally:
        intruder.loop_stop()
    assert answers[0].is_failure
