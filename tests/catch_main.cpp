#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <cstdio>
#include <stdexcept>

#include "support/test_seed.h"

namespace {

// After a failing test: the TCPOE_SEED that repeats it (support/test_seed.h).
class SeedOnFailure : public Catch::TestEventListenerBase {
 public:
  using TestEventListenerBase::TestEventListenerBase;

  void testCaseEnded(const Catch::TestCaseStats& stats) override {
    if (stats.totals.assertions.failed == 0) return;
    const std::string& name = stats.testInfo.name;
    try {
      if (const auto seed = tcpoe::test::seed_to_repeat())
        std::fprintf(stderr, "\"%s\" failed with TCPOE_SEED=%llu: set it to repeat the run\n",
                     name.c_str(), static_cast<unsigned long long>(*seed));
      else
        std::fprintf(stderr,
                     "\"%s\" failed with TCPOE_SEED unset: the tests' own constant seeds, "
                     "repeated by running it again as is\n",
                     name.c_str());
    } catch (const std::invalid_argument& bad) {
      std::fprintf(stderr, "\"%s\" failed; %s\n", name.c_str(), bad.what());
    }
  }
};

}  // namespace

CATCH_REGISTER_LISTENER(SeedOnFailure)
