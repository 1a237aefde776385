// Host unit tests of the door counter's direction logic (esphome/components/iot_lab_door).
// Built and run with the machine's g++ by tests/esphome/test_door_direction.py.
//
// Scenarios are written as pulses per beam (broken from, to), turned into edges in time
// order, and fed to the detector as the firmware feeds it: every edge, and a poll every
// 100 ms. A second part generates walkers at random (speeds, legs, bags, bounce, people one
// behind the other, turn-backs) and checks the day's totals, not a list of edges.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "door_direction.h"

using esphome::iot_lab_door::DirectionDetector;
using esphome::iot_lab_door::Passage;

namespace {

constexpr uint8_t OUT = 0;  // outside beam
constexpr uint8_t IN = 1;   // inside beam
constexpr uint32_t POLL_MS = 100;

struct Pulse {
  uint8_t beam;
  uint32_t on;   // the beam breaks
  uint32_t off;  // and clears
};

struct Edge {
  uint8_t beam;
  bool broken;
  uint32_t at;
};

using Pulses = std::vector<Pulse>;

// Edges in time order; at the same millisecond a beam clears before one breaks. Times are
// relative to `origin`, so that a scenario can sit just before the millis() wrap-around.
std::vector<Edge> edges_of(const Pulses &pulses, uint32_t origin) {
  std::vector<Edge> edges;
  for (const auto &p : pulses) {
    edges.push_back({p.beam, true, p.on});
    edges.push_back({p.beam, false, p.off});
  }
  std::stable_sort(edges.begin(), edges.end(), [](const Edge &a, const Edge &b) {
    return a.at != b.at ? a.at < b.at : (!a.broken && b.broken);
  });
  for (auto &e : edges)
    e.at += origin;
  return edges;
}

// Feed the edges as the firmware does (poll between them), until the detector rests.
std::vector<Passage> run(DirectionDetector &detector, const std::vector<Edge> &edges,
                         uint32_t origin, bool polling = true) {
  std::vector<Passage> got;
  auto keep = [&got](Passage p) {
    if (p != Passage::NONE)
      got.push_back(p);
  };
  uint32_t clock = origin;  // relative time of the next poll is clock - origin
  for (const auto &edge : edges) {
    while (polling && edge.at - origin > clock - origin + POLL_MS) {
      clock += POLL_MS;
      keep(detector.poll(clock));
    }
    keep(detector.update(edge.beam, edge.broken, edge.at));
  }
  uint32_t end = edges.empty() ? origin : edges.back().at;
  for (uint32_t t = POLL_MS; polling && t <= 3 * detector.window_ms() + POLL_MS; t += POLL_MS)
    keep(detector.poll(end + t));
  return got;
}

// A person walking through: the first beam breaks at t, the second `gap` later, each for
// `hold` ms (the same body passing both beams).
Pulses walk(uint8_t first, uint32_t t, uint32_t gap, uint32_t hold = 250) {
  uint8_t second = 1 - first;
  return {{first, t, t + hold}, {second, t + gap, t + gap + hold}};
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
  uint32_t window_ms = 1000;
  uint32_t origin = 100000;
};

const char *str(Passage p) {
  return p == Passage::ENTRY ? "ENTRY" : p == Passage::EXIT ? "EXIT" : "NONE";
}

const Passage E = Passage::ENTRY;
const Passage X = Passage::EXIT;

std::vector<Scenario> scenarios() {
  const uint32_t WRAP = 4294960000u;  // 7.3 s before the 32-bit wrap of millis()
  return {
      {"entry at a walking pace", walk(OUT, 1000, 120), {E}},
      {"exit at a walking pace", walk(IN, 1000, 120), {X}},
      {"fast walker (30 ms between beams)", walk(OUT, 1000, 30, 90), {E}},
      {"runner (16 ms, just above simultaneous)", walk(IN, 1000, 16, 60), {X}},
      {"slow walker (900 ms between beams)", walk(OUT, 1000, 900, 1500), {E}},
      {"first beam cleared before the second broke",
       {{OUT, 1000, 1150}, {IN, 1400, 1550}}, {E}},
      {"first beam cleared long before the second broke (900 ms)",
       {{IN, 1000, 1100}, {OUT, 1900, 2000}}, {X}},
      {"window edge: exactly 1000 ms", walk(OUT, 1000, 1000, 1400), {E}},
      {"window edge: 1001 ms is too slow", walk(OUT, 1000, 1001, 1400), {}},
      {"window edge, beams never overlapping: 1000 ms",
       {{OUT, 1000, 1100}, {IN, 2000, 2100}}, {E}},
      {"window edge, beams never overlapping: 1001 ms",
       {{OUT, 1000, 1100}, {IN, 2001, 2100}}, {}},
      {"shorter window from a substitution", walk(OUT, 1000, 600, 900), {}, 500},
      {"shorter window, in time", walk(OUT, 1000, 400, 900), {E}, 500},
      {"both beams at once", walk(OUT, 1000, 0), {}},
      {"both beams within 10 ms", walk(IN, 1000, 10), {}},
      {"both beams within 14 ms, then legs", 
       {{OUT, 1000, 1100}, {IN, 1014, 1120}, {OUT, 1300, 1400}, {IN, 1350, 1450}}, {}},
      {"first beam held for 5 s, then the second",
       {{OUT, 1000, 6400}, {IN, 6000, 6300}}, {}},
      {"beam held without the other", {{OUT, 1000, 9000}}, {}},
      {"lone beam", {{IN, 1000, 1300}}, {}},
      {"lone beam pulsing (someone lingering)",
       {{OUT, 1000, 1100}, {OUT, 1500, 1600}, {OUT, 2100, 2200}, {OUT, 2700, 2800}}, {}},
      {"turns back before the second beam", {{OUT, 1000, 1300}}, {}},
      {"turns back after reaching the second beam: an entry, then an exit",
       {{OUT, 1000, 1600}, {IN, 1150, 1400}}, {E, X}},
      {"turns back after reaching the first beam of an exit: an exit, then an entry",
       {{IN, 1000, 1700}, {OUT, 1200, 1300}}, {X, E}},
      {"reaches the second beam, steps back, then goes through after all",
       {{OUT, 1000, 1600}, {IN, 1150, 1300}, {IN, 1700, 1900}}, {E}},
      {"legs: two pulses on each beam, never overlapping",
       {{OUT, 1000, 1100}, {IN, 1200, 1300}, {OUT, 1400, 1500}, {IN, 1600, 1700}}, {E}},
      {"legs: pulses overlapping across the beams",
       {{OUT, 1000, 1100}, {IN, 1080, 1180}, {OUT, 1250, 1350}, {IN, 1330, 1430}}, {E}},
      {"legs: the first beam clears last in the middle of the crossing",
       {{OUT, 1000, 1100}, {IN, 1200, 1300}, {OUT, 1250, 1350}, {IN, 1450, 1550}}, {E}},
      {"legs of someone leaving, three pulses on each beam",
       {{IN, 1000, 1080}, {IN, 1200, 1280}, {OUT, 1250, 1330}, {IN, 1400, 1480},
        {OUT, 1450, 1530}, {OUT, 1650, 1730}},
       {X}},
      {"a bag swinging through the first beam after the body",
       {{OUT, 1000, 1250}, {IN, 1120, 1380}, {OUT, 1300, 1340}}, {E}},
      {"bounce on the first beam while entering",
       {{OUT, 1000, 1003}, {OUT, 1006, 1250}, {IN, 1120, 1380}}, {E}},
      {"bounce on the second beam while entering",
       {{OUT, 1000, 1250}, {IN, 1120, 1123}, {IN, 1126, 1380}}, {E}},
      {"bounce after the passage counts nothing more",
       join({walk(OUT, 1000, 120), {{IN, 1380, 1384}}}), {E}},
      {"lone glitch on one beam", {{IN, 1000, 1002}}, {}},
      {"glitch then someone coming the other way",
       join({{{OUT, 1000, 1002}}, walk(IN, 1100, 120)}), {X}},
      {"two people 1.1 s apart count as two",
       join({walk(OUT, 1000, 120), walk(OUT, 2100, 110)}), {E, E}},
      {"two people 1.1 s apart with legs count as two",
       {{OUT, 1000, 1100}, {IN, 1200, 1300}, {OUT, 1400, 1500}, {IN, 1600, 1700},
        {OUT, 2100, 2200}, {IN, 2300, 2400}, {OUT, 2500, 2600}, {IN, 2700, 2800}},
       {E, E}},
      {"two people 0.4 s apart, one behind the other: one crossing",
       join({walk(OUT, 1000, 120), walk(OUT, 1400, 110)}), {E}},
      {"one in, one out, 1.5 s apart", join({walk(OUT, 1000, 120), walk(IN, 2500, 130)}),
       {E, X}},
      {"ten people in a row",
       join({walk(OUT, 1000, 100), walk(OUT, 2200, 100), walk(IN, 3400, 100),
             walk(OUT, 4600, 100), walk(IN, 5800, 100), walk(OUT, 7000, 100),
             walk(OUT, 8200, 100), walk(IN, 9400, 100), walk(OUT, 10600, 100),
             walk(OUT, 11800, 100)}),
       {E, E, X, E, X, E, E, X, E, E}},
      {"a turn-back, then someone going through", 
       join({{{OUT, 1000, 1600}, {IN, 1150, 1400}}, walk(OUT, 3000, 200)}), {E, X, E}},
      {"across the millis() wrap-around, too slow", walk(OUT, 1000, 8000, 9000), {}, 1000,
       WRAP},
      {"across the millis() wrap-around, in time", walk(IN, 7000, 200, 400), {X}, 1000,
       WRAP},
      {"entry across the wrap-around, legs and all",
       {{OUT, 7200, 7300}, {IN, 7350, 7450}, {OUT, 7400, 7500}, {IN, 7600, 7700}}, {E},
       1000, WRAP},
  };
}

int check_scenarios() {
  int failures = 0;
  auto all = scenarios();
  for (const auto &scenario : all) {
    DirectionDetector detector(scenario.window_ms);
    auto got = run(detector, edges_of(scenario.pulses, scenario.origin), scenario.origin);
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

// Edge-level checks the scenarios cannot express.
int check_edges() {
  int failures = 0;
  auto expect = [&failures](bool ok, const char *what) {
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    failures += ok ? 0 : 1;
  };
  DirectionDetector d(1000);
  expect(d.update(0, true, 1000) == Passage::NONE, "first beam: nothing yet");
  expect(d.update(0, true, 1010) == Passage::NONE, "the same level twice is ignored");
  expect(d.update(7, true, 1020) == Passage::NONE, "an unknown beam is ignored");
  expect(d.update(1, true, 1200) == Passage::ENTRY, "the entry counts when beam 1 breaks");
  expect(d.update(0, false, 1300) == Passage::NONE, "clearing counts nothing more");
  expect(d.update(1, false, 1400) == Passage::NONE, "nor does the last clear");
  expect(d.poll(5000) == Passage::NONE, "a crossing gone through needs no correction");
  DirectionDetector back(1000);
  back.update(0, true, 1000);
  back.update(1, true, 1100);
  back.update(1, false, 1200);
  back.update(0, false, 1300);
  expect(back.poll(2000) == Passage::NONE, "a turn-back is not judged within the window");
  expect(back.poll(2101) == Passage::EXIT, "a turn-back gives its exit once over");
  expect(back.poll(2300) == Passage::NONE, "and only once");
  DirectionDetector next(1000);
  next.update(0, true, 1000);
  next.update(1, true, 1100);
  next.update(1, false, 1200);
  next.update(0, false, 1300);
  expect(next.update(0, true, 4000) == Passage::EXIT,
         "without polling, the next break gives a turn-back's exit");
  expect(next.update(1, true, 4100) == Passage::ENTRY, "and the next person still counts");
  return failures;
}

// ---- walkers at random ------------------------------------------------------------------

struct Day {
  Pulses pulses;
  int entries = 0;
  int exits = 0;
};

uint32_t pick(std::mt19937 &rng, uint32_t lo, uint32_t hi) {
  return std::uniform_int_distribution<uint32_t>(lo, hi)(rng);
}

// Legs, a bag, bounce: 1 to 3 pulses of one beam, each starting within 900 ms of the first.
std::vector<Pulse> pulses_from(std::mt19937 &rng, uint8_t beam, uint32_t start) {
  std::vector<Pulse> pulses;
  uint32_t on = start;
  for (uint32_t i = 0, n = pick(rng, 1, 3); i < n && on <= start + 900; i++) {
    uint32_t off = on + pick(rng, 40, 250);
    pulses.push_back({beam, on, off});
    on = off + pick(rng, 30, 150);
  }
  return pulses;
}

// One person starting at `t`: the second beam's first break 16..950 ms after the first
// beam's; going through, the person leaves the second beam last; turning back after
// reaching the second beam, the first beam last. Returns when both beams are clear and when
// the next person may start (more than a window after each beam's first break).
uint32_t add_person(Day &day, std::mt19937 &rng, uint32_t t, bool turn_back) {
  uint8_t first = pick(rng, 0, 1);
  uint32_t gap = pick(rng, 16, 950);
  auto f = pulses_from(rng, first, t);
  auto s = pulses_from(rng, 1 - first, t + gap);
  if (!turn_back && f.back().off >= s.back().off)
    s.back().off = f.back().off + pick(rng, 1, 60);
  if (turn_back && s.back().off >= f.back().off)
    f.back().off = s.back().off + pick(rng, 1, 200);
  day.pulses.insert(day.pulses.end(), f.begin(), f.end());
  day.pulses.insert(day.pulses.end(), s.begin(), s.end());
  (first == OUT ? day.entries : day.exits) += 1;
  if (turn_back)
    (first == OUT ? day.exits : day.entries) += 1;  // counted in, then out again
  uint32_t clear_at = std::max(f.back().off, s.back().off);
  return std::max(clear_at, t + gap + 1000) + pick(rng, 1, 2000);
}

int check_random_days(int days, bool polling) {
  std::mt19937 rng(20261124);
  int failures = 0;
  long people = 0;
  long turn_backs = 0;
  for (int d = 0; d < days; d++) {
    Day day;
    uint32_t origin = d % 5 == 0 ? 4294900000u : 1000;  // some days cross the wrap
    uint32_t t = 0;
    for (int w = 0, n = pick(rng, 1, 30); w < n; w++, people++) {
      bool turn_back = pick(rng, 0, 9) == 0;
      turn_backs += turn_back;
      t = add_person(day, rng, t, turn_back);
    }
    // Someone much later, so that without polling the last turn-back is still closed.
    if (!polling) {
      day.pulses.push_back({OUT, t + 5000, t + 5100});
    }
    DirectionDetector detector(1000);
    auto got = run(detector, edges_of(day.pulses, origin), origin, polling);
    int entries = std::count(got.begin(), got.end(), Passage::ENTRY);
    int exits = std::count(got.begin(), got.end(), Passage::EXIT);
    if (entries != day.entries || exits != day.exits) {
      if (failures++ < 5)
        std::printf("FAIL random day %d: counted %d in %d out, people %d in %d out\n", d,
                    entries, exits, day.entries, day.exits);
    }
  }
  std::printf("%d random days (%ld people, %ld turned back, %s), %d failed\n", days, people,
              turn_backs, polling ? "polled" : "edges only", failures);
  return failures;
}

}  // namespace

int main() {
  int failures = check_scenarios();
  failures += check_edges();
  failures += check_random_days(3000, true);
  failures += check_random_days(3000, false);
  auto count = scenarios().size();
  std::printf("%zu scenarios and 6000 random days, %d failed\n", count, failures);
  return failures == 0 ? 0 : 1;
}
