"""Sending the CSV exports to the library's server: SFTP, or FTPS as its counter did.

Also the queue of files waiting for the server, and what it holds already.

SFTP pins the server's host key when the settings are checked (trust on first use) and
refuses a changed key. FTPS is explicit TLS with a protected data channel (`PROT P`),
verifying the server's certificate against the system's CAs or a CA the user gives.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
import ftplib
import hashlib
import io
import posixpath
import ssl
from typing import Any, Final

import asyncssh
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .const import (
    CONF_CA_CERTIFICATE,
    CONF_HOST_KEY,
    CONF_PRIVATE_KEY,
    CONF_PROTOCOL,
    CONF_REMOTE_DIR,
    CONF_SFTP,
)

UPLOAD_TIMEOUT = 30


class UploadProtocol(StrEnum):
    """How files reach the server."""

    SFTP = "sftp"
    FTPS = "ftps"


DEFAULT_PORTS = {UploadProtocol.SFTP: 22, UploadProtocol.FTPS: 21}


class UploadRefusedError(Exception):
    """The server was reached but refused us, or we refused it; `reason` says which."""

    def __init__(self, reason: str, detail: str) -> None:
        """`reason`: login_refused, certificate_untrusted or host_key_changed."""
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class UploadSettings:
    """Where exports go; SFTP logs in with a password, a private key, or both."""

    protocol: UploadProtocol
    host: str
    port: int
    username: str
    password: str | None
    private_key: str | None
    remote_dir: str
    ca_certificate: str | None = None
    host_key: str | None = None
    """The SFTP server's public key, pinned when the settings were checked."""

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> UploadSettings | None:
        """Read the entry's upload options; None when no server is set."""
        server = options.get(CONF_SFTP) or {}
        if not server.get(CONF_HOST):
            return None
        protocol = UploadProtocol(server.get(CONF_PROTOCOL, UploadProtocol.SFTP))
        return cls(
            protocol=protocol,
            host=server[CONF_HOST],
            port=int(server.get(CONF_PORT, DEFAULT_PORTS[protocol])),
            username=server.get(CONF_USERNAME, ""),
            password=server.get(CONF_PASSWORD) or None,
            private_key=server.get(CONF_PRIVATE_KEY) or None,
            remote_dir=server.get(CONF_REMOTE_DIR, ""),
            ca_certificate=server.get(CONF_CA_CERTIFICATE) or None,
            host_key=server.get(CONF_HOST_KEY) or None,
        )


async def async_check(hass: HomeAssistant, settings: UploadSettings) -> UploadSettings:
    """Log in and open the remote folder once; return the settings to save.

    For SFTP these carry the server's host key, trusted from now on.
    """
    if settings.protocol is UploadProtocol.FTPS:
        await hass.async_add_executor_job(_ftps_put, settings, {})
        return settings
    host_key = await _async_sftp_put(replace(settings, host_key=None), {})
    return replace(settings, host_key=host_key)


async def async_put(
    hass: HomeAssistant, settings: UploadSettings, contents: dict[str, bytes]
) -> str:
    """Upload `contents` (file name -> bytes); raise on any failure.

    Returns the SFTP server's host key (empty for FTPS).
    """
    if settings.protocol is UploadProtocol.FTPS:
        await hass.async_add_executor_job(_ftps_put, settings, contents)
        return ""
    return await _async_sftp_put(settings, contents)


async def _async_sftp_put(settings: UploadSettings, contents: dict[str, bytes]) -> str:
    """Upload over SFTP; return the server's host key (OpenSSH format)."""
    keys = (
        [asyncssh.import_private_key(settings.private_key)]
        if settings.private_key
        else ()
    )
    try:
        async with (
            asyncssh.connect(
                settings.host,
                port=settings.port,
                username=settings.username,
                password=settings.password,
                client_keys=keys,
                known_hosts=_known_hosts(settings),
                connect_timeout=UPLOAD_TIMEOUT,
            ) as connection,
            connection.start_sftp_client() as sftp,
        ):
            if settings.remote_dir:
                await sftp.makedirs(settings.remote_dir, exist_ok=True)
            for name, data in contents.items():
                remote = posixpath.join(settings.remote_dir, name)
                async with sftp.open(remote, "wb") as remote_file:
                    await remote_file.write(data)
            server_key = connection.get_server_host_key()
    except asyncssh.HostKeyNotVerifiable as err:
        raise UploadRefusedError("host_key_changed", str(err)) from err
    except asyncssh.PermissionDenied as err:
        raise UploadRefusedError("login_refused", str(err)) from err
    assert server_key is not None  # a connected client always has its server's key
    return server_key.export_public_key().decode().strip()


