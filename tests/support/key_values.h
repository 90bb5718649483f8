// The plain-text reports the tests read from the programs they run: the
// scenario programs' `key value` lines and the oracles' `key=value` fields.
#pragma once

#include <map>
#include <sstream>
#include <string>

namespace tcpoe::test {

// "key rest of the line" per line -> {key: "rest of the line"}; lines
// without a space are left out, a repeated key keeps its last value.
inline std::map<std::string, std::string> key_value_lines(const std::string& text) {
  std::map<std::string, std::string> seen;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto space = line.find(' ');
    if (space != std::string::npos) seen[line.substr(0, space)] = line.substr(space + 1);
  }
  return seen;
}

// "a=1 b=2" -> {a: "1", b: "2"}; words without '=' are left out.
inline std::map<std::string, std::string> key_value_fields(const std::string& line) {
  std::map<std::string, std::string> kv;
  std::istringstream in(line);
  std::string word;
  while (in >> word) {
    const auto eq = word.find('=');
    if (eq != std::string::npos) kv[word.substr(0, eq)] = word.substr(eq + 1);
  }
  return kv;
}

}  // namespace tcpoe::test
