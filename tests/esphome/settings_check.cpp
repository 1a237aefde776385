// The boards' settings check (esphome/components/iot_lab_settings/settings.h) on the host,
// driven by tests/esphome/test_settings.py, which compares it with the wire contract's.
//
//   settings_check --table   the table, as a JSON object of key -> capability, type, bounds
//   settings_check --unit    checks of what the board does with an accepted change
//   settings_check           reads "<caps> <hex payload>" lines (caps: an announce's JSON
//                            list, no spaces) and prints, tab-separated, per line:
//                              1 <the change, as JSON> <the echo after it>   accepted
//                              0 <why>                                       refused
//                            The echo starts from every setting of the board at its minimum
//                            (false, the first choice).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "settings.h"

namespace s = esphome::iot_lab_settings;

namespace {

const char *type_name(s::Type type) {
  switch (type) {
    case s::Type::BOOL:
      return "bool";
    case s::Type::INT:
      return "int";
    case s::Type::FLOAT:
      return "float";
    default:
      return "str";
  }
}

const char *capability_name(uint8_t bit) {
  for (uint8_t c = 0; c < s::CAPABILITY_COUNT; c++) {
    if (bit == 1u << c)
      return s::CAPABILITIES[c];
  }
  return "?";
}

std::string exact(double value) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.17g", value);
  std::string text = buf;
  if (text.find_first_of(".en") == std::string::npos)
    text += ".0";
  return text;
}

void print_table() {
  std::printf("{");
  for (int k = 0; k < s::KEY_COUNT; k++) {
    const s::Spec &spec = s::SETTINGS[k];
    std::printf("%s\"%s\": {\"capability\": \"%s\", \"kind\": \"%s\", \"minimum\": %s, "
                "\"maximum\": %s, \"choices\": [",
                k ? ", " : "", spec.key, capability_name(spec.capability), type_name(spec.type),
                exact(spec.minimum).c_str(), exact(spec.maximum).c_str());
    for (int c = 0; c < 2 && spec.choices[c] != nullptr; c++)
      std::printf("%s\"%s\"", c ? ", " : "", spec.choices[c]);
    std::printf("]}");
  }
  std::printf("}\n");
}

std::string change_json(const s::Change &change) {
  std::string out = "{";
  for (int k = 0; k < s::KEY_COUNT; k++) {
    if (!change.has(static_cast<s::Key>(k)))
      continue;
    const s::Spec &spec = s::SETTINGS[k];
    double value = change.value[k];
    out += out.size() > 1 ? ",\"" : "\"";
    out += spec.key;
    out += "\":";
    if (spec.type == s::Type::BOOL)
      out += value != 0 ? "true" : "false";
    else if (spec.type == s::Type::CHOICE)
      out += std::string("\"") + spec.choices[static_cast<int>(value)] + "\"";
    else if (spec.type == s::Type::INT)
      out += std::to_string(static_cast<long long>(value));
    else
      out += exact(value);
  }
  return out + "}";
}

s::Values minimums(uint8_t caps) {
  s::Values values{};
  for (int k = 0; k < s::KEY_COUNT; k++) {
    if (s::SETTINGS[k].capability & caps)
      values.value[k] = static_cast<float>(s::SETTINGS[k].minimum);
  }
  return values;
}

int run_lines() {
  std::string line;
  while (std::getline(std::cin, line)) {
    size_t space = line.find(' ');
    std::string caps_json = line.substr(0, space);
    std::string hex = space == std::string::npos ? "" : line.substr(space + 1);
    std::string payload;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
      payload.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    uint8_t caps = s::caps_of(caps_json.c_str());
    s::Verdict verdict = s::check(payload, caps);
    if (!verdict.ok) {
      std::printf("0\t%s\n", verdict.why);
      continue;
    }
    s::Values values = minimums(caps);
    s::apply(verdict.change, values);
    std::printf("1\t%s\t%s\n", change_json(verdict.change).c_str(), s::to_json(values, caps).c_str());
  }
  return 0;
}

int failures = 0;

void expect(bool ok, const char *what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what);
  failures += ok ? 0 : 1;
}

