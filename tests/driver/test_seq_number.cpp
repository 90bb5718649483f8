// SeqNumber: serial number arithmetic (RFC 1982) around the 2^32 wrap.
#include <catch2/catch.hpp>

#include "tcpoe/driver/tcp/seq_number.h"
#include "tcpoe/driver/tcp/state.h"

using tcpoe::driver::tcp::in_window;
using tcpoe::driver::tcp::SeqNumber;

TEST_CASE("SeqNumber: order holds across the wrap", "[driver][seq]") {
  const SeqNumber before_wrap(0xfffffff0u);
  const SeqNumber after_wrap(0x00000010u);
  CHECK(before_wrap < after_wrap);  // raw 0xfffffff0 > 0x10, yet it comes first
  CHECK(after_wrap > before_wrap);
  CHECK_FALSE(after_wrap < before_wrap);
  CHECK(before_wrap <= after_wrap);
  CHECK(before_wrap <= before_wrap);
  CHECK(after_wrap >= after_wrap);
  CHECK_FALSE(before_wrap < before_wrap);
}

TEST_CASE("SeqNumber: adding wraps modulo 2^32", "[driver][seq]") {
  CHECK((SeqNumber(0xffffffffu) + 1).raw() == 0u);
  CHECK((SeqNumber(0xfffffff0u) + 0x20).raw() == 0x10u);
  CHECK((SeqNumber(5) - 10).raw() == 0xfffffffbu);
  SeqNumber s(0xfffffffeu);
  s += 3;
  CHECK(s.raw() == 1u);
}

TEST_CASE("SeqNumber: difference is signed and wraps", "[driver][seq]") {
  CHECK(SeqNumber(0x10) - SeqNumber(0xfffffff0u) == 0x20);
  CHECK(SeqNumber(0xfffffff0u) - SeqNumber(0x10) == -0x20);
  CHECK(SeqNumber(7) - SeqNumber(7) == 0);
  CHECK(SeqNumber(0x7fffffffu) - SeqNumber(0) == 0x7fffffff);
}

TEST_CASE("SeqNumber: exactly 2^31 apart neither is less (RFC 1982 3.2)", "[driver][seq]") {
  const SeqNumber a(0), b(0x80000000u);
  CHECK_FALSE(a < b);
  CHECK_FALSE(b < a);
  CHECK(a != b);
  CHECK(b - a == INT32_MIN);
  // One less than half the circle is still ordered.
  CHECK(a < SeqNumber(0x7fffffffu));
  CHECK(SeqNumber(0x80000001u) < a);
}

TEST_CASE("SeqNumber: windows across the wrap", "[driver][seq]") {
  const SeqNumber start(0xfffffff0u);
  CHECK(in_window(start, start, 0x20));
  CHECK(in_window(SeqNumber(0), start, 0x20));
  CHECK(in_window(SeqNumber(0xf), start, 0x20));
  CHECK_FALSE(in_window(SeqNumber(0x10), start, 0x20));  // one past the end
  CHECK_FALSE(in_window(start - 1, start, 0x20));
  CHECK_FALSE(in_window(start, start, 0));  // an empty window holds nothing
}

TEST_CASE("State: all eleven RFC 9293 states have their names", "[driver][state]") {
  using tcpoe::driver::tcp::State;
  using tcpoe::driver::tcp::to_string;
  const State all[] = {State::kClosed,    State::kListen,     State::kSynSent,  State::kSynReceived,
                       State::kEstablished, State::kFinWait1, State::kFinWait2, State::kCloseWait,
                       State::kClosing,   State::kLastAck,    State::kTimeWait};
  STATIC_REQUIRE(sizeof all / sizeof all[0] == tcpoe::driver::tcp::kStateCount);
  const char* names[] = {"CLOSED",     "LISTEN",     "SYN-SENT",   "SYN-RECEIVED",
                         "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT",
                         "CLOSING",    "LAST-ACK",   "TIME-WAIT"};
  for (int i = 0; i < tcpoe::driver::tcp::kStateCount; ++i) CHECK(std::string(to_string(all[i])) == names[i]);
}
