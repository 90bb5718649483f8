// support/test_seed.h: TCPOE_SEED is parsed strictly (a bad value is an
// error that names it, never a silent default), unset it leaves every test
// its constant, set it mixes into each test's constant, and a failing test
// prints the TCPOE_SEED that repeats it (the listener in catch_main.cpp).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include "../support/subprocess.h"
#include "../support/test_seed.h"

using tcpoe::test::parse_seed;
using tcpoe::test::test_seed;

namespace {

// Sets (or unsets) TCPOE_SEED for one test and puts back what was there.
class SeedEnv {
 public:
  explicit SeedEnv(const std::optional<std::string>& value) {
    if (const char* old = std::getenv("TCPOE_SEED")) old_ = old;
    if (value)
      setenv("TCPOE_SEED", value->c_str(), 1);
    else
      unsetenv("TCPOE_SEED");
  }
  ~SeedEnv() {
    if (old_)
      setenv("TCPOE_SEED", old_->c_str(), 1);
    else
      unsetenv("TCPOE_SEED");
  }
  SeedEnv(const SeedEnv&) = delete;
  SeedEnv& operator=(const SeedEnv&) = delete;

 private:
  std::optional<std::string> old_;
};

std::string thrown_by(const std::string& text) {
  try {
    parse_seed(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(nothing thrown)";
}

}  // namespace

TEST_CASE("TCPOE_SEED is a decimal number 0..2^64-1 and nothing else", "[harness][seed]") {
  CHECK(parse_seed("0") == 0);
  CHECK(parse_seed("42") == 42);
  CHECK(parse_seed("007") == 7);
  CHECK(parse_seed("18446744073709551615") == UINT64_MAX);
  CHECK_THAT(thrown_by(""), Catch::Contains("TCPOE_SEED=\"\": empty"));
  CHECK_THAT(thrown_by("18446744073709551616"), Catch::Contains("larger than"));
  for (const char* bad : {"-1", "+1", " 1", "1 ", "12abc", "0x10", "1e3", "seed"}) {
    INFO("TCPOE_SEED=" << bad);
    CHECK_THAT(thrown_by(bad), Catch::Contains("not a decimal number"));
    CHECK_THAT(thrown_by(bad), Catch::Contains(std::string("TCPOE_SEED=\"") + bad + "\""));
  }
}

TEST_CASE("unset, every test keeps its constant, set, each gets its own mix", "[harness][seed]") {
  {
    SeedEnv unset(std::nullopt);
    CHECK(test_seed(5) == 5);
    CHECK(test_seed(123456) == 123456);
    CHECK_FALSE(tcpoe::test::seed_to_repeat());
  }
  SeedEnv set("2024");
  CHECK(test_seed(5) == tcpoe::test::mix_seed(2024, 5));
  CHECK(test_seed(5) == test_seed(5));    // repeatable
  CHECK(test_seed(5) != test_seed(6));    // tests stay independent
  CHECK(test_seed(5) != 5);
  CHECK(tcpoe::test::long_test_seed(5) == test_seed(5));  // a long run takes it too
  CHECK(tcpoe::test::seed_to_repeat() == std::optional<uint64_t>(2024));
  SeedEnv other("2025");
  CHECK(test_seed(5) != tcpoe::test::mix_seed(2024, 5));
}

TEST_CASE("a bad TCPOE_SEED fails the test that asks for a seed, naming it", "[harness][seed]") {
  SeedEnv bad("12x");
  CHECK_THROWS_WITH(test_seed(1), Catch::Contains("TCPOE_SEED=\"12x\""));
  CHECK_THROWS_AS(tcpoe::test::long_test_seed(1), std::invalid_argument);
}

TEST_CASE("without TCPOE_SEED a long test draws one and keeps it for the process",
          "[harness][seed]") {
  SeedEnv unset(std::nullopt);
  const uint64_t first = tcpoe::test::long_test_seed(9);
  CHECK(tcpoe::test::long_test_seed(9) == first);
  REQUIRE(tcpoe::test::seed_to_repeat());
  CHECK(first == tcpoe::test::mix_seed(*tcpoe::test::seed_to_repeat(), 9));
}

// Fails on purpose; run only by the next test, in a child process (hidden tag).
TEST_CASE("a failing test, for the seed listener", "[.seed-listener]") {
  CHECK(test_seed(1) == 0);
}

TEST_CASE("a failing test prints the TCPOE_SEED that repeats it", "[harness][seed]") {
  const std::string self = "/proc/" + std::to_string(getpid()) + "/exe";
  const auto with_seed = tcpoe::test::run_command(
      "TCPOE_SEED=31337 " + self + " '[.seed-listener]' 2>&1");
  CHECK(with_seed.exit_code != 0);
  CHECK_THAT(with_seed.output, Catch::Contains("failed with TCPOE_SEED=31337"));
  const auto unset = tcpoe::test::run_command("env -u TCPOE_SEED " + self +
                                              " '[.seed-listener]' 2>&1");
  CHECK(unset.exit_code != 0);
  CHECK_THAT(unset.output, Catch::Contains("TCPOE_SEED unset"));
  const auto bad = tcpoe::test::run_command("TCPOE_SEED=abc " + self +
                                            " '[.seed-listener]' 2>&1");
  CHECK(bad.exit_code != 0);
  CHECK_THAT(bad.output, Catch::Contains("TCPOE_SEED=\"abc\": not a decimal number"));
}
