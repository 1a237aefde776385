"""IoT Lab OLED text rule: what the light board agrees to show.

The rule is the header-only `oled_text.h`, host-tested against the integration's own
(tests/esphome/test_oled_text.py); this component only makes it visible to the YAML's
lambdas.
"""

import esphome.codegen as cg
import esphome.config_validation as cv

CODEOWNERS = ["@iot-lab"]

CONFIG_SCHEMA = cv.Schema({})


async def to_code(config):
    """Make the header visible to lambdas."""
    cg.add_global(
        cg.RawStatement('#include "esphome/components/iot_lab_oled/oled_text.h"')
    )
