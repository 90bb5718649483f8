// Garbage on an established connection carrying data, between two
// simulated hosts (stack_scenarios' `garbage` scenario; issue #13, "Bad
// input"): A sends 256 kB to B in two halves; between them, with the
// connection idle, frames made with the wire layer (garbage_frames.h) go on
// the wire from A's side: bad checksums, malformed options and data
// offsets, segments outside the window, an RST storm, SYN storms. After
// each kind:
//  - every garbage frame reached B and is counted under its reason, the
//    count equal to what was injected, no other reason counted;
//  - B answered exactly what the RFCs ask (ACKs, challenge ACKs within
//    RFC 5961's limit of 1000 a second, SYN-ACKs), nothing else;
//  - both connections' state and sequence variables are as before;
//  - the transfer completes intact (every octet compared), both close, and
//    the tables, rings and buffers are empty, CFG_ERROR 0, no frame dropped
//    by a MAC, no RTL assertion.
// tshark judges the capture independently: the frames it finds bad (its own
// checksums, its own complaints about options and header lengths) and the
// window each RST fell in (by the window B last advertised) are the counts
// the driver must show. Garbage frames carry TTL 13 (the hosts send 64).
#include "stack_test_util.h"

#include <map>
#include <string>
#include <vector>

#include "../support/tshark_check.h"