type _KnownHosts = tuple[
    list[asyncssh.SSHKey], list[asyncssh.SSHKey], list[asyncssh.SSHKey]
]


def _known_hosts(settings: UploadSettings) -> _KnownHosts | None:
    """The pinned key alone is trusted (trusted keys, CA keys, revoked keys); None: any."""
    if not settings.host_key:
        return None
    return ([asyncssh.import_public_key(settings.host_key)], [], [])


def _ftps_put(settings: UploadSettings, contents: dict[str, bytes]) -> None:
    """Upload over explicit FTPS with a protected data channel (blocking)."""
    context = ssl.create_default_context(cadata=settings.ca_certificate)
    # Explicit TLS on the control channel (AUTH TLS) and the data channel (PROT P).
    ftp = ftplib.FTP_TLS(context=context, timeout=UPLOAD_TIMEOUT)  # noqa: S321
    try:
        ftp.connect(settings.host, settings.port)
        ftp.login(settings.username, settings.password or "")  # AUTH TLS first
        ftp.prot_p()
        for folder in (part for part in settings.remote_dir.split("/") if part):
            try:
                ftp.cwd(folder)
            except ftplib.error_perm:
                ftp.mkd(folder)
                ftp.cwd(folder)
        for name, data in contents.items():
            ftp.storbinary(f"STOR {name}", io.BytesIO(data))
        ftp.quit()
    except ssl.SSLCertVerificationError as err:
        raise UploadRefusedError("certificate_untrusted", str(err)) from err
    except ftplib.error_perm as err:
        if str(err).startswith("530"):
            raise UploadRefusedError("login_refused", str(err)) from err
        raise OSError(str(err)) from err
    except ftplib.Error as err:
        raise OSError(str(err)) from err
    finally:
        ftp.close()


MAX_SENT: Final = 200
"""Files whose last upload is remembered (the newest; 20 counters' last 10 days): a file
forgotten and exported again is sent once more, which the server takes as an overwrite.
Kept small: the list is stored with the counters, written after every count."""


def digest(data: bytes) -> str:
    """What tells a file's contents apart: the first 128 bits of its SHA-256."""
    return hashlib.sha256(data).hexdigest()[:32]


class UploadQueue:
    """The files not yet on the server; the store writes them on every change.

    `lock` gives the entry's exports and uploads one turn each: two exports of the
    same day at the same second (an automation and the automatic export) would
    otherwise send the same files over two sessions at once.
    """

    def __init__(self, on_change: Callable[[], None]) -> None:
        """Empty until restored; `on_change` schedules a write of the store."""
        self.pending: set[str] = set()
        self.sent: dict[str, str] = {}
        """Path -> digest of the content the server was last sent, oldest first."""
        self.lock = asyncio.Lock()
        self._on_change = on_change

    def restore(self, files: Iterable[str], sent: Mapping[str, str]) -> None:
        """Take back the stored lists at start-up."""
        self.pending = set(files)
        self.sent = dict(sent)

    def add(self, files: set[str]) -> None:
        """Remember files to upload until an upload succeeds."""
        self.pending |= files
        self._on_change()

    def unchanged(self, path: str, data: bytes) -> bool:
        """True when the server was already sent exactly this content."""
        return self.sent.get(path) == digest(data)

    def done(self, files: set[str], contents: Mapping[str, bytes]) -> None:
        """Forget `files`; the server now holds `contents` (path -> bytes)."""
        self.pending -= files
        for path, data in contents.items():
            self.sent.pop(path, None)  # the newest last
            self.sent[path] = digest(data)
        while len(self.sent) > MAX_SENT:
            del self.sent[next(iter(self.sent))]
        self._on_change()
