// Direction of a passage through a door watched by two infrared beams.
//
// Beam 0 is on the outside (A), beam 1 on the inside (B), some 30 cm apart. Plain C++ with
// no ESPHome include, so that the same header runs in the firmware and in the host tests
// (tests/esphome/door_direction_test.cpp, which feed it people walking through a door
// modelled in tests/esphome/door_world.h, side by side with the library's old loop).
// iot_lab_sim/door_rule.py is the same rule in Python, checked against this one.
//
// The rule: one person is one pulse on each beam, and the two pulses are paired.
//   - A beam's pulse runs from its break to its clear. A clear shorter than 20 ms (one
//     missed read) is not a clear, and a pulse shorter than `debounce_ms` is not a person
//     (a fly, a reflection).
//   - When a beam breaks, its pulse pairs with the oldest unpaired pulse of the other beam
//     that is still broken, or that cleared so recently that the same body can be reaching
//     this beam: someone thinner than the gap between the beams is between them for at most
//     as long as they took to pass one (bodies at least 15 cm deep, beams 30 cm apart),
//     plus two reads. No time limit while a beam stays broken: someone may stand in it.
//   - Someone standing in the doorway shifts their weight: while they hold the beam they
//     came by, or hold a beam longer than anyone takes to walk through it (1.5 s), new
//     pulses are theirs. A pulse that finds no partner within `gap_ms` of clearing is the
//     last person's if it began while they were in the beams or as soon after as they can
//     step back to that beam (they turned back); otherwise it is nobody's, unless the
//     library's own rule explains it: a lone pulse of one beam, then of the other within
//     1 s of its break, is someone going from the first to the second.
//   - Once every pulse of a person has cleared, `gap_ms` has passed and no unpaired pulse
//     may still be theirs, they are judged: the beam that broke first is where they came
//     from, the beam that cleared last where they went. A then B is an entry, B then A an
//     exit; the same beam first and last is someone who turned back: nothing. Breaks
//     within `simultaneous_ms` of each other: the last clear alone gives the direction.
// So people one behind the other count one each as long as each beam sees the door clear
// between them, however close they walk; a passage is counted about `gap_ms` after the
// person has left the beams (the firmware polls every 100 ms).
//
// Beams at shin height (`Mounting::LEGS`) see legs: thin, two per person, a foot planted
// on a beam or past both before the other leg comes. Pairing pulses fails there; instead,
// everything from a first break until the beams have been clear for `STRIDE_GAP_MS` is one
// person, from the beam broken first to the beam cleared last. People closer than that
// count as one, so torso height (about 1.1 m) is the mounting to choose; shin height is
// for doors already wired that way (benchmarks/README.md, "Door counter").
//
// Home Assistant changes the gap, the mounting and `swap` (beams mounted the other way round:
// entries count as exits and back) at run time (set_gap_ms, set_mounting, set_swap; the
// settings of docs/protocol.md): a change waits until the beams are quiet, so a passage is
// always judged by the settings it began with, and the next one by the new settings.
//
// What two beams cannot tell (docs/protocol.md, "Door counter"):
//   - Two people side by side, or one so close behind another that a beam never clears
//     between them, make one pulse per beam: they count as one.
//   - Someone thin enough to stand between the beams, touching neither, for more than a
//     second: their pulses on the two beams are too far apart to be one person's; nothing
//     is counted for them.
//   - Two people crossing the beams the opposite way at the same moment.
#pragma once

#include <cstdint>

namespace esphome {
namespace iot_lab_door {

enum class Passage : int8_t { NONE = 0, ENTRY = 1, EXIT = -1 };

// How high the beams cross the doorway: the torso (one pulse per person) or the shins.
enum class Mounting : uint8_t { TORSO = 0, LEGS = 1 };

class DirectionDetector {
 public:
  explicit DirectionDetector(uint32_t gap_ms = 500, uint32_t simultaneous_ms = 15,
                             uint32_t debounce_ms = 40, Mounting mounting = Mounting::TORSO)
      : gap_ms_(gap_ms),
        simultaneous_ms_(simultaneous_ms),
        debounce_ms_(debounce_ms),
        legs_(mounting == Mounting::LEGS),
        next_{gap_ms, mounting == Mounting::LEGS, false} {}

