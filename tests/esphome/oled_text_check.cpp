// Reads one hex-encoded text per line and prints 1 if the board would show it, 0 if not.
// Driven by tests/esphome/test_oled_text.py, which compares with the integration's rule.
#include <iostream>
#include <string>

#include "oled_text.h"

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::string text;
    for (size_t i = 0; i + 1 < line.size(); i += 2)
      text.push_back(static_cast<char>(std::stoi(line.substr(i, 2), nullptr, 16)));
    std::cout << (esphome::iot_lab_oled::oled_text_refusal(text) == nullptr ? '1' : '0')
              << '\n';
  }
  return 0;
}
