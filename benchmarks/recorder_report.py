"""The recorder part's section of benchmarks/README.md: a board-day's cost, a step's delay."""

from __future__ import annotations

from typing import Any

CASES = {
    "current_firmware": "IoT Lab, firmware now (send on change)",
    "previous_firmware": "IoT Lab, previous firmware",
    "core_mqtt_previous_firmware": "Core MQTT sensors, previous firmware",
}
"""Each case of the part, as the tables name it."""


def render(recorder: dict[str, Any]) -> str:
    """The recorder part's tables, for benchmarks/README.md."""
    lines = [
        "",
        "### What a board-day costs in the recorder (SQLite, default settings)",
        "",
        "| Board-day | Messages | State rows | Database (KiB) | hass CPU (s) | Target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for kind in ("light", "climate", "door"):
        for case, name in CASES.items():
            if not (figures := recorder.get(kind, {}).get(case)):
                continue
            target = (
                "<= 5,000 rows, <= 1 MiB"
                if kind == "light" and case == "current_firmware"
                else ""
            )
            lines.append(
                f"| {kind}: {name} | {figures['messages']:,} | {figures['state_rows']:,}"
                f" | {figures['database_bytes'] // 1024:,} | {figures['hass_cpu_s']} | {target} |"
            )
    lines += _step_lines(recorder.get("light", {}).get("step_to_state", {}))
    load = recorder.get("load_average")
    if load:
        lines.append(
            f"\nLoad average during the run: {', '.join(f'{x:.2f}' for x in load)}."
        )
    return "\n".join(lines) + "\n"


def _step_lines(steps: dict[str, Any]) -> list[str]:
    """The table of a step's delay to the state in Home Assistant (none without)."""
    if not steps:
        return []
    lines = [
        "",
        "| Step on the light sensor to the state in Home Assistant | p50 (ms) | p95 (ms) |",
        "|---|---:|---:|",
    ]
    for case, name in CASES.items():
        if figures := steps.get(case):
            lines.append(f"| {name} | {figures['p50_ms']} | {figures['p95_ms']} |")
    lines.append(
        "\nA step's delay is the firmware's part (modelled from its filters: the next "
        "sample, or the next reading every 2 s before) plus Home Assistant's (measured: "
        "publish to state change). Target p95 <= 1 s."
    )
    return lines
