// The library's own counter loop (seed 002), the yardstick the door counter is measured
// against. Its Arduino loop, as the library ran it:
//
//   if both sensors are broken: start the loop again;
//   if one sensor is broken: wait up to 1 s for the other; if it breaks, count a passage
//   (outside first: an entry, inside first: an exit); then, passage or not, pause 500 ms
//   and look again.
//
// It reads the pins' levels in a busy loop, so it is fed every edge as it happens (1 ms),
// not ESPHome's 16 ms reads. Same feeding interface as DirectionDetector: update() for an
// edge, poll() for time passing; both return the passage counted, if any.
#pragma once

#include <cstdint>

#include "door_direction.h"

namespace library_loop {

using esphome::iot_lab_door::Passage;

class LibraryLoop {
 public:
  Passage update(uint8_t beam, bool broken, uint32_t now_ms) {
    this->advance_(now_ms);
    if (beam > 1)
      return Passage::NONE;
    broken_[beam] = broken;
    if (state_ == State::WAIT && broken && beam == awaited_) {
      state_ = State::PAUSE;
      until_ = now_ms + PAUSE_MS;
      return awaited_ == 1 ? Passage::ENTRY : Passage::EXIT;
    }
    if (state_ == State::LOOK)
      this->look_(now_ms);
    return Passage::NONE;
  }

  Passage poll(uint32_t now_ms) {
    this->advance_(now_ms);
    return Passage::NONE;
  }

 private:
  enum class State : uint8_t { LOOK, WAIT, PAUSE };
  static constexpr uint32_t WAIT_MS = 1000;
  static constexpr uint32_t PAUSE_MS = 500;

  // Run the loop's own clock up to `now`: a wait that ran out pauses, a pause that ended
  // looks at the sensors again.
  void advance_(uint32_t now_ms) {
    for (;;) {
      if (state_ == State::WAIT && static_cast<int32_t>(now_ms - until_) > 0) {
        state_ = State::PAUSE;
        until_ += PAUSE_MS;
      } else if (state_ == State::PAUSE && static_cast<int32_t>(now_ms - until_) >= 0) {
        state_ = State::LOOK;
        this->look_(until_);
      } else {
        return;
      }
    }
  }

  void look_(uint32_t at_ms) {
    if (broken_[0] == broken_[1])
      return;  // nobody, or both at once: start again
    state_ = State::WAIT;
    awaited_ = broken_[0] ? 1 : 0;
    until_ = at_ms + WAIT_MS;
  }

  State state_{State::LOOK};
  uint8_t awaited_{0};
  uint32_t until_{0};
  bool broken_[2]{false, false};
};

}  // namespace library_loop
