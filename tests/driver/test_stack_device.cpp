// The device layer's refusals, against a scripted host interface (no
// device model): a wrong device, a version it does not know, a soft reset
// that never ends, a refused register write found in CFG_ERROR. Each gives
// a DeviceError naming what was found, and leaves nothing allocated.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <stdexcept>
#include <vector>

#include "tcpoe/driver/dev/device.h"
#include "tcpoe/driver/stack.h"

namespace {

namespace dev = tcpoe::driver::dev;
namespace regs = tcpoe::wire::dev;
using tcpoe::pcie::DmaBuffer;

// Registers as a map (reads of unknown offsets: 0), soft reset done at
// once unless told otherwise, memory as vectors.
class ScriptedHost : public tcpoe::pcie::HostInterface {
 public:
  std::map<uint64_t, uint32_t> regs_read;
  bool reset_never_ends = false;
  std::map<uint64_t, std::vector<uint8_t>> memory;
  int64_t mapped = 0;
  uint64_t next = 0x1000;
  std::vector<std::pair<uint64_t, uint32_t>> writes;

  ScriptedHost() {
    regs_read[regs::kId.offset] = regs::kDeviceId;
    regs_read[regs::kVersionReg.offset] = regs::kVersion;
    regs_read[regs::kCaps.offset] = 0x1f;
    regs_read[regs::kDataWidth.offset] = 64;
    regs_read[regs::kMaxFrame.offset] = 2182;
    regs_read[regs::kStatus.offset] = 1;
  }
  uint32_t mmio_read32(uint64_t o) override {
    if (o == regs::kControl.offset) return reset_never_ends ? 2u : 0u;
    const auto it = regs_read.find(o);
    return it == regs_read.end() ? 0 : it->second;
  }
  void mmio_write32(uint64_t o, uint32_t v) override { writes.emplace_back(o, v); }
  DmaBuffer dma_alloc(std::size_t n) override {
    DmaBuffer b{next, n};
    next += (n + 0xfff) & ~std::size_t(0xfff);
    memory[b.host_address].assign(n, 0);
    return b;
  }
  void dma_free(const DmaBuffer& b) override { memory.erase(b.host_address); }
  uint64_t dma_map(const DmaBuffer& b) override {
    ++mapped;
    return b.host_address;
  }
  void dma_unmap(uint64_t) override { --mapped; }
  void memory_write(const DmaBuffer& b, std::size_t o, const void* d, std::size_t n) override {
    std::memcpy(memory.at(b.host_address).data() + o, d, n);
  }
  void memory_read(const DmaBuffer& b, std::size_t o, void* d, std::size_t n) override {
    std::memcpy(d, memory.at(b.host_address).data() + o, n);
  }
  tcpoe::pcie::MsixMessage msix_message(unsigned v) const override { return {0xfee00000, v}; }
  bool poll_interrupt(unsigned) override { return false; }
  // No interrupt ever comes: the wait lets its time pass on the host's clock.
  uint64_t now_ns = 0;
  bool wait_interrupt(unsigned, uint64_t ns) override {
    now_ns += ns;
    return false;
  }
};

std::string bring_up_error(ScriptedHost& host, dev::DeviceConfig config = {}) {
  dev::Device d(host, config);
  try {
    d.bring_up();
  } catch (const dev::DeviceError& e) {
    CHECK_FALSE(d.up());
    return e.what();
  }
  return "";
}

TEST_CASE("bring-up of a scripted good device succeeds and teardown frees everything", "[stack]") {
  ScriptedHost host;
  {
    dev::Device d(host);
    d.bring_up();
    CHECK(d.up());
    CHECK(host.mapped == 7);
    CHECK(d.rx().posted() == 32);
  }
  CHECK(host.mapped == 0);
  CHECK(host.memory.empty());
}

TEST_CASE("bring-up refuses a device whose ID is not tcpoe's", "[stack]") {
  ScriptedHost host;
  host.regs_read[regs::kId.offset] = 0xffffffff;  // nothing answers
  CHECK(bring_up_error(host) == "not a tcpoe device: ID reads 0xffffffff, expected 0x54504f45");
  CHECK(host.memory.empty());
}

TEST_CASE("bring-up refuses an interface version it does not know", "[stack]") {
  ScriptedHost host;
  host.regs_read[regs::kVersionReg.offset] = 2u << 16;
  CHECK(bring_up_error(host).find("host interface version 2.0 is not supported") == 0);
}

TEST_CASE("bring-up refuses a device without index write-back, or without MSI-X in interrupt mode", "[stack]") {
  ScriptedHost host;
  host.regs_read[regs::kCaps.offset] = 1u << regs::cap_bit::kMsix;
  CHECK(bring_up_error(host).find("no index write-back") != std::string::npos);
  ScriptedHost host2;
  host2.regs_read[regs::kCaps.offset] = 1u << regs::cap_bit::kIndexWriteback;
  dev::DeviceConfig c;
  c.interrupts = true;
  CHECK(bring_up_error(host2, c).find("no MSI-X") != std::string::npos);
}

TEST_CASE("bring-up gives up on a soft reset that never ends", "[stack]") {
  ScriptedHost host;
  host.reset_never_ends = true;
  dev::DeviceConfig c;
  c.reset_polls = 5;
  CHECK(bring_up_error(host, c) == "the device's soft reset did not finish after 5 reads of CONTROL");
}

TEST_CASE("bring-up reports a refused register write from CFG_ERROR and frees what it took", "[stack]") {
  ScriptedHost host;
  host.regs_read[regs::kCfgError.offset] =
      uint32_t(regs::ring_offset(regs::Ring::kRxBuf, regs::ring_reg::kBaseLo)) << 16 |
      uint32_t(regs::CfgError::kBadAlignment);
  CHECK(bring_up_error(host) == "a register write was refused: CFG_ERROR BAD_ALIGNMENT at offset 0x00000120");
  CHECK(host.mapped == 0);
  CHECK(host.memory.empty());
}

TEST_CASE("a device configuration it cannot use is refused by name", "[stack]") {
  ScriptedHost host;
  dev::DeviceConfig c;
  c.tx_log2 = 13;
  CHECK_THROWS_WITH(dev::Device(host, c), "Device: ring size log2 13 is not in 2..12");
  c = {};
  c.rx_buffer_bytes = 100;
  CHECK_THROWS_WITH(dev::Device(host, c), "Device: RX buffers must be a non-zero multiple of 64 octets");
  c = {};
  c.rx_buffer_bytes = 1024;  // shorter than MAX_FRAME
  CHECK(bring_up_error(host, c).find("shorter than the device's largest frame") != std::string::npos);
}

TEST_CASE("the TX queue batches posts behind one doorbell and frees a slot only on its completion", "[stack]") {
  ScriptedHost host;
  dev::DeviceConfig c;
  c.tx_log2 = 2;
  dev::Device d(host, c);
  d.bring_up();
  host.writes.clear();
  tcpoe::wire::TxDescriptor desc;
  const std::vector<uint8_t> payload(100, 0x5a);
  for (int i = 0; i < 4; ++i) CHECK(d.tx().post(desc, payload.data(), payload.size()));
  CHECK_FALSE(d.tx().post(desc));  // every entry in flight
  CHECK(host.writes.empty());      // no register yet
  d.tx().doorbell();
  d.tx().doorbell();  // nothing new: no write
  REQUIRE(host.writes.size() == 1);
  CHECK(host.writes[0].first == regs::ring_offset(regs::Ring::kTxDesc, regs::ring_reg::kProdHost));
  CHECK(host.writes[0].second == 4);
  CHECK(d.tx().reap().empty());  // no completion written: phase bits all 0
  CHECK(d.tx().in_flight() == 4);
  CHECK_THROWS_AS(d.tx().post(desc, payload.data(), 4096), std::invalid_argument);
}

// The socket-like API's answers that need no peer: a device whose rings
// nothing serves (the scripted host), time passing on the host's clock.
struct StackOnScriptedHost {
  ScriptedHost host;
  dev::Device device{host};
  std::unique_ptr<tcpoe::driver::Stack> stack;
  static constexpr uint32_t kPeer = 0x0a000002;

