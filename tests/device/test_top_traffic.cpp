// The device top carrying traffic, at DATA_W 64 and 512, through registers
// and host memory only (top_host.h): a frame from one device's TX ring into
// the other's RX buffer, MSI-X moderation and poll mode, soft reset with work
// in flight, DMA faults, and a randomized run with a scoreboard. Frames are
// checked against the wire layer's emit_frame() and the parser's reference
// descriptor (hls/parser/tcp_rx_parser_ref.h), not against the RTL.
#include <catch2/catch.hpp>

#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "../support/test_seed.h"
#include "tcp_rx_parser_ref.h"
#include "tcpoe/wire/device_regs.h"
#include "top_harness.h"
#include "top_host.h"

namespace {

using namespace tcpoe;
namespace d = tcpoe::wire::dev;
using sim::AxiResp;
using sim::Octets;
using sim::TopHarness;
using test::RxCompletion;
using test::TopHost;
using test::counter;
using test::data_desc;
using test::random_octets;
using test::require_clean;
using test::TxCompletion;

constexpr int kWidths[] = {64, 512};
const uint8_t kRings4[4] = {4, 4, 4, 4};  // log2 sizes: TXD, RXB, TXC, RXC

// Polls until `n` TX completions came (or `limit` cycles passed).
std::vector<TxCompletion> await_tx(TopHarness& h, TopHost& host, size_t n, uint64_t limit = 200000) {
  std::vector<TxCompletion> got;
  h.run_until([&] {
    while (auto c = host.poll_tx()) got.push_back(*c);
    return got.size() >= n;
  }, limit);
  return got;
}

// Whether the completion at `index` of a completion ring is in host memory
// with the phase of its first pass.
bool completion_visible(TopHarness& h, TopHost& host, d::Ring r, uint16_t index) {
  const size_t flags = r == d::Ring::kTxCompl ? d::tx_compl::kFlags.offset : d::rx_compl::kFlags.offset;
  return (h.read_memory(host.entry_addr(r, index) + flags, 1)[0] & d::compl_flag::kPhase) != 0;
}

}  // namespace

TEST_CASE("top: a frame posted on A's TX ring arrives byte-identical in B's RX buffer",
          "[device][top][traffic]") {
  for (const int w : kWidths) {
    DYNAMIC_SECTION("DATA_W " << w) {
      std::mt19937_64 rng(test::test_seed(1101 + uint64_t(w)));
      TopHarness a(w), b(w);
      TopHarness::link(a, b);
      TopHost ha(a, kRings4), hb(b, kRings4);
      ha.bring_up();
      hb.bring_up();
      hb.post_rx(TopHost::kSlot);
      hb.ring_rx();
      const auto desc = data_desc(1000, 333, rng);
      const Octets payload = random_octets(333, rng);
      const Octets frame = test::expected_frame(desc, payload);
      ha.post_tx(desc, payload);
      ha.ring_tx();

      std::optional<TxCompletion> tc;
      std::optional<RxCompletion> rc;
      REQUIRE(a.run_until([&] {
        if (!tc) tc = ha.poll_tx();
        if (!rc) rc = hb.poll_rx();
        return tc && rc;
      }, 20000));

      // On the wire and in B's buffer: the frame the wire layer builds.
      REQUIRE(a.tx_frames().size() == 1);
      CHECK(a.tx_frames()[0] == frame);
      CHECK(b.rx_frames_taken() == 1);
      CHECK(rc->status == d::ComplStatus::kOk);
      CHECK(rc->buf_index == 0);
      REQUIRE(rc->frame_len == frame.size());
      CHECK(b.read_memory(TopHost::buffer_addr(0), frame.size()) == frame);
      const auto want = kernels::expected_rx_descriptor(wire::ByteSpan(frame));
      INFO(wire::first_difference(rc->desc, want));
      CHECK(rc->desc == want);
      CHECK(rc->desc.malformed == wire::Malformed::kNone);
      CHECK(rc->timestamp > 0);
      CHECK(rc->timestamp <= b.cycle() + 8);
      // A's completion.
      CHECK(tc->desc_index == 0);
      CHECK(tc->status == d::ComplStatus::kOk);
      CHECK(tc->timestamp > 0);
      CHECK(tc->timestamp <= a.cycle() + 8);
      // Indices: in the registers and written back to host memory.
      a.clock(200);
      for (const d::Ring r : {d::Ring::kTxDesc, d::Ring::kTxCompl}) CHECK(ha.written_back(r) == 1);
      for (const d::Ring r : {d::Ring::kRxBuf, d::Ring::kRxCompl}) CHECK(hb.written_back(r) == 1);
      CHECK(a.read_reg(d::ring_offset(d::Ring::kTxDesc, d::ring_reg::kConsDevice)) == 1);
      CHECK(a.read_reg(d::ring_offset(d::Ring::kTxCompl, d::ring_reg::kProdDevice)) == 1);
      CHECK(b.read_reg(d::ring_offset(d::Ring::kRxBuf, d::ring_reg::kConsDevice)) == 1);
      CHECK(b.read_reg(d::ring_offset(d::Ring::kRxCompl, d::ring_reg::kProdDevice)) == 1);
      // Counters.
      CHECK(counter(a, d::Counter::kFramesTx) == 1);
      CHECK(counter(a, d::Counter::kTxCompletions) == 1);
      CHECK(counter(b, d::Counter::kFramesRx) == 1);
      CHECK(counter(b, d::Counter::kRxCompletions) == 1);
      CHECK(counter(b, d::Counter::kRxDropNoBuffer) == 0);
      // One interrupt each (MOD_COUNT 1), after the completion it covers.
      REQUIRE(a.msix().size() == 1);
      CHECK(a.msix()[0].addr == TopHost::kMsixArea);
      CHECK(a.msix()[0].data == 0xA000u);
      REQUIRE(b.msix().size() == 1);
      CHECK(b.msix()[0].addr == TopHost::kMsixArea + 64);
      CHECK(b.msix()[0].data == 0xA001u);
      CHECK(counter(a, d::Counter::kInterrupts) == 1);
      CHECK(a.read_reg(d::kIrqStatus.offset) == 1u << int(d::IrqVector::kTxCompl));
      CHECK(b.read_reg(d::kIrqStatus.offset) == 1u << int(d::IrqVector::kRxCompl));
      require_clean(a);
      require_clean(b);
    }
  }
}

