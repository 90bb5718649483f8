// The device's host interface (device_regs.h) is consistent with itself: no
// two registers share an offset, every record's fields fit it without
// overlapping, and the helpers that compute offsets agree with the map the
// generator, the docs and the model read.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tcpoe/wire/device_regs.h"

namespace {

using namespace tcpoe::wire;
namespace d = tcpoe::wire::dev;

std::map<std::string, d::RegisterInstance> by_name() {
  std::map<std::string, d::RegisterInstance> m;
  for (const auto& r : d::register_map()) m.emplace(r.name, r);
  return m;
}

// Checks that `fields` lie inside a record of `size` octets and overlap nowhere.
void check_record(const char* what, uint16_t size, std::vector<Field> fields) {
  INFO(what);
  std::sort(fields.begin(), fields.end(),
            [](const Field& a, const Field& b) { return a.offset < b.offset; });
  for (std::size_t i = 0; i < fields.size(); ++i) {
    CHECK(fields[i].size > 0);
    CHECK(fields[i].end() <= size);
    if (i > 0) CHECK(fields[i - 1].end() <= fields[i].offset);
  }
}

}  // namespace

TEST_CASE("every BAR0 register has its own aligned offset inside the BAR and a unique name",
          "[wire][device]") {
  const auto map = d::register_map();
  std::set<uint32_t> offsets;
  std::set<std::string> names;
  for (const auto& r : map) {
    INFO(r.name);
    CHECK(r.offset % 4 == 0);
    CHECK(r.offset < d::kBarSize);
    CHECK(offsets.insert(r.offset).second);
    CHECK(names.insert(r.name).second);
    CHECK(!r.summary.empty());
  }
  // Listed in offset order, as the docs show them.
  CHECK(std::is_sorted(map.begin(), map.end(),
                       [](const auto& a, const auto& b) { return a.offset < b.offset; }));
  // The blocks do not run into each other.
  CHECK(d::kRingBase + d::kRingCount * d::kRingStride <= d::kIrqEnable.offset);
  CHECK(d::kIrqModBase + d::kIrqVectorCount * d::kIrqModStride <= d::kMsixBase);
  CHECK(d::kMsixBase + d::kIrqVectorCount * d::kMsixStride <= d::kCounterBase);
  for (const d::Register& r : d::ring_reg::kHostFilled) CHECK(r.offset < d::kRingStride);
  for (const d::Register& r : d::irq_mod_reg::kAll) CHECK(r.offset < d::kIrqModStride);
  for (const d::Register& r : d::msix_reg::kAll) CHECK(r.offset < d::kMsixStride);
}

TEST_CASE("the offset helpers agree with the register map", "[wire][device]") {
  const auto regs = by_name();
  CHECK(regs.at("ID").offset == d::kId.offset);
  CHECK(regs.at("ID").reset == d::kDeviceId);
  CHECK(regs.at("TXD_PROD").offset == d::ring_offset(d::Ring::kTxDesc, d::ring_reg::kProdHost));
  CHECK(regs.at("RXB_BASE_HI").offset == d::ring_offset(d::Ring::kRxBuf, d::ring_reg::kBaseHi));
  CHECK(regs.at("RXC_CTRL").offset == d::ring_offset(d::Ring::kRxCompl, d::ring_reg::kRingControl));
  CHECK(regs.at("IRQ_RXC_MOD_TIME").offset ==
        d::irq_mod_offset(d::IrqVector::kRxCompl, d::irq_mod_reg::kTime));
  CHECK(regs.at("MSIX_TXC_DATA").offset ==
        d::msix_offset(d::IrqVector::kTxCompl, d::msix_reg::kData));
  CHECK(regs.at("CNT_FRAMES_RX").offset == d::counter_offset(d::Counter::kFramesRx));
  CHECK(regs.at("CNT_INTERRUPTS").offset == d::counter_offset(d::Counter::kInterrupts));
  CHECK(regs.at("CNT_MALFORMED_SHORT_FRAME").offset == d::malformed_counter_offset(Malformed::kShortFrame));
  CHECK(regs.at("CNT_MALFORMED_TCP_OPTION").offset == d::malformed_counter_offset(Malformed::kTcpOption));
  // One counter per Malformed code but kNone, and nothing past the last.
  CHECK(regs.count("CNT_MALFORMED_NONE") == 0);
  CHECK(d::malformed_counter_offset(Malformed::kTcpOption) + 4 ==
        d::kCounterBase + 4u * d::kCounterCount);
}

