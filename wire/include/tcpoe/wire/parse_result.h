// What a Repr's parse returns: the representation, or the Malformed code of
// the first check that failed (layout.h numbers them in checking order).
#pragma once

#include "tcpoe/wire/layout.h"

namespace tcpoe::wire {

template <typename Repr>
struct ParseResult {
  Malformed malformed = Malformed::kNone;
  Repr repr{};  // meaningful only when ok()

  constexpr bool ok() const { return malformed == Malformed::kNone; }
  static constexpr ParseResult failure(Malformed why) { return {why, Repr{}}; }
  static constexpr ParseResult success(const Repr& repr) { return {Malformed::kNone, repr}; }
};

}  // namespace tcpoe::wire