  // The settings Home Assistant changes at run time (`config/set`: gap_ms, mounting, swap).
  // A passage under way is judged by the settings it began with: a new value is kept aside
  // and put in force once the beams are quiet (both clear, every pulse and person judged),
  // so from the next person's first pulse on; at once when nobody is at the door.
  void set_gap_ms(uint32_t gap_ms) {
    next_.gap_ms = gap_ms;
    this->adopt_();
  }
  void set_mounting(Mounting mounting) {
    next_.legs = mounting == Mounting::LEGS;
    this->adopt_();
  }
  // The beams were mounted the other way round: entries count as exits and back.
  void set_swap(bool swap) {
    next_.swap = swap;
    this->adopt_();
  }

  // The settings in force (not those still waiting for the beams to be quiet).
  uint32_t gap_ms() const { return gap_ms_; }
  Mounting mounting() const { return legs_ ? Mounting::LEGS : Mounting::TORSO; }
  bool swap() const { return swap_; }
  bool settings_pending() const {
    return next_.gap_ms != gap_ms_ || next_.legs != legs_ || next_.swap != swap_;
  }

  // Feed one edge of one beam (0 or 1): `broken` is its new level, `now_ms` a millisecond
  // clock (wrap-around safe). Returns a passage completed by now, if any.
  Passage update(uint8_t beam, bool broken, uint32_t now_ms) {
    if (beam > 1 || level_[beam] == broken)
      return this->take_();  // unknown beam, or the same level reported twice
    this->advance_(now_ms);  // time passing up to this edge, under the rule in force
    if (legs_)
      return this->stride_(beam, broken, now_ms);
    level_[beam] = broken;
    if (!broken) {
      clearing_[beam] = true;
      clear_at_[beam] = now_ms;
    } else if (clearing_[beam]) {
      clearing_[beam] = false;  // cleared for less than FILL_MS: the same pulse goes on
    } else {
      this->start_pulse_(beam, now_ms);
    }
    return this->take_();
  }

  // Time passing without an edge (the firmware polls every 100 ms): a clear that has
  // lasted FILL_MS is final, and a person gone gap_ms ago is counted.
  Passage poll(uint32_t now_ms) {
    this->advance_(now_ms);
    return this->take_();
  }

 private:
  static constexpr uint32_t FILL_MS = 20;  // one missed 16 ms read
  static constexpr uint32_t BETWEEN_SLACK_MS = 40;
  static constexpr uint32_t HOLD_MS = 1500;  // 60 cm of body and bag at 0.4 m/s
  static constexpr uint32_t STRIDE_GAP_MS = 200;
  static constexpr uint32_t LONE_MS = 1000;  // the library's loop: the second within 1 s
  static constexpr uint8_t SLOTS = 4;
  static constexpr uint8_t NOBODY = 0xFF;  // no beam, no pair

  struct Pulse {
    uint32_t on;
    uint32_t off;
  };

  // One person: the two pulses paired, and those of theirs that came after.
  struct Pair {
    bool used;
    uint8_t first;      // the beam that broke first, NOBODY if both at once
    uint8_t last_beam;  // the beam that cleared last so far
    uint8_t open;       // their pulses not cleared yet
    bool extra[2];      // a beam has had more than the paired pulse
    bool cleared;       // one of their pulses has cleared
    uint32_t formed_at;
    uint32_t off[2];    // when each beam last cleared
    uint32_t last_off;  // when the last of their pulses cleared
    Pulse paired[2];    // the two pulses paired, once cleared
  };

  static bool after_(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) > 0; }

  // Time passing up to `now`: what the rule in force settles by then; then settings set
  // meanwhile come into force if the beams are quiet.
  void advance_(uint32_t now_ms) {
    if (legs_)
      this->stride_end_(now_ms);
    else
      this->settle_(now_ms);
    this->adopt_();
  }

  // Shin height: one person from a first break until the beams have been clear a while.
  Passage stride_(uint8_t beam, bool broken, uint32_t now_ms) {
    level_[beam] = broken;  // (advance_ has ended the last person if they were through)
    if (!broken) {
      stride_last_ = beam;
      clear_at_[beam] = now_ms;
    } else if (stride_first_ == NOBODY) {
      stride_first_ = beam;
      stride_seen_[0] = stride_seen_[1] = false;
    }
    stride_seen_[beam] = stride_seen_[beam] || broken;
    return this->take_();
  }

