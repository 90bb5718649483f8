// The command line of the benchmarks that run the driver between two
// simulated hosts (bench_connect, bench_transfer): one reading of their
// arguments and one way to refuse a bad value ("PROGRAM: what is wrong" on
// stderr, exit 2), so both answer a user's mistake alike.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>

namespace tcpoe::bench {

class RunArgs {
 public:
  // `usage_exit(code)` prints the program's usage (on stdout for 0, else on
  // stderr) and exits with `code`.
  RunArgs(const char* program, void (*usage_exit)(int)) : program_(program), usage_exit_(usage_exit) {}

  // Reads the arguments in order: -h/--help is usage_exit(0); a flag among
  // `switches` goes to take(flag, ""), any other to take(flag, the next
  // argument), usage_exit(2) when there is none; a flag take does not know
  // (it returns false) is usage_exit(2) too.
  template <typename Take>
  void parse(int argc, char** argv, std::initializer_list<const char*> switches, Take&& take) const {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "-h" || a == "--help") usage_exit_(0);
      bool is_switch = false;
      for (const char* s : switches) is_switch = is_switch || a == s;
      if (!is_switch && i + 1 >= argc) usage_exit_(2);
      if (!take(a, is_switch ? std::string() : std::string(argv[++i]))) usage_exit_(2);
    }
  }

  [[noreturn]] void refuse(const std::string& what_is_wrong) const {
    std::fprintf(stderr, "%s: %s\n", program_, what_is_wrong.c_str());
    std::exit(2);
  }
  // A whole number from 1 to `max`; else "`what` must be 1..max, not 'V'".
  uint64_t count(const std::string& what, const std::string& v, uint64_t max) const {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
    if (v.empty() || *end || v[0] == '-' || n == 0 || n > max)
      refuse(what + " must be 1.." + std::to_string(max) + ", not '" + v + "'");
    return n;
  }
  // The device's data path the benchmarks are built for: 64 or 512 bits.
  int data_width(const std::string& v) const {
    if (v != "64" && v != "512") refuse("--data-width must be 64 or 512, not '" + v + "'");
    return std::stoi(v);
  }
  // A number `ok` accepts; else "`flag` must be a number `range`, not 'V'".
  double number(const std::string& flag, const std::string& v, bool (*ok)(double), const char* range) const {
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end || !ok(x)) refuse(flag + " must be a number " + range + ", not '" + v + "'");
    return x;
  }

 private:
  const char* program_;
  void (*usage_exit_)(int);
};

}  // namespace tcpoe::bench
