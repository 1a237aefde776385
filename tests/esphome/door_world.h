// People at a door, as two infrared beams see them: the world the door counter is tested in.
//
// Nothing here knows how the firmware decides. People are bodies moving through space: two
// beams `beam_gap_m` apart across a one-person-wide doorway, each person with a speed, a
// body depth and maybe a bag, walking through, in a line behind someone, side by side with
// a friend, turning back, or lingering in the doorway. A beam is broken while a body (at
// torso height) or a leg or a hand-held bag (at leg height) covers it. The truth is who
// ended up on the other side. The firmware's input comes next: ESPHome reads each GPIO
// once per main-loop pass (every 16 ms), so the detector sees the signal sampled on that
// grid; the sensors add rare spikes and dropouts of a few milliseconds.
//
// iot_lab_sim/people.py is the same model in Python: both draw from `Rng` (splitmix64)
// with the same calls in the same order and only + - * / and comparisons on doubles, so one
// seed gives the same edges in both languages (tests/sim/test_people.py checks it).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace door_world {

// splitmix64: tiny, and written the same way in Python.
struct Rng {
  uint64_t state;
  explicit Rng(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
  double range(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  bool chance(double p) { return uniform() < p; }
  int pick(int lo, int hi) { return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1)); }
  // Roughly normal (sum of four uniforms), clipped: a walking speed, a stay.
  // One draw per statement: C++ leaves the order of two calls in one expression to the
  // compiler, and the Python twin must draw in the same order.
  double bell(double mean, double spread, double lo, double hi) {
    double s = uniform();
    s += uniform();
    s += uniform();
    s += uniform();
    s -= 2.0;
    return std::min(hi, std::max(lo, mean + spread * s * 1.7320508075688772));
  }
};

// Where the beams are and how the firmware reads them.
struct Door {
  double beam_gap_m = 0.30;  // between the outside beam (A, 0) and the inside beam (B, 1)
  bool leg_height = false;   // beams at shin height see legs, not the torso
  double sample_ms = 16;     // ESPHome's main loop reads each GPIO this often
  double spikes_per_hour = 2;      // per beam: a fly, a reflection
  double dropout_chance = 0.02;    // per pulse: the sensor loses the edge of a coat
};

// A point moving along the walker's own axis: 0 is the first beam they meet, the second
// beam is at `beam_gap_m`. Times in ms.
struct Knot {
  double t;
  double x;
};
using Path = std::vector<Knot>;

// Something that breaks a beam: it covers [centre - back, centre + front].
struct Body {
  Path centre;
  double back;
  double front;
};

struct Person {
  bool entering = true;   // from outside: beam A first
  bool crosses = true;    // the truth: ends up on the other side
  double speed = 1.2;     // m/s while walking
  double depth = 0.30;    // torso, front to back
  double backpack = 0;    // torso height: extra depth behind
  bool hand_bag = false;  // leg height: a bag swinging beside the legs
  double step_ms = 550;   // one step
  Path centre;            // the torso's centre over time
};

inline double position_at(const Path &path, double t) {
  if (t <= path.front().t)
    return path.front().x;
  for (size_t i = 1; i < path.size(); i++) {
    if (t <= path[i].t) {
      const Knot &a = path[i - 1], &b = path[i];
      return b.t == a.t ? b.x : a.x + (b.x - a.x) * (t - a.t) / (b.t - a.t);
    }
  }
  return path.back().x;
}

// Walking from where the path ends to `x` at `speed`, then staying `wait_ms` there.
inline void walk_to(Path &path, double x, double speed, double wait_ms = 0) {
  const Knot last = path.back();
  double distance = x > last.x ? x - last.x : last.x - x;
  path.push_back({last.t + distance / speed * 1000.0, x});
  if (wait_ms > 0)
    path.push_back({path.back().t + wait_ms, x});
}

constexpr double APPROACH_M = 0.8;  // paths start and end this far from the beams

// Where the centre is when the front is APPROACH_M before the first beam, and when the back
// is APPROACH_M past the second.
inline double near_side(const Person &p) { return -(p.depth / 2 + APPROACH_M); }

inline double far_side(const Person &p, const Door &door) {
  return door.beam_gap_m + p.depth / 2 + p.backpack + APPROACH_M;
}

// Puts the person APPROACH_M before the door, so that their front meets the first beam at `t`.
inline void place(Person &p, double t) { p.centre = {{t - APPROACH_M / p.speed * 1000.0, near_side(p)}}; }

// A new person about to reach the door at `t` (their front meets the first beam then).
inline Person draw_person(Rng &rng, bool entering, double t) {
  Person p;
  p.entering = entering;
  p.speed = rng.bell(1.2, 0.3, 0.4, 2.0);
  p.depth = rng.range(0.20, 0.40);
  p.backpack = rng.chance(0.25) ? rng.range(0.10, 0.20) : 0.0;
  p.hand_bag = rng.chance(0.20);
  p.step_ms = rng.range(480, 620);
  place(p, t);
  return p;
}

