"""A new Home Assistant's owner, created through the onboarding API, and their tokens."""

from __future__ import annotations

import secrets

from .hass_client import HassClient, request_json
from .processes import HarnessError

OWNER_USERNAME = "demo"


def onboard(url: str) -> tuple[str, str]:
    """Create the owner through the onboarding API; return (access token, password)."""
    client_id = f"{url}/"
    password = secrets.token_urlsafe(18)
    created = request_json(
        f"{url}/api/onboarding/users",
        "POST",
        body={
            "client_id": client_id,
            "name": "Demo owner",
            "username": OWNER_USERNAME,
            "password": password,
            "language": "en",
        },
    )
    tokens = request_json(
        f"{url}/auth/token",
        "POST",
        form={
            "grant_type": "authorization_code",
            "code": created["auth_code"],
            "client_id": client_id,
        },
    )
    access: str = tokens["access_token"]
    return access, password


def onboarding_done(url: str) -> bool:
    """Tell whether the owner exists already (a kept configuration)."""
    try:
        steps = request_json(f"{url}/api/onboarding")
    except HarnessError as err:
        if "HTTP 404" in str(err):
            return True  # Onboarding finished: its views are gone.
        raise
    return all(step.get("done") for step in steps)


def create_long_lived_token(url: str, access_token: str, name: str) -> str:
    """A long-lived access token, made through the WebSocket auth API."""
    api = HassClient(url, access_token)
    try:
        token: str = api.ws(
            "auth/long_lived_access_token", client_name=name, lifespan=3650
        )
    finally:
        api.close()
    return token


def owner_token(url: str, name: str) -> str:
    """A new Home Assistant's owner (onboarding) and a long-lived token of theirs."""
    access, _password = onboard(url)
    return create_long_lived_token(url, access, name)