TEST_CASE("each side of a ring owns one index: the other side's is read-only", "[wire][device]") {
  const auto regs = by_name();
  for (const char* ring : {"TXD", "RXB"}) {
    INFO(ring);
    CHECK(regs.at(std::string(ring) + "_PROD").access == d::Access::kReadWrite);
    CHECK(regs.at(std::string(ring) + "_CONS").access == d::Access::kReadOnly);
  }
  for (const char* ring : {"TXC", "RXC"}) {
    INFO(ring);
    CHECK(regs.at(std::string(ring) + "_PROD").access == d::Access::kReadOnly);
    CHECK(regs.at(std::string(ring) + "_CONS").access == d::Access::kReadWrite);
  }
  for (const auto& [name, r] : regs)
    if (name.rfind("CNT_", 0) == 0) CHECK(r.access == d::Access::kReadOnly);
}

TEST_CASE("ring entries and completions: fields fit their record and never overlap",
          "[wire][device]") {
  check_record("TX_DESC entry", d::tx_ring::kEntrySize,
               {Field{0, txdesc::kReservedOffset}, d::tx_ring::part_addr(0), d::tx_ring::part_len(0),
                d::tx_ring::part_addr(1), d::tx_ring::part_len(1), d::tx_ring::part_addr(2),
                d::tx_ring::part_len(2), d::tx_ring::part_addr(3), d::tx_ring::part_len(3)});
  check_record("RX_BUF entry", d::rx_buf::kEntrySize, {d::rx_buf::kAddr, d::rx_buf::kLen});
  check_record("TX completion", d::tx_compl::kEntrySize,
               {d::tx_compl::kDescIndex, d::tx_compl::kStatus, d::tx_compl::kTimestamp,
                d::tx_compl::kFlags});
  check_record("RX completion", d::rx_compl::kEntrySize,
               {d::rx_compl::kRxDesc, d::rx_compl::kBufIndex, d::rx_compl::kFrameLen,
                d::rx_compl::kStatus, d::rx_compl::kTimestamp, d::rx_compl::kFlags});
  // The phase bit sits in the record's last octet, which the device writes last.
  CHECK(d::tx_compl::kFlags.end() == d::tx_compl::kEntrySize);
  CHECK(d::rx_compl::kFlags.end() == d::rx_compl::kEntrySize);
  // The RX descriptor is carried whole; the TX ring entry starts with the TX
  // descriptor, its gather list after it.
  CHECK(d::rx_compl::kRxDesc.size == rx_desc::kSize);
  CHECK(d::tx_ring::kPartsOffset == txdesc::kSize);
  CHECK(d::tx_ring::part_len(d::tx_ring::kMaxParts - 1).end() <= d::tx_ring::kEntrySize);
  // A part's length field holds the largest payload_len.
  CHECK(d::tx_ring::kPartLen.size == txdesc::kPayloadLen.size);
  // Every entry size is a power of two that divides a 4 KiB page, so no entry
  // straddles a page and ring bases aligned to 64 octets align every entry.
  for (uint16_t size : {d::tx_ring::kEntrySize, d::rx_buf::kEntrySize, d::tx_compl::kEntrySize,
                        d::rx_compl::kEntrySize}) {
    CHECK((size & (size - 1)) == 0);
    CHECK(4096 % size == 0);
  }
}

TEST_CASE("the TX ring entry's gather list leaves the descriptor's fields as they were",
          "[wire][device]") {
  TxDescriptor desc;
  desc.seq = 0x01020304;
  desc.ack = 0xa0b0c0d0;
  desc.payload_len = 1460;
  desc.window_scale = 7;
  desc.has_window_scale = true;
  const TxDescriptorBytes packed = pack(desc);
  std::array<uint8_t, d::tx_ring::kEntrySize> entry{};
  std::copy(packed.begin(), packed.end(), entry.begin());
  const uint64_t addr = 0x0011223344556677ull;
  for (unsigned k = 0; k < d::tx_ring::kMaxParts; ++k) {
    for (int i = 0; i < 8; ++i)
      entry[d::tx_ring::part_addr(k).offset + i] = static_cast<uint8_t>((addr + k) >> (56 - 8 * i));
    entry[d::tx_ring::part_len(k).offset] = 0x05;
    entry[d::tx_ring::part_len(k).offset + 1] = static_cast<uint8_t>(0xb4 + k);
  }
  TxDescriptorBytes back{};
  std::copy(entry.begin(), entry.begin() + txdesc::kSize, back.begin());
  CHECK(unpack(back) == desc);
  CHECK(entry[d::tx_ring::part_addr(0).offset] == 0x00);  // big-endian, like every record
  CHECK(entry[d::tx_ring::part_addr(0).end() - 1] == 0x77);
  CHECK(entry[d::tx_ring::part_addr(3).end() - 1] == 0x7a);
  CHECK(d::tx_ring::part_len(2).offset == 64 + 2 * 16 + 8);
  // Nothing of the gather list lands in the descriptor's octets.
  CHECK(d::tx_ring::part_addr(0).offset >= txdesc::kSize);
}
