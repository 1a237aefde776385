// Direction of a passage through a door watched by two infrared beams.
//
// Beam 0 is on the outside, beam 1 on the inside: breaking 0 then 1 is an entry, 1 then 0
// an exit. Plain C++ with no ESPHome include, so that the same header runs in the firmware
// and in the host unit tests (tests/esphome/door_direction_test.cpp).
//
// The rule, as the library's original counter had it (beams some 30 cm apart):
//   - A crossing starts when a beam breaks. It counts, at once, when the other beam breaks
//     within `window_ms` of that first break, whether or not the first beam is still broken
//     (a walker often clears the first beam before reaching the second).
//   - Both beams breaking within `simultaneous_ms` of each other: direction unknown, the
//     crossing counts nothing.
//   - A lone beam, or a second beam later than the window, counts nothing. A second beam
//     later than the window starts a crossing of its own (someone coming the other way).
//   - One crossing is one person: every further break of a beam within `window_ms` of that
//     beam's first break in the crossing (legs, a bag, bounce) belongs to it and counts
//     nothing more. A break later than that starts the next crossing, so people walking one
//     behind the other more than about one window apart count as two; closer than that, as
//     one. A first pulse shorter than `debounce_ms` with nothing after it is a glitch and
//     starts nothing.
//   - Turning back. The beams cannot tell someone who reached the second beam and went back
//     from someone who went through, until they see which beam clears last: a walker going
//     through leaves the second beam last, one going back leaves the first beam last. So a
//     crossing counts its direction when the second beam breaks, and when it is over (both
//     beams clear and no further pulse can belong to it) with the first beam cleared last,
//     it counts the opposite passage: an entry then an exit, and the day's totals and the
//     occupancy stay right. The crossing is over one window after the second beam broke; the
//     opposite passage comes from the edge or the `poll()` that finds it over (the firmware
//     polls every 100 ms). Someone who turns back before the second beam counts nothing.
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
    bool other_broken = broken_[1 - beam];
    broken_[beam] = broken;
    uint32_t level_ms = now_ms - changed_at_[beam];
    changed_at_[beam] = now_ms;
    if (broken)
      return this->on_break_(beam, other_broken, now_ms);
    return this->on_clear_(beam, level_ms, now_ms);
  }

  // Close a crossing that is over without waiting for the next edge; returns the opposite
  // passage of a turn-back, if that is how it ended.
  Passage poll(uint32_t now_ms) {
    if (state_ == State::IDLE || broken_[0] || broken_[1] || !this->over_(now_ms))
      return Passage::NONE;
    return this->finish_(true);
  }

  uint32_t window_ms() const { return window_ms_; }

 private:
  enum class State : uint8_t { IDLE, ARMED, COUNTED, BLOCKED };

  Passage on_break_(uint8_t beam, bool other_broken, uint32_t now_ms) {
    Passage result = Passage::NONE;
    if (state_ == State::ARMED && beam == first_ && now_ms - first_at_ <= window_ms_) {
      glitch_possible_ = false;  // a further pulse of the first beam
      return Passage::NONE;
    }
    if (state_ == State::ARMED && now_ms - first_at_ <= window_ms_) {
      uint32_t gap = now_ms - first_at_;
      second_at_ = now_ms;
      last_clear_ = beam;
      if (gap < simultaneous_ms_) {
        state_ = State::BLOCKED;
        return Passage::NONE;
      }
      state_ = State::COUNTED;
      return first_ == 0 ? Passage::ENTRY : Passage::EXIT;
    }
    if (state_ == State::COUNTED || state_ == State::BLOCKED) {
      uint32_t beam_first_break = beam == first_ ? first_at_ : second_at_;
      if (now_ms - beam_first_break <= window_ms_)
        return Passage::NONE;  // legs, a bag, bounce: the same person
      result = this->finish_(!other_broken);
    }
    // Idle, an arming that expired, or a crossing that is over: this break starts one.
    state_ = State::ARMED;
    first_ = beam;
    first_at_ = now_ms;
    glitch_possible_ = true;
    return result;
  }

  Passage on_clear_(uint8_t beam, uint32_t pulse_ms, uint32_t now_ms) {
    bool both_clear = !broken_[0] && !broken_[1];
    switch (state_) {
      case State::ARMED:
        if (beam == first_ && glitch_possible_ && pulse_ms < debounce_ms_)
          state_ = State::IDLE;  // a glitch: it starts nothing
        return Passage::NONE;
      case State::COUNTED:
      case State::BLOCKED:
        last_clear_ = beam;
        if (both_clear && this->over_(now_ms))
          return this->finish_(true);
        return Passage::NONE;
      default:
        return Passage::NONE;
    }
  }

  // True when no further pulse can belong to the current crossing.
  bool over_(uint32_t now_ms) const {
    if (now_ms - first_at_ <= window_ms_)
      return false;
    return state_ == State::ARMED || now_ms - second_at_ > window_ms_;
  }

  // End the crossing; a counted one whose person left by the first beam turned back.
  Passage finish_(bool both_clear) {
    bool turned_back = state_ == State::COUNTED && both_clear && last_clear_ == first_;
    state_ = State::IDLE;
    if (!turned_back)
      return Passage::NONE;
    return first_ == 0 ? Passage::EXIT : Passage::ENTRY;
  }

  uint32_t window_ms_;
  uint32_t simultaneous_ms_;
  uint32_t debounce_ms_;
  State state_{State::IDLE};
  uint8_t first_{0};
  uint8_t last_clear_{0};
  bool glitch_possible_{false};
  uint32_t first_at_{0};
  uint32_t second_at_{0};
  bool broken_[2]{false, false};
  uint32_t changed_at_[2]{0, 0};
};

}  // namespace iot_lab_door
}  // namespace esphome