namespace {

using namespace tcpoe::test::stack;

constexpr uint64_t kBytes = 262144;
constexpr const char* kAddrA = "10.88.0.1";
constexpr const char* kAddrB = "10.88.0.2";

Seen run_garbage(const std::string& kind, const std::string& dir) {
  return scenario("garbage", dir, "--garbage " + kind + " --bytes " + std::to_string(kBytes));
}

// Every reason B counted while the garbage came: as `expected` says, every
// other one 0.
void check_reasons(const Seen& s, const std::string& who, const std::map<std::string, uint64_t>& expected) {
  uint64_t reasons = 0;
  for (const auto& [key, value] : s) {
    const std::string prefix = who + "_drop_";
    if (key.rfind(prefix, 0) != 0) continue;
    ++reasons;
    const std::string reason = key.substr(prefix.size());
    const auto it = expected.find(reason);
    INFO(who << " reason " << reason);
    CHECK(number(s, key) == (it == expected.end() ? 0 : it->second));
  }
  CHECK(reasons > 20);  // the scenario reported them all
  for (const auto& [reason, n] : expected) {
    INFO("expected reason " << reason);
    CHECK(s.count(who + "_drop_" + reason) == 1);
  }
}

// The connection and the hosts came through unharmed.
void check_unharmed(const Seen& s) {
  no_exception(s);
  CHECK(at(s, "a_connected") == "1");
  CHECK(at(s, "b_accept") == "Success");
  REQUIRE(at(s, "b_idle_before_garbage") == "1");
  CHECK(number(s, "injected") > 0);
  // Neither connection's variables moved.
  CHECK(at(s, "b_variables_after") == at(s, "b_variables_before"));
  CHECK(at(s, "a_variables_after") == at(s, "a_variables_before"));
  CHECK(at(s, "b_variables_after").find("ESTABLISHED") != std::string::npos);
  CHECK(number(s, "b_table_size_after_garbage") == 1);  // the connection, no other
  CHECK(number(s, "b_syn_backlog_in_the_end") == 0);
  CHECK(number(s, "b_table_size_in_the_end") == 1);
  // The transfer completes intact and both ends close.
  CHECK(number(s, "a_sent") == kBytes);
  CHECK(number(s, "b_received") == kBytes);
  CHECK(number(s, "b_received_wrong") == 0);
  CHECK(at(s, "b_end_of_stream") == "1");
  CHECK(at(s, "a_close") == "Success");
  CHECK(at(s, "b_close") == "Success");
  CHECK(at(s, "a_closed") == "1");
  CHECK(at(s, "b_closed") == "1");
  CHECK(at(s, "b_accept_after") == "operation would block");  // no garbage SYN became a connection
  CHECK(number(s, "wire_lost") == 0);
  check_left_empty(s);
  for (const std::string who : {"a", "b"}) {
    INFO("host " << who);
    CHECK(number(s, who + "_counter_rx_drop_no_buffer") == 0);
    CHECK(number(s, who + "_rx_failed") == 0);
    CHECK(number(s, who + "_iommu_faults") == 0);
  }
}

// The capture as tshark dissects it, one Frame per row.
enum Field {
  kSrc, kTtl, kSyn, kAck, kRst, kSeq, kAckNo, kWindow, kLen, kTsVal, kIpCsum, kTcpCsum, kMalformed, kExpert,
  kFieldCount
};
const std::vector<std::string> kFields = {
    "ip.src",           "ip.ttl",           "tcp.flags.syn",       "tcp.flags.ack",       "tcp.flags.reset",
    "tcp.seq_raw",      "tcp.ack_raw",      "tcp.window_size",     "tcp.len",             "tcp.options.timestamp.tsval",
    "ip.checksum.status", "tcp.checksum.status", "_ws.malformed", "_ws.expert.message"};

struct Frame {
  std::vector<std::vector<std::string>> f;
  std::string first(Field i) const { return f[i].empty() ? "" : f[i][0]; }
  uint64_t num(Field i) const { return f[i].empty() ? 0 : std::stoull(f[i][0], nullptr, 0); }
  bool flag(Field i) const { return first(i) == "1" || first(i) == "True"; }
  bool garbage() const { return first(kTtl) == "13"; }
  bool from(const char* ip) const { return first(kSrc) == ip; }
  bool expert(const std::string& text) const {
    for (const auto& m : f[kExpert])
      if (m.find(text) != std::string::npos) return true;
    return false;
  }
};

std::vector<Frame> dissect(const std::string& dir) {
  const tcpoe::test::TsharkFields t = tcpoe::test::tshark_fields(dir + "/garbage.pcap", kFields);
  INFO(t.raw.substr(0, 2000));
  REQUIRE(t.ran);
  std::vector<Frame> out;
  for (const auto& row : t.rows) out.push_back(Frame{row});
  return out;
}

// What B had told A before the garbage (its last frame before the first
// garbage frame): RCV.NXT (its ACK), SND.NXT (its sequence number) and the
// window; and the answers B sent after the garbage began that acknowledge
// nothing new (the ACK and challenge ACKs the garbage earned).
struct BeforeGarbage {
  uint32_t rcv_nxt = 0, snd_nxt = 0;
  uint64_t window = 0;
  uint64_t last_tsval_of_a = 0;
  uint64_t answers = 0, syn_acks = 0;
  uint64_t garbage = 0;
};
BeforeGarbage before_garbage(const std::vector<Frame>& frames) {
  BeforeGarbage b;
  bool started = false;
  for (const Frame& fr : frames) {
    if (fr.garbage()) {
      started = true;
      ++b.garbage;
      continue;
    }
    if (!started) {
      if (fr.from(kAddrB)) {
        b.rcv_nxt = uint32_t(fr.num(kAckNo));
        b.snd_nxt = uint32_t(fr.num(kSeq) + fr.num(kLen));
        b.window = fr.num(kWindow);
      } else if (fr.from(kAddrA) && !fr.f[kTsVal].empty()) {
        b.last_tsval_of_a = fr.num(kTsVal);
      }
      continue;
    }
    if (!fr.from(kAddrB)) continue;
    if (fr.flag(kSyn)) ++b.syn_acks;
    else if (uint32_t(fr.num(kAckNo)) == b.rcv_nxt && fr.num(kLen) == 0 && !fr.flag(kRst)) ++b.answers;
  }
  return b;
}

// seq within [first, first + length) in sequence space (tshark's numbers).
bool in_window(uint32_t seq, uint32_t first, uint64_t length) { return uint32_t(seq - first) < length; }

}  // namespace

TEST_CASE("garbage: bad IPv4 and TCP checksums are dropped and counted as tshark finds them", "[stack][badinput]") {
  const std::string dir = out_dir("garbage-checksum");
  const Seen s = run_garbage("checksum", dir);
  check_unharmed(s);
  const uint64_t ip = number(s, "injected_bad_checksum_ip"), tcp = number(s, "injected_bad_checksum_tcp"),
                 both = number(s, "injected_bad_checksum_both");
  CHECK(number(s, "b_frames_received_of_garbage") == ip + tcp + both);
  check_reasons(s, "b", {{"bad_checksum", ip + tcp + both},
                         {"bad_ip_checksum", ip + both},
                         {"bad_tcp_checksum", tcp + both}});
  check_reasons(s, "a", {});
  CHECK(number(s, "b_answers") == 0);  // a frame with a bad checksum is never answered
  // tshark's own checksums.
  const std::vector<Frame> frames = dissect(dir);
  uint64_t bad_ip = 0, bad_tcp = 0, bad_elsewhere = 0;
  for (const Frame& fr : frames) {
    const bool ip_bad = fr.first(kIpCsum) == "0", tcp_bad = fr.first(kTcpCsum) == "0";
    if (!fr.garbage()) bad_elsewhere += ip_bad || tcp_bad;
    bad_ip += fr.garbage() && ip_bad;
    bad_tcp += fr.garbage() && tcp_bad;
  }
  CHECK(bad_elsewhere == 0);
  CHECK(bad_ip == number(s, "b_drop_bad_ip_checksum"));
  CHECK(bad_tcp == number(s, "b_drop_bad_tcp_checksum"));
  CHECK(before_garbage(frames).answers == 0);
}

