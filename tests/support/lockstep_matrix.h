// The one shape of the blocks' lockstep tests (csum, builder, parser): each
// runs at every DATA_W × the traffic around the block below, states its
// options the same way (lockstep_options) and checks its report the same way
// (require_clean_run), with seeds from support/test_seed.h.
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <type_traits>

#include "data_width.h"
#include "test_seed.h"

namespace tcpoe::test {

// The traffic around a block: when its sources offer beats (valid) and its
// sinks take them (ready), by probability or by a repeating pattern.
struct Traffic {
  const char* name;
  double valid_probability, ready_probability;
  const char* valid_pattern;  // "" = by probability
  const char* ready_pattern;
};

inline const Traffic kTraffic[] = {
    {"full rate", 1.0, 1.0, "", ""},
    {"random idle gaps", 0.6, 1.0, "", ""},
    {"random back-pressure", 1.0, 0.3, "", ""},
    {"random gaps and back-pressure", 0.7, 0.7, "", ""},
    {"one idle cycle in three, ready one cycle in four", 1.0, 1.0, "110", "0001"},
};

// GENERATE()s of the matrix, e.g.
//   const int width = TCPOE_GENERATE_DATA_WIDTH();
//   const std::size_t traffic = TCPOE_GENERATE_TRAFFIC();
#define TCPOE_GENERATE_DATA_WIDTH() \
  GENERATE(from_range(std::begin(tcpoe::sim::kDataWidths), std::end(tcpoe::sim::kDataWidths)))
#define TCPOE_GENERATE_TRAFFIC() \
  GENERATE(range(std::size_t{0}, std::size(tcpoe::test::kTraffic)))

namespace detail {
template <typename T, typename = void>
struct HasTwoSources : std::false_type {};
template <typename T>
struct HasTwoSources<T, std::void_t<decltype(T::desc_valid_probability)>> : std::true_type {};
}  // namespace detail

// Options of one cell of the matrix: DATA_W, the traffic (on every input of a
// block with several), and a seed from the test's constant and the cell.
template <typename Options>
Options lockstep_options(int data_width, std::size_t traffic, uint64_t test_constant) {
  const Traffic& t = kTraffic[traffic];
  Options opt;
  opt.data_width = data_width;
  if constexpr (detail::HasTwoSources<Options>::value) {
    opt.desc_valid_probability = opt.payload_valid_probability = t.valid_probability;
    opt.desc_valid_pattern = opt.payload_valid_pattern = t.valid_pattern;
  } else {
    opt.valid_probability = t.valid_probability;
    opt.valid_pattern = t.valid_pattern;
  }
  opt.ready_probability = t.ready_probability;
  opt.ready_pattern = t.ready_pattern;
  opt.seed = test_seed(test_constant * 10007 + uint64_t(data_width) * 16 + traffic);
  return opt;
}

// What a failing cell says about itself.
template <typename Options>
std::string describe(const Options& opt, std::size_t traffic) {
  return "DATA_W=" + std::to_string(opt.data_width) + ", " + kTraffic[traffic].name +
         ", harness seed " + std::to_string(opt.seed);
}

// A run that went through: no port difference, no RTL assertion, no hang.
template <typename Report>
void require_clean_run(const Report& r) {
  INFO(r.failure);
  REQUIRE(r.ok);
  REQUIRE_FALSE(r.rtl_assertion_fired);
}

}  // namespace tcpoe::test