  StackOnScriptedHost() {
    device.bring_up();
    tcpoe::driver::StackConfig c;
    c.local_ip = 0x0a000001;
    c.tcp.connection.initial_rto = std::chrono::microseconds(10);
    c.tcp.connection.syn_retries = 2;
    c.tcp.secret = std::array<uint8_t, 16>{};
    stack = std::make_unique<tcpoe::driver::Stack>(
        device, c, [this] { return std::chrono::nanoseconds(host.now_ns); });
    stack->add_neighbour(kPeer, {2, 0, 0, 0, 0, 2});
    host.writes.clear();
  }
};

TEST_CASE("the stack's calls refuse what cannot be done, with error codes and messages", "[stack]") {
  namespace drv = tcpoe::driver;
  StackOnScriptedHost t;
  drv::Stack& s = *t.stack;
  drv::SocketId id = 0, other = 0;
  CHECK(s.connect(0x0a0000ff, 80, id) == drv::StackError::kNoRoute);
  CHECK(s.connect(0x0a0000ff, 80, id).message() == "no Ethernet address known for the peer");
  CHECK(s.connect(StackOnScriptedHost::kPeer, 0, id).message() == "invalid argument");
  CHECK(s.listen(0, 4, id).message() == "invalid argument");
  drv::SocketId listener = 0;
  REQUIRE_FALSE(s.listen(80, 4, listener));
  CHECK(s.listen(80, 4, other).message() == "address in use");
  CHECK(s.state(listener) == drv::tcp::State::kListen);
  CHECK(s.accept(listener, other).message() == "operation would block");
  CHECK(s.accept(999, other).message() == "no such socket");
  CHECK(s.shutdown(listener).message() == "not connected");
  CHECK(s.close(999).message() == "no such socket");
  CHECK_FALSE(s.close(listener));
  CHECK_FALSE(s.state(listener));
  CHECK_FALSE(s.listen(80, 4, other));  // free again
}

TEST_CASE("the stack posts the SYN with one doorbell and, unanswered, times out on the host's clock",
          "[stack]") {
  namespace drv = tcpoe::driver;
  StackOnScriptedHost t;
  drv::Stack& s = *t.stack;
  drv::SocketId id = 0;
  REQUIRE_FALSE(s.connect(StackOnScriptedHost::kPeer, 5201, id));
  CHECK(s.state(id) == drv::tcp::State::kSynSent);
  REQUIRE(t.host.writes.size() == 1);  // TXD PROD, nothing else
  CHECK(t.host.writes[0].first == regs::ring_offset(regs::Ring::kTxDesc, regs::ring_reg::kProdHost));
  CHECK(t.host.writes[0].second == 1);
  CHECK(t.device.tx().in_flight() == 1);
  // Nothing answers: retransmissions at 10 and 30 us, the timeout at 70 us.
  std::vector<drv::PollEvent> events;
  while (events.empty() && t.host.now_ns < 1'000'000) events = s.poll(std::chrono::microseconds(5));
  REQUIRE(events.size() == 1);
  CHECK(events[0].socket == id);
  CHECK(events[0].events == (drv::ready::kError | drv::ready::kClosed));
  CHECK(events[0].error == drv::StackError::kTimedOut);
  CHECK(events[0].error.message() == "connection timed out");
  CHECK(t.host.now_ns == 70'000);
  CHECK(s.counters().frames_posted == 3);  // the SYN and two retransmissions
  CHECK(t.device.tx().in_flight() == 3);   // the scripted device completes nothing
  CHECK(s.state(id) == drv::tcp::State::kClosed);
  CHECK(s.table().size() == 0);
  CHECK_FALSE(s.close(id));
  CHECK_FALSE(s.state(id));
}

}  // namespace
