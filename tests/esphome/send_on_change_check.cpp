// The light and climate boards' send-on-change rule (esphome/components/iot_lab_settings/
// send_on_change.h) on the host, driven by tests/esphome/test_send_on_change.py, which runs
// the simulator's model (iot_lab_sim/filters.py) on the same samples.
//
// Reads runs from stdin: a line "run DELTA HEARTBEAT_MS ORIGIN", then "MS VALUE" lines, one
// per sample (the board's clock is ORIGIN + MS, wrapping at 2^32). Prints one line per
// sample: 1 when the board sends it, 0 when not.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "send_on_change.h"

int main() {
  esphome::iot_lab_settings::SendOnChange chain;
  float delta = 0;
  unsigned long heartbeat = 0, origin = 0;
  char word[32];
  while (std::scanf("%31s", word) == 1) {
    if (std::strcmp(word, "run") == 0) {
      if (std::scanf("%f %lu %lu", &delta, &heartbeat, &origin) != 3)
        return 2;
      chain = esphome::iot_lab_settings::SendOnChange();
      continue;
    }
    unsigned long at = std::strtoul(word, nullptr, 10);
    float value;
    if (std::scanf("%f", &value) != 1)
      return 2;
    uint32_t now = static_cast<uint32_t>(origin + at);
    std::printf("%d\n", chain.sample(value, now, delta, static_cast<uint32_t>(heartbeat)) ? 1 : 0);
  }
  return 0;
}
