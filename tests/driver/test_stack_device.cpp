// The device layer's refusals, against a scripted host interface (no
// device model): a wrong device, a version it does not know, a soft reset
// that never ends, a refused register write found in CFG_ERROR. Each gives
// a DeviceError naming what was found, and leaves nothing allocated. And
// the completion handback: the test plays the device, writing a completion
// before its PROD, and sees CONS written only up to PROD.
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
  std::map<uint64_t, uint32_t> last_write;  // every register's last value written (never cleared)

  // The values written to register `o` (since writes was last cleared).
  std::vector<uint32_t> writes_to(uint64_t o) const {
    std::vector<uint32_t> v;
    for (const auto& [offset, value] : writes)
      if (offset == o) v.push_back(value);
    return v;
  }
  // The device's side, played by the test: a DMA write at a device address
  // (inside one mapped region: device addresses are host addresses here).
  void device_write(uint64_t address, const void* data, std::size_t n) {
    auto it = memory.upper_bound(address);
    REQUIRE(it != memory.begin());
    --it;
    REQUIRE(address + n <= it->first + it->second.size());
    std::memcpy(it->second.data() + (address - it->first), data, n);
  }
  uint64_t ring_address(regs::Ring r, const regs::Register& lo) const {
    return last_write.at(regs::ring_offset(r, lo));  // below 4 GiB here: the low word is the address
  }
  // Completion `index` (first pass: phase 1) of TXC or RXC, status OK, in
  // memory; an RX completion carries the parser's descriptor `desc`.
  void write_completion(regs::Ring r, uint16_t index, const tcpoe::wire::RxDescriptor& desc = {}) {
    const bool tx = r == regs::Ring::kTxCompl;
    std::vector<uint8_t> e(tx ? regs::tx_compl::kEntrySize : regs::rx_compl::kEntrySize, 0);
    if (!tx) {
      const tcpoe::wire::RxDescriptorBytes packed = tcpoe::wire::pack(desc);
      std::copy(packed.begin(), packed.end(), e.begin());
    }
    e[tx ? regs::tx_compl::kFlags.offset : regs::rx_compl::kFlags.offset] = regs::compl_flag::kPhase;
    device_write(ring_address(r, regs::ring_reg::kBaseLo) + uint64_t(index) * e.size(), e.data(), e.size());
  }
  // The device's side: a DMA read at a device address.
  void device_read(uint64_t address, void* data, std::size_t n) {
    auto it = memory.upper_bound(address);
    REQUIRE(it != memory.begin());
    --it;
    REQUIRE(address + n <= it->first + it->second.size());
    std::memcpy(data, it->second.data() + (address - it->first), n);
  }
  // The device's index of ring `r` in the write-back block (big-endian word).
  void write_back(regs::Ring r, uint16_t index) {
    const uint8_t word[4] = {0, 0, uint8_t(index >> 8), uint8_t(index)};
    device_write(ring_address(r, regs::ring_reg::kWritebackLo), word, sizeof word);
  }

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
  void mmio_write32(uint64_t o, uint32_t v) override {
    writes.emplace_back(o, v);
    last_write[o] = v;
  }
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
  const uint8_t* memory_view(const DmaBuffer& b, std::size_t o, std::size_t) override {
    return memory.at(b.host_address).data() + o;
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

const dev::RxQueue::Handler ignore = [](const dev::RxCompletion&) {};

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

// The gather list (docs/register-map.md, TX_DESC entry): part 0 the slot
// (here the SACK option alone), the payload's parts after it where they
// lie; their references held until the entry's completion is reaped.
TEST_CASE("a TX entry posted by reference lists its parts after the slot and holds them until reaped",
          "[stack]") {
  ScriptedHost host;
  dev::Device d(host);
  d.bring_up();
  tcpoe::wire::TxDescriptor desc;
  desc.sack.count = 1;
  desc.sack.block[0] = {1000, 2000};
  auto first = std::make_shared<int>(1), second = std::make_shared<int>(2);
  REQUIRE(d.tx().post(desc, {dev::PayloadRef{0x123457, 100, first}, dev::PayloadRef{0xabcdef01, 1360, second}}));
  const std::size_t option_len = tcpoe::wire::sack_option_len(1);
  std::vector<uint8_t> entry(regs::tx_ring::kEntrySize);
  const uint64_t ring = host.ring_address(regs::Ring::kTxDesc, regs::ring_reg::kBaseLo);
  host.device_read(ring, entry.data(), entry.size());
  const auto part_addr = [&](unsigned k) { return dev::get_be64(entry.data() + regs::tx_ring::part_addr(k).offset); };
  const auto part_len = [&](unsigned k) { return tcpoe::wire::get_field(entry.data(), regs::tx_ring::part_len(k)); };
  CHECK(part_len(0) == option_len);
  CHECK(part_addr(1) == 0x123457);  // any octet address
  CHECK(part_len(1) == 100);
  CHECK(part_addr(2) == 0xabcdef01);
  CHECK(part_len(2) == 1360);
  CHECK(part_len(3) == 0);
  tcpoe::wire::TxDescriptorBytes bytes{};
  std::copy(entry.begin(), entry.begin() + bytes.size(), bytes.begin());
  const tcpoe::wire::TxDescriptor packed = tcpoe::wire::unpack(bytes);
  CHECK(tcpoe::wire::get_field(bytes.data(), tcpoe::wire::txdesc::kPayloadLen) == option_len + 100 + 1360);
  CHECK(packed.payload_len == 100 + 1360);  // the payload proper
  CHECK(packed.stream_opt_len == option_len);
  std::vector<uint8_t> slot(option_len);
  host.device_read(part_addr(0), slot.data(), slot.size());
  CHECK(slot[option_len - 10] == 5);  // TCP option kind 5 (SACK), one block of 8 octets, after NOPs
  CHECK(d.tx().references_held() == 2);
  CHECK(first.use_count() == 2);
  d.tx().doorbell();
  host.write_completion(regs::Ring::kTxCompl, 0);
  host.write_back(regs::Ring::kTxCompl, 1);
  REQUIRE(d.tx().reap().size() == 1);
  CHECK(d.tx().references_held() == 0);
  CHECK(first.use_count() == 1);
  CHECK(second.use_count() == 1);
  // More parts than the list has after the slot: refused, nothing posted.
  const dev::PayloadRef r{0x1000, 1, nullptr};
  CHECK_THROWS_AS(d.tx().post(desc, {r, r, r, r}), std::invalid_argument);
  CHECK(d.tx().in_flight() == 0);
}

// docs/device.md: a completion is in memory before the device's PROD covers
// it, and the register file refuses CONS beyond PROD (CFG_ERROR BAD_INDEX).
TEST_CASE("a TX completion seen before TXC PROD is handed back only once the write-back covers it", "[stack]") {
  ScriptedHost host;
  dev::Device d(host);
  d.bring_up();
  const uint64_t cons = regs::ring_offset(regs::Ring::kTxCompl, regs::ring_reg::kConsHost);
  tcpoe::wire::TxDescriptor desc;
  for (int i = 0; i < 2; ++i) REQUIRE(d.tx().post(desc));
  d.tx().doorbell();
  host.writes.clear();
  host.write_completion(regs::Ring::kTxCompl, 0);  // written, PROD still 0
  CHECK(d.tx().reap().size() == 1);
  CHECK(host.writes_to(cons).empty());  // CONS 1 would pass PROD 0
  CHECK(d.tx().handback_pending() == 1);
  CHECK(d.tx().in_flight() == 1);  // its slot is free all the same
  CHECK(d.tx().reap().empty());
  CHECK(host.writes_to(cons).empty());  // PROD has not moved: still nothing
  host.write_back(regs::Ring::kTxCompl, 1);
  CHECK(d.tx().reap().empty());  // nothing new, but the kept completion goes back
  CHECK(host.writes_to(cons) == std::vector<uint32_t>{1});
  CHECK(d.tx().handback_pending() == 0);
  // The second completion and its PROD together: CONS 2 at once, once.
  host.write_completion(regs::Ring::kTxCompl, 1);
  host.write_back(regs::Ring::kTxCompl, 2);
  CHECK(d.tx().reap().size() == 1);
  CHECK(d.tx().reap().empty());
  CHECK(host.writes_to(cons) == std::vector<uint32_t>{1, 2});
  CHECK(d.tx().in_flight() == 0);
}

// RXB CONS moves with RXC PROD: a reaped buffer is posted again only once
// RXB CONS has passed it (RXB PROD beyond CONS + size is refused too).
TEST_CASE("RX completions ahead of RXC PROD are handed back up to PROD, their buffers re-posted up to RXB CONS",
          "[stack]") {
  ScriptedHost host;
  dev::Device d(host);
  d.bring_up();
  const uint64_t cons = regs::ring_offset(regs::Ring::kRxCompl, regs::ring_reg::kConsHost);
  const uint64_t rxb_prod = regs::ring_offset(regs::Ring::kRxBuf, regs::ring_reg::kProdHost);
  host.writes.clear();
  for (uint16_t i = 0; i < 3; ++i) host.write_completion(regs::Ring::kRxCompl, i);
  host.write_back(regs::Ring::kRxCompl, 2);  // the third is in memory before PROD
  host.write_back(regs::Ring::kRxBuf, 2);
  CHECK(d.rx().reap(ignore) == 3);
  CHECK(host.writes_to(cons) == std::vector<uint32_t>{2});
  CHECK(d.rx().handback_pending() == 1);
  CHECK(host.writes_to(rxb_prod) == std::vector<uint32_t>{32 + 2});  // two buffers posted again
  CHECK(d.rx().posted() == 31);
  CHECK(d.rx().reap(ignore) == 0);
  CHECK(host.writes_to(cons) == std::vector<uint32_t>{2});  // the write-backs still say 2
  CHECK(host.writes_to(rxb_prod) == std::vector<uint32_t>{32 + 2});
  host.write_back(regs::Ring::kRxCompl, 3);
  host.write_back(regs::Ring::kRxBuf, 3);
  CHECK(d.rx().reap(ignore) == 0);
  CHECK(host.writes_to(cons) == std::vector<uint32_t>{2, 3});
  CHECK(host.writes_to(rxb_prod) == std::vector<uint32_t>{32 + 2, 32 + 3});
  CHECK(d.rx().handback_pending() == 0);
  CHECK(d.rx().posted() == 32);
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

  // A segment from the peer to `tuple`'s local end, as the parser
  // describes it: no options, checksums checked and good.
  static tcpoe::wire::RxDescriptor from_peer(const tcpoe::driver::tcp::FourTuple& tuple, uint8_t flags,
                                             uint32_t seq, uint32_t ack) {
    tcpoe::wire::RxDescriptor d;
    d.ethertype = 0x0800;
    d.ip_protocol = 6;
    d.ip_src = tuple.remote_ip;
    d.ip_dst = tuple.local_ip;
    d.tcp_src_port = tuple.remote_port;
    d.tcp_dst_port = tuple.local_port;
    d.tcp_data_offset = 5;
    d.tcp_flags = flags;
    d.tcp_seq = seq;
    d.tcp_ack = ack;
    d.tcp_window = 65535;
    d.ip_csum_checked = d.ip_csum_ok = d.tcp_csum_checked = d.tcp_csum_ok = true;
    return d;
  }
  // The device's side: `d` received, then one look at the rings.
  std::vector<tcpoe::driver::PollEvent> deliver(const tcpoe::wire::RxDescriptor& d) {
    host.write_completion(regs::Ring::kRxCompl, rx_written, d);
    host.write_back(regs::Ring::kRxCompl, ++rx_written);
    return stack->poll(std::chrono::microseconds(1));
  }
  // The device's side: every TX entry posted so far sent and completed
  // (then one look at the rings reaps them).
  void complete_tx() {
    const auto posted = uint16_t(stack->counters().frames_posted);
    for (; tx_completed != posted; ++tx_completed) host.write_completion(regs::Ring::kTxCompl, tx_completed);
    host.write_back(regs::Ring::kTxCompl, tx_completed);
    stack->poll(std::chrono::microseconds(1));
  }
  // An active open to kPeer completed by its SYN-ACK (ISN 7000, no options: MSS 536).
  tcpoe::driver::SocketId establish() {
    tcpoe::driver::SocketId id = 0;
    REQUIRE_FALSE(stack->connect(kPeer, 5201, id));
    const tcpoe::driver::tcp::FourTuple tuple = *stack->tuple(id);
    deliver(from_peer(tuple, tcpoe::wire::tcp::flag::kSyn | tcpoe::wire::tcp::flag::kAck, 7000,
                      (stack->connection(id)->iss() + 1).raw()));
    REQUIRE(stack->state(id) == tcpoe::driver::tcp::State::kEstablished);
    return id;
  }
  // The payload the device would read for TX entry `index`: its gather
  // list's parts after the slot, from memory as it is now.
  std::vector<uint8_t> referenced_payload(uint16_t index) {
    std::vector<uint8_t> entry(regs::tx_ring::kEntrySize);
    host.device_read(host.ring_address(regs::Ring::kTxDesc, regs::ring_reg::kBaseLo) + uint64_t(index) * entry.size(),
                     entry.data(), entry.size());
    std::vector<uint8_t> out;
    for (unsigned k = 1; k < regs::tx_ring::kMaxParts; ++k) {
      const std::size_t n = tcpoe::wire::get_field(entry.data(), regs::tx_ring::part_len(k));
      if (n == 0) continue;
      const std::size_t at = out.size();
      out.resize(at + n);
      host.device_read(dev::get_be64(entry.data() + regs::tx_ring::part_addr(k).offset), out.data() + at, n);
    }
    return out;
  }

  uint16_t rx_written = 0, tx_completed = 0;
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

TEST_CASE("socket options and abort: TCP_NODELAY per socket, a listener's passed on, abort frees at once",
          "[stack]") {
  namespace drv = tcpoe::driver;
  StackOnScriptedHost t;
  drv::Stack& s = *t.stack;
  int value = -1;
  CHECK(s.set_option(999, drv::SocketOption::kNoDelay, 1).message() == "no such socket");
  CHECK(s.get_option(999, drv::SocketOption::kNoDelay, value).message() == "no such socket");
  CHECK(s.abort(999).message() == "no such socket");
  drv::SocketId id = 0;
  REQUIRE_FALSE(s.connect(StackOnScriptedHost::kPeer, 5201, id));
  REQUIRE_FALSE(s.get_option(id, drv::SocketOption::kNoDelay, value));
  CHECK(value == 0);  // Nagle by default, as Linux
  REQUIRE_FALSE(s.set_option(id, drv::SocketOption::kNoDelay, 1));
  REQUIRE_FALSE(s.get_option(id, drv::SocketOption::kNoDelay, value));
  CHECK(value == 1);
  REQUIRE(s.connection(id) != nullptr);
  CHECK(s.connection(id)->nodelay());  // on the connection itself
  // abort() in SYN-SENT: no segment (nothing synchronized), gone at once.
  const uint64_t posted = s.counters().frames_posted;
  REQUIRE_FALSE(s.abort(id));
  CHECK_FALSE(s.state(id));
  CHECK(s.table().size() == 0);
  CHECK(s.counters().frames_posted == posted);
  // A listener keeps the option for what it accepts; abort() closes it.
  drv::SocketId listener = 0;
  REQUIRE_FALSE(s.listen(80, 4, listener));
  REQUIRE_FALSE(s.set_option(listener, drv::SocketOption::kNoDelay, 1));
  REQUIRE_FALSE(s.get_option(listener, drv::SocketOption::kNoDelay, value));
  CHECK(value == 1);
  REQUIRE_FALSE(s.abort(listener));
  CHECK_FALSE(s.state(listener));
  CHECK_FALSE(s.listen(80, 4, listener));  // the port is free again
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

// The hardware's verdict decides: an RX completion whose descriptor says
// the checksum was wrong, or the frame malformed, is counted and dropped;
// the same segment with a good verdict completes the handshake.
TEST_CASE("a segment the parser judged bad is counted and never acted on, the same one good is", "[stack]") {
  namespace drv = tcpoe::driver;
  namespace wire = tcpoe::wire;
  StackOnScriptedHost t;
  drv::Stack& s = *t.stack;
  drv::SocketId id = 0;
  REQUIRE_FALSE(s.connect(StackOnScriptedHost::kPeer, 5201, id));
  const drv::tcp::FourTuple tuple = *s.tuple(id);
  // The peer's answer, as the parser describes it.
  const wire::RxDescriptor syn_ack = StackOnScriptedHost::from_peer(
      tuple, wire::tcp::flag::kSyn | wire::tcp::flag::kAck, 7000, (s.connection(id)->iss() + 1).raw());
  const auto deliver = [&](const wire::RxDescriptor& d) { return t.deliver(d); };

  wire::RxDescriptor bad_checksum = syn_ack;
  bad_checksum.tcp_csum_ok = false;
  CHECK(deliver(bad_checksum).empty());
  CHECK(s.table().counters().bad_checksum == 1);
  wire::RxDescriptor unchecked = syn_ack;
  unchecked.ip_csum_checked = false;
  CHECK(deliver(unchecked).empty());
  CHECK(s.table().counters().bad_checksum == 2);
  wire::RxDescriptor malformed = syn_ack;
  malformed.malformed = wire::Malformed::kTcpOption;
  CHECK(deliver(malformed).empty());
  CHECK(s.table().counters().malformed == 1);
  // None of them moved the connection or sent anything.
  CHECK(s.state(id) == drv::tcp::State::kSynSent);
  CHECK(s.table().size() == 1);
  CHECK(s.counters().frames_posted == 1);  // the SYN
  CHECK(s.counters().rx_completions == 3);
  CHECK(s.connection(id)->counters().challenge_acks == 0);

  const std::vector<drv::PollEvent> events = deliver(syn_ack);
  REQUIRE(events.size() == 1);
  CHECK(events[0].events == drv::ready::kConnected);
  CHECK(s.state(id) == drv::tcp::State::kEstablished);
  CHECK(s.counters().frames_posted == 2);  // the handshake's ACK
  CHECK(s.table().counters().bad_checksum == 2);
  CHECK(s.table().counters().malformed == 1);
}

// Zero-copy TX's hazard (docs/driver.md, "Copies"): the device reads a
// segment's payload from the send buffer some time after it was posted.
// The ACK for those octets arriving first, and send() bringing new data,
// must not change what the device reads: the posted entry holds its chunk.
TEST_CASE("a posted segment's octets stay as sent when its ACK comes before its completion and send() brings new "
          "data", "[stack]") {
  namespace drv = tcpoe::driver;
  StackOnScriptedHost t;
  drv::Stack& s = *t.stack;
  const drv::SocketId id = t.establish();
  t.complete_tx();  // the SYN and the handshake's ACK
  const std::size_t chunks_before = s.send_chunks().live();
  std::vector<uint8_t> original(536);
  for (std::size_t i = 0; i < original.size(); ++i) original[i] = uint8_t(i * 7 + 1);
  std::size_t sent = 0;
  REQUIRE_FALSE(s.send(id, tcpoe::wire::ByteSpan(original.data(), original.size()), sent));
  REQUIRE(sent == original.size());
  const uint16_t entry = uint16_t(s.counters().frames_posted - 1);
  CHECK(s.counters().tx_payload_by_reference == original.size());
  CHECK(s.counters().tx_payload_copied == 0);
  CHECK(t.referenced_payload(entry) == original);
  // The peer's ACK of all of it, before the device completed the entry.
  const drv::tcp::FourTuple tuple = *s.tuple(id);
  t.deliver(StackOnScriptedHost::from_peer(tuple, tcpoe::wire::tcp::flag::kAck, 7001,
                                           (s.connection(id)->iss() + 1 + uint32_t(original.size())).raw()));
  REQUIRE(s.connection(id)->send_buffer().size() == 0);
  CHECK(s.connection(id)->send_buffer().chunks() == 0);  // the connection gave its chunk back
  CHECK(s.send_chunks().live() == chunks_before + 1);     // ... the TX entry still holds it
  // New data, more than a chunk's worth: the send buffer takes fresh chunks.
  const std::vector<uint8_t> fresh(s.send_chunks().chunk_bytes() + 1000, 0xee);
  REQUIRE_FALSE(s.send(id, tcpoe::wire::ByteSpan(fresh.data(), fresh.size()), sent));
  CHECK(sent == fresh.size());
  CHECK(t.referenced_payload(entry) == original);  // what the device reads now: the original octets
  // The completion releases it; then only the new data's chunks are held.
  t.complete_tx();
  CHECK(s.device().tx().references_held() == 0);
  CHECK(s.send_chunks().live() == chunks_before + s.connection(id)->send_buffer().chunks());
}

// A connection reset (or aborted) with segments in flight: its send
// buffer goes with it, but the chunks its posted entries read stay mapped
// until their completions are reaped; then nothing is left.
TEST_CASE("segments in flight keep their chunks past the connection's reset until their completions are reaped",
          "[stack]") {
  namespace drv = tcpoe::driver;
  StackOnScriptedHost t;
  drv::Stack& s = *t.stack;
  const int64_t mapped_by_device = t.host.mapped;
  for (const bool peer_reset : {true, false}) {
    INFO((peer_reset ? "reset by the peer" : "aborted by the user"));
    const drv::SocketId id = t.establish();
    REQUIRE_FALSE(s.set_option(id, drv::SocketOption::kNoDelay, 1));
    const std::vector<uint8_t> data(3 * 536, 0x42);
    std::size_t sent = 0;
    REQUIRE_FALSE(s.send(id, tcpoe::wire::ByteSpan(data.data(), data.size()), sent));
    REQUIRE(sent == data.size());
    REQUIRE(s.device().tx().references_held() >= 3);  // three segments, none completed
    const uint16_t last = uint16_t(s.counters().frames_posted - 1);
    CHECK(s.send_chunks().live() == 1);
    CHECK(t.host.mapped == mapped_by_device + 1);
    if (peer_reset) {
      const drv::tcp::FourTuple tuple = *s.tuple(id);
      t.deliver(StackOnScriptedHost::from_peer(tuple, tcpoe::wire::tcp::flag::kRst, 7001, 0));
      REQUIRE(s.state(id) == drv::tcp::State::kClosed);
      REQUIRE_FALSE(s.close(id));
    } else {
      REQUIRE_FALSE(s.abort(id));  // our RST: one more entry, no payload
    }
    CHECK(s.table().size() == 0);
    CHECK(s.send_chunks().live() == 1);  // the connection is gone; its chunk is not
    CHECK(t.referenced_payload(last) == std::vector<uint8_t>(536, 0x42));
    t.complete_tx();
    CHECK(s.device().tx().in_flight() == 0);
    CHECK(s.device().tx().references_held() == 0);
    CHECK(s.send_chunks().live() == 0);
    CHECK(t.host.mapped == mapped_by_device);
  }
}

}  // namespace

// The RX path copies no frame: reap() hands the frame over as a view of its
// buffer, and posts the buffer again only after the handler returned.
TEST_CASE("an RX frame is handed over in place, its buffer posted again only after the handler", "[stack]") {
  ScriptedHost host;
  dev::Device d(host);
  d.bring_up();
  const uint64_t rxb_prod = regs::ring_offset(regs::Ring::kRxBuf, regs::ring_reg::kProdHost);
  // Buffer 0's address, from the RXB entry the driver posted.
  uint8_t entry[8];
  std::memcpy(entry, host.memory.at(host.ring_address(regs::Ring::kRxBuf, regs::ring_reg::kBaseLo)).data(), 8);
  uint64_t buffer = 0;
  for (uint8_t b : entry) buffer = buffer << 8 | b;
  const std::vector<uint8_t> frame = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  host.device_write(buffer, frame.data(), frame.size());
  host.write_completion(regs::Ring::kRxCompl, 0);
  const uint8_t length[2] = {0, uint8_t(frame.size())};  // FRAME_LEN; BUF_INDEX 0, status OK
  host.device_write(host.ring_address(regs::Ring::kRxCompl, regs::ring_reg::kBaseLo) + regs::rx_compl::kFrameLen.offset,
                    length, 2);
  host.write_back(regs::Ring::kRxCompl, 1);
  host.write_back(regs::Ring::kRxBuf, 1);
  host.writes.clear();
  std::size_t seen = 0;
  CHECK(d.rx().reap([&](const dev::RxCompletion& c) {
    ++seen;
    REQUIRE(c.frame.size() == frame.size());
    CHECK(std::equal(frame.begin(), frame.end(), c.frame.begin()));
    // In place: the device's next write to the buffer shows through.
    CHECK(c.frame.data() == host.memory.at(buffer).data());
    CHECK(host.writes_to(rxb_prod).empty());  // not posted again yet
  }) == 1);
  CHECK(seen == 1);
  CHECK(host.writes_to(rxb_prod) == std::vector<uint32_t>{32 + 1});
}
