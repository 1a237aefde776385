"""Sending the exported files: what is pending, repair issues, and the host key trusted.

A failed upload keeps its files for the next run and opens one repair issue per entry;
an SFTP server's host key is pinned on first use. The transport is `upload.py`'s.
"""

from __future__ import annotations

from pathlib import Path

import asyncssh
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .const import CONF_HOST_KEY, CONF_SFTP, DOMAIN, LOGGER
from .hub import IotLabConfigEntry
from .upload import UploadQueue, UploadRefusedError, UploadSettings, async_put


async def async_upload_pending(hass: HomeAssistant, entry: IotLabConfigEntry) -> bool:
    """Send every file not uploaded yet; on failure keep them and raise a repair issue.

    A file whose content the server already has is not sent again. The pending list is
    stored with the counters, so a restart loses nothing either. The caller holds the
    entry's upload lock.
    """
    uploads = entry.runtime_data.store.uploads
    settings = UploadSettings.from_options(dict(entry.options))
    if settings is None or not uploads.pending:
        return True
    files = sorted(Path(name) for name in uploads.pending)
    issue_id = f"upload_failed_{entry.entry_id}"
    try:
        changed, host_key = await _async_send_changed(hass, settings, files, uploads)
    except UploadRefusedError as err:
        _async_upload_issue(hass, issue_id, err.reason, settings, (len(files), err))
        return False
    except (OSError, asyncssh.Error, TimeoutError) as err:
        _async_upload_issue(
            hass, issue_id, "upload_failed", settings, (len(files), err)
        )
        return False
    uploads.done(
        {str(path) for path in files},
        {str(path): data for path, data in changed.items()},
    )
    ir.async_delete_issue(hass, DOMAIN, issue_id)
    if host_key and settings.host_key is None:  # an SFTP server, first upload
        _pin_host_key(hass, entry, host_key)
    LOGGER.debug("Uploaded %s file(s) to %s", len(changed), settings.host)
    return True


async def _async_send_changed(
    hass: HomeAssistant,
    settings: UploadSettings,
    files: list[Path],
    uploads: UploadQueue,
) -> tuple[dict[Path, bytes], str | None]:
    """Send the files whose content the server does not hold; their bytes, its host key."""
    contents = await hass.async_add_executor_job(_read_files, files)
    changed = {
        path: data
        for path, data in contents.items()
        if not uploads.unchanged(str(path), data)
    }
    if not changed:
        return changed, None
    sent = {path.name: data for path, data in changed.items()}
    return changed, await async_put(hass, settings, sent)


def _async_upload_issue(
    hass: HomeAssistant,
    issue_id: str,
    translation_key: str,
    settings: UploadSettings,
    failure: tuple[int, Exception],
) -> None:
    """One repair issue per entry; its text says why and what to do."""
    count, err = failure
    LOGGER.warning(
        "%s upload of %s file(s) to %s failed (%s), kept for the next run: %s",
        settings.protocol.upper(),
        count,
        settings.host,
        translation_key,
        err,
    )
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=translation_key,
        translation_placeholders={
            "host": settings.host,
            "count": str(count),
            "error": str(err) or type(err).__name__,
        },
    )


def _pin_host_key(hass: HomeAssistant, entry: IotLabConfigEntry, host_key: str) -> None:
    """Trust on first use, for settings saved before host keys were pinned."""
    server = {**entry.options[CONF_SFTP], CONF_HOST_KEY: host_key}
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_SFTP: server}
    )
    LOGGER.info("SFTP host key of %s pinned: %s", server["host"], host_key)


def _read_files(files: list[Path]) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in files if path.exists()}
