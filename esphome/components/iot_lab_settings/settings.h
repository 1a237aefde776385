// The settings a board keeps, changed from Home Assistant (docs/protocol.md, "Settings"):
// Home Assistant publishes a JSON object of the settings to change on `config/set`; the
// board checks the whole object against SETTINGS and takes all of it or none of it, keeps
// what it took (a `globals` entry restored from flash) and publishes every setting of its
// kind, retained, on `config`.
//
// SETTINGS is the wire contract's table (iot_lab_wire/settings.py): the same keys, board
// kinds, types and bounds, so that a value one side refuses the other refuses too. The JSON
// reader is this file's own, with Python's rules (json.loads, as the integration parses):
// strict JSON, UTF-8, at most 16 KiB and 4 levels of nesting, no NaN or Infinity, the last
// of duplicate keys wins. Plain C++ with no ESPHome include: tests/esphome/test_settings.py
// compiles it with g++ and asks it and `iot_lab_wire.check_settings` about thousands of
// payloads, and checks that the two tables are equal.
#pragma once

#include <cmath>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace esphome {
namespace iot_lab_settings {

enum class Type : uint8_t { BOOL, INT, FLOAT, CHOICE };

// The capabilities a board announces that have settings, as bits of a board's mask.
static constexpr uint8_t CAPABILITY_COUNT = 4;
static constexpr const char *CAPABILITIES[CAPABILITY_COUNT] = {"counter", "light", "temperature",
                                                               "humidity"};
enum : uint8_t { COUNTER = 1, LIGHT = 2, TEMPERATURE = 4, HUMIDITY = 8 };

struct Spec {
  const char *key;
  uint8_t capability;  // one bit: the board kind that has it
  Type type;
  double minimum;
  double maximum;
  const char *choices[2];  // CHOICE: the values allowed (their index is what is kept)
};

enum Key : uint8_t {
  SWAP,
  GAP_MS,
  MOUNTING,
  LIGHT_DELTA,
  LIGHT_HEARTBEAT_S,
  LIGHT_SAMPLE_MS,
  TEMPERATURE_DELTA,
  HUMIDITY_DELTA,
  CLIMATE_HEARTBEAT_S,
  KEY_COUNT
};

// In Key's order. Door counter: beams mounted the other way round, the direction rule's
// gap, their height (door_direction.h's Mounting, in its order). Light board: the change
// that makes it send (% of the 0..4095 reading), its heartbeat, its sampling. Climate board:
// its sending thresholds and heartbeat.
static constexpr Spec SETTINGS[KEY_COUNT] = {
    {"swap", COUNTER, Type::BOOL, 0, 0, {nullptr, nullptr}},
    {"gap_ms", COUNTER, Type::INT, 200, 2000, {nullptr, nullptr}},
    {"mounting", COUNTER, Type::CHOICE, 0, 0, {"torso", "legs"}},
    {"light_delta", LIGHT, Type::FLOAT, 0.5, 50, {nullptr, nullptr}},
    {"light_heartbeat_s", LIGHT, Type::INT, 10, 3600, {nullptr, nullptr}},
    {"light_sample_ms", LIGHT, Type::INT, 100, 60000, {nullptr, nullptr}},
    {"temperature_delta", TEMPERATURE, Type::FLOAT, 0.1, 5, {nullptr, nullptr}},
    {"humidity_delta", HUMIDITY, Type::FLOAT, 0.5, 20, {nullptr, nullptr}},
    {"climate_heartbeat_s", TEMPERATURE, Type::INT, 10, 3600, {nullptr, nullptr}},
};

static constexpr size_t MAX_PAYLOAD_BYTES = 16 * 1024;
static constexpr int MAX_JSON_DEPTH = 4;

// What a board keeps, restored from flash: one number per setting of the table (those of
// other kinds of board stay 0). Booleans are 0 or 1, choices their index in the table.
struct Values {
  float value[KEY_COUNT];

  bool flag(Key key) const { return this->value[key] != 0; }
  uint32_t whole(Key key) const { return static_cast<uint32_t>(this->value[key]); }
  float number(Key key) const { return this->value[key]; }
  uint8_t choice(Key key) const { return static_cast<uint8_t>(this->value[key]); }
};

// The settings of one accepted `config/set`.
struct Change {
  uint16_t keys{0};  // bit k: setting k is in it
  double value[KEY_COUNT]{};