inline void go_through(Person &p, const Door &door) { walk_to(p.centre, far_side(p, door), p.speed); }

// Reaches `turn_x` (centre), then walks back out the way they came.
inline void turn_back(Person &p, double turn_x) {
  double home = p.centre.front().x;
  walk_to(p.centre, turn_x, p.speed, 150);
  walk_to(p.centre, home, p.speed);
  p.crosses = false;
}

// Stops with the centre at `stop_x` for `stay_ms`, shifting weight (a few cm to and fro),
// then goes on through or back.
inline void linger(Person &p, Rng &rng, const Door &door, double stop_x, double stay_ms, bool through) {
  double home = p.centre.front().x;
  walk_to(p.centre, stop_x, p.speed);
  double end = p.centre.back().t + stay_ms;
  double sway = rng.range(0.01, 0.05);
  while (p.centre.back().t < end) {
    double side = rng.chance(0.5) ? sway : -sway;
    double to = stop_x + side * rng.uniform();
    walk_to(p.centre, to, 0.1, rng.range(200, 900));
  }
  walk_to(p.centre, through ? far_side(p, door) : home, p.speed);
  p.crosses = through;
}

// The time the person's torso first covers the first beam and last leaves the second.
inline double first_break_t(const Person &p) {
  const Knot &a = p.centre[0], &b = p.centre[1];
  double reach = -(p.depth / 2);  // the front meets the first beam
  return a.t + (reach - a.x) / (b.x - a.x) * (b.t - a.t);
}

inline double last_t(const Person &p) { return p.centre.back().t; }

// ---- what the beams see ---------------------------------------------------------------

struct Interval {
  double on;
  double off;
};

// Times when the body covers the point `beam_x` of its own axis.
inline void cover(const Body &body, double beam_x, std::vector<Interval> &out) {
  double lo = beam_x - body.front, hi = beam_x + body.back;  // the centre must be in [lo, hi]
  for (size_t i = 1; i < body.centre.size(); i++) {
    const Knot &a = body.centre[i - 1], &b = body.centre[i];
    if (b.t <= a.t)
      continue;
    double t0, t1;
    if (a.x == b.x) {
      if (a.x < lo || a.x > hi)
        continue;
      t0 = a.t;
      t1 = b.t;
    } else {
      double ta = a.t + (lo - a.x) / (b.x - a.x) * (b.t - a.t);
      double tb = a.t + (hi - a.x) / (b.x - a.x) * (b.t - a.t);
      t0 = std::max(a.t, std::min(ta, tb));
      t1 = std::min(b.t, std::max(ta, tb));
      if (t1 <= t0)
        continue;
    }
    if (!out.empty() && out.back().off >= t0)
      out.back().off = std::max(out.back().off, t1);
    else
      out.push_back({t0, t1});
  }
}

// Steps: each foot lands half a step ahead of where the centre is then, and stays until
// the other foot lands; then swings to its next landing place.
inline std::vector<Body> legs_of(const Person &p, Rng &rng) {
  std::vector<Body> legs(2);
  double t0 = p.centre.front().t, t_end = p.centre.back().t;
  double half = p.step_ms / 2;
  for (int leg = 0; leg < 2; leg++) {
    legs[leg].back = legs[leg].front = 0.06;
    for (double t = t0 + leg * p.step_ms; t <= t_end + 2 * p.step_ms; t += 2 * p.step_ms) {
      double lands = position_at(p.centre, t + half);
      legs[leg].centre.push_back({t, lands});
      legs[leg].centre.push_back({t + p.step_ms, lands});
    }
  }
  if (p.hand_bag) {
    Body bag;
    bag.back = bag.front = rng.range(0.07, 0.12);
    double swing = rng.range(0.05, 0.15);
    for (double t = t0, side = 1; t <= t_end + p.step_ms; t += p.step_ms, side = -side)
      bag.centre.push_back({t, position_at(p.centre, t) + side * swing});
    legs.push_back(bag);
  }
  return legs;
}

inline std::vector<Body> bodies_of(const Person &p, const Door &door, Rng &rng) {
  if (door.leg_height)
    return legs_of(p, rng);
  return {Body{p.centre, p.depth / 2 + p.backpack, p.depth / 2}};
}

inline std::vector<Interval> merged(std::vector<Interval> &all) {
  std::sort(all.begin(), all.end(), [](const Interval &a, const Interval &b) { return a.on < b.on; });
  std::vector<Interval> out;
  for (const auto &i : all) {
    if (!out.empty() && i.on <= out.back().off)
      out.back().off = std::max(out.back().off, i.off);
    else
      out.push_back(i);
  }
  return out;
}

