"""IoT Lab settings: what a board keeps, changed from Home Assistant on `config/set`.

The rules are the header-only `settings.h` (the wire contract's table, the check of a
`config/set`, the retained echo) and `send_on_change.h` (the light and climate boards'
threshold and heartbeat, read at each sample), host-tested against the wire contract and
the simulator's model (tests/esphome/test_settings.py, test_send_on_change.py); this
component only makes them visible to the YAML's lambdas and globals.
"""

import esphome.codegen as cg
import esphome.config_validation as cv

CODEOWNERS = ["@iot-lab"]

CONFIG_SCHEMA = cv.Schema({})


async def to_code(config):
    """Make the headers visible to lambdas and globals."""
    for header in ("settings.h", "send_on_change.h"):
        cg.add_global(
            cg.RawStatement(f'#include "esphome/components/iot_lab_settings/{header}"')
        )