TEST_CASE("top: MSI-X moderation by count and by time, masking, and poll mode", "[device][top][traffic]") {
  for (const int w : kWidths) {
    DYNAMIC_SECTION("DATA_W " << w) {
      std::mt19937_64 rng(test::test_seed(1201 + uint64_t(w)));
      TopHarness h(w);
      const uint8_t rings[4] = {5, 4, 5, 4};
      TopHost host(h, rings);
      const auto post = [&](int n) {
        for (int i = 0; i < n; ++i) host.post_tx(data_desc(uint32_t(i), 64, rng), random_octets(64, rng));
        host.ring_tx();
      };
      const uint32_t txc = 1u << int(d::IrqVector::kTxCompl);

      SECTION("count: one message per MOD_COUNT completions, each after the completions it covers") {
        host.setup().vectors[0].mod_count = 4;
        host.bring_up();
        post(8);
        // Cycle by cycle: when a message is written, the completions it
        // covers are in host memory already.
        size_t seen = 0;
        std::vector<TxCompletion> got;
        for (int c = 0; c < 40000 && got.size() < 8; ++c) {
          h.clock();
          if (h.msix().size() > seen) {
            seen = h.msix().size();
            for (uint16_t i = 0; i < 4 * seen; ++i)
              CHECK(completion_visible(h, host, d::Ring::kTxCompl, i));
          }
          if (c % 64 == 0)
            while (auto t = host.poll_tx()) got.push_back(*t);
        }
        REQUIRE(got.size() == 8);
        h.clock(500);
        CHECK(h.msix().size() == 2);
        CHECK(counter(h, d::Counter::kInterrupts) == 2);
        CHECK(h.read_reg(d::kIrqStatus.offset) == txc);
        h.write_reg(d::kIrqStatus.offset, txc);  // W1C
        CHECK(h.read_reg(d::kIrqStatus.offset) == 0);
      }
      SECTION("time: MOD_TIME cycles after the first completion, though MOD_COUNT is not reached") {
        host.setup().vectors[0].mod_count = 100;
        host.setup().vectors[0].mod_time = 300;
        host.bring_up();
        post(3);
        uint64_t first_visible = 0;
        REQUIRE(h.run_until([&] {
          if (first_visible == 0 && completion_visible(h, host, d::Ring::kTxCompl, 0))
            first_visible = h.cycle();
          return !h.msix().empty();
        }, 40000));
        REQUIRE(first_visible != 0);
        CHECK(h.msix()[0].cycle + 2 >= first_visible + 300);
        CHECK(h.msix()[0].cycle <= first_visible + 300 + 40);
        h.clock(2000);
        CHECK(h.msix().size() == 1);  // the other completions came before it: covered
        CHECK(counter(h, d::Counter::kInterrupts) == 1);
      }
      SECTION("masked: pending until unmasked, then one message") {
        host.setup().vectors[0].masked = true;
        host.bring_up();
        post(2);
        REQUIRE(await_tx(h, host, 2).size() == 2);
        h.clock(500);
        CHECK(h.msix().empty());
        h.write_reg(d::msix_offset(d::IrqVector::kTxCompl, d::msix_reg::kVectorControl), 0);
        h.clock(500);
        CHECK(h.msix().size() == 1);
      }
      SECTION("poll mode: IRQ_ENABLE 0 sends nothing, counts nothing") {
        host.setup().irq_enable = 0;
        host.bring_up();
        post(6);
        REQUIRE(await_tx(h, host, 6).size() == 6);
        h.clock(1000);
        CHECK(h.msix().empty());
        CHECK(h.read_reg(d::kIrqStatus.offset) == 0);
        CHECK(counter(h, d::Counter::kInterrupts) == 0);
        CHECK(counter(h, d::Counter::kTxCompletions) == 6);
      }
      require_clean(h);
    }
  }
}