  void stride_end_(uint32_t now_ms) {
    if (stride_first_ == NOBODY || level_[0] || level_[1] ||
        !after_(now_ms, clear_at_[stride_last_] + STRIDE_GAP_MS))
      return;
    uint8_t from = stride_first_;
    stride_first_ = NOBODY;
    if (stride_seen_[0] && stride_seen_[1] && from != stride_last_)
      this->give_(from == 0 ? Passage::ENTRY : Passage::EXIT);
  }

  // Make final every clear that has lasted FILL_MS by `now`, in the order they happened;
  // then drop or hand over pulses nobody paired, and judge the people who are through.
  void settle_(uint32_t now_ms) {
    for (;;) {
      uint8_t beam = NOBODY;
      for (uint8_t b = 0; b < 2; b++) {
        if (clearing_[b] && !after_(clear_at_[b] + FILL_MS, now_ms) &&
            (beam == NOBODY || after_(clear_at_[beam], clear_at_[b])))
          beam = b;
      }
      if (beam == NOBODY)
        break;
      clearing_[beam] = false;
      this->end_pulse_(beam, clear_at_[beam]);
    }
    for (uint8_t b = 0; b < 2; b++)
      this->expire_(b, now_ms);
    this->judge_ready_(now_ms);
  }

  void start_pulse_(uint8_t beam, uint32_t now_ms) {
    uint8_t other = 1 - beam;
    this->expire_(other, now_ms);
    open_on_[beam] = now_ms;
    open_pair_[beam] = NOBODY;
    uint8_t last = this->newest_pair_();
    if (last != NOBODY && this->standing_(last, other, now_ms)) {
      this->join_(last, beam);  // someone standing in the doorway, shifting their weight
      return;
    }
    Pulse partner;
    bool partner_open = false;
    uint8_t near = this->near_waiting_(other, now_ms);
    if (near != NOBODY) {
      partner = this->take_waiting_(other, near);
    } else if ((level_[other] || clearing_[other]) && open_pair_[other] == NOBODY) {
      partner = {open_on_[other], 0};
      partner_open = true;
    } else {
      return;  // the first beam of someone, or nobody's: wait for a partner
    }
    lone_beam_ = NOBODY;  // someone is going through: a lone pulse before is nobody's
    uint8_t slot = this->free_slot_();
    Pair &pair = pairs_[slot];
    pair = Pair{};
    pair.used = true;
    pair.first = now_ms - partner.on < simultaneous_ms_ ? NOBODY : other;
    pair.formed_at = now_ms;
    pair.paired[other] = {partner.on, partner.on};
    pair.paired[beam] = {now_ms, now_ms};
    pair.open = 1;
    if (!partner_open) {
      cleared_(pair, other, partner);
    } else {
      pair.open = 2;
      open_pair_[other] = slot;
    }
    open_pair_[beam] = slot;
  }

  // True when the newest person is still in the beams in a way a walker never is: holding
  // the beam they came by while the other breaks again, or one beam for longer than anyone
  // takes to walk through it. Then a new pulse is theirs, not someone else's.
  bool standing_(uint8_t slot, uint8_t other, uint32_t now_ms) const {
    if (pairs_[slot].first == other && open_pair_[other] == slot)
      return true;
    for (uint8_t b = 0; b < 2; b++) {
      if (open_pair_[b] == slot && now_ms - open_on_[b] > HOLD_MS)
        return true;
    }
    return false;
  }

  void join_(uint8_t slot, uint8_t beam) {
    pairs_[slot].open++;
    pairs_[slot].extra[beam] = true;
    open_pair_[beam] = slot;
  }

  void end_pulse_(uint8_t beam, uint32_t off_ms) {
    bool person = off_ms - open_on_[beam] >= debounce_ms_;
    uint8_t slot = open_pair_[beam];
    open_pair_[beam] = NOBODY;
    if (slot == NOBODY) {
      if (person)
        this->push_waiting_(beam, {open_on_[beam], off_ms});
      return;
    }
    Pair &pair = pairs_[slot];
    pair.open--;
    if (!person && open_on_[beam] == pair.paired[beam].on && !pair.extra[beam]) {
      // Noise paired with a real pulse: the real one waits for a partner again.
      uint8_t other = 1 - beam;
      pair.used = false;
      if (open_pair_[other] == slot)
        open_pair_[other] = NOBODY;
      else
        this->push_waiting_(other, pair.paired[other]);
      return;
    }
    if (person)
      cleared_(pair, beam, {open_on_[beam], off_ms});
  }

