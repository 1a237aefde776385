// Send on change, with a threshold and a heartbeat read from the settings at each sample.
//
// The light and climate boards smooth their samples (ESPHome's sliding_window_moving_average)
// and then send a reading when it moved by at least `delta` since the last one sent, and at
// least every `heartbeat_ms`. ESPHome's own `delta` and `heartbeat` filters fix both when
// the firmware is built; this one takes them at every sample, so a `config/set` applies
// from the next sample on. The rule is iot_lab_sim/filters.py's `SendOnChange` (what the
// simulator and the benchmark count with): the first sample is sent; a heartbeat falls due
// every `heartbeat_ms` from the first sample, whatever was sent in between; a new heartbeat
// period starts its count from the sample that brought it. Plain C++ with no ESPHome include:
// tests/esphome/test_send_on_change.py runs it side by side with the Python model.
#pragma once

#include <cmath>
#include <cstdint>

namespace esphome {
namespace iot_lab_settings {

class SendOnChange {
 public:
  // Take one (smoothed) sample at `now_ms` (a millisecond clock, wrap-around safe): true when
  // it is to be sent. A NaN (a failed read) is never sent and changes nothing.
  bool sample(float value, uint32_t now_ms, float delta, uint32_t heartbeat_ms) {
    if (std::isnan(value))
      return false;
    if (heartbeat_ms == 0)
      heartbeat_ms = 1;
    if (!this->started_ || heartbeat_ms != this->heartbeat_ms_) {
      this->started_ = true;
      this->heartbeat_ms_ = heartbeat_ms;
      this->next_beat_ = now_ms + heartbeat_ms;
    }
    bool beat = static_cast<int32_t>(now_ms - this->next_beat_) >= 0;
    if (beat)
      this->next_beat_ += heartbeat_ms * (1 + (now_ms - this->next_beat_) / heartbeat_ms);
    if (!beat && this->sent_ && std::fabs(value - this->last_sent_) < delta)
      return false;
    this->sent_ = true;
    this->last_sent_ = value;
    return true;
  }

 private:
  bool started_{false};
  bool sent_{false};
  float last_sent_{0};
  uint32_t heartbeat_ms_{0};
  uint32_t next_beat_{0};
};

}  // namespace iot_lab_settings
}  // namespace esphome
