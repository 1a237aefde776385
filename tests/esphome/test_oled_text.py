"""The light board refuses exactly the OLED texts the integration refuses.

`oled_text.h` (in the firmware) is compiled with g++ and asked about thousands of texts,
edge cases and random ones, valid UTF-8 and not; each answer must match the wire
contract's own rule (`oled_command` on the decoded text).
"""

from __future__ import annotations

from pathlib import Path
import random
import subprocess

import iot_lab_wire

from .host import COMPONENTS, build

CHECKER = Path(__file__).with_name("oled_text_check.cpp")

EDGES = [
    "",
    "Hello",
    "x" * 64,
    "x" * 65,
    "é" * 64,
    "é" * 65,
    "🙂" * 64,
    "🙂" * 65,
    "tab\there",
    "new\nline",
    "del\x7f",
    "c1 \x85 next line",
    "\x9f",
    "\xa0 no-break space is fine",
    "line\u2028separator",
    "para\u2029separator",
    "Température 21 °C",
    "日本語のテキスト",
]
BYTE_EDGES = [
    b"\xc0\xaf",  # overlong '/'
    b"\xe0\x80\xaf",  # overlong
    b"\xed\xa0\x80",  # a surrogate
    b"\xf4\x90\x80\x80",  # past U+10FFFF
    b"\xc3",  # cut short
    b"\x80",  # a lone continuation byte
    b"\xff",
    b"ok \xe2\x82",  # cut inside a character
]
ALPHABET = (
    [chr(c) for c in range(0x20, 0x7F)] * 4
    + [chr(c) for c in range(0x00, 0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\u2028", "\u2029", "é", "ß", "€", "°", "日", "🙂", "\U0010fffd", "\ufeff"]
)


def _accepted_by_the_integration(raw: bytes) -> bool:
    try:
        iot_lab_wire.oled_command(raw.decode("utf-8"))
    except UnicodeDecodeError, iot_lab_wire.ProtocolError:
        return False
    return True


def _cases() -> list[bytes]:
    rng = random.Random(2026)
    cases = [text.encode() for text in EDGES] + BYTE_EDGES
    for _ in range(3000):
        length = rng.choice([rng.randint(0, 10), rng.randint(55, 70)])
        cases.append("".join(rng.choices(ALPHABET, k=length)).encode())
    for _ in range(3000):
        cases.append(rng.randbytes(rng.randint(0, 12)))
    return cases


def test_board_and_integration_refuse_the_same_texts(tmp_path: Path) -> None:
    binary = build(CHECKER, COMPONENTS / "iot_lab_oled", tmp_path / "oled_text")
    cases = _cases()
    result = subprocess.run(
        [str(binary)],
        input="".join(case.hex() + "\n" for case in cases),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    board = [answer == "1" for answer in result.stdout.split()]
    integration = [_accepted_by_the_integration(case) for case in cases]
    assert len(board) == len(cases)
    disagreements = [
        (case, b)
        for case, b, i in zip(cases, board, integration, strict=True)
        if b != i
    ]
    assert disagreements == []
    # Both answers occur often enough to mean something.
    assert 1000 < sum(integration) < len(cases) - 1000
