// Host tests of the door counter's direction logic (esphome/components/iot_lab_door).
// Built and run with the machine's g++ by tests/esphome/test_door_direction.py.
//
// Three parts. Hand-written pulse timings for the rule's corners. Families of scenarios
// from door_world.h's people (speeds, bodies, bags, lines, pairs, turn-backs, lingering),
// sampled as the firmware reads its inputs and fed both to DirectionDetector and to the
// library's old loop (library_loop.h): the day's errors of both, with the thresholds the
// counter must meet. Whole library days, the same way.
//
//   door_direction_test            the checks; exit status 1 on a failure
//   door_direction_test --table N  the figures of every family and of N library days, as
//                                  JSON (scripts/bench --parts door)
//   door_direction_test --edges [ORIGIN]
//                                  reads "beam broken ms" lines, prints the passages
//                                  (in / out), for the Python twin's check; the clock
//                                  starts at ORIGIN (0)
//   door_direction_test --world SEED FAMILY TRIALS
//                                  the edges of TRIALS trials of one family (-1: library
//                                  days), for the Python twin of the people model
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "door_days.h"
#include "door_direction.h"
#include "library_loop.h"

using door_world::Count;
using door_world::Door;
using door_world::Edge;
using door_world::Family;
using door_world::Rng;
using door_world::Trial;
using esphome::iot_lab_door::DirectionDetector;
using esphome::iot_lab_door::Mounting;
using esphome::iot_lab_door::Passage;
using library_loop::LibraryLoop;

