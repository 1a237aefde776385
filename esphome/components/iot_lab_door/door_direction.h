// Direction of a passage through a door watched by two infrared beams.
//
// Beam 0 is on the outside, beam 1 on the inside: breaking 0 then 1 is an entry, 1 then 0
// an exit. Plain C++ with no ESPHome include, so that the same header runs in the firmware
// and in the host unit tests (tests/esphome/door_direction_test.cpp).
//
// A passage counts only when
//   - the second beam breaks within `window_ms` of the first one (a beam held longer, or
//     someone lingering in front of one beam, counts nothing);
//   - the two beams did not break at the same moment (within `simultaneous_ms`: direction
//     unknown, counts nothing);
//   - the person leaves on the far side: once both beams are clear again, the beam that
//     cleared last must be the second one. Someone who turns back, even after reaching the
//     second beam, clears the first beam last and counts nothing;
// and pulses shorter than `debounce_ms` (bounce, glitches) are ignored.
#pragma once

#include <cstdint>

namespace esphome {
namespace iot_lab_door {

enum class Passage : int8_t { NONE = 0, ENTRY = 1, EXIT = -1 };

class DirectionDetector {
 public:
  explicit DirectionDetector(uint32_t window_ms = 1000, uint32_t simultaneous_ms = 15,
                             uint32_t debounce_ms = 20)
      : window_ms_(window_ms), simultaneous_ms_(simultaneous_ms), debounce_ms_(debounce_ms) {}

  // Feed one edge of one beam (0 or 1): `broken` is its new level, `now_ms` a millisecond
  // clock (wrap-around safe). Returns the passage this edge completes, if any.
  Passage update(uint8_t beam, bool broken, uint32_t now_ms) {
    if (beam > 1 || broken_[beam] == broken)
      return Passage::NONE;  // unknown beam, or the same level reported twice
    broken_[beam] = broken;
    uint32_t since_change = now_ms - changed_at_[beam];
    changed_at_[beam] = now_ms;
    if (broken)
      return this->on_break_(beam, now_ms);
    return this->on_clear_(beam, since_change);
  }

  uint32_t window_ms() const { return window_ms_; }

 private:
  enum class State : uint8_t { IDLE, ARMED, CROSSING, BLOCKED };

  Passage on_break_(uint8_t beam, uint32_t now_ms) {
    switch (state_) {
      case State::IDLE:
        state_ = State::ARMED;
        first_ = beam;
        first_at_ = now_ms;
        return Passage::NONE;
      case State::ARMED: {
        if (beam == first_)
          return Passage::NONE;  // the first beam again (bounce): keep its start time
        uint32_t gap = now_ms - first_at_;
        state_ = (gap < simultaneous_ms_ || gap > window_ms_) ? State::BLOCKED : State::CROSSING;
        return Passage::NONE;
      }
      default:
        return Passage::NONE;
    }
  }

  Passage on_clear_(uint8_t beam, uint32_t pulse_ms) {
    bool both_clear = !broken_[0] && !broken_[1];
    switch (state_) {
      case State::ARMED:
        if (beam == first_ && both_clear)
          state_ = State::IDLE;  // a glitch, or someone who stepped back before the second beam
        return Passage::NONE;
      case State::CROSSING:
        if (!both_clear)
          return Passage::NONE;
        state_ = State::IDLE;
        if (beam == first_)
          return Passage::NONE;  // the first beam cleared last: turned back
        if (pulse_ms < debounce_ms_)
          return Passage::NONE;  // the second beam only glitched
        return first_ == 0 ? Passage::ENTRY : Passage::EXIT;
      case State::BLOCKED:
        if (both_clear)
          state_ = State::IDLE;
        return Passage::NONE;
      default:
        return Passage::NONE;
    }
  }

  uint32_t window_ms_;
  uint32_t simultaneous_ms_;
  uint32_t debounce_ms_;
  State state_{State::IDLE};
  uint8_t first_{0};
  uint32_t first_at_{0};
  bool broken_[2]{false, false};
  uint32_t changed_at_[2]{0, 0};
};

}  // namespace iot_lab_door
}  // namespace esphome