TEST_CASE("top: soft reset with work in flight stops every DMA, resets the registers, and the device works again",
          "[device][top][traffic]") {
  for (const int w : kWidths) {
    DYNAMIC_SECTION("DATA_W " << w) {
      std::mt19937_64 rng(test::test_seed(1301 + uint64_t(w)));
      sim::TopOptions opt;
      opt.mac_tx_ready = 0.3;  // a slow MAC: frames are half sent when the reset comes
      opt.host.latency_min = 20;
      opt.host.latency_max = 120;
      opt.seed = 7;
      TopHarness h(w, opt);
      const uint8_t rings[4] = {6, 6, 6, 6};
      TopHost host(h, rings);
      host.bring_up();
      for (int i = 0; i < 16; ++i) host.post_rx(TopHost::kSlot);
      host.ring_rx();
      for (int i = 0; i < 40; ++i) {
        const uint16_t len = uint16_t(200 + rng() % 1200);
        host.post_tx(data_desc(uint32_t(i), len, rng), random_octets(len, rng));
      }
      host.ring_tx();
      // Frames from the MAC too.
      std::vector<Octets> incoming;
      for (int i = 0; i < 12; ++i) {
        const uint16_t len = uint16_t(rng() % 300);
        incoming.push_back(test::expected_frame(data_desc(uint32_t(i), len, rng), random_octets(len, rng)));
      }
      for (const auto& f : incoming) h.receive_frame(f);
      // All of them taken before the reset (a frame counts when it is
      // taken, so one taken after the reset would count from zero again).
      REQUIRE(h.run_until([&] { return h.rx_frames_taken() == incoming.size(); }, 20000));
      h.clock(200);
      REQUIRE(h.requests() > 0);
      const size_t sent_before = h.tx_frames().size();
      CHECK(sent_before < 40);  // work is in flight

      h.write_reg(d::kControl.offset, 1u << d::control_bit::kSoftReset);
      const uint32_t busy = 1u << d::status_bit::kResetBusy;
      CHECK((h.read_reg(d::kStatus.offset) & busy) != 0);
      CHECK((h.read_reg(d::kControl.offset) & (1u << d::control_bit::kSoftReset)) != 0);
      // Writes are refused while it drains.
      CHECK(h.mmio_write(d::ring_offset(d::Ring::kTxDesc, d::ring_reg::kProdHost), 41) == AxiResp::kSlvErr);
      uint64_t done_seen = 0;
      REQUIRE(h.run_until([&] {
        if ((h.read_reg(d::kStatus.offset) & busy) == 0) done_seen = h.cycle();
        return done_seen != 0;
      }, 100000));
      const uint64_t requests_at_done = h.requests();
      const uint64_t last_request = h.last_request_cycle();
      CHECK(last_request < done_seen);
      h.clock(3000);
      CHECK(h.requests() == requests_at_done);  // nothing after done
      CHECK(h.last_request_cycle() == last_request);
      // Every register is back at its reset value.
      for (const auto& r : d::register_map()) {
        if (r.offset == d::kCaps.offset || r.offset == d::kDataWidth.offset ||
            r.offset == d::kMaxFrame.offset || r.offset == d::kStatus.offset)
          continue;
        INFO(r.name);
        CHECK(h.read_reg(r.offset) == r.reset);
      }
      CHECK(h.read_reg(d::kStatus.offset) == (1u << d::status_bit::kDmaIdle));
      require_clean(h);

      // A fresh bring-up: the device works again from index 0.
      host.bring_up();
      const size_t frames_before = h.tx_frames().size();
      const auto desc = data_desc(77, 100, rng);
      const Octets payload = random_octets(100, rng);
      host.post_tx(desc, payload);
      host.ring_tx();
      const auto got = await_tx(h, host, 1, 40000);
      REQUIRE(got.size() == 1);
      CHECK(got[0].desc_index == 0);
      CHECK(got[0].status == d::ComplStatus::kOk);
      REQUIRE(h.tx_frames().size() == frames_before + 1);
      CHECK(h.tx_frames().back() == test::expected_frame(desc, payload));
      CHECK(counter(h, d::Counter::kFramesTx) == 1);
      require_clean(h);
    }
  }
}

