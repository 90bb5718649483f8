// What the command-line programs share: one way to refuse bad arguments
// (message, usage, exit 2) and to read numbers, so every program answers a
// user's mistake the same way; and the text they print for frames.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "data_width.h"
#include "tcpoe/wire/rx_descriptor.h"
#include "tcpoe/wire/tcp.h"

namespace tcpoe::cli {

class Args {
 public:
  Args(const char* program, const char* usage, int argc, char** argv)
      : program_(program), usage_(usage), argc_(argc), argv_(argv) {}

  [[noreturn]] void usage_error(const std::string& msg) const {
    std::fprintf(stderr, "%s: %s\n\n%s", program_, msg.c_str(), usage_);
    std::exit(2);
  }

  // The value after the flag at argv[i]; advances i past it.
  const char* value(int& i) const {
    if (i + 1 >= argc_) usage_error(std::string(argv_[i]) + " needs a value");
    return argv_[++i];
  }

  uint64_t parse_uint(const std::string& flag, const char* text, uint64_t min,
                      uint64_t max) const {
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v < min || v > max)
      usage_error(flag + " wants a whole number from " + std::to_string(min) + " to " +
                  std::to_string(max) + ", not '" + text + "'");
    return v;
  }

  double parse_probability(const std::string& flag, const char* text) const {
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !(v > 0.0 && v <= 1.0))
      usage_error(flag + " wants a probability in (0, 1], not '" + text + "'");
    return v;
  }

  // A number (decimal point allowed) from min to max.
  double parse_real(const std::string& flag, const char* text, double min, double max) const {
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !(v >= min && v <= max))
      usage_error(flag + " wants a number from " + std::to_string(min) + " to " + std::to_string(max) +
                  ", not '" + text + "'");
    return v;
  }

  // An IPv4 address in dotted decimal, as a host-order number.
  uint32_t parse_ipv4(const std::string& flag, const char* text) const {
    uint32_t address = 0;
    const char* p = text;
    for (int part = 0; part < 4; ++part) {
      char* end = nullptr;
      errno = 0;
      const unsigned long v = std::strtoul(p, &end, 10);
      const char want = part == 3 ? '\0' : '.';
      if (errno != 0 || end == p || *end != want || *p == '-' || *p == '+' || v > 255)
        usage_error(flag + " wants an IPv4 address (a.b.c.d), not '" + text + "'");
      address = address << 8 | uint32_t(v);
      p = end + 1;
    }
    return address;
  }

  // A datapath width the harnesses are built for.
  int parse_data_width(const std::string& flag, const char* text) const {
    const int width = int(parse_uint(flag, text, 0, 4096));
    if (!tcpoe::sim::is_supported_data_width(width))
      usage_error(flag + " must be 64, 128, 256 or 512");
    return width;
  }

  // Reads the arguments in order: -h/--help prints the usage and exits 0;
  // any other goes to take(arg, value), where value() reads the next
  // argument as arg's value. An argument take does not know (it returns
  // false) is refused with usage_error().
  template <typename Take>
  void parse(Take&& take) const {
    for (int i = 1; i < argc_; ++i) {
      const std::string arg = argv_[i];
      if (arg == "-h" || arg == "--help") {
        std::fputs(usage_, stdout);
        std::exit(0);
      }
      const auto next_value = [this, &i] { return value(i); };
      if (!take(arg, next_value)) usage_error("unknown argument '" + arg + "'");
    }
  }

  // The options of every lockstep run, read into `run` (a harness's
  // *RunOptions): --data-width, --valid-prob, --ready-prob, --seed, --trace,
  // --no-lockstep. For parse()'s take(); false when `arg` is none of them.
  template <typename Value, typename RunOptions>
  bool run_option(const std::string& arg, const Value& value, RunOptions& run) const {
    if (arg == "--data-width") {
      run.data_width = parse_data_width(arg, value());
    } else if (arg == "--valid-prob") {
      run.valid_probability = parse_probability(arg, value());
    } else if (arg == "--ready-prob") {
      run.ready_probability = parse_probability(arg, value());
    } else if (arg == "--seed") {
      run.seed = parse_uint(arg, value(), 0, UINT64_MAX);
    } else if (arg == "--trace") {
      run.fst_path = value();
    } else if (arg == "--no-lockstep") {
      run.lockstep = false;
    } else {
      return false;
    }
    return true;
  }

 private:
  const char* program_;
  const char* usage_;
  int argc_;
  char** argv_;
};

inline std::string ipv4_text(uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
         std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}

// Control bits the way tcpdump prints them.
inline std::string flags_text(uint8_t flags) {
  namespace fl = tcpoe::wire::tcp::flag;
  static const std::pair<uint8_t, const char*> names[] = {
      {fl::kSyn, "SYN"}, {fl::kFin, "FIN"}, {fl::kRst, "RST"}, {fl::kPsh, "PSH"},
      {fl::kAck, "ACK"}, {fl::kUrg, "URG"}, {fl::kEce, "ECE"}, {fl::kCwr, "CWR"}};
  std::string s;
  for (const auto& [bit, name] : names)
    if (flags & bit) s += (s.empty() ? "" : ",") + std::string(name);
  return s.empty() ? "none" : s;
}

// Options the way tcpdump prints them: " <mss 1460,sackOK,...>", or "".
inline std::string options_text(const tcpoe::wire::TcpOptions& o) {
  std::string s;
  const auto add = [&](const std::string& t) { s += (s.empty() ? "" : ",") + t; };
  if (o.mss) add("mss " + std::to_string(*o.mss));
  if (o.sack_permitted) add("sackOK");
  if (o.timestamps)
    add("TS val " + std::to_string(o.timestamps->first) + " ecr " +
        std::to_string(o.timestamps->second));
  if (o.window_scale) add("wscale " + std::to_string(*o.window_scale));
  return s.empty() ? "" : " <" + s + ">";
}

// The options a receive descriptor reports (the wire layer's one definition).
using tcpoe::wire::options_of;

}  // namespace tcpoe::cli
