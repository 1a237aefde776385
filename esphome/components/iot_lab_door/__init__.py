"""IoT Lab door counter: which way someone went through two infrared beams.

The logic is the header-only `door_direction.h`, tested on the host with g++ against
people walking through a modelled door (tests/esphome/door_direction_test.cpp); this
component only makes it available to the YAML as `id(...)`, its timings set from
substitutions (the gap, mounting and swap then follow the board's settings at run time).
"""

import esphome.codegen as cg
import esphome.config_validation as cv
from esphome.const import CONF_ID

CODEOWNERS = ["@iot-lab"]
CONF_GAP = "gap"
CONF_SIMULTANEOUS = "simultaneous"
CONF_DEBOUNCE = "debounce"
CONF_MOUNTING = "mounting"

iot_lab_door_ns = cg.esphome_ns.namespace("iot_lab_door")
DirectionDetector = iot_lab_door_ns.class_("DirectionDetector")
Mounting = iot_lab_door_ns.enum("Mounting", is_class=True)
MOUNTINGS = {"torso": Mounting.TORSO, "legs": Mounting.LEGS}

CONFIG_SCHEMA = cv.Schema(
    {
        cv.GenerateID(): cv.declare_id(DirectionDetector),
        cv.Optional(CONF_GAP, default="500ms"): cv.positive_time_period_milliseconds,
        cv.Optional(
            CONF_SIMULTANEOUS, default="15ms"
        ): cv.positive_time_period_milliseconds,
        cv.Optional(
            CONF_DEBOUNCE, default="40ms"
        ): cv.positive_time_period_milliseconds,
        cv.Optional(CONF_MOUNTING, default="torso"): cv.enum(MOUNTINGS, lower=True),
    }
)


async def to_code(config):
    """Make the header visible to lambdas and create the detector as `id(...)`."""
    cg.add_global(
        cg.RawStatement('#include "esphome/components/iot_lab_door/door_direction.h"')
    )
    cg.new_Pvariable(
        config[CONF_ID],
        config[CONF_GAP].total_milliseconds,
        config[CONF_SIMULTANEOUS].total_milliseconds,
        config[CONF_DEBOUNCE].total_milliseconds,
        config[CONF_MOUNTING],
    )
