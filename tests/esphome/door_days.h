// Who comes to the door: families of scenarios and whole library days, drawn from
// door_world.h's people, and how a detector fed their beams counts them.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "door_direction.h"
#include "door_world.h"

namespace door_world {

// One run of people through the door and what really happened.
struct Trial {
  std::vector<Person> people;
  Truth truth;
  int at_door = 0;  // people who came to the door, crossing or not
  double end_ms = 0;
};

inline void add(Trial &trial, Doorway &doorway, Person p) {
  tally(trial.truth, p);
  trial.at_door++;
  trial.end_ms = std::max(trial.end_ms, last_t(p));
  doorway.people.push_back(p);
  trial.people.push_back(doorway.people.back());
}

// Someone new, placed as soon as the doorway lets them after `t`.
inline Person arriving(Doorway &doorway, Rng &rng, bool entering, double t, double clearance) {
  Person p = draw_person(rng, entering, 0);
  place(p, doorway.earliest(p, t, clearance));
  return p;
}

// A friend walking beside `a`, a little ahead or behind.
inline Person beside(const Person &a, Rng &rng) {
  Person b = draw_person(rng, a.entering, 0);
  b.speed = a.speed;
  b.centre = {{a.centre[0].t, near_side(b) + rng.range(-0.15, 0.15)}};
  return b;
}

// What a family of scenarios varies.
struct Family {
  const char *name;
  double min_apart_s;   // between one person's arrival at the door and the next one's
  double max_apart_s;
  bool same_way;        // everybody in one direction (a line) or both ways
  int min_people;
  int max_people;
  enum Kind { WALKERS, SIDE_BY_SIDE, TURN_BACK, LINGER, BAGS } kind;
};

inline Trial family_trial(const Family &f, const Door &door, Rng &rng) {
  Trial trial;
  Doorway doorway(door);
  double t = 1000;
  bool way = rng.chance(0.5);
  for (int i = 0, n = rng.pick(f.min_people, f.max_people); i < n; i++) {
    bool entering = f.same_way ? way : rng.chance(0.5);
    double clearance = rng.range(0.03, 0.15);
    Person p = arriving(doorway, rng, entering, t, f.kind == Family::WALKERS ? clearance : 0.3);
    if (f.kind == Family::WALKERS || f.kind == Family::BAGS) {
      if (f.kind == Family::BAGS) {
        p.backpack = rng.range(0.10, 0.20);
        p.hand_bag = true;
        place(p, doorway.earliest(p, t, clearance));
      }
      go_through(p, door);
    } else if (f.kind == Family::SIDE_BY_SIDE) {
      Person b = beside(p, rng);
      go_through(p, door);
      go_through(b, door);
      add(trial, doorway, b);
    } else if (f.kind == Family::TURN_BACK) {
      turn_back(p, rng.range(-p.depth / 2 + 0.03, door.beam_gap_m + p.depth / 2));
    } else {  // LINGER
      double stop = rng.range(-p.depth / 2 + 0.05, door.beam_gap_m + p.depth / 2 - 0.05);
      bool through = rng.chance(0.6);  // one draw per statement (door_world.h, Rng::bell)
      linger(p, rng, door, stop, rng.range(2000, 8000), through);
    }
    add(trial, doorway, p);
    t = first_break_t(p);
    t += rng.range(f.min_apart_s, f.max_apart_s) * 1000.0;
  }
  trial.end_ms += 1000;
  return trial;
}

// ---- a library day ----------------------------------------------------------------------

constexpr double HOUR_MS = 3600000.0;
constexpr double OPEN_H = 8.0;
constexpr double CLOSE_H = 19.0;

// Groups arriving per minute: a rush at opening, the ends of classes, a lunch dip.
inline double arrivals_per_minute(double hour) {
  double rate = 0.8;
  if (hour < OPEN_H + 0.5)
    rate += 6.0 * (OPEN_H + 0.5 - hour) / 0.5;
  for (double end_of_class : {10.0, 12.0, 14.0, 16.0, 17.0}) {
    double d = hour - end_of_class;
    if (d >= 0 && d < 0.25)
      rate += 4.0 * (0.25 - d) / 0.25;
  }
  return rate;
}

struct Visit {
  double arrive_ms;
  double leave_ms;
  int size;
  bool side_by_side;
};

// Groups come, stay, and leave together; everybody is out by closing time.
inline std::vector<Visit> visits_of_a_day(Rng &rng) {
  std::vector<Visit> visits;
  double t = OPEN_H * HOUR_MS;
  double close = CLOSE_H * HOUR_MS;
  while (t < close - 0.5 * HOUR_MS) {
    double rate = arrivals_per_minute(t / HOUR_MS) / 60000.0;  // per ms
    t += -1.0 / rate * std::log(1.0 - rng.uniform());
    if (t >= close - 0.5 * HOUR_MS)
      break;
    double u = rng.uniform();
    int size = u < 0.75 ? 1 : u < 0.9 ? 2 : rng.pick(3, 5);
    double stay = rng.bell(100, 70, 5, 600) * 60000.0;
    double leave = std::min(t + stay, close - rng.range(0.0, 0.25) * HOUR_MS);
    // The doorway is one person wide: two abreast (a child held by the hand) is rare.
    visits.push_back({t, leave, size, size == 2 && rng.chance(0.02)});
  }
  return visits;
}

// A door event: a group crossing one way at a wished time.
struct Crossing {
  double at_ms;
  bool entering;
  int size;
  bool side_by_side;
};

inline Trial library_day(const Door &door, Rng &rng) {
  std::vector<Crossing> crossings;
  for (const auto &v : visits_of_a_day(rng)) {
    crossings.push_back({v.arrive_ms, true, v.size, v.side_by_side});
    crossings.push_back({v.leave_ms, false, v.size, v.side_by_side});
  }
  std::sort(crossings.begin(), crossings.end(),
            [](const Crossing &a, const Crossing &b) { return a.at_ms < b.at_ms; });
  Trial trial;
  Doorway doorway(door);
  for (const auto &c : crossings) {
    double t = c.at_ms;
    if (c.side_by_side) {
      Person a = arriving(doorway, rng, c.entering, t, 0.1);
      Person b = beside(a, rng);
      go_through(a, door);
      go_through(b, door);
      add(trial, doorway, a);
      add(trial, doorway, b);
      continue;
    }
    for (int i = 0; i < c.size; i++) {
      double u = rng.uniform();
      Person p = arriving(doorway, rng, c.entering, t, rng.range(0.03, 0.15));
      if (c.entering && i == 0 && u < 0.02) {
        // Turns back at the door (forgot something), comes through a minute later.
        turn_back(p, rng.range(-p.depth / 2 + 0.03, door.beam_gap_m + p.depth / 2));
        add(trial, doorway, p);
        t = first_break_t(p) + rng.range(20, 90) * 1000.0;
        i--;
        continue;
      }
      if (i == 0 && u < 0.04) {
        // Stops in the doorway (a phone, a word with someone), then goes on.
        double stop = rng.range(-p.depth / 2 + 0.05, door.beam_gap_m + p.depth / 2 - 0.05);
        linger(p, rng, door, stop, rng.range(2000, 8000), true);
      } else {
        go_through(p, door);
      }
      add(trial, doorway, p);
      t = first_break_t(p) + rng.range(0.5, 1.5) * 1000.0;  // the next of the group
    }
  }
  trial.end_ms += 5000;
  return trial;
}

// ---- counting ---------------------------------------------------------------------------

struct Count {
  int entries = 0;
  int exits = 0;
};

constexpr uint32_t POLL_MS = 100;

// Feed edges as the firmware does: each edge as it comes, a poll every 100 ms.
template <typename Detector>
Count count(Detector &detector, const std::vector<Edge> &edges, uint32_t origin, uint32_t end_ms) {
  Count c;
  auto keep = [&c](esphome::iot_lab_door::Passage p) {
    if (p == esphome::iot_lab_door::Passage::ENTRY)
      c.entries++;
    else if (p == esphome::iot_lab_door::Passage::EXIT)
      c.exits++;
  };
  uint32_t next_poll = 0;
  for (const auto &e : edges) {
    for (; next_poll < e.at; next_poll += POLL_MS)
      keep(detector.poll(origin + next_poll));
    keep(detector.update(e.beam, e.broken, origin + e.at));
  }
  for (; next_poll <= end_ms; next_poll += POLL_MS)
    keep(detector.poll(origin + next_poll));
  return c;
}

}  // namespace door_world