// The physical signal of each beam (A = 0, B = 1): the union of every body covering it,
// with the sensors' own spikes and dropouts.
struct Signal {
  std::vector<Interval> beam[2];
};

inline Signal signal_of(const std::vector<Person> &people, const Door &door, Rng &rng, double from,
                        double to) {
  std::vector<Interval> raw[2];
  for (const auto &p : people) {
    for (const auto &body : bodies_of(p, door, rng)) {
      std::vector<Interval> first, second;
      cover(body, 0.0, first);
      cover(body, door.beam_gap_m, second);
      auto &a = raw[p.entering ? 0 : 1];
      auto &b = raw[p.entering ? 1 : 0];
      a.insert(a.end(), first.begin(), first.end());
      b.insert(b.end(), second.begin(), second.end());
    }
  }
  Signal s;
  for (int beam = 0; beam < 2; beam++) {
    double spikes = door.spikes_per_hour * (to - from) / 3600000.0;
    for (int i = 0, n = static_cast<int>(spikes + rng.uniform()); i < n; i++) {
      double at = rng.range(from, to);
      raw[beam].push_back({at, at + rng.range(3, 30)});
    }
    for (const auto &pulse : merged(raw[beam])) {
      if (pulse.off - pulse.on > 60 && rng.chance(door.dropout_chance)) {
        double at = rng.range(pulse.on + 10, pulse.off - 40);
        double gap = rng.range(3, 25);
        s.beam[beam].push_back({pulse.on, at});
        s.beam[beam].push_back({at + gap, pulse.off});
      } else {
        s.beam[beam].push_back(pulse);
      }
    }
  }
  return s;
}

// ---- what the firmware reads ----------------------------------------------------------

struct Edge {
  uint8_t beam;
  bool broken;
  uint32_t at;  // ms
};

// A beam read every `sample_ms` from `phase`: a pulse is seen from the first read inside
// it to the first read after it; one that no read falls into is not seen at all.
inline std::vector<Edge> sampled(const Signal &s, const Door &door, double phase) {
  std::vector<Edge> edges;
  for (uint8_t beam = 0; beam < 2; beam++) {
    std::vector<Interval> seen;
    for (const auto &i : s.beam[beam]) {
      double on = phase + std::ceil((i.on - phase) / door.sample_ms) * door.sample_ms;
      double off = phase + std::ceil((i.off - phase) / door.sample_ms) * door.sample_ms;
      if (off <= on)
        continue;
      if (!seen.empty() && on <= seen.back().off)
        seen.back().off = std::max(seen.back().off, off);
      else
        seen.push_back({on, off});
    }
    for (const auto &i : seen) {
      edges.push_back({beam, true, static_cast<uint32_t>(i.on)});
      edges.push_back({beam, false, static_cast<uint32_t>(i.off)});
    }
  }
  // The main loop reads the outside beam's GPIO before the inside beam's in each pass.
  std::stable_sort(edges.begin(), edges.end(), [](const Edge &a, const Edge &b) {
    return a.at != b.at ? a.at < b.at : a.beam < b.beam;
  });
  return edges;
}

// ---- who comes through the door -------------------------------------------------------

struct Truth {
  int entries = 0;
  int exits = 0;
};

inline void tally(Truth &truth, const Person &p) {
  if (p.crosses)
    (p.entering ? truth.entries : truth.exits) += 1;
}

// The doorway is one person wide: someone coming the other way waits until it is free;
// someone going the same way follows, their front at least `clearance` behind the back of
// the person ahead all the way through.
struct Doorway {
  const Door &door;
  std::vector<Person> people;

  explicit Doorway(const Door &d) : door(d) {}

  // The earliest time, not before `t`, at which `p`'s front may reach the first beam.
  double earliest(const Person &p, double t, double clearance) const {
    if (people.empty())
      return t;
    const Person &ahead = people.back();
    bool simple_walk = ahead.crosses && ahead.centre.size() == 2;
    double lead_start = first_break_t(ahead);
    if (!simple_walk || ahead.entering != p.entering) {
      double gone = last_t(ahead) - APPROACH_M / ahead.speed * 1000.0;  // left the beams
      return std::max(t, gone + clearance / p.speed * 1000.0);
    }
    // Both walk straight on at their own speed: the gap is smallest at one end of the
    // stretch where the follower is between the beams.
    double lead = ahead.depth + ahead.backpack + clearance;
    double stretch_ms = (door.beam_gap_m + p.depth + p.backpack) / p.speed * 1000.0;
    double at_start = lead_start + lead / ahead.speed * 1000.0;
    double at_end = lead_start + (lead + (p.speed - ahead.speed) * stretch_ms / 1000.0) / ahead.speed * 1000.0;
    return std::max(t, std::max(at_start, at_end));
  }
};

}  // namespace door_world