TEST_CASE("top: DMA outside the host's valid range is reported, counted, and the device keeps working",
          "[device][top][traffic]") {
  for (const int w : kWidths) {
    DYNAMIC_SECTION("DATA_W " << w) {
      std::mt19937_64 rng(test::test_seed(1401 + uint64_t(w)));
      TopHarness h(w);
      TopHost host(h, kRings4);
      const uint64_t bad_payload = TopHost::kPayloadArea + 0x80000;
      h.memory().add_error_range({bad_payload, bad_payload + 4096, sim::kAxiSlvErr});
      const uint64_t bad_buffer = TopHost::kBufferArea + 0x80000;
      h.memory().add_error_range({bad_buffer, bad_buffer + 4096, sim::kAxiDecErr});
      host.bring_up();

      SECTION("a TX payload read answered SLVERR") {
        std::vector<wire::TxDescriptor> descs;
        std::vector<Octets> payloads;
        for (int i = 0; i < 3; ++i) {
          descs.push_back(data_desc(uint32_t(i), 120, rng));
          payloads.push_back(random_octets(120, rng));
          host.post_tx(descs.back(), payloads.back(),
                       i == 1 ? std::optional<uint64_t>(bad_payload) : std::nullopt);
        }
        host.ring_tx();
        const auto got = await_tx(h, host, 3);
        REQUIRE(got.size() == 3);
        h.clock(300);
        CHECK(got[0].status == d::ComplStatus::kOk);
        CHECK(got[1].status == d::ComplStatus::kDmaError);
        CHECK(got[2].status == d::ComplStatus::kOk);
        REQUIRE(h.tx_frames().size() == 2);
        CHECK(h.tx_frames()[0] == test::expected_frame(descs[0], payloads[0]));
        CHECK(h.tx_frames()[1] == test::expected_frame(descs[2], payloads[2]));
        CHECK(h.read_reg(d::kDmaErrorAddrLo.offset) == uint32_t(bad_payload));
        CHECK(h.read_reg(d::kDmaErrorAddrHi.offset) == uint32_t(bad_payload >> 32));
        CHECK(h.read_reg(d::kDmaErrorInfo.offset) ==
              ((uint32_t(d::DmaSource::kTxPayloadRead) << 4) | 1u));
        CHECK(counter(h, d::Counter::kDmaErrors) == 1);
      }
      SECTION("an RX buffer write answered DECERR") {
        std::vector<Octets> frames;
        for (int i = 0; i < 3; ++i) {
          host.post_rx(TopHost::kSlot, i == 1 ? std::optional<uint64_t>(bad_buffer) : std::nullopt);
          const uint16_t len = uint16_t(50 + i * 30);
          frames.push_back(test::expected_frame(data_desc(uint32_t(i), len, rng), random_octets(len, rng)));
        }
        host.ring_rx();
        for (const auto& f : frames) h.receive_frame(f);
        std::vector<RxCompletion> got;
        h.run_until([&] {
          while (auto c = host.poll_rx()) got.push_back(*c);
          return got.size() >= 3;
        }, 40000);
        REQUIRE(got.size() == 3);
        h.clock(300);  // the last completion's write answered: counted
        CHECK(got[0].status == d::ComplStatus::kOk);
        CHECK(got[1].status == d::ComplStatus::kDmaError);
        CHECK(got[2].status == d::ComplStatus::kOk);
        CHECK(h.read_memory(TopHost::buffer_addr(2), frames[2].size()) == frames[2]);
        CHECK(h.read_reg(d::kDmaErrorAddrLo.offset) == uint32_t(bad_buffer));
        CHECK(h.read_reg(d::kDmaErrorInfo.offset) ==
              ((uint32_t(d::DmaSource::kRxBufferWrite) << 4) | 2u | 1u));
        CHECK(counter(h, d::Counter::kDmaErrors) == 1);
        CHECK(counter(h, d::Counter::kRxCompletions) == 3);
      }
      SECTION("an MSI-X message write answered SLVERR") {
        const uint64_t msix = TopHost::kMsixArea;  // vector TXC's address
        h.memory().add_error_range({msix, msix + 4, sim::kAxiSlvErr});
        host.post_tx(data_desc(1, 10, rng), random_octets(10, rng));
        host.ring_tx();
        REQUIRE(await_tx(h, host, 1).size() == 1);
        h.clock(300);
        CHECK(h.read_reg(d::kDmaErrorAddrLo.offset) == uint32_t(msix));
        CHECK(h.read_reg(d::kDmaErrorInfo.offset) == ((uint32_t(d::DmaSource::kMsix) << 4) | 2u | 1u));
        CHECK(counter(h, d::Counter::kDmaErrors) == 1);
        // The next frame goes out all the same.
        host.post_tx(data_desc(2, 10, rng), random_octets(10, rng));
        host.ring_tx();
        const auto got = await_tx(h, host, 1);
        REQUIRE(got.size() == 1);
        CHECK(got[0].status == d::ComplStatus::kOk);
        CHECK(h.tx_frames().size() == 2);
      }
      require_clean(h);
    }
  }
}

