// The OLED text rule of the wire contract (docs/protocol.md, `oled/set`), as the
// integration applies it (the wire contract, iot_lab_wire/payloads.py, `oled_command`): valid
// UTF-8, at most 64 characters, no control character (U+0000-U+001F, U+007F-U+009F, and the
// line and paragraph separators U+2028, U+2029). A text the integration refuses, the board
// refuses too, so the two never disagree on what the screen shows. Plain C++ with no
// ESPHome include: host-tested against the integration's own rule
// (tests/esphome/test_oled_text.py).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace esphome {
namespace iot_lab_oled {

static const size_t OLED_MAX_CHARS = 64;

// Why `text` is refused, or nullptr when the board may show it.
inline const char *oled_text_refusal(const std::string &text) {
  size_t chars = 0;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    uint8_t lead = static_cast<uint8_t>(text[i]);
    uint32_t cp;
    size_t len;
    if (lead < 0x80) {
      cp = lead;
      len = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      cp = lead & 0x1F;
      len = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      cp = lead & 0x0F;
      len = 3;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      cp = lead & 0x07;
      len = 4;
    } else {
      return "not UTF-8";
    }
    if (i + len > n)
      return "not UTF-8";
    for (size_t k = 1; k < len; k++) {
      uint8_t next = static_cast<uint8_t>(text[i + k]);
      if ((next & 0xC0) != 0x80)
        return "not UTF-8";
      cp = (cp << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return "not UTF-8";
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029)
      return "a control character";
    chars++;
    i += len;
  }
  if (chars > OLED_MAX_CHARS)
    return "over 64 characters";
  return nullptr;
}

}  // namespace iot_lab_oled
}  // namespace esphome
