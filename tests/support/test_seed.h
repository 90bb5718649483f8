// Seeds of the random tests. Each test keeps its own constant, so a run is
// reproducible (CI) and the tests stay independent of each other; with
// TCPOE_SEED=<n> in the environment every test mixes n into its constant
// instead, so one number varies, and repeats, a whole randomized run. A
// failing test prints the TCPOE_SEED that repeats it (tests/catch_main.cpp).
// The long tests (CTest label `long`, which CI does not run) draw a random
// TCPOE_SEED when it is unset.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>

namespace tcpoe::test {

// TCPOE_SEED's value: a decimal number 0..18446744073709551615, nothing else
// (no sign, no spaces, not empty). Anything else throws std::invalid_argument
// saying what is wrong: a typo must not silently become a default seed.
inline uint64_t parse_seed(const std::string& text) {
  const std::string what = "TCPOE_SEED=\"" + text + "\": ";
  if (text.empty()) throw std::invalid_argument(what + "empty; give a decimal number or unset it");
  uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9')
      throw std::invalid_argument(what + "not a decimal number 0..18446744073709551615");
    const uint64_t digit = uint64_t(c - '0');
    if (value > (UINT64_MAX - digit) / 10)
      throw std::invalid_argument(what + "larger than 18446744073709551615");
    value = value * 10 + digit;
  }
  return value;
}

// TCPOE_SEED from the environment; nothing when unset. Throws on a bad value.
inline std::optional<uint64_t> env_seed() {
  const char* text = std::getenv("TCPOE_SEED");
  if (text == nullptr) return std::nullopt;
  return parse_seed(text);
}

// The seed a long test's run uses: TCPOE_SEED, or one drawn once per process.
inline std::optional<uint64_t>& drawn_run_seed() {
  static std::optional<uint64_t> drawn;
  return drawn;
}
inline uint64_t long_run_seed() {
  if (const auto seed = env_seed()) return *seed;
  auto& drawn = drawn_run_seed();
  if (!drawn) {
    std::random_device entropy;
    drawn = (uint64_t(entropy()) << 32) | entropy();
  }
  return *drawn;
}

// The TCPOE_SEED that repeats what this process ran, when not the tests'
// constants: the environment's, or the one a long test drew.
inline std::optional<uint64_t> seed_to_repeat() {
  if (const auto seed = env_seed()) return seed;
  return drawn_run_seed();
}

// A test's seed from the run's and the test's constant (splitmix64 of both):
// different constants give unrelated seeds.
inline uint64_t mix_seed(uint64_t run_seed, uint64_t test_constant) {
  uint64_t z = run_seed ^ (test_constant * 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// The seed of a random test: its constant, or mixed with TCPOE_SEED when set.
inline uint64_t test_seed(uint64_t test_constant) {
  const auto run = env_seed();
  return run ? mix_seed(*run, test_constant) : test_constant;
}

// The seed of a long test: always mixed, with TCPOE_SEED or a drawn seed.
inline uint64_t long_test_seed(uint64_t test_constant) {
  return mix_seed(long_run_seed(), test_constant);
}

}  // namespace tcpoe::test
