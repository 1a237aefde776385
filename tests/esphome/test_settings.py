"""The boards take exactly the settings the integration would send, with the same values.

`settings.h` (in the firmware) is compiled with g++ and asked about thousands of
`config/set` payloads for each kind of board: valid ones written every way JSON allows,
unknown keys, another board's keys, wrong types, values out of range or not whole, broken
JSON, JSON Python refuses (NaN, too deep, too big, not UTF-8). Its answer must be the wire
contract's (`iot_lab_wire.parse_settings`, then the board's own keys only): the same payloads
accepted, with the same values; and the echo it publishes after them must parse back to
what it keeps. Its table must be `iot_lab_wire.SETTINGS`.
"""

from __future__ import annotations

from collections.abc import Iterator
import json
import math
from pathlib import Path
import random
import struct
import subprocess
from typing import Any

import iot_lab_wire
import pytest

from .host import COMPONENTS, build

CHECKER = Path(__file__).with_name("settings_check.cpp")
SETTINGS = iot_lab_wire.SETTINGS
BOARDS = {
    "door": ("counter", "settings"),
    "light": ("light", "led", "oled", "settings"),
    "climate": ("temperature", "humidity", "settings"),
}


def _keys_of(caps: tuple[str, ...]) -> list[str]:
    return [key for key, spec in SETTINGS.items() if spec.capability in caps]


@pytest.fixture(scope="module")
def checker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(
        CHECKER,
        COMPONENTS / "iot_lab_settings",
        tmp_path_factory.mktemp("settings") / "settings_check",
    )


