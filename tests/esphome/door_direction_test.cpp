// Host unit tests of the door counter's direction logic (esphome/components/iot_lab_door).
// Built and run with the machine's g++ by tests/esphome/test_door_direction.py.
#include <cstdio>
#include <cstdint>
#include <string>
#include <vector>

#include "door_direction.h"

using esphome::iot_lab_door::DirectionDetector;
using esphome::iot_lab_door::Passage;

namespace {

constexpr uint8_t OUT = 0;  // outside beam
constexpr uint8_t IN = 1;   // inside beam

struct Edge {
  uint8_t beam;
  bool broken;
  uint32_t at_ms;
};

// A person walking through: first beam breaks at t, the second `gap` later; the first clears
// `hold` after it broke, the second `hold` after it broke.
std::vector<Edge> walk(uint8_t first, uint32_t t, uint32_t gap, uint32_t hold = 250) {
  uint8_t second = first == OUT ? IN : OUT;
  return {{first, true, t}, {second, true, t + gap}, {first, false, t + hold},
          {second, false, t + gap + hold}};
}

std::vector<Edge> concat(std::vector<std::vector<Edge>> parts) {
  std::vector<Edge> all;
  for (auto &part : parts)
    all.insert(all.end(), part.begin(), part.end());
  return all;
}

struct Scenario {
  std::string name;
  std::vector<Edge> edges;
  std::vector<Passage> expected;
  uint32_t window_ms = 1000;
};

const char *str(Passage p) {
  return p == Passage::ENTRY ? "ENTRY" : p == Passage::EXIT ? "EXIT" : "NONE";
}

}  // namespace

int main() {
  const uint32_t T = 4294960000u;  // close to the 32-bit wrap of millis()
  std::vector<Scenario> scenarios = {
      {"entry at a walking pace", walk(OUT, 1000, 120), {Passage::ENTRY}},
      {"exit at a walking pace", walk(IN, 1000, 120), {Passage::EXIT}},
      {"fast walker (30 ms between beams)", walk(OUT, 1000, 30, 90), {Passage::ENTRY}},
      {"runner (16 ms, just above simultaneous)", walk(IN, 1000, 16, 60), {Passage::EXIT}},
      {"slow walker (900 ms between beams)", walk(OUT, 1000, 900, 1500), {Passage::ENTRY}},
      {"window edge: exactly 1000 ms", walk(OUT, 1000, 1000, 1400), {Passage::ENTRY}},
      {"window edge: 1001 ms is too slow", walk(OUT, 1000, 1001, 1400), {}},
      {"shorter window from a substitution", walk(OUT, 1000, 600, 900), {}, 500},
      {"both beams at once", walk(OUT, 1000, 0), {}},
      {"both beams within 10 ms", walk(IN, 1000, 10), {}},
      {"first beam held for 5 s, then the second",
       {{OUT, true, 1000}, {IN, true, 6000}, {IN, false, 6300}, {OUT, false, 6400}},
       {}},
      {"beam held without the other",
       {{OUT, true, 1000}, {OUT, false, 9000}},
       {}},
      {"turns back before the second beam",
       {{OUT, true, 1000}, {OUT, false, 1300}},
       {}},
      {"turns back after reaching the second beam",
       {{OUT, true, 1000}, {IN, true, 1150}, {IN, false, 1400}, {OUT, false, 1600}},
       {}},
      {"bounce on the first beam while entering",
       {{OUT, true, 1000}, {OUT, false, 1003}, {OUT, true, 1006}, {IN, true, 1120},
        {OUT, false, 1250}, {IN, false, 1380}},
       {Passage::ENTRY}},
      {"bounce on the second beam while entering",
       {{OUT, true, 1000}, {IN, true, 1120}, {IN, false, 1123}, {IN, true, 1126},
        {OUT, false, 1250}, {IN, false, 1380}},
       {Passage::ENTRY}},
      {"bounce after the passage counts nothing more",
       concat({walk(OUT, 1000, 120), {{IN, true, 1380}, {IN, false, 1384}}}),
       {Passage::ENTRY}},
      {"lone glitch on one beam",
       {{IN, true, 1000}, {IN, false, 1002}},
       {}},
      {"glitch then someone coming the other way",
       concat({{{OUT, true, 1000}, {OUT, false, 1002}}, walk(IN, 1100, 120)}),
       {Passage::EXIT}},
      {"two people back to back",
       concat({walk(OUT, 1000, 120), walk(OUT, 1400, 110)}),
       {Passage::ENTRY, Passage::ENTRY}},
      {"one in, one out, back to back",
       concat({walk(OUT, 1000, 120), walk(IN, 1380, 130)}),
       {Passage::ENTRY, Passage::EXIT}},
      {"ten people in a row",
       concat({walk(OUT, 1000, 100), walk(OUT, 1500, 100), walk(IN, 2000, 100),
               walk(OUT, 2500, 100), walk(IN, 3000, 100), walk(OUT, 3500, 100),
               walk(OUT, 4000, 100), walk(IN, 4500, 100), walk(OUT, 5000, 100),
               walk(OUT, 5500, 100)}),
       {Passage::ENTRY, Passage::ENTRY, Passage::EXIT, Passage::ENTRY, Passage::EXIT,
        Passage::ENTRY, Passage::ENTRY, Passage::EXIT, Passage::ENTRY, Passage::ENTRY}},
      {"same level reported twice",
       {{OUT, true, 1000}, {OUT, true, 1050}, {IN, true, 1120}, {IN, true, 1130},
        {OUT, false, 1250}, {IN, false, 1380}},
       {Passage::ENTRY}},
      {"unknown beam ignored",
       concat({{{7, true, 900}}, walk(OUT, 1000, 120)}),
       {Passage::ENTRY}},
      {"across the millis() wrap-around", walk(OUT, T, 8000, 9000), {}},
      {"across the millis() wrap-around, in time", walk(IN, T + 7000, 200, 400),
       {Passage::EXIT}},
      {"stays blocked until both beams clear",
       {{OUT, true, 1000}, {IN, true, 1005}, {OUT, false, 1300}, {OUT, true, 1350},
        {IN, false, 1400}, {OUT, false, 1500}},
       {}},
  };

  int failures = 0;
  for (const auto &scenario : scenarios) {
    DirectionDetector detector(scenario.window_ms);
    std::vector<Passage> got;
    for (const auto &edge : scenario.edges) {
      Passage p = detector.update(edge.beam, edge.broken, edge.at_ms);
      if (p != Passage::NONE)
        got.push_back(p);
    }
    bool ok = got == scenario.expected;
    if (!ok) {
      failures++;
      std::printf("FAIL %s: got", scenario.name.c_str());
      for (auto p : got)
        std::printf(" %s", str(p));
      std::printf(", expected");
      for (auto p : scenario.expected)
        std::printf(" %s", str(p));
      std::printf("\n");
    } else {
      std::printf("ok   %s\n", scenario.name.c_str());
    }
  }
  std::printf("%zu scenarios, %d failed\n", scenarios.size(), failures);
  return failures == 0 ? 0 : 1;
}