  bool has(Key key) const { return (this->keys >> key) & 1u; }
};

struct Verdict {
  bool ok{false};
  Change change;
  char why[112]{};  // why it was refused
};

namespace detail {

// What one member of the object held, once parsed.
enum class Held : uint8_t { NOTHING, NUL, BOOL, NUMBER, STRING, ARRAY, OBJECT };

struct Member {
  Held held{Held::NOTHING};
  bool flag{false};
  double number{0};
  int8_t choice{-1};  // a string: the index of the setting's choice it equals, or -1
};

inline bool refuse(char *why, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
inline bool refuse(char *why, size_t size, const char *format, ...) {
  va_list args;
  va_start(args, format);
  std::vsnprintf(why, size, format, args);
  va_end(args);
  return false;
}

// Untrusted text for a log line: printable ASCII, at most `limit` characters.
inline std::string printable(const std::string &text, size_t limit) {
  std::string out;
  for (size_t i = 0; i < text.size() && out.size() < limit; i++) {
    char c = text[i];
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  if (text.size() > limit)
    out += "...";
  return out;
}

inline int choice_count(const Spec &spec) { return spec.choices[1] != nullptr ? 2 : 1; }

// Is `text` valid UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF)?
inline bool utf8(const std::string &text) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    uint8_t lead = static_cast<uint8_t>(text[i]);
    uint32_t cp;
    size_t len;
    if (lead < 0x80) {
      i++;
      continue;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      cp = lead & 0x1F, len = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      cp = lead & 0x0F, len = 3;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      cp = lead & 0x07, len = 4;
    } else {
      return false;
    }
    if (i + len > n)
      return false;
    for (size_t k = 1; k < len; k++) {
      uint8_t next = static_cast<uint8_t>(text[i + k]);
      if ((next & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (next & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

// A strict JSON reader for one object of settings: each member's key and what it held;
// values nested in arrays and objects are checked for syntax and depth, not kept.
class Reader {
 public:
  explicit Reader(const std::string &text) : s_(text.data()), n_(text.size()) {}

  // Reads the whole text; calls `member(key, value)` for each member of the top-level
  // object (in order, duplicates included). False with `error()` when it is not JSON, or
  // `object()` false when it is JSON but not an object.
  template<typename F> bool read(F member) {
    this->space_();
    if (this->i_ < this->n_ && this->s_[this->i_] == '{') {
      this->object_ = true;
      if (!this->members_(member))
        return false;
    } else if (!this->value_(1, nullptr, nullptr)) {
      return false;
    }
    this->space_();
    return this->i_ == this->n_ || this->fail_("extra data after the JSON value");
  }

  bool object() const { return this->object_; }
  const char *error() const { return this->error_; }
  size_t at() const { return this->i_; }

 private:
  template<typename F> bool members_(F member) {
    this->i_++;  // '{'
    this->space_();
    if (this->peek_('}'))
      return true;
    for (;;) {
      std::string key;
      if (!this->peek_is_('"'))
        return this->fail_("expected a key");
      if (!this->string_(&key))
        return false;
      this->space_();
      if (!this->peek_(':'))
        return this->fail_("expected ':'");
      this->space_();
      Member value;
      if (!this->value_(2, &value, &key))
        return false;
      member(key, value);
      this->space_();
      if (this->peek_('}'))
        return true;
      if (!this->peek_(','))
        return this->fail_("expected ',' or '}'");
      this->space_();
    }
  }

  // One value at nesting `depth` (the top-level object is 1). With `out`, what it held;
  // `key` names the setting it is for, to match a string against its choices.
  bool value_(int depth, Member *out, const std::string *key) {
    Member ignored;
    Member &m = out != nullptr ? *out : ignored;
    if (this->i_ >= this->n_)
      return this->fail_("expected a value");
    char c = this->s_[this->i_];
    if (c == '{' || c == '[') {
      if (depth > MAX_JSON_DEPTH)
        return this->fail_("nested deeper than 4 levels");
      m.held = c == '{' ? Held::OBJECT : Held::ARRAY;
      return this->container_(depth, c == '{');
    }
    if (c == '"') {
      std::string text;
      if (!this->string_(&text))
        return false;
      m.held = Held::STRING;
      if (key != nullptr)
        m.choice = choice_of(*key, text);
      return true;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      m.held = Held::NUMBER;
      return this->number_(&m.number);
    }
    if (this->word_("true") || this->word_("false")) {
      m.held = Held::BOOL;
      m.flag = c == 't';
      return true;
    }
    if (this->word_("null")) {
      m.held = Held::NUL;
      return true;
    }
    return this->fail_("not a JSON value");
  }

  bool container_(int depth, bool is_object) {
    char close = is_object ? '}' : ']';
    this->i_++;
    this->space_();
    if (this->peek_(close))
      return true;
    for (;;) {
      if (is_object) {
        if (!this->peek_is_('"'))
          return this->fail_("expected a key");
        if (!this->string_(nullptr))
          return false;
        this->space_();
        if (!this->peek_(':'))
          return this->fail_("expected ':'");
        this->space_();
      }
      if (!this->value_(depth + 1, nullptr, nullptr))
        return false;
      this->space_();
      if (this->peek_(close))
        return true;
      if (!this->peek_(','))
        return this->fail_("expected ',' or a closing bracket");
      this->space_();
    }
  }

  static int8_t choice_of(const std::string &key, const std::string &text) {
    for (const Spec &spec : SETTINGS) {
      if (spec.type != Type::CHOICE || key != spec.key)
        continue;
      for (int c = 0; c < choice_count(spec); c++) {
        if (text == spec.choices[c])
          return static_cast<int8_t>(c);
      }
    }
    return -1;
  }

  // A string (at its opening quote), its escapes decoded into `out` (as UTF-8) if given.
  bool string_(std::string *out) {
    this->i_++;
    for (;;) {
      if (this->i_ >= this->n_)
        return this->fail_("unterminated string");
      uint8_t c = static_cast<uint8_t>(this->s_[this->i_++]);
      if (c == '"')
        return true;
      if (c < 0x20)
        return this->fail_("a control character in a string");
      if (c != '\\') {
        if (out != nullptr)
          out->push_back(static_cast<char>(c));
        continue;
      }
      if (this->i_ >= this->n_)
        return this->fail_("unterminated string");
      char e = this->s_[this->i_++];
      const char *plain = std::strchr("\"\\/bfnrt", e);
      if (e != 0 && plain != nullptr) {
        if (out != nullptr)
          out->push_back("\"\\/\b\f\n\r\t"[plain - "\"\\/bfnrt"]);
        continue;
      }
      uint32_t cp;
      if (e != 'u' || !this->hex4_(&cp))
        return this->fail_("a bad escape in a string");
      uint32_t low;
      if (cp >= 0xD800 && cp <= 0xDBFF && this->i_ + 1 < this->n_ && this->s_[this->i_] == '\\' &&
          this->s_[this->i_ + 1] == 'u') {
        size_t back = this->i_;
        this->i_ += 2;
        if (this->hex4_(&low) && low >= 0xDC00 && low <= 0xDFFF)
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        else
          this->i_ = back;  // a lone surrogate, then another escape
      }
      if (out != nullptr)
        append_utf8_(out, cp);
    }
  }

  bool hex4_(uint32_t *cp) {
    if (this->i_ + 4 > this->n_)
      return false;
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
      char h = this->s_[this->i_ + k];
      int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
      if (d < 0)
        return false;
      v = v << 4 | static_cast<uint32_t>(d);
    }
    this->i_ += 4;
    *cp = v;
    return true;
  }

  static void append_utf8_(std::string *out, uint32_t cp) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | cp >> 6));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | cp >> 12));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | cp >> 18));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, read as the nearest double (an integer too
  // large for one is infinite: out of every range).
  bool number_(double *out) {
    size_t start = this->i_;
    this->peek_('-');
    if (!this->peek_('0') && !this->digits_())
      return this->fail_("not a JSON value");
    if (this->peek_('.') && !this->digits_())
      return this->fail_("a digit must follow the decimal point");
    if (this->peek_('e') || this->peek_('E')) {
      if (!this->peek_('+'))
        this->peek_('-');
      if (!this->digits_())
        return this->fail_("a digit must follow the exponent");
    }
    std::string token(this->s_ + start, this->i_ - start);
    *out = std::strtod(token.c_str(), nullptr);
    return true;
  }

  bool digits_() {
    size_t start = this->i_;
    while (this->i_ < this->n_ && this->s_[this->i_] >= '0' && this->s_[this->i_] <= '9')
      this->i_++;
    return this->i_ > start;
  }

  bool word_(const char *word) {
    size_t len = std::strlen(word);
    if (this->i_ + len > this->n_ || std::memcmp(this->s_ + this->i_, word, len) != 0)
      return false;
    this->i_ += len;
    return true;
  }

  void space_() {
    while (this->i_ < this->n_ && (this->s_[this->i_] == ' ' || this->s_[this->i_] == '\t' ||
                                   this->s_[this->i_] == '\n' || this->s_[this->i_] == '\r'))
      this->i_++;
  }

  bool peek_is_(char c) const { return this->i_ < this->n_ && this->s_[this->i_] == c; }

  bool peek_(char c) {
    if (!this->peek_is_(c))
      return false;
    this->i_++;
    return true;
  }

  bool fail_(const char *what) {
    if (this->error_ == nullptr)
      this->error_ = what;
    return false;
  }

  const char *s_;
  size_t n_;
  size_t i_{0};
  bool object_{false};
  const char *error_{nullptr};
};

// Is what `m` held a valid value of setting `key`? Then `out` is it (0/1, a choice's index).
inline bool check_value(Key key, const Member &m, double *out, char *why, size_t size) {
  const Spec &spec = SETTINGS[key];
  switch (spec.type) {
    case Type::BOOL:
      if (m.held != Held::BOOL)
        return refuse(why, size, "%s is not true or false", spec.key);
      *out = m.flag ? 1 : 0;
      return true;
    case Type::CHOICE:
      if (m.held != Held::STRING || m.choice < 0)
        return refuse(why, size, "%s is not \"%s\" or \"%s\"", spec.key, spec.choices[0],
                      spec.choices[choice_count(spec) - 1]);
      *out = m.choice;
      return true;
    default:
      break;
  }
  if (m.held != Held::NUMBER)
    return refuse(why, size, "%s is not a number", spec.key);
  if (spec.type == Type::INT && !(std::isfinite(m.number) && std::floor(m.number) == m.number))
    return refuse(why, size, "%s %g is not a whole number", spec.key, m.number);
  if (!(std::isfinite(m.number) && spec.minimum <= m.number && m.number <= spec.maximum))
    return refuse(why, size, "%s %g is outside %g..%g", spec.key, m.number, spec.minimum,
                  spec.maximum);
  *out = m.number;
  return true;
}

inline int key_of(const std::string &name) {
  for (int k = 0; k < KEY_COUNT; k++) {
    if (name == SETTINGS[k].key)
      return k;
  }
  return -1;
}

// Shortest decimals (at least one) that read back as the same float: what Python's json
// writes for the double that reading gives, so the echo parses and prints back the same.
inline void append_float(std::string &out, float value) {
  char buf[32];
  for (int decimals = 1; decimals <= 9; decimals++) {
    std::snprintf(buf, sizeof(buf), "%.*f", decimals, static_cast<double>(value));
    if (std::strtof(buf, nullptr) == value)
      break;
  }
  out += buf;
}

}  // namespace detail

// The capabilities named in an announce's `caps` (a JSON list), as a mask of the above.
inline uint8_t caps_of(const char *caps_json) {
  uint8_t caps = 0;
  for (uint8_t c = 0; c < CAPABILITY_COUNT; c++) {
    std::string quoted = std::string("\"") + CAPABILITIES[c] + "\"";
    if (std::strstr(caps_json, quoted.c_str()) != nullptr)
      caps |= 1u << c;
  }
  return caps;
}

// Check a `config/set` payload for a board of `caps`: all of it, or nothing. A key of
// another kind of board is refused like an unknown one.
inline Verdict check(const std::string &payload, uint8_t caps) {
  using namespace detail;
  Verdict v;
  if (payload.size() > MAX_PAYLOAD_BYTES) {
    refuse(v.why, sizeof(v.why), "payload of %u bytes exceeds %u",
           static_cast<unsigned>(payload.size()), static_cast<unsigned>(MAX_PAYLOAD_BYTES));
    return v;
  }
  if (!utf8(payload)) {
    refuse(v.why, sizeof(v.why), "payload is not UTF-8");
    return v;
  }
  Member last[KEY_COUNT];
  std::string unknown, foreign;  // the first of each, for the log line
  bool has_unknown = false, has_foreign = false;
  size_t members = 0;
  Reader reader(payload);
  bool read = reader.read([&](const std::string &key, const Member &value) {
    members++;
    int k = key_of(key);
    if (k < 0) {
      if (!has_unknown)
        unknown = printable(key, 32);
      has_unknown = true;
    } else if (!(SETTINGS[k].capability & caps)) {
      if (!has_foreign)
        foreign = key;
      has_foreign = true;
    } else {
      last[k] = value;  // the last of duplicate keys wins, as in Python
    }
  });
  if (!read) {
    refuse(v.why, sizeof(v.why), "broken JSON at byte %u: %s", static_cast<unsigned>(reader.at()),
           reader.error());
    return v;
  }
  if (!reader.object()) {
    refuse(v.why, sizeof(v.why), "not a JSON object");
    return v;
  }
  if (members == 0) {
    refuse(v.why, sizeof(v.why), "settings object is empty");
    return v;
  }
  if (has_unknown) {
    refuse(v.why, sizeof(v.why), "unknown setting \"%s\"", unknown.c_str());
    return v;
  }
  if (has_foreign) {
    refuse(v.why, sizeof(v.why), "%s is not a setting of this board", foreign.c_str());
    return v;
  }
  for (int k = 0; k < KEY_COUNT; k++) {
    if (last[k].held == Held::NOTHING)
      continue;
    if (!check_value(static_cast<Key>(k), last[k], &v.change.value[k], v.why, sizeof(v.why)))
      return v;
    v.change.keys |= 1u << k;
  }
  v.ok = true;
  return v;
}

// Put an accepted change into what the board keeps; true when anything changed (nothing is
// written when nothing changed, so a set that changes nothing costs no flash write).
inline bool apply(const Change &change, Values &values) {
  bool changed = false;
  for (int k = 0; k < KEY_COUNT; k++) {
    if (!change.has(static_cast<Key>(k)))
      continue;
    float value = static_cast<float>(change.value[k]);
    if (values.value[k] != value) {
      values.value[k] = value;
      changed = true;
    }
  }
  return changed;
}

// Are the values restored from flash a valid setting of each key of `caps`? (Flash written
// by another firmware, or never written, reads back as anything.)
inline bool valid(const Values &values, uint8_t caps, char *why, size_t size) {
  using namespace detail;
  for (int k = 0; k < KEY_COUNT; k++) {
    const Spec &spec = SETTINGS[k];
    if (!(spec.capability & caps))
      continue;
    float value = values.value[k];
    Member m;
    if (spec.type == Type::BOOL && (value == 0 || value == 1)) {
      m.held = Held::BOOL;
      m.flag = value == 1;
    } else if (spec.type == Type::CHOICE && (value == 0 || value == 1)) {
      m.held = Held::STRING;
      m.choice = value < choice_count(spec) ? static_cast<int8_t>(value) : -1;
    } else if (spec.type == Type::INT || spec.type == Type::FLOAT) {
      m.held = Held::NUMBER;
      m.number = value;
    }
    double ignored;
    if (!check_value(static_cast<Key>(k), m, &ignored, why, size))
      return false;
  }
  return true;
}

// A board's defaults, from a JSON object of every setting of its kind (its substitutions);
// what it does not give stays 0 and fails `valid` (tests/esphome check that it gives all).
inline Values defaults(const char *json, const char *caps_json) {
  Values values{};
  Verdict v = check(json, caps_of(caps_json));
  if (v.ok)
    apply(v.change, values);
  return values;
}

// Every setting of `caps`, as the board publishes it on `config`: the JSON object Python
// writes with sorted keys and no spaces (iot_lab_wire's `settings_payload`).
inline std::string to_json(const Values &values, uint8_t caps) {
  uint8_t order[KEY_COUNT];
  uint8_t count = 0;
  for (uint8_t k = 0; k < KEY_COUNT; k++) {
    if (!(SETTINGS[k].capability & caps))
      continue;
    uint8_t at = count++;
    while (at > 0 && std::strcmp(SETTINGS[order[at - 1]].key, SETTINGS[k].key) > 0) {
      order[at] = order[at - 1];
      at--;
    }
    order[at] = k;
  }
  std::string out = "{";
  for (uint8_t i = 0; i < count; i++) {
    const Spec &spec = SETTINGS[order[i]];
    float value = values.value[order[i]];
    out += i == 0 ? "\"" : ",\"";
    out += spec.key;
    out += "\":";
    switch (spec.type) {
      case Type::BOOL:
        out += value != 0 ? "true" : "false";
        break;
      case Type::CHOICE:
        out += '"';
        out += spec.choices[value == 1 ? 1 : 0];
        out += '"';
        break;
      case Type::INT:
        out += std::to_string(static_cast<long>(value));
        break;
      case Type::FLOAT:
        detail::append_float(out, value);
        break;
    }
  }
  return out + "}";
}

// A payload, shortened and made printable for a log line.
inline std::string shorten(const std::string &payload) { return detail::printable(payload, 80); }

// The light board's threshold in steps of its 12-bit reading: `percent` of 4095, to the
// nearest step (the reading is whole, its 5-sample average a multiple of 0.2).
inline float light_delta_steps(float percent) { return std::round(percent * 4095.0f / 100.0f); }

}  // namespace iot_lab_settings
}  // namespace esphome