  static void cleared_(Pair &pair, uint8_t beam, Pulse pulse) {
    if (pulse.on == pair.paired[beam].on)
      pair.paired[beam].off = pulse.off;
    pair.off[beam] = pulse.off;
    if (!pair.cleared || !after_(pair.last_off, pulse.off)) {
      pair.cleared = true;
      pair.last_off = pulse.off;
      pair.last_beam = beam;
    }
  }

  // Judge, oldest first, everyone whose pulses have all cleared gap_ms ago and whom no
  // waiting pulse may still belong to.
  void judge_ready_(uint32_t now_ms) {
    for (;;) {
      uint8_t ready = NOBODY;
      for (uint8_t i = 0; i < SLOTS; i++) {
        const Pair &p = pairs_[i];
        if (!p.used || p.open > 0 || !after_(now_ms, p.last_off + gap_ms_) || this->claimed_(p))
          continue;
        if (ready == NOBODY || after_(pairs_[ready].formed_at, p.formed_at))
          ready = i;
      }
      if (ready == NOBODY)
        return;
      this->judge_(pairs_[ready]);
    }
  }

  // True while an unpaired pulse that began after this person came may still be theirs.
  bool claimed_(const Pair &pair) const {
    for (uint8_t b = 0; b < 2; b++) {
      if (waiting_[b] > 0 && !after_(pair.formed_at, waiting_pulses_[b][waiting_[b] - 1].on))
        return true;
      if ((level_[b] || clearing_[b]) && open_pair_[b] == NOBODY && !after_(pair.formed_at, open_on_[b]))
        return true;
    }
    return false;
  }

  void judge_(Pair &pair) {
    pair.used = false;
    uint8_t from = pair.first;
    if (from == NOBODY) {
      // Both broke at once: the last clear alone tells, unless they cleared at once too.
      uint32_t apart = pair.off[0] - pair.off[1];
      if (apart < simultaneous_ms_ || 0u - apart < simultaneous_ms_)
        return;
      from = 1 - pair.last_beam;
    }
    else if (from == pair.last_beam)
      return;  // came in by one beam and left by it: turned back
    this->give_(from == 0 ? Passage::ENTRY : Passage::EXIT);
  }

  // A pulse that found no partner within gap_ms of clearing: the newest person's, if it
  // began after they came (they stepped back, or shifted their weight); nobody's else.
  void expire_(uint8_t beam, uint32_t now_ms) {
    while (waiting_[beam] > 0 && after_(now_ms, waiting_pulses_[beam][0].off + gap_ms_)) {
      Pulse pulse = this->pop_waiting_(beam);
      uint8_t last = this->newest_pair_();
      if (last != NOBODY && theirs_(pairs_[last], beam, pulse))
        cleared_(pairs_[last], beam, pulse);
      else
        this->alone_(beam, pulse);
    }
  }

  // True when a pulse of `beam` nobody paired can be this person's: it began after they
  // came, while they were still in the beams or as soon after as a body between the beams
  // gets back to that beam (judged by how long their own pulse took to pass it).
  static bool theirs_(const Pair &pair, uint8_t beam, const Pulse &pulse) {
    if (after_(pair.formed_at, pulse.on))
      return false;
    return pair.open > 0 || !after_(pulse.on, pair.last_off) ||
           pulse.on - pair.last_off <= between_(pair.paired[beam]);
  }

  // How long someone thinner than the gap between the beams is between them, at most, after
  // taking `pulse` to pass one: as long again (bodies at least 15 cm deep, a child; beams
  // 30 cm apart), give or take two reads.
  static uint32_t between_(const Pulse &pulse) { return (pulse.off - pulse.on) + BETWEEN_SLACK_MS; }

  // What pairing could not explain falls back on the library's own rule: a lone pulse of
  // one beam, then a lone pulse of the other breaking within LONE_MS of the first's break,
  // with nothing paired in between, is someone going from the first to the second (a body
  // standing between the beams, or pulses no body makes).
  void alone_(uint8_t beam, const Pulse &pulse) {
    if (lone_beam_ == 1 - beam && pulse.on - lone_.on <= LONE_MS) {
      lone_beam_ = NOBODY;
      this->give_(beam == 1 ? Passage::ENTRY : Passage::EXIT);
      return;
    }
    lone_beam_ = beam;
    lone_ = pulse;
  }