namespace {

// One direction of the randomized run: `from`'s host posts frames on its TX
// ring, `to`'s host keeps its RX ring stocked; a frame is posted only into a
// buffer already posted (end-to-end flow control), so none may be dropped.
// Doorbells ring at random moments, completions are polled at random.
struct Flow {
  TopHost& from;
  TopHost& to;
  int frames;
  std::vector<Octets> expected;
  std::vector<TxCompletion> tx_done;
  std::vector<RxCompletion> rx_done;
  uint16_t rx_doorbell = 0, tx_doorbell = 0;

  bool done() const { return tx_done.size() == size_t(frames) && rx_done.size() == size_t(frames); }

  void step(std::mt19937_64& rng) {
    std::bernoulli_distribution ring_now(0.4), act(0.5);
    std::uniform_int_distribution<int> payload(0, 1500);
    if (act(rng)) {
      bool posted = false;
      while (to.rx_room() && to.rx_posted() < frames) {
        to.post_rx(TopHost::kSlot);
        posted = true;
      }
      if ((posted || to.rx_posted() != rx_doorbell) && ring_now(rng)) {
        to.ring_rx();
        rx_doorbell = to.rx_posted();
      }
    }
    if (act(rng)) {
      while (int(expected.size()) < frames && from.tx_room() && expected.size() < rx_doorbell) {
        const uint16_t len = uint16_t(payload(rng));
        const auto desc = data_desc(uint32_t(expected.size()), len, rng);
        const Octets p = random_octets(len, rng);
        from.post_tx(desc, p);
        expected.push_back(test::expected_frame(desc, p));
        if (!ring_now(rng)) break;
      }
      if (from.tx_posted() != tx_doorbell && ring_now(rng)) {
        from.ring_tx();
        tx_doorbell = from.tx_posted();
      }
    }
    if (act(rng))
      while (auto c = from.poll_tx()) tx_done.push_back(*c);
    if (act(rng))
      while (auto c = to.poll_rx()) rx_done.push_back(*c);
  }