namespace {

constexpr uint8_t OUT = 0;  // outside beam
constexpr uint8_t IN = 1;   // inside beam

struct Pulse {
  uint8_t beam;
  uint32_t on;   // the beam breaks
  uint32_t off;  // and clears
};
using Pulses = std::vector<Pulse>;

std::vector<Edge> edges_of(const Pulses &pulses) {
  std::vector<Edge> edges;
  for (const auto &p : pulses) {
    edges.push_back({p.beam, true, p.on});
    edges.push_back({p.beam, false, p.off});
  }
  std::stable_sort(edges.begin(), edges.end(), [](const Edge &a, const Edge &b) {
    return a.at != b.at ? a.at < b.at : (!a.broken && b.broken);
  });
  return edges;
}

std::vector<Passage> passages(DirectionDetector &detector, const std::vector<Edge> &edges,
                              uint32_t origin) {
  std::vector<Passage> got;
  auto keep = [&got](Passage p) {
    if (p != Passage::NONE)
      got.push_back(p);
  };
  uint32_t next_poll = 0;
  for (const auto &e : edges) {
    for (; next_poll < e.at; next_poll += door_world::POLL_MS)
      keep(detector.poll(origin + next_poll));
    keep(detector.update(e.beam, e.broken, origin + e.at));
  }
  uint32_t end = edges.empty() ? 0 : edges.back().at + 3000;
  for (; next_poll <= end; next_poll += door_world::POLL_MS)
    keep(detector.poll(origin + next_poll));
  return got;
}

// A person walking through: the first beam breaks at t, the second `gap` later, each for
// `hold` ms (the same body passing both beams).
Pulses walk(uint8_t first, uint32_t t, uint32_t gap, uint32_t hold = 250) {
  return {{first, t, t + hold}, {static_cast<uint8_t>(1 - first), t + gap, t + gap + hold}};
}

Pulses join(std::vector<Pulses> parts) {
  Pulses all;
  for (auto &part : parts)
    all.insert(all.end(), part.begin(), part.end());
  return all;
}

struct Scenario {
  std::string name;
  Pulses pulses;
  std::vector<Passage> expected;
  uint32_t origin = 100000;
};

const char *str(Passage p) { return p == Passage::ENTRY ? "ENTRY" : p == Passage::EXIT ? "EXIT" : "NONE"; }

const Passage E = Passage::ENTRY;
const Passage X = Passage::EXIT;

std::vector<Scenario> scenarios() {
  const uint32_t WRAP = 4294960000u;  // 7.3 s before the 32-bit wrap of millis()
  return {
      {"entry at a walking pace", walk(OUT, 1000, 250), {E}},
      {"exit at a walking pace", walk(IN, 1000, 250), {X}},
      {"runner (150 ms between beams)", walk(OUT, 1000, 150, 100), {E}},
      {"slow walker (750 ms between beams)", walk(IN, 1000, 750, 500), {X}},
      {"thin walker: the first beam clears before the second breaks",
       {{OUT, 1000, 1300}, {IN, 1400, 1700}}, {E}},
      {"second beam 240 ms after a 200 ms pulse cleared: the same (thin) person",
       {{OUT, 1000, 1200}, {IN, 1440, 1640}}, {E}},
      {"second beam 241 ms after a 200 ms pulse cleared: too thin for a body, but the "
       "library's rule (second beam within 1 s of the first) still counts it",
       {{OUT, 1000, 1200}, {IN, 1441, 1640}}, {E}},
      {"a lone pulse on each beam, the second 1.001 s after the first: nobody's",
       {{OUT, 1000, 1200}, {IN, 2001, 2200}}, {}},
      {"a lone pulse on each beam 1 s apart: the library's rule",
       {{IN, 1000, 1100}, {OUT, 2000, 2100}}, {X}},
      {"five children 0.7 s apart, clean pulses apart on each beam",
       join({{{OUT, 1000, 1150}, {IN, 1250, 1400}}, {{OUT, 1700, 1850}, {IN, 1950, 2100}},
             {{OUT, 2400, 2550}, {IN, 2650, 2800}}, {{OUT, 3100, 3250}, {IN, 3350, 3500}},
             {{OUT, 3800, 3950}, {IN, 4050, 4200}}}),
       {E, E, E, E, E}},
      {"standing in the outside beam for 5 s, then through",
       {{OUT, 1000, 6400}, {IN, 6000, 6700}}, {E}},
      {"both beams at once, the inside one cleared last",
       {{OUT, 1000, 1250}, {IN, 1000, 1400}}, {E}},
      {"both beams within 10 ms, the outside one cleared last",
       {{IN, 1000, 1300}, {OUT, 1010, 1400}}, {X}},
      {"both beams at once and clear at once", {{OUT, 1000, 1300}, {IN, 1005, 1305}}, {}},
      {"beam held without the other", {{OUT, 1000, 9000}}, {}},
      {"lone beam", {{IN, 1000, 1300}}, {}},
      {"lone beam pulsing (someone lingering)",
       {{OUT, 1000, 1100}, {OUT, 1500, 1600}, {OUT, 2100, 2200}, {OUT, 2700, 2800}}, {}},
      {"turns back before the second beam", {{OUT, 1000, 1300}}, {}},
      {"turns back after reaching the second beam: nothing",
       {{OUT, 1000, 1600}, {IN, 1150, 1400}}, {}},
      {"turns back after reaching the first beam of an exit: nothing",
       {{IN, 1000, 1700}, {OUT, 1200, 1300}}, {}},
      {"a one-read dropout in the middle of a pulse",
       {{OUT, 1000, 1100}, {OUT, 1116, 1250}, {IN, 1120, 1380}}, {E}},
      {"a fly through the inside beam while someone stands in the outside one",
       {{OUT, 1000, 4000}, {IN, 2000, 2016}, {IN, 3800, 4300}}, {E}},
      {"a fly on the outside beam, then someone leaving",
       join({{{OUT, 1000, 1016}}, walk(IN, 1100, 250)}), {X}},
      {"lone glitch on one beam", {{IN, 1000, 1016}}, {}},
      {"two people 0.4 s apart, one behind the other: two",
       join({walk(OUT, 1000, 250, 250), walk(OUT, 1400, 250, 250)}), {E, E}},
      {"five people 0.8 s apart: five",
       join({walk(IN, 1000, 250), walk(IN, 1800, 250), walk(IN, 2600, 250),
             walk(IN, 3400, 250), walk(IN, 4200, 250)}),
       {X, X, X, X, X}},
      {"two people touching: the beams never clear between them: one",
       walk(OUT, 1000, 250, 700), {E}},
      {"one in, one out, 1.5 s apart", join({walk(OUT, 1000, 120), walk(IN, 2500, 130)}), {E, X}},
      {"a turn-back, then someone going through",
       join({{{OUT, 1000, 1600}, {IN, 1150, 1400}}, walk(OUT, 3000, 200)}), {E}},
      {"across the millis() wrap-around", walk(IN, 7000, 200, 400), {X}, WRAP},
      {"standing across the wrap-around", {{OUT, 5000, 9000}, {IN, 8800, 9300}}, {E}, WRAP},
  };
}

int check_scenarios() {
  int failures = 0;
  auto all = scenarios();
  for (const auto &scenario : all) {
    DirectionDetector detector;
    auto got = passages(detector, edges_of(scenario.pulses), scenario.origin);
    if (got == scenario.expected) {
      std::printf("ok   %s\n", scenario.name.c_str());
      continue;
    }
    failures++;
    std::printf("FAIL %s: got", scenario.name.c_str());
    for (auto p : got)
      std::printf(" %s", str(p));
    std::printf(", expected");
    for (auto p : scenario.expected)
      std::printf(" %s", str(p));
    std::printf("\n");
  }
  std::printf("%zu scenarios, %d failed\n", all.size(), failures);
  return failures;
}

// At shin height, legs: two short pulses per beam for one person.
int check_shin_scenarios() {
  struct Shin {
    const char *name;
    Pulses pulses;
    std::vector<Passage> expected;
  };
  std::vector<Shin> all = {
      {"shin height: two legs entering count once",
       {{OUT, 1000, 1050}, {IN, 1150, 1200}, {OUT, 1250, 1300}, {IN, 1400, 1450}}, {E}},
      {"shin height: a foot planted on the inside beam, then the other leg leaving",
       {{IN, 1000, 1500}, {OUT, 1300, 1350}, {OUT, 1600, 1650}}, {X}},
      {"shin height: two people 1.5 s apart",
       join({{{OUT, 1000, 1050}, {IN, 1150, 1200}}, {{OUT, 2500, 2550}, {IN, 2650, 2700}}}), {E, E}},
      {"shin height: one step in and back", {{OUT, 1000, 1400}, {IN, 1100, 1200}}, {}},
  };
  int failures = 0;
  for (const auto &s : all) {
    DirectionDetector detector(500, 15, 40, Mounting::LEGS);
    bool ok = passages(detector, edges_of(s.pulses), 100000) == s.expected;
    failures += ok ? 0 : 1;
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", s.name);
  }
  return failures;
}

// ---- settings changed at run time ---------------------------------------------------------

// What a detector counted, and when: edges, a poll every 100 ms, and setters called at given
// times (Home Assistant's `config/set` arriving mid-passage or at rest).
struct Action {
  uint32_t at;
  std::function<void(DirectionDetector &)> act;
};
struct Counted {
  uint32_t at;
  Passage passage;
};

std::vector<Counted> run_timed(DirectionDetector &detector, const std::vector<Edge> &edges,
                               const std::vector<Action> &actions, uint32_t origin = 100000) {
  std::vector<Counted> got;
  uint32_t end = 0;
  for (const auto &e : edges)
    end = std::max(end, e.at + 3000);
  for (const auto &a : actions)
    end = std::max(end, a.at + 3000);
  auto keep = [&got](uint32_t t, Passage p) {
    if (p != Passage::NONE)
      got.push_back({t, p});
  };
  for (uint32_t t = 0; t <= end; t++) {
    for (const auto &a : actions) {
      if (a.at == t)
        a.act(detector);
    }
    for (const auto &e : edges) {
      if (e.at == t)
        keep(t, detector.update(e.beam, e.broken, origin + t));
    }
    if (t % door_world::POLL_MS == 0)
      keep(t, detector.poll(origin + t));
  }
  return got;
}

std::vector<Passage> directions(const std::vector<Counted> &counted) {
  std::vector<Passage> out;
  for (const auto &c : counted)
    out.push_back(c.passage);
  return out;
}

Action swap_at(uint32_t at, bool swap = true) {
  return {at, [swap](DirectionDetector &d) { d.set_swap(swap); }};
}
Action gap_at(uint32_t at, uint32_t gap_ms) {
  return {at, [gap_ms](DirectionDetector &d) { d.set_gap_ms(gap_ms); }};
}
Action mounting_at(uint32_t at, Mounting mounting) {
  return {at, [mounting](DirectionDetector &d) { d.set_mounting(mounting); }};
}

size_t setting_scenarios = 0;  // how many check_setting_scenarios() checked

int check_setting_scenarios() {
  int failures = 0;
  auto expect = [&failures](bool ok, const char *name) {
    setting_scenarios++;
    failures += ok ? 0 : 1;
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", name);
  };
  const Pulses legs_in = {{OUT, 1000, 1050}, {IN, 1150, 1200}, {OUT, 1250, 1300}, {IN, 1400, 1450}};
  {
    DirectionDetector d;
    d.set_swap(true);
    auto got = directions(run_timed(d, edges_of(join({walk(OUT, 1000, 250), walk(IN, 3000, 250)})), {}));
    expect(d.swap() && got == std::vector<Passage>{X, E}, "settings: swapped, an entry counts as an exit and back");
  }
  {
    DirectionDetector d;
    auto got = directions(run_timed(d, edges_of(join({walk(OUT, 1000, 250), walk(OUT, 4000, 250)})),
                                    {swap_at(1100)}));
    expect(got == std::vector<Passage>{E, X},
           "settings: swap set mid-passage applies from the next person on");
  }
  {
    DirectionDetector d;
    bool pending_mid = false, in_force_after = false;
    std::vector<Action> actions = {gap_at(1100, 1500),
                                   {1300, [&](DirectionDetector &x) { pending_mid = x.settings_pending() && x.gap_ms() == 500; }},
                                   {3000, [&](DirectionDetector &x) { in_force_after = !x.settings_pending() && x.gap_ms() == 1500; }}};
    auto got = run_timed(d, edges_of(walk(OUT, 1000, 250)), actions);
    // The beams clear at 1500: judged with the gap it began with (500 ms), not 1500.
    expect(pending_mid && in_force_after && got.size() == 1 && got[0].passage == E && got[0].at < 2200,
           "settings: a gap set mid-passage waits for the beams to be quiet");
  }
  {
    DirectionDetector d;
    d.set_gap_ms(1500);
    bool at_once = d.gap_ms() == 1500 && !d.settings_pending();
    auto got = run_timed(d, edges_of(walk(IN, 1000, 250)), {});
    // Cleared at 1500; counted once 1500 ms have passed, not 500.
    expect(at_once && got.size() == 1 && got[0].passage == X && got[0].at > 3000 && got[0].at <= 3100,
           "settings: a gap set at rest is in force at once");
  }
  {
    DirectionDetector d;
    d.set_gap_ms(200);
    auto got = run_timed(d, edges_of(walk(OUT, 1000, 250)), {});
    expect(got.size() == 1 && got[0].at <= 1800, "settings: a short gap counts sooner");
  }
  {
    DirectionDetector d;
    d.set_mounting(Mounting::LEGS);
    auto got = directions(run_timed(d, edges_of(legs_in), {}));
    expect(d.mounting() == Mounting::LEGS && got == std::vector<Passage>{E},
           "settings: switched to legs at rest, two legs count once");
  }
  {
    DirectionDetector d;
    Pulses later = legs_in;
    for (auto &p : later)
      p.on += 3000, p.off += 3000;
    auto got = directions(run_timed(d, edges_of(join({walk(OUT, 1000, 250), later})),
                                    {mounting_at(1100, Mounting::LEGS)}));
    expect(got == std::vector<Passage>{E, E} && d.mounting() == Mounting::LEGS,
           "settings: legs set mid-passage: that person by the torso rule, the next by legs");
  }
  {
    DirectionDetector d(500, 15, 40, Mounting::LEGS);
    auto got = directions(run_timed(d, edges_of(join({legs_in, walk(OUT, 4000, 250)})),
                                    {mounting_at(1120, Mounting::TORSO), swap_at(1120)}));
    expect(got == std::vector<Passage>{E, X} && d.mounting() == Mounting::TORSO,
           "settings: back to torso and swapped mid-stride: the stride as it began, then the new rule");
  }
  {
    DirectionDetector d;
    bool pending_while_held = false;
    std::vector<Action> actions = {gap_at(2000, 1000),
                                   {8000, [&](DirectionDetector &x) { pending_while_held = x.settings_pending(); }}};
    run_timed(d, edges_of({{OUT, 1000, 9000}}), actions);
    expect(pending_while_held && d.gap_ms() == 1000 && !d.settings_pending(),
           "settings: a beam held keeps the change aside until it clears");
  }
  {
    DirectionDetector d;
    d.set_swap(true);
    d.set_swap(false);
    auto got = directions(run_timed(d, edges_of(walk(OUT, 1000, 250)), {}));
    expect(got == std::vector<Passage>{E}, "settings: swapped and back");
  }
  return failures;
}

// ---- families and days ------------------------------------------------------------------

struct Tally {
  long entries = 0, exits = 0, at_door = 0;
  long ours_entries = 0, ours_exits = 0, ours_wrong = 0;
  long loop_entries = 0, loop_exits = 0, loop_wrong = 0;
  double ours_error() const { return at_door ? 100.0 * ours_wrong / at_door : 0; }
  double loop_error() const { return at_door ? 100.0 * loop_wrong / at_door : 0; }
};

long wrong(const Count &c, const door_world::Truth &t) {
  return std::labs(c.entries - t.entries) + std::labs(c.exits - t.exits);
}

struct Outcome {
  Count ours;
  Count loop;
};

// Both detectors on one trial's beams: ours as ESPHome reads them, the loop as it is.
Outcome run_trial(const Trial &trial, const Door &door, Rng &rng, uint32_t origin) {
  auto signal = door_world::signal_of(trial.people, door, rng, 0, trial.end_ms);
  double phase = rng.range(0, door.sample_ms);
  auto end = static_cast<uint32_t>(trial.end_ms);
  DirectionDetector ours(500, 15, 40, door.leg_height ? Mounting::LEGS : Mounting::TORSO);
  LibraryLoop loop;
  Door raw = door;
  raw.sample_ms = 1;
  return {door_world::count(ours, door_world::sampled(signal, door, phase), origin, end),
          door_world::count(loop, door_world::sampled(signal, raw, 0), origin, end)};
}

Tally run_family(const Family &f, const Door &door, int trials, uint64_t seed) {
  Rng rng(seed);
  Tally t;
  for (int i = 0; i < trials; i++) {
    Trial trial = door_world::family_trial(f, door, rng);
    Outcome o = run_trial(trial, door, rng, i % 7 == 0 ? 4294960000u : 0);
    t.entries += trial.truth.entries, t.exits += trial.truth.exits, t.at_door += trial.at_door;
    t.ours_entries += o.ours.entries, t.ours_exits += o.ours.exits;
    t.loop_entries += o.loop.entries, t.loop_exits += o.loop.exits;
    t.ours_wrong += wrong(o.ours, trial.truth);
    t.loop_wrong += wrong(o.loop, trial.truth);
  }
  return t;
}

struct Target {
  Family family;
  bool legs;
  double max_error;  // %, or -1: only "no worse than the loop"
};

std::vector<Target> targets() {
  using F = Family;
  return {
      {{"alone, 2-5 s apart", 2, 5, false, 1, 8, F::WALKERS}, false, 0.5},
      {{"coming and going, 1-3 s apart", 1, 3, false, 2, 10, F::WALKERS}, false, 0.5},
      {{"carrying bags, 1-3 s apart", 1, 3, false, 2, 8, F::BAGS}, false, 0.5},
      {{"in a line, 0.5-1 s apart", 0.5, 1.0, true, 2, 6, F::WALKERS}, false, 3},
      {{"in a line, 0.4-0.5 s apart", 0.4, 0.5, true, 2, 6, F::WALKERS}, false, -1},
      {{"side by side", 2, 5, false, 1, 3, F::SIDE_BY_SIDE}, false, -1},
      {{"turning back", 2, 5, false, 1, 3, F::TURN_BACK}, false, -1},
      {{"lingering in the doorway", 2, 5, false, 1, 3, F::LINGER}, false, -1},
      // Beams at shin height, with the board's mounting set to legs.
      {{"shin height: alone, 2-5 s apart", 2, 5, false, 1, 8, F::WALKERS}, true, -1},
      {{"shin height: coming and going, 1-3 s apart", 1, 3, false, 2, 10, F::WALKERS}, true, -1},
      {{"shin height: carrying bags, 1-3 s apart", 1, 3, false, 2, 8, F::BAGS}, true, -1},
      {{"shin height: in a line, 0.5-1 s apart", 0.5, 1.0, true, 2, 6, F::WALKERS}, true, -1},
      {{"shin height: turning back", 2, 5, false, 1, 3, F::TURN_BACK}, true, -1},
  };
}

struct DayTally {
  int days = 0, within_1pct = 0, no_further_than_loop = 0;
  long entries = 0, exits = 0;
  long ours_entries = 0, ours_exits = 0, loop_entries = 0, loop_exits = 0;
  double ours_worst = 0, loop_worst = 0;      // worst day's error, %
  double ours_sum = 0, loop_sum = 0;          // of the days' errors, %
  long ours_drift = 0, loop_drift = 0;        // sum of |occupancy left at closing|
  long ours_max_drift = 0, loop_max_drift = 0;
};

double pct(long got, long truth) { return truth ? 100.0 * std::labs(got - truth) / truth : 0; }

DayTally run_days(int days, uint64_t seed) {
  Door door;
  Rng rng(seed);
  DayTally t;
  for (int d = 0; d < days; d++) {
    Trial day = door_world::library_day(door, rng);
    Outcome o = run_trial(day, door, rng, d % 5 == 0 ? 4294000000u : 0);
    const auto &truth = day.truth;
    double ours = std::max(pct(o.ours.entries, truth.entries), pct(o.ours.exits, truth.exits));
    double loop = std::max(pct(o.loop.entries, truth.entries), pct(o.loop.exits, truth.exits));
    t.days++;
    t.within_1pct += ours <= 1.0;
    t.no_further_than_loop += wrong(o.ours, truth) <= wrong(o.loop, truth);
    t.entries += truth.entries, t.exits += truth.exits;
    t.ours_entries += o.ours.entries, t.ours_exits += o.ours.exits;
    t.loop_entries += o.loop.entries, t.loop_exits += o.loop.exits;
    t.ours_sum += ours, t.loop_sum += loop;
    t.ours_worst = std::max(t.ours_worst, ours);
    t.loop_worst = std::max(t.loop_worst, loop);
    long ours_left = std::labs(o.ours.entries - o.ours.exits);
    long loop_left = std::labs(o.loop.entries - o.loop.exits);
    t.ours_drift += ours_left, t.loop_drift += loop_left;
    t.ours_max_drift = std::max(t.ours_max_drift, ours_left);
    t.loop_max_drift = std::max(t.loop_max_drift, loop_left);
  }
  return t;
}

constexpr uint64_t SEED = 20261202;

void print_table(int days, int trials) {
  std::printf("{\"families\": [\n");
  auto all = targets();
  for (size_t i = 0; i < all.size(); i++) {
    Door door;
    door.leg_height = all[i].legs;
    Tally t = run_family(all[i].family, door, trials, SEED + i);
    std::printf(
        "  {\"name\": \"%s\", \"mounting\": \"%s\", \"trials\": %d, \"at_door\": %ld, "
        "\"entries\": %ld, \"exits\": %ld, \"ours\": [%ld, %ld], \"ours_error\": %.3f, "
        "\"loop\": [%ld, %ld], \"loop_error\": %.3f, \"target\": %.1f}%s\n",
        all[i].family.name, all[i].legs ? "legs" : "torso", trials, t.at_door, t.entries,
        t.exits, t.ours_entries, t.ours_exits, t.ours_error(), t.loop_entries, t.loop_exits,
        t.loop_error(), all[i].max_error, i + 1 < all.size() ? "," : "");
  }
  DayTally d = run_days(days, SEED);
  std::printf(
      "], \"days\": {\"days\": %d, \"entries\": %ld, \"exits\": %ld, \"ours\": [%ld, %ld], "
      "\"loop\": [%ld, %ld], \"within_1pct\": %d, \"no_further_than_loop\": %d, "
      "\"ours_mean\": %.3f, \"loop_mean\": %.3f, \"ours_worst\": %.3f, \"loop_worst\": %.3f, \"ours_drift_mean\": %.2f, "
      "\"loop_drift_mean\": %.2f, \"ours_drift_max\": %ld, \"loop_drift_max\": %ld}}\n",
      d.days, d.entries, d.exits, d.ours_entries, d.ours_exits, d.loop_entries, d.loop_exits,
      d.within_1pct, d.no_further_than_loop, d.ours_sum / d.days, d.loop_sum / d.days, d.ours_worst, d.loop_worst,
      static_cast<double>(d.ours_drift) / d.days, static_cast<double>(d.loop_drift) / d.days,
      d.ours_max_drift, d.loop_max_drift);
}

int check_families(int trials) {
  int failures = 0;
  auto all = targets();
  for (size_t i = 0; i < all.size(); i++) {
    Door door;
    door.leg_height = all[i].legs;
    Tally t = run_family(all[i].family, door, trials, SEED + i);
    bool ok = t.ours_error() <= t.loop_error() &&
              (all[i].max_error < 0 || t.ours_error() < all[i].max_error);
    failures += ok ? 0 : 1;
    std::printf("%s %s: %ld at the door, ours %.2f %% wrong, the library loop %.2f %%", ok ? "ok  " : "FAIL",
                all[i].family.name, t.at_door, t.ours_error(), t.loop_error());
    if (all[i].max_error >= 0)
      std::printf(" (target under %.1f %%)", all[i].max_error);
    std::printf("\n");
  }
  return failures;
}

int check_days(int days) {
  DayTally d = run_days(days, SEED);
  // The target is every day within 1 %; what the rule reaches today is guarded here (days
  // with someone lingering in the doorway miss it: benchmarks/README.md, "Door counter").
  bool within = d.within_1pct * 100 >= 80 * d.days && d.ours_worst < 2.0;
  bool beats = d.no_further_than_loop * 100 >= 99 * d.days;
  std::printf("%s %d library days (%ld entries, %ld exits): %d within 1 %%, mean %.2f %%, worst %.2f %% "
              "(the loop: mean %.2f %%, worst %.2f %%)\n",
              within ? "ok  " : "FAIL", d.days, d.entries, d.exits, d.within_1pct, d.ours_sum / d.days,
              d.ours_worst, d.loop_sum / d.days, d.loop_worst);
  std::printf("%s no further from the truth than the library loop on %d of %d days\n",
              beats ? "ok  " : "FAIL", d.no_further_than_loop, d.days);
  return (within ? 0 : 1) + (beats ? 0 : 1);
}

// Passages of edges read from stdin ("beam broken ms" per line), one per line; the
// detector's clock is `origin` + ms (wrapping at 2^32).
int run_edges(uint32_t origin, bool legs) {
  DirectionDetector detector(500, 15, 40, legs ? Mounting::LEGS : Mounting::TORSO);
  std::vector<Edge> edges;
  unsigned beam, broken;
  unsigned long at;
  while (std::scanf("%u %u %lu", &beam, &broken, &at) == 3)
    edges.push_back({static_cast<uint8_t>(beam), broken != 0, static_cast<uint32_t>(at)});
  for (auto p : passages(detector, edges, origin))
    std::printf("%s\n", p == Passage::ENTRY ? "in" : "out");
  return 0;
}

// The edges of `trials` trials drawn from `seed` as the families' runs draw them (one
// family of targets(), or library days when `family` is -1), each after a line "trial
// entries exits at_door end_ms": for the Python twin of the model (tests/sim/test_people.py).
int run_world(uint64_t seed, int family, int trials) {
  auto all = targets();
  if (family < -1 || family >= static_cast<int>(all.size()))
    return 2;
  Rng rng(seed);
  for (int i = 0; i < trials; i++) {
    Door door;
    door.leg_height = family >= 0 && all[family].legs;
    Trial trial = family < 0 ? door_world::library_day(door, rng)
                             : door_world::family_trial(all[family].family, door, rng);
    auto signal = door_world::signal_of(trial.people, door, rng, 0, trial.end_ms);
    double phase = rng.range(0, door.sample_ms);
    std::printf("trial %d %d %d %.17g\n", trial.truth.entries, trial.truth.exits, trial.at_door,
                trial.end_ms);
    for (const auto &e : door_world::sampled(signal, door, phase))
      std::printf("%u %u %lu\n", static_cast<unsigned>(e.beam), e.broken ? 1u : 0u,
                  static_cast<unsigned long>(e.at));
  }
  return 0;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc == 3 && std::strcmp(argv[1], "--table") == 0) {
    print_table(std::atoi(argv[2]), 2000);
    return 0;
  }
  if (argc >= 2 && argc <= 4 && std::strcmp(argv[1], "--edges") == 0)
    return run_edges(argc >= 3 ? static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10)) : 0,
                     argc == 4 && std::strcmp(argv[3], "legs") == 0);
  if (argc == 5 && std::strcmp(argv[1], "--world") == 0)
    return run_world(std::strtoull(argv[2], nullptr, 10), std::atoi(argv[3]), std::atoi(argv[4]));
  int failures = check_scenarios();
  failures += check_shin_scenarios();
  failures += check_setting_scenarios();
  failures += check_families(1500);
  failures += check_days(100);
  std::printf("%zu scenarios, %zu families and 100 library days, %d failed\n",
              scenarios().size() + 4 + setting_scenarios, targets().size(), failures);
  return failures == 0 ? 0 : 1;
}