int run_unit() {
  const char *door_caps = "[\"counter\",\"settings\"]";
  uint8_t door = s::caps_of(door_caps);
  expect(door == s::COUNTER, "caps_of reads an announce's list");
  expect(s::caps_of("[\"temperature\", \"humidity\", \"settings\"]") == (s::TEMPERATURE | s::HUMIDITY),
         "caps_of: the climate board has two kinds of settings");
  s::Values values = s::defaults("{\"swap\": false, \"gap_ms\": 500, \"mounting\": \"torso\"}", door_caps);
  char why[112];
  expect(s::valid(values, door, why, sizeof(why)), "complete defaults are valid");
  expect(values.whole(s::GAP_MS) == 500 && !values.flag(s::SWAP) && values.choice(s::MOUNTING) == 0,
         "defaults are read");
  expect(!s::valid(s::defaults("{\"swap\": false}", door_caps), door, why, sizeof(why)),
         "incomplete defaults are not valid");
  expect(!s::valid(s::Values{}, door, why, sizeof(why)), "zeros are not a door counter's settings");
  s::Values garbage{};
  garbage.value[s::SWAP] = 2;
  garbage.value[s::GAP_MS] = 500;
  expect(!s::valid(garbage, door, why, sizeof(why)), "a boolean of 2 is not valid");
  garbage.value[s::SWAP] = 1;
  garbage.value[s::MOUNTING] = 2;
  expect(!s::valid(garbage, door, why, sizeof(why)), "a choice past the last is not valid");
  garbage.value[s::MOUNTING] = 1;
  garbage.value[s::GAP_MS] = NAN;
  expect(!s::valid(garbage, door, why, sizeof(why)), "NaN is not valid");
  garbage.value[s::GAP_MS] = 500.5f;
  expect(!s::valid(garbage, door, why, sizeof(why)), "a fraction is not a whole setting");
  garbage.value[s::GAP_MS] = 2000;
  expect(s::valid(garbage, door, why, sizeof(why)), "the maximum is valid");

  s::Verdict v = s::check("{\"gap_ms\": 800, \"swap\": true}", door);
  expect(v.ok && s::apply(v.change, values), "an accepted change changes the values");
  expect(!s::apply(v.change, values), "the same change again changes nothing (no flash write)");
  expect(s::to_json(values, door) == "{\"gap_ms\":800,\"mounting\":\"torso\",\"swap\":true}",
         "the echo: sorted keys, no spaces");
  s::Verdict refused = s::check("{\"gap_ms\": 100, \"swap\": false}", door);
  s::Values before = values;
  expect(!refused.ok && std::memcmp(&before, &values, sizeof(values)) == 0,
         "a refused change leaves everything as it was");
  expect(std::strcmp(refused.why, "gap_ms 100 is outside 200..2000") == 0, "the reason says why");
  expect(std::strcmp(s::check("{\"light_delta\": 2}", door).why,
                     "light_delta is not a setting of this board") == 0,
         "another board's setting is refused");
  s::Values light = s::defaults("{\"light_delta\": 1.95, \"light_heartbeat_s\": 300, \"light_sample_ms\": 200}",
                                "[\"light\",\"led\",\"oled\",\"settings\"]");
  expect(s::to_json(light, s::LIGHT) ==
             "{\"light_delta\":1.95,\"light_heartbeat_s\":300,\"light_sample_ms\":200}",
         "floats are echoed in their shortest form");
  expect(!s::apply(s::check("{\"light_delta\": 1.95}", s::LIGHT).change, light),
         "the echoed float read back changes nothing");
  expect(s::light_delta_steps(light.number(s::LIGHT_DELTA)) == 80.0f, "1.95 % of 4095 is 80 steps");
  expect(s::light_delta_steps(0.5f) == 20.0f && s::light_delta_steps(50.0f) == 2048.0f,
         "the light threshold's bounds in steps");
  std::printf("%d failed\n", failures);
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc == 2 && std::strcmp(argv[1], "--table") == 0) {
    print_table();
    return 0;
  }
  if (argc == 2 && std::strcmp(argv[1], "--unit") == 0)
    return run_unit();
  return run_lines();
}