def _run(checker: Path, *args: str, lines: str = "") -> str:
    return subprocess.run(
        [str(checker), *args],
        input=lines,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout


def test_the_firmware_table_is_the_wire_contract(checker: Path) -> None:
    table = json.loads(_run(checker, "--table"))
    assert table == {
        key: {
            "capability": spec.capability.value,
            "kind": spec.kind.__name__,
            "minimum": float(spec.minimum),
            "maximum": float(spec.maximum),
            "choices": list(spec.choices),
        }
        for key, spec in SETTINGS.items()
    }


def test_what_the_board_does_with_a_change(checker: Path) -> None:
    """Apply, nothing written for a change that changes nothing, the echo, restored flash."""
    result = subprocess.run(
        [str(checker), "--unit"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("\n0 failed")


# ---- payloads -----------------------------------------------------------------------


def _valid_value(rng: random.Random, key: str) -> Any:
    spec = SETTINGS[key]
    if spec.kind is bool:
        return rng.choice([True, False])
    if spec.kind is str:
        return rng.choice(spec.choices)
    low, high = spec.minimum, spec.maximum
    if spec.kind is int:
        return rng.choice([int(low), int(high), rng.randint(int(low), int(high))])
    return rng.choice([float(low), float(high), rng.uniform(low, high)])


def _number_text(rng: random.Random, value: float) -> str:
    """A number as JSON may write it: int, with a fraction, with an exponent."""
    if float(value).is_integer():
        whole = int(value)
        return rng.choice(
            [str(whole), f"{whole}.0", f"{whole}.000", f"{whole / 10}e1", f"{whole}E0"]
        )
    return rng.choice(
        [repr(value), f"{value:.17g}", f"{value:.3f}", f"{value * 100:.6g}e-2"]
    )


def _value_text(rng: random.Random, value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        return json.dumps(value)
    if isinstance(value, int | float):
        return _number_text(rng, value)
    if rng.random() < 0.1:  # a character escaped
        return (
            '"'
            + "".join(f"\\u{ord(c):04x}" if rng.random() < 0.3 else c for c in value)
            + '"'
        )
    return json.dumps(value)


def _space(rng: random.Random) -> str:
    return rng.choice(["", "", " ", "\n", "\t", " \r\n "])


def _object(rng: random.Random, members: list[tuple[str, Any]]) -> str:
    parts = [
        f"{_space(rng)}{json.dumps(key)}{_space(rng)}:{_space(rng)}{_value_text(rng, value)}"
        for key, value in members
    ]
    return f"{_space(rng)}{{{','.join(parts)}{_space(rng)}}}{_space(rng)}"


def _valid(rng: random.Random, keys: list[str]) -> str:
    chosen = rng.sample(keys, rng.randint(1, len(keys)))
    return _object(rng, [(key, _valid_value(rng, key)) for key in chosen])


WRONG_VALUES: list[Any] = [
    None, [], {}, [500], {"v": 1}, "", "500", "true", "1.5", 0, 1, 1.0, True, False,
    "TORSO", "Torso", " torso", "torso ", "legs\u0000", "tors", "leg", "jambes", 0.5,
    -1, 1e9, -0.0, "NaN",
]  # fmt: skip


def _edge_values(key: str) -> list[Any]:
    spec = SETTINGS[key]
    if spec.kind in (bool, str):
        return [*spec.choices, True, False]
    low, high = float(spec.minimum), float(spec.maximum)
    values: list[Any] = [
        low, high, math.nextafter(low, -math.inf), math.nextafter(high, math.inf),
        math.nextafter(low, math.inf), math.nextafter(high, -math.inf),
        low - 1, high + 1, (low + high) / 2, low + 0.5, high - 0.25, 1e308, -1e308,
    ]  # fmt: skip
    if spec.kind is int:
        values += [int(low), int(high), int(low) - 1, int(high) + 1, 10**30, -(10**30)]
    return values


def _wrong(rng: random.Random, key: str, keys: list[str]) -> str:
    """One member with a value of the wrong type or out of range, maybe among valid ones."""
    value = rng.choice(WRONG_VALUES + _edge_values(key))
    others = [(k, _valid_value(rng, k)) for k in rng.sample(keys, rng.randint(0, 2))]
    members = [*others, (key, value)]
    rng.shuffle(members)
    return _object(rng, members)


def _near_miss(rng: random.Random, key: str) -> str:
    return rng.choice(
        [
            key.upper(), key.capitalize(), f"{key} ", f" {key}", key.replace("_", "-"),
            key[:-1], f"{key}s", key.replace("_", ""), "", "setting", "caps",
            f"{key}\u0000", "".join(rng.choices("abcdefghijklmnopqrstuvwxyz_", k=rng.randint(1, 12))),
        ]
    )  # fmt: skip


def _unknown(rng: random.Random, keys: list[str]) -> str:
    members = [
        (k, _valid_value(rng, k)) for k in rng.sample(keys, rng.randint(0, len(keys)))
    ]
    members.append(
        (_near_miss(rng, rng.choice(keys)), _valid_value(rng, rng.choice(keys)))
    )
    rng.shuffle(members)
    return _object(rng, members)


def _foreign(rng: random.Random, keys: list[str]) -> str:
    others = [k for k in SETTINGS if k not in keys]
    members = [
        (k, _valid_value(rng, k)) for k in rng.sample(keys, rng.randint(0, len(keys)))
    ]
    members += [
        (k, _valid_value(rng, k)) for k in rng.sample(others, rng.randint(1, 2))
    ]
    rng.shuffle(members)
    return _object(rng, members)


def _duplicates(rng: random.Random, keys: list[str]) -> str:
    """The same key twice: Python keeps the last value, whatever the first was."""
    key = rng.choice(keys)
    first = rng.choice([*WRONG_VALUES, _valid_value(rng, key), [[[1]]], [[[[1]]]]])
    last = rng.choice([_valid_value(rng, key), rng.choice(WRONG_VALUES)])
    return _object(rng, [(key, first), (key, last)])


JSON_ALPHABET = '{}[]":,.-+eE0123456789 \\u/tfnrl' + "\t\n\x00\x7f\x1fa"


def _mutated(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 3)):
        at = rng.randint(0, len(text))
        match rng.randint(0, 2):
            case 0:
                text = text[:at] + rng.choice(JSON_ALPHABET) + text[at:]
            case 1:
                text = text[:at] + text[at + 1 :]
            case _:
                text = text[:at] + rng.choice(JSON_ALPHABET) + text[at + 1 :]
    return text


FIXED = [
    "", " ", "{}", " { } ", "[]", "null", "true", "500", '"swap"', "[{}]",
    '{"swap": true,}', '{"swap": true', '{"swap" true}', "{'swap': true}", '{swap: true}',
    '{"swap": tru}', '{"swap": True}', '{"swap": true} {}', '{"swap": true}x',
    '{"gap_ms": NaN}', '{"gap_ms": Infinity}', '{"gap_ms": -Infinity}', '{"gap_ms": 0500}',
    '{"gap_ms": +500}', '{"gap_ms": .5}', '{"gap_ms": 500.}', '{"gap_ms": 5e}',
    '{"gap_ms": 5e+}', '{"gap_ms": -}', '{"gap_ms": 500 /* ms */}', '{"gap_ms": 1e400}',
    '{"gap_ms": -1e400}', '{"light_delta": 1e-400}', '{"gap_ms": 5E2}', '{"gap_ms": 5e+2}',
    '{"gap_ms": 50000e-2}', '{"gap_ms": 500.0000000000000001}', '{"gap_ms": -0}',
    '{"mounting": "\\u0074orso"}', '{"mounting": "\\u0074ORSO"}', '{"mounting": "torso\\u0000"}',
    '{"mounting": "\\ud800"}', '{"mounting": "\\ud83d\\ude00"}', '{"mounting": "\\x74orso"}',
    '{"mounting": "\\u74orso"}', '{"mounting": "tor\tso"}', '{"\\u0073wap": true}',
    '{"\\u0073wap": true, "swap": false}', '{"swap": true, "swap": 1}', '{"swap": 1, "swap": true}',
    '{"swap": [[[1]]], "swap": true}', '{"swap": [[[[1]]]], "swap": true}',
    '{"swap": {"a": {"b": [1]}}, "swap": false}', '{"swap": {"a": {"b": [[1]]}}, "swap": false}',
    '{"swap": [1, 2,], "swap": true}', '{"swap": [1 2], "swap": true}', '{"swap": {"a" 1}, "swap": true}',
    '{"swap": "\\/", "swap": true}', '{"swap": "\\q", "swap": true}', '{"swap": "a\\', "\ufeff{\"swap\": true}",
    '{"swap": true}\u0000', '{"light_delta": 0.5, "light_delta": 50}', '{"temperature_delta": 0.1}',
    '{"temperature_delta": 0.09999999999999999}', '{"temperature_delta": 0.10000000000000001}',
    '{"humidity_delta": 20.000000000000004}', '{"climate_heartbeat_s": 3600.0000000000005}',
]  # fmt: skip


def _payloads(rng: random.Random, keys: list[str]) -> Iterator[bytes]:
    for text in FIXED:
        yield text.encode("utf-8", "surrogatepass")
    valid = [_valid(rng, keys) for _ in range(1200)]
    for text in valid:
        yield text.encode()
    for key in keys:
        for value in [*_edge_values(key), *WRONG_VALUES]:
            yield _object(rng, [(key, value)]).encode()
    for _ in range(500):
        yield _wrong(rng, rng.choice(keys), keys).encode()
        yield _unknown(rng, keys).encode()
        yield _foreign(rng, keys).encode()
        yield _duplicates(rng, keys).encode()
    for _ in range(800):
        yield _mutated(rng, rng.choice(valid)).encode("utf-8", "surrogatepass")
        text = rng.choice(valid)
        yield text[: rng.randint(0, len(text) - 1)].encode()
    for _ in range(200):
        yield rng.randbytes(rng.randint(0, 24))
        raw = bytearray(rng.choice(valid).encode())
        raw[rng.randrange(len(raw))] = rng.choice([0x80, 0xC0, 0xFF, 0xED, 0xF5])
        yield bytes(raw)
    for pad in (16384 - 14, 16384 - 13):  # at the size limit and one byte over it
        yield b'{"swap": true}' + b" " * pad


def _contract(payload: bytes, caps: tuple[str, ...]) -> dict[str, Any] | None:
    """What the integration's table accepts for this board, or None."""
    try:
        settings = iot_lab_wire.parse_settings(payload)
    except iot_lab_wire.ProtocolError:
        return None
    if any(SETTINGS[key].capability not in caps for key in settings):
        return None  # another kind of board's key: the board refuses it as unknown
    return settings


def _typed(settings: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    return {key: (type(value).__name__, value) for key, value in settings.items()}


def _as_float32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def _check_echo(echo: str, caps: tuple[str, ...], change: dict[str, Any]) -> None:
    """The echo is the contract's own serialisation of what the board now keeps."""
    kept = iot_lab_wire.parse_settings(echo)
    assert echo == iot_lab_wire.settings_payload(kept)
    assert sorted(kept) == sorted(_keys_of(caps))
    for key, value in kept.items():
        spec = SETTINGS[key]
        expected = change.get(
            key, spec.choices[0] if spec.kind is str else spec.kind(spec.minimum)
        )
        if spec.kind is float:
            assert _as_float32(value) == _as_float32(expected), (key, echo, change)
        else:
            assert (type(value), value) == (type(expected), expected), (
                key,
                echo,
                change,
            )


@pytest.mark.parametrize("board", sorted(BOARDS))
def test_board_and_integration_accept_the_same_settings(
    checker: Path, board: str
) -> None:
    caps = BOARDS[board]
    caps_json = json.dumps(list(caps), separators=(",", ":"))
    payloads = list(_payloads(random.Random(f"settings-{board}"), _keys_of(caps)))
    answers = _run(
        checker, lines="".join(f"{caps_json} {p.hex()}\n" for p in payloads)
    ).splitlines()
    assert len(answers) == len(payloads)
    disagreements = []
    accepted = 0
    for payload, answer in zip(payloads, answers, strict=True):
        expected = _contract(payload, caps)
        verdict, *rest = answer.split("\t")
        if verdict == "0":
            assert rest, payload
            assert rest[0], payload  # a reason for the log line
            if expected is not None:
                disagreements.append((payload, "board refused", rest[0], expected))
            continue
        change = json.loads(rest[0])
        if expected is None or _typed(change) != _typed(expected):
            disagreements.append((payload, "board took", change, expected))
            continue
        accepted += 1
        _check_echo(rest[1], caps, change)
    assert disagreements == []
    # Both answers occur often enough to mean something.
    assert 1000 < accepted < len(payloads) - 1000


@pytest.mark.parametrize("key", ["gap_ms", "light_delta"])
def test_a_huge_integer_is_refused_by_both(checker: Path, key: str) -> None:
    payload = f'{{"{key}": 1{"0" * 400}}}'.encode()
    caps = BOARDS["door" if key == "gap_ms" else "light"]
    caps_json = json.dumps(list(caps), separators=(",", ":"))
    assert _run(checker, lines=f"{caps_json} {payload.hex()}\n").startswith("0\t")
    assert _contract(payload, caps) is None