TEST_CASE("garbage: malformed options and data offsets are dropped and counted by the parser's code",
          "[stack][badinput]") {
  const std::string dir = out_dir("garbage-options");
  const Seen s = run_garbage("options", dir);
  check_unharmed(s);
  uint64_t option = 0, offset = 0;
  for (const auto& [key, value] : s) {
    if (key.rfind("injected_", 0) != 0) continue;
    if (key.find("_TCP_OPTION") != std::string::npos) option += std::stoull(value);
    if (key.find("_TCP_DATA_OFFSET") != std::string::npos) offset += std::stoull(value);
  }
  CHECK(option == 45);  // 9 malformations of the option area, 5 frames each
  CHECK(offset == 15);  // 3 data offsets
  CHECK(number(s, "b_frames_received_of_garbage") == option + offset);
  check_reasons(s, "b", {{"malformed", option + offset},
                         {"malformed_TCP_OPTION", option},
                         {"malformed_TCP_DATA_OFFSET", offset}});
  check_reasons(s, "a", {});
  CHECK(number(s, "b_answers") == 0);
  // tshark's complaints: a header length below 20 or past the segment, an
  // option whose length is wrong or runs past the options.
  uint64_t bad_offset = 0, bad_option = 0, unflagged = 0;
  for (const Frame& fr : dissect(dir)) {
    if (!fr.garbage()) continue;
    if (fr.expert("Bogus TCP header length") || !fr.f[kMalformed].empty()) ++bad_offset;
    else if (fr.expert("option length") || fr.expert("past end of options")) ++bad_option;
    else ++unflagged;
  }
  CHECK(unflagged == 0);
  CHECK(bad_offset == number(s, "b_drop_malformed_TCP_DATA_OFFSET"));
  CHECK(bad_option == number(s, "b_drop_malformed_TCP_OPTION"));
}

TEST_CASE("garbage: segments outside the window, ACKs of unsent or ancient data, old timestamps: ACKed, dropped, "
          "counted", "[stack][badinput]") {
  const std::string dir = out_dir("garbage-window");
  const Seen s = run_garbage("window", dir);
  check_unharmed(s);
  const uint64_t old = number(s, "injected_out_of_window_old"), future = number(s, "injected_out_of_window_future"),
                 unsent = number(s, "injected_ack_of_unsent"), ancient = number(s, "injected_ack_too_old"),
                 paws = number(s, "injected_paws");
  CHECK(number(s, "b_frames_received_of_garbage") == old + future + unsent + ancient + paws);
  check_reasons(s, "b", {{"out_of_window", old + future},
                         {"ack_of_unsent", unsent},
                         {"ack_too_old", ancient},
                         {"paws_drops", paws}});
  check_reasons(s, "a", {});
  CHECK(number(s, "b_answers") == old + future + unsent + ancient + paws);  // one ACK each
  // The same sorting from the capture: each garbage segment against what B
  // had acknowledged and advertised and A's latest TSval, in RFC 7323's
  // and RFC 9293's order (PAWS, sequence number, acknowledgment).
  const std::vector<Frame> frames = dissect(dir);
  const BeforeGarbage b = before_garbage(frames);
  REQUIRE(b.window > 0);
  std::map<std::string, uint64_t> sorted;
  for (const Frame& fr : frames) {
    if (!fr.garbage()) continue;
    const uint32_t seq = uint32_t(fr.num(kSeq)), ack = uint32_t(fr.num(kAckNo));
    const uint64_t len = fr.num(kLen);
    if (int32_t(uint32_t(fr.num(kTsVal)) - uint32_t(b.last_tsval_of_a)) < 0) ++sorted["paws"];
    else if (!in_window(seq, b.rcv_nxt, b.window) && !(len && in_window(uint32_t(seq + len - 1), b.rcv_nxt, b.window)))
      ++sorted["out_of_window"];
    else if (int32_t(ack - b.snd_nxt) > 0) ++sorted["ack_of_unsent"];
    else if (int32_t(ack - b.snd_nxt) < 0) ++sorted["ack_too_old"];
    else ++sorted["acceptable"];
  }
  CHECK(sorted["paws"] == number(s, "b_drop_paws_drops"));
  CHECK(sorted["out_of_window"] == number(s, "b_drop_out_of_window"));
  CHECK(sorted["ack_of_unsent"] == number(s, "b_drop_ack_of_unsent"));
  CHECK(sorted["ack_too_old"] == number(s, "b_drop_ack_too_old"));
  CHECK(sorted["acceptable"] == 0);
  CHECK(b.answers == number(s, "b_answers"));
}

