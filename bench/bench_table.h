// What the benchmarks share: their command line and the Markdown table they
// print. A table names the columns that time the simulator (they depend on
// the machine); everything else counts cycles and is the same on every
// machine, which is what lets README's copy of the table be checked against
// a fresh run (scripts/readme_tables.py, tests bench.readme.*).
#pragma once

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "cli_args.h"

namespace tcpoe::bench {

struct Options {
  // Only the columns that count cycles: the simulation-speed columns print
  // "-", and the runs made only to time the simulator are skipped.
  bool cycles_only = false;
};

// `what`: one line saying what the benchmark measures.
inline Options parse_options(const char* program, const char* what, int argc, char** argv) {
  const std::string usage =
      std::string("usage: ") + program + " [--cycles-only]\n" + what +
      "\nPrints a Markdown table, one row per DATA_W.\n"
      "\n"
      "  --cycles-only   only the columns that count cycles (the same on every\n"
      "                  machine): the simulation-speed columns print '-' and the\n"
      "                  runs that only time the simulator are skipped\n"
      "  -h, --help      this text\n";
  const tcpoe::cli::Args cli(program, usage.c_str(), argc, argv);
  Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::fputs(usage.c_str(), stdout);
      std::exit(0);
    } else if (a == "--cycles-only") {
      opt.cycles_only = true;
    } else {
      cli.usage_error("unknown argument '" + a + "'");
    }
  }
  return opt;
}

// printf into a string: one table cell.
inline std::string cell(const char* format, ...) __attribute__((format(printf, 1, 2)));
inline std::string cell(const char* format, ...) {
  char buf[128];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  return buf;
}

struct Column {
  std::string header;
  bool machine_speed = false;  // times the simulator: depends on the machine
};

class Table {
 public:
  Table(std::vector<Column> columns, const Options& opt)
      : columns_(std::move(columns)), cycles_only_(opt.cycles_only) {}

  void print_header() const {
    std::string head = "|", rule = "|";
    for (const auto& c : columns_) {
      head += " " + c.header + " |";
      rule += "---|";
    }
    std::printf("%s\n%s\n", head.c_str(), rule.c_str());
  }

  // One cell per column; with cycles_only, the machine-speed cells are "-"
  // whatever is passed.
  void print_row(const std::vector<std::string>& cells) const {
    if (cells.size() != columns_.size()) {
      std::fprintf(stderr, "bench: a row of %zu cells for %zu columns\n", cells.size(),
                   columns_.size());
      std::exit(1);
    }
    std::string row = "|";
    for (std::size_t i = 0; i < cells.size(); ++i)
      row += " " + (cycles_only_ && columns_[i].machine_speed ? std::string("-") : cells[i]) + " |";
    std::printf("%s\n", row.c_str());
  }

  // After the rows: which columns depend on the machine, in a line
  // scripts/readme_tables.py reads.
  void print_machine_speed_columns() const {
    std::string names;
    for (const auto& c : columns_)
      if (c.machine_speed) names += (names.empty() ? "" : " | ") + c.header;
    std::printf("\nmachine-speed columns: %s\n", names.c_str());
  }

 private:
  std::vector<Column> columns_;
  bool cycles_only_;
};

}  // namespace tcpoe::bench