  // Every frame sent once, in order, byte-identical in its buffer.
  void check(const TopHarness& sender, const TopHarness& receiver) const {
    for (int i = 0; i < frames; ++i) {
      INFO("frame " << i);
      CHECK(tx_done[size_t(i)].desc_index == uint16_t(i));
      CHECK(tx_done[size_t(i)].status == d::ComplStatus::kOk);
      const RxCompletion& rc = rx_done[size_t(i)];
      CHECK(rc.status == d::ComplStatus::kOk);
      CHECK(rc.buf_index == uint16_t(i));
      REQUIRE(rc.frame_len == expected[size_t(i)].size());
      CHECK(receiver.read_memory(TopHost::buffer_addr(uint16_t(i)), rc.frame_len) == expected[size_t(i)]);
      CHECK(rc.desc.tcp_seq == uint32_t(i));
    }
    CHECK(sender.tx_frames() == expected);
  }
};

// Two devices linked, random ring sizes, host timing, wire pace, doorbell
// timing and payload sizes; `ab` frames from A to B and `ba` back at once.
void random_run(int w, uint64_t seed, int ab_frames, int ba_frames) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> log2(2, 6);
  sim::TopOptions oa, ob;
  oa.host.seed = rng();
  ob.host.seed = rng();
  oa.host.latency_max = ob.host.latency_max = 10 + int(rng() % 100);
  oa.host.arready_prob = ob.host.arready_prob = 0.5 + 0.5 * double(rng() % 100) / 100;
  oa.host.rvalid_prob = ob.host.rvalid_prob = 0.5 + 0.5 * double(rng() % 100) / 100;
  TopHarness a(w, oa), b(w, ob);
  const double wire_pace = 0.3 + 0.7 * double(rng() % 100) / 100;
  TopHarness::link(a, b, wire_pace);
  uint8_t ra[4], rb[4];
  for (auto& l : ra) l = uint8_t(log2(rng));
  for (auto& l : rb) l = uint8_t(log2(rng));
  TopHost ha(a, ra), hb(b, rb);
  ha.setup().vectors[0].mod_count = 1 + uint32_t(rng() % 4);
  hb.setup().vectors[1].mod_time = uint32_t(rng() % 200);
  ha.bring_up();
  hb.bring_up();
  INFO("rings A " << int(ra[0]) << "," << int(ra[1]) << "," << int(ra[2]) << "," << int(ra[3])
                  << " B " << int(rb[0]) << "," << int(rb[1]) << "," << int(rb[2]) << ","
                  << int(rb[3]) << ", wire pace " << wire_pace);

  Flow ab{ha, hb, ab_frames, {}, {}, {}}, ba{hb, ha, ba_frames, {}, {}, {}};
  const uint64_t steps = 8000 * uint64_t(ab_frames + ba_frames);
  for (uint64_t step = 0; step < steps && !(ab.done() && ba.done()); ++step) {
    ab.step(rng);
    ba.step(rng);
    a.clock(1 + rng() % 20);
  }
  REQUIRE(ab.done());
  REQUIRE(ba.done());
  a.clock(500);  // the last writes answered, the last messages out
  ab.check(a, b);
  ba.check(b, a);
  for (TopHarness* h : {&a, &b}) {
    CHECK(counter(*h, d::Counter::kRxDropNoBuffer) == 0);
    CHECK(counter(*h, d::Counter::kDmaErrors) == 0);
    CHECK(counter(*h, d::Counter::kInterrupts) == h->msix().size());
    CHECK(!h->msix().empty());
    require_clean(*h);
  }
  CHECK(counter(a, d::Counter::kFramesTx) == uint32_t(ab_frames));
  CHECK(counter(b, d::Counter::kFramesRx) == uint32_t(ab_frames));
  CHECK(counter(b, d::Counter::kFramesTx) == uint32_t(ba_frames));
  CHECK(counter(a, d::Counter::kFramesRx) == uint32_t(ba_frames));
}

}  // namespace

TEST_CASE("top: randomized run between two devices, both ways at once: nothing lost, duplicated or reordered",
          "[device][top][traffic]") {
  for (const int w : kWidths)
    for (uint64_t run = 0; run < 2; ++run)
      DYNAMIC_SECTION("DATA_W " << w << " run " << run)
        random_run(w, test::test_seed(1501 + uint64_t(w) * 10 + run), 50, 40);
}

TEST_CASE("top: long randomized runs between two devices", "[device][top][traffic][long]") {
  for (const int w : kWidths)
    for (uint64_t run = 0; run < 5; ++run)
      DYNAMIC_SECTION("DATA_W " << w << " run " << run)
        random_run(w, test::long_test_seed(1601 + uint64_t(w) * 10 + run), 400, 300);
}
