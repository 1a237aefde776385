"""Broker configurations: a plain broker, and site brokers bridged to a central one.

Text only: the runs write these files and start Mosquitto on them
(`processes.Stack.start_mosquitto`), or amqtt for a plain broker where Mosquitto is
missing (`processes.Stack.start_broker`). The bridge is the recipe of
docs/scaling.md: each site bridges `iot_lab/#` both ways under its own prefix, over TLS
with a user and password of its own, and says on its notification topic whether it is
connected, which IoT Lab follows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
import shutil
import subprocess

from iot_lab_wire import DEFAULT_BASE_TOPIC

HOST = "127.0.0.1"
"""Every server of a run listens on the loopback interface only."""
LOGS = "log_dest stdout\nlog_type error\nlog_type warning\nlog_type notice\n"


@dataclass(frozen=True, slots=True)
class ServerTls:
    """A TLS listener's files: the CA that signed the certificate, certificate, key."""

    ca: Path
    cert: Path
    key: Path


@dataclass(frozen=True, slots=True)
class Site:
    """One site broker bridged to the central one; its name is its user there too."""

    name: str
    password: str
    prefixed: bool = True
    """Bridged under the site's own prefix (`north/iot_lab/...` on the central broker),
    or as it is (`iot_lab/...`, shared with other sites: board ids must then differ)."""

    @property
    def base_topic(self) -> str:
        """The boards' base topic as the central broker (and Home Assistant) sees it."""
        if not self.prefixed:
            return DEFAULT_BASE_TOPIC
        return f"{self.name}/{DEFAULT_BASE_TOPIC}"

    @property
    def notification_topic(self) -> str:
        """Where the bridge says "1" (connected) or "0", on both brokers."""
        return f"bridges/{self.name}/state"


def _common(*, max_queued: int) -> str:
    # Started as root, Mosquitto would switch to its own user, and a change of user clears
    # the kernel's parent-death signal: the broker would then outlive a killed run.
    return f"persistence false\nuser root\nmax_queued_messages {max_queued}\n" + LOGS


def plain_config(port: int, *, max_queued: int = 10000) -> str:
    """One anonymous listener on loopback (the demo, the tests, the boards of a site).

    `max_queued` is Mosquitto's per-client queue (0: no limit); past it, Mosquitto drops
    messages for a subscriber that falls behind.
    """
    return f"listener {port} {HOST}\nallow_anonymous true\n" + _common(
        max_queued=max_queued
    )


def amqtt_config(port: int) -> str:
    """The embedded amqtt broker's: one anonymous listener on loopback (no Mosquitto)."""
    return (
        "listeners:\n  default:\n    type: tcp\n"
        f"    bind: {HOST}:{port}\n"
        "plugins:\n  amqtt.plugins.authentication.AnonymousAuthPlugin:\n"
        "    allow_anonymous: true\n"
    )


def central_config(
    port: int,
    tls_port: int,
    tls: ServerTls,
    password_file: Path,
    acl_file: Path,
    *,
    max_queued: int = 100_000,
) -> str:
    """The central broker: Home Assistant on a loopback listener, the bridges on TLS.

    Each listener has its own settings: anonymous on the loopback (Home Assistant on the
    same machine), users, passwords and an ACL on the TLS one. Its per-client queue is
    ten times a site's: while Home Assistant starts, every site's retained messages and
    live readings wait for it there.
    """
    return (
        "per_listener_settings true\n"
        f"listener {port} {HOST}\nallow_anonymous true\n"
        f"listener {tls_port} {HOST}\n"
        f"cafile {tls.ca}\ncertfile {tls.cert}\nkeyfile {tls.key}\n"
        "tls_version tlsv1.2\nallow_anonymous false\n"
        f"password_file {password_file}\nacl_file {acl_file}\n"
        + _common(max_queued=max_queued)
    )


def central_acl(sites: Iterable[Site]) -> str:
    """Each site's bridge may use its own prefix and notification topic, nothing else."""
    return "".join(
        f"user {site.name}\n"
        f"topic readwrite {site.base_topic}/#\n"
        f"topic write {site.notification_topic}\n\n"
        for site in sites
    )


def site_config(
    port: int,
    site: Site,
    central_tls_port: int,
    ca: Path,
    *,
    max_queued: int = 10000,
) -> str:
    """A site broker: its boards on an anonymous loopback listener, and its bridge.

    `topic iot_lab/# both 1 "" <site>/`: the boards' `iot_lab/...` is `<site>/iot_lab/...`
    on the central broker, both ways (readings out, LED and OLED commands in); without a
    prefix, `topic iot_lab/# both 1`, the same topics on both brokers.
    """
    prefix = f' "" {site.name}/' if site.prefixed else ""
    return (
        plain_config(port, max_queued=max_queued) + f"connection {site.name}\n"
        f"address {HOST}:{central_tls_port}\n"
        f"bridge_cafile {ca}\n"
        f"remote_clientid bridge-{site.name}\n"
        f"remote_username {site.name}\nremote_password {site.password}\n"
        f"notification_topic {site.notification_topic}\n"
        "keepalive_interval 15\n"
        f"topic {DEFAULT_BASE_TOPIC}/# both 1{prefix}\n"
    )


def write_password_file(path: Path, users: dict[str, str]) -> None:
    """A Mosquitto password file (hashed by `mosquitto_passwd`)."""
    passwd = shutil.which("mosquitto_passwd")
    if passwd is None:
        raise FileNotFoundError("mosquitto_passwd (Debian package mosquitto)")
    path.write_text("")
    for user, password in users.items():
        subprocess.run([passwd, "-b", str(path), user, password], check=True)
