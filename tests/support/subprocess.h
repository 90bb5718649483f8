// Running the independent oracles (Debian's python3-scapy, tshark) from tests.
#pragma once

#include <array>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace tcpoe::test {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout (stderr too when the command redirects it)
};

// Runs `command` through the shell, feeding `input` on stdin when non-empty
// (through a temporary file, so large inputs cannot deadlock the pipe).
inline CommandResult run_command(const std::string& command, const std::string& input = "") {
  std::string cmd = command;
  std::string input_path;
  if (!input.empty()) {
    char tmpl[] = "/tmp/tcpoe-test-input-XXXXXX";
    const int fd = mkstemp(tmpl);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    input_path = tmpl;
    FILE* f = fdopen(fd, "w");
    std::fwrite(input.data(), 1, input.size(), f);
    std::fclose(f);
    cmd += " < " + input_path;
  }
  CommandResult r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run: " + command);
  std::array<char, 65536> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (!input_path.empty()) std::remove(input_path.c_str());
  return r;
}

// Runs a script of tests/oracles/ with Debian's python3 (which has scapy).
// A missing scapy is a failure of the set-up, reported as such, never a skip.
inline CommandResult run_scapy_oracle(const std::string& script_and_args,
                                      const std::string& input = "") {
  const std::string cmd = std::string(TCPOE_SCAPY_PYTHON) + " " + TCPOE_ORACLE_DIR + "/" +
                          script_and_args;
  CommandResult r = run_command(cmd, input);
  if (r.exit_code != 0)
    throw std::runtime_error("oracle failed (exit " + std::to_string(r.exit_code) + "): " + cmd +
                             " -- is Debian's python3-scapy installed? (scripts/setup.sh)\n" +
                             r.output);
  return r;
}

inline std::vector<uint8_t> from_hex(const std::string& hex) {
  if (hex.size() % 2 != 0) throw std::runtime_error("odd-length hex string");
  std::vector<uint8_t> out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<uint8_t>(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
  return out;
}

inline std::string to_hex(const std::vector<uint8_t>& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  s.reserve(2 * bytes.size());
  for (uint8_t b : bytes) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

}  // namespace tcpoe::test