  uint8_t newest_pair_() const {
    uint8_t newest = NOBODY;
    for (uint8_t i = 0; i < SLOTS; i++) {
      if (pairs_[i].used && (newest == NOBODY || after_(pairs_[i].formed_at, pairs_[newest].formed_at)))
        newest = i;
    }
    return newest;
  }

  void push_waiting_(uint8_t beam, Pulse pulse) {
    if (waiting_[beam] == SLOTS)
      this->pop_waiting_(beam);
    waiting_pulses_[beam][waiting_[beam]++] = pulse;
  }

  Pulse pop_waiting_(uint8_t beam) { return this->take_waiting_(beam, 0); }

  Pulse take_waiting_(uint8_t beam, uint8_t index) {
    Pulse taken = waiting_pulses_[beam][index];
    for (uint8_t i = index + 1; i < waiting_[beam]; i++)
      waiting_pulses_[beam][i - 1] = waiting_pulses_[beam][i];
    waiting_[beam]--;
    return taken;
  }

  // The oldest cleared pulse of `beam` whose body could be reaching the other beam now.
  uint8_t near_waiting_(uint8_t beam, uint32_t now_ms) const {
    for (uint8_t i = 0; i < waiting_[beam]; i++) {
      const Pulse &p = waiting_pulses_[beam][i];
      if (now_ms - p.off <= between_(p))
        return i;
    }
    return NOBODY;
  }

  uint8_t free_slot_() {
    for (uint8_t i = 0; i < SLOTS; i++) {
      if (!pairs_[i].used)
        return i;
    }
    // Four people between the beams at once is not a door: forget the oldest.
    uint8_t oldest = 0;
    for (uint8_t i = 1; i < SLOTS; i++) {
      if (after_(pairs_[oldest].formed_at, pairs_[i].formed_at))
        oldest = i;
    }
    for (uint8_t b = 0; b < 2; b++) {
      if (open_pair_[b] == oldest)
        open_pair_[b] = NOBODY;
    }
    return oldest;
  }

  // Put settings set meanwhile in force if nobody is at the door: both beams clear (for
  // good), no pulse waiting for a partner, nobody left to judge.
  void adopt_() {
    if (!this->settings_pending() || level_[0] || level_[1] || clearing_[0] || clearing_[1] ||
        waiting_[0] > 0 || waiting_[1] > 0 || stride_first_ != NOBODY)
      return;
    for (const Pair &pair : pairs_) {
      if (pair.used)
        return;
    }
    if (next_.legs != legs_)
      lone_beam_ = NOBODY;  // a lone pulse seen under the other rule is nobody's
    gap_ms_ = next_.gap_ms;
    legs_ = next_.legs;
    swap_ = next_.swap;
  }

  void give_(Passage p) {
    if (swap_)
      p = p == Passage::ENTRY ? Passage::EXIT : Passage::ENTRY;
    if (out_count_ < SLOTS)
      out_[out_count_++] = p;
  }

  Passage take_() {
    if (out_count_ == 0)
      return Passage::NONE;
    Passage p = out_[0];
    for (uint8_t i = 1; i < out_count_; i++)
      out_[i - 1] = out_[i];
    out_count_--;
    return p;
  }

  // Settings set at run time, in force once the beams are quiet (adopt_).
  struct Settings {
    uint32_t gap_ms;
    bool legs;
    bool swap;
  };

  uint32_t gap_ms_;
  uint32_t simultaneous_ms_;
  uint32_t debounce_ms_;
  bool legs_;
  bool swap_{false};
  Settings next_;
  uint8_t stride_first_{NOBODY};  // shin height: the beam the person came by
  uint8_t stride_last_{0};        // the beam cleared last
  bool stride_seen_[2]{false, false};
  bool level_[2]{false, false};     // as last reported
  bool clearing_[2]{false, false};  // cleared, for less than FILL_MS so far
  uint32_t clear_at_[2]{0, 0};
  uint32_t open_on_[2]{0, 0};       // when the beam's current pulse broke
  uint8_t open_pair_[2]{NOBODY, NOBODY};
  Pulse waiting_pulses_[2][SLOTS]{};
  uint8_t waiting_[2]{0, 0};
  Pair pairs_[SLOTS]{};
  uint8_t lone_beam_{NOBODY};  // the beam of the last pulse that was nobody's
  Pulse lone_{};
  Passage out_[SLOTS]{};
  uint8_t out_count_{0};
};

}  // namespace iot_lab_door
}  // namespace esphome