TEST_CASE("garbage: an RST storm: in the window challenge ACKs (1000 a second at most), outside dropped, the "
          "connection unharmed", "[stack][badinput]") {
  const std::string dir = out_dir("garbage-rst");
  const Seen s = run_garbage("rst", dir);
  check_unharmed(s);
  const uint64_t in = number(s, "injected_rst_in_window"), out = number(s, "injected_rst_outside");
  REQUIRE(in > 1000);  // enough to reach the limit
  CHECK(in + out == 3000);
  CHECK(number(s, "b_frames_received_of_garbage") == in + out);
  check_reasons(s, "b", {{"rst_challenged", in}, {"rst_out_of_window", out}, {"challenge_acks_limited", in - 1000}});
  check_reasons(s, "a", {});
  CHECK(number(s, "b_challenge_acks_sent") == 1000);
  CHECK(number(s, "b_answers") == 1000);
  // tshark: each RST against the window B last advertised.
  const std::vector<Frame> frames = dissect(dir);
  const BeforeGarbage b = before_garbage(frames);
  REQUIRE(b.window > 0);
  uint64_t rst_in = 0, rst_out = 0;
  for (const Frame& fr : frames) {
    if (!fr.garbage()) continue;
    REQUIRE(fr.flag(kRst));
    (in_window(uint32_t(fr.num(kSeq)), b.rcv_nxt, b.window) ? rst_in : rst_out) += 1;
  }
  CHECK(rst_in == number(s, "b_drop_rst_challenged"));
  CHECK(rst_out == number(s, "b_drop_rst_out_of_window"));
  CHECK(b.answers == 1000);
}

TEST_CASE("garbage: SYN storms to the listener and on the established connection: backlog, cookies, challenge "
          "ACKs, nothing opened", "[stack][badinput]") {
  const std::string dir = out_dir("garbage-syn");
  const Seen s = run_garbage("syn", dir);
  check_unharmed(s);
  const uint64_t from_a = number(s, "injected_syn_listener_from_a"),
                 spoofed = number(s, "injected_syn_listener_spoofed"),
                 established = number(s, "injected_syn_established");
  REQUIRE(established > 1000);
  // B also received A's RSTs, one for each SYN-ACK it sent A.
  CHECK(number(s, "b_frames_received_of_garbage") == from_a + spoofed + established + from_a);
  check_reasons(s, "b", {{"syn_challenged", established}, {"challenge_acks_limited", established - 1000}});
  // A opened none of those connections: RST for each SYN-ACK.
  check_reasons(s, "a", {{"no_connection_reset", from_a}});
  // Each SYN to the listener opened a connection in SYN-RECEIVED (A's were
  // reset, the spoofed ones timed out) or, the backlog of 8 full, got a
  // cookie; the SYN-ACKs to the spoofed address found no neighbour.
  CHECK(number(s, "b_syn_cookies_sent") > 0);
  CHECK(number(s, "b_passive_opens") + number(s, "b_syn_cookies_sent") == from_a + spoofed);
  CHECK(number(s, "b_passive_opens") >= from_a + 8);
  CHECK(number(s, "b_tx_no_neighbour") >= spoofed);
  CHECK(number(s, "b_challenge_acks_sent") == 1000);
  CHECK(number(s, "b_answers") == from_a + 1000);  // SYN-ACKs to A, challenge ACKs
  // tshark: SYNs to the listener, to the connection, and B's answers.
  const std::vector<Frame> frames = dissect(dir);
  const BeforeGarbage b = before_garbage(frames);
  uint64_t syns = 0, resets_from_a = 0;
  for (const Frame& fr : frames) {
    syns += fr.garbage() && fr.flag(kSyn) && !fr.flag(kAck);
    resets_from_a += !fr.garbage() && fr.from(kAddrA) && fr.flag(kRst);
  }
  CHECK(syns == from_a + spoofed + established);
  CHECK(b.syn_acks == from_a);
  CHECK(resets_from_a == from_a);
  CHECK(b.answers == 1000);
}
