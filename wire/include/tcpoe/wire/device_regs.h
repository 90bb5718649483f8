// The device's host interface, defined once: the BAR0 register map and the
// formats of the four rings in host memory (TX descriptors, RX buffers, TX
// completions, RX completions). The device RTL (through rtl/tcpoe_regs_pkg.sv,
// generated from this file by wire/gen_sv_pkg.cpp), the PCIe-style model in
// sim/, the host driver and docs/register-map.md (generated too) all read
// these numbers; the tests wire.*_up_to_date keep the generated files in step.
//
// Byte order, stated once:
//   - Registers are 32-bit words in BAR0, accessed as aligned 32-bit reads and
//     writes (AXI4-Lite, all byte strobes set). Their values are numbers: on
//     PCIe they travel little-endian, as on every PCIe device, and the driver
//     reads and writes them as uint32_t. A 64-bit address is two registers,
//     _LO (bits 31:0) then _HI (bits 63:32).
//   - Ring entries and completions in host memory follow the descriptors'
//     rule (tx_descriptor.h, rx_descriptor.h): multi-octet fields are
//     big-endian within the record, so one convention covers every record the
//     device and the host share.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "tcpoe/wire/layout.h"
#include "tcpoe/wire/rx_descriptor.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace tcpoe::wire::dev {

// ---------------------------------------------------------------------------
// Identity

constexpr uint32_t kDeviceId = 0x54504F45;  // "TPOE" in ASCII, read from REG_ID
constexpr uint8_t kVersionMajor = 1;        // the host interface's version: a driver
constexpr uint8_t kVersionMinor = 0;        // refuses a major it does not know
constexpr uint32_t kVersion = (uint32_t{kVersionMajor} << 16) | (uint32_t{kVersionMinor} << 8);
constexpr uint32_t kBarSize = 0x10000;  // BAR0: 64 KiB

// ---------------------------------------------------------------------------
// Registers

enum class Access : uint8_t {
  kReadOnly,  // writes are refused (CFG_ERROR kReadOnly) and change nothing
  kReadWrite,
  kWrite1Clear,  // reads the bits; writing a 1 clears that bit
};

struct Register {
  uint32_t offset;   // in BAR0, a multiple of 4
  const char* name;  // REG_<name> in the SystemVerilog package
  Access access;
  uint32_t reset;       // value after power-on and after a soft reset
  const char* summary;  // one line for docs/register-map.md
};

// Global registers.
constexpr Register kId{0x0000, "ID", Access::kReadOnly, kDeviceId, "device identifier, \"TPOE\""};
constexpr Register kVersionReg{0x0004, "VERSION", Access::kReadOnly, kVersion,
                               "host interface version: [23:16] major, [15:8] minor"};
constexpr Register kCaps{0x0008, "CAPS", Access::kReadOnly, 0,
                         "capability bits (below), set by the device's build"};
constexpr Register kDataWidth{0x000C, "DATA_WIDTH", Access::kReadOnly, 0,
                              "MAC-side AXI4-Stream width in bits (64, 128, 256, 512)"};
constexpr Register kControl{0x0010, "CONTROL", Access::kReadWrite, 0,
                            "[0] enable, [1] soft reset (reads 1 until done)"};
constexpr Register kStatus{0x0014, "STATUS", Access::kReadOnly, 0,
                           "[0] running, [1] soft reset in progress, [2] no DMA outstanding"};
constexpr Register kCfgError{0x0018, "CFG_ERROR", Access::kWrite1Clear, 0,
                             "the most recent refused register write: [7:0] its code "
                             "(below), [31:16] its offset; any non-zero write clears it"};
constexpr Register kDmaErrorAddrLo{0x0020, "DMA_ERROR_ADDR_LO", Access::kReadOnly, 0,
                                   "host address of the last DMA access outside the "
                                   "mapped windows, bits 31:0"};
constexpr Register kDmaErrorAddrHi{0x0024, "DMA_ERROR_ADDR_HI", Access::kReadOnly, 0,
                                   "... bits 63:32"};
constexpr Register kDmaErrorInfo{0x0028, "DMA_ERROR_INFO", Access::kWrite1Clear, 0,
                                 "the last DMA error: [0] valid, [1] was a write, "
                                 "[7:4] its source (below); write 1 to bit 0 to clear"};
constexpr Register kMaxFrame{0x002C, "MAX_FRAME", Access::kReadOnly, 0,
                             "largest frame the device sends or receives, in octets"};
constexpr Register kGlobalRegisters[] = {
    kId,       kVersionReg,     kCaps,           kDataWidth,    kControl, kStatus,
    kCfgError, kDmaErrorAddrLo, kDmaErrorAddrHi, kDmaErrorInfo, kMaxFrame};

// Rings: four blocks of kRingStride bytes from kRingBase, one per Ring.
enum class Ring : uint8_t {
  kTxDesc = 0,   // host -> device: TX descriptors (tx_ring)
  kRxBuf = 1,    // host -> device: empty RX buffers (rx_buf)
  kTxCompl = 2,  // device -> host: TX completions (tx_compl)
  kRxCompl = 3,  // device -> host: RX completions (rx_compl)
};
constexpr uint8_t kRingCount = 4;
constexpr bool is_completion_ring(Ring r) { return r == Ring::kTxCompl || r == Ring::kRxCompl; }
constexpr const char* kRingNames[kRingCount] = {"TXD", "RXB", "TXC", "RXC"};  // REG_<ring>_<reg>
constexpr uint32_t kRingBase = 0x0100;
constexpr uint32_t kRingStride = 0x20;

// Registers of one ring block, offsets from the block's start. Indices are
// 16-bit free-running counters: entry i lives at BASE + (i mod SIZE) * entry
// size; a ring is empty when PROD == CONS and full when PROD - CONS == SIZE
// (mod 2^16).
namespace ring_reg {
constexpr Register kBaseLo{0x00, "BASE_LO", Access::kReadWrite, 0,
                           "ring base in host memory, bits 31:0; aligned to 64 octets"};
constexpr Register kBaseHi{0x04, "BASE_HI", Access::kReadWrite, 0, "... bits 63:32"};
constexpr Register kSizeLog2{0x08, "SIZE_LOG2", Access::kReadWrite, 0,
                             "log2 of the entry count (range below)"};
// PROD and CONS: on the rings the host fills (TX_DESC, RX_BUF) the host owns
// PROD (its doorbell) and the device CONS; on the completion rings the other
// way round. The owner's side is read-write, the other read-only.
constexpr Register kProdHost{0x0C, "PROD", Access::kReadWrite, 0,
                             "producer index, the host's doorbell: entries before it are ready"};
constexpr Register kConsDevice{0x10, "CONS", Access::kReadOnly, 0,
                               "consumer index, the device's: entries before it are taken"};
constexpr Register kProdDevice{0x0C, "PROD", Access::kReadOnly, 0,
                               "producer index, the device's: completions before it are written"};
constexpr Register kConsHost{0x10, "CONS", Access::kReadWrite, 0,
                             "consumer index, the host's: completions before it are read and "
                             "their entries free"};
constexpr Register kWritebackLo{0x14, "WB_LO", Access::kReadWrite, 0,
                                "where the device writes its index (4 octets, big-endian) "
                                "after each change, bits 31:0; aligned to 64 octets; 0 = nowhere"};
constexpr Register kWritebackHi{0x18, "WB_HI", Access::kReadWrite, 0, "... bits 63:32"};
constexpr Register kRingControl{0x1C, "CTRL", Access::kReadWrite, 0,
                                "[0] enable; the other registers of an enabled ring are "
                                "refused (CFG_ERROR code RING_ENABLED)"};
constexpr Register kHostFilled[] = {kBaseLo,     kBaseHi,      kSizeLog2,    kProdHost,
                                    kConsDevice, kWritebackLo, kWritebackHi, kRingControl};
constexpr Register kDeviceFilled[] = {kBaseLo,   kBaseHi,      kSizeLog2,    kProdDevice,
                                      kConsHost, kWritebackLo, kWritebackHi, kRingControl};
}  // namespace ring_reg

constexpr uint8_t kMinRingLog2 = 2;   // 4 entries
constexpr uint8_t kMaxRingLog2 = 12;  // 4096 entries

// Interrupts: one vector per completion ring (IrqVector), MSI-X style.
enum class IrqVector : uint8_t { kTxCompl = 0, kRxCompl = 1 };
constexpr uint8_t kIrqVectorCount = 2;
constexpr const char* kIrqVectorNames[kIrqVectorCount] = {"TXC", "RXC"};

constexpr Register kIrqEnable{0x0200, "IRQ_ENABLE", Access::kReadWrite, 0,
                              "bit v enables vector v; all clear = poll mode"};
constexpr Register kIrqStatus{0x0204, "IRQ_STATUS", Access::kWrite1Clear, 0,
                              "bit v: vector v has fired since last cleared"};
constexpr Register kIrqRegisters[] = {kIrqEnable, kIrqStatus};
// Moderation per vector, at kIrqModBase + v * kIrqModStride.
constexpr uint32_t kIrqModBase = 0x0210;
constexpr uint32_t kIrqModStride = 0x08;
namespace irq_mod_reg {
constexpr Register kCount{0x00, "MOD_COUNT", Access::kReadWrite, 1,
                          "fire after this many new completions (0 and 1: each)"};
constexpr Register kTime{0x04, "MOD_TIME", Access::kReadWrite, 0,
                         "or this many device clock cycles after the first pending one "
                         "(0: no time limit)"};
constexpr Register kAll[] = {kCount, kTime};
}  // namespace irq_mod_reg

// The MSI-X table: one entry per vector at kMsixBase + v * kMsixStride, in
// PCIe's MSI-X table layout. A vector fires as a 4-octet memory write of DATA
// (little-endian, as PCIe's MSI message) to ADDR.
constexpr uint32_t kMsixBase = 0x0400;
constexpr uint32_t kMsixStride = 0x10;
namespace msix_reg {
constexpr Register kAddrLo{0x00, "ADDR_LO", Access::kReadWrite, 0, "message address, bits 31:0"};
constexpr Register kAddrHi{0x04, "ADDR_HI", Access::kReadWrite, 0, "... bits 63:32"};
constexpr Register kData{0x08, "DATA", Access::kReadWrite, 0, "message data"};
constexpr Register kVectorControl{0x0C, "VECTOR_CTRL", Access::kReadWrite, 1,
                                  "[0] masked: a masked vector stays pending"};
constexpr Register kAll[] = {kAddrLo, kAddrHi, kData, kVectorControl};
}  // namespace msix_reg

// Counters: 32-bit, read-only, wrapping; reset by a soft reset.
constexpr uint32_t kCounterBase = 0x0800;
enum class Counter : uint8_t {
  kFramesTx = 0,
  kFramesRx,
  kIpCsumBad,
  kTcpCsumBad,
  kMalformed,
  kDescRejected,
  kDmaErrors,
  kRxDropNoBuffer,
  kRxDropTooLong,
  kTxCompletions,
  kRxCompletions,
  kInterrupts,
  kMalformedByCode,  // the first of kMalformedCodeCount - 1 counters, code 1 first
};
struct CounterInfo {
  const char* name;  // REG_CNT_<name>
  const char* summary;
};
constexpr CounterInfo kCounterInfo[] = {
    {"FRAMES_TX", "frames sent on m_axis"},
    {"FRAMES_RX", "frames taken from s_axis"},
    {"IP_CSUM_BAD", "received frames whose IPv4 checksum was judged and wrong"},
    {"TCP_CSUM_BAD", "received frames whose TCP checksum was judged and wrong"},
    {"MALFORMED", "received frames with any Malformed code"},
    {"DESC_REJECTED", "TX descriptors refused (their completion says why)"},
    {"DMA_ERRORS", "DMA accesses outside the mapped windows"},
    {"RX_DROP_NO_BUFFER", "received frames dropped: no RX buffer posted"},
    {"RX_DROP_TOO_LONG", "received frames dropped: longer than their RX buffer"},
    {"TX_COMPLETIONS", "TX completions written"},
    {"RX_COMPLETIONS", "RX completions written"},
    {"INTERRUPTS", "MSI-X messages sent"},
};
static_assert(sizeof(kCounterInfo) / sizeof(kCounterInfo[0]) ==
                  static_cast<std::size_t>(Counter::kMalformedByCode),
              "a name for every counter before the per-code ones");
constexpr uint8_t kCounterCount =
    static_cast<uint8_t>(Counter::kMalformedByCode) + (kMalformedCodeCount - 1);
constexpr uint32_t counter_offset(Counter c) {
  return kCounterBase + 4u * static_cast<uint32_t>(c);
}
constexpr uint32_t malformed_counter_offset(Malformed code) {
  return counter_offset(Counter::kMalformedByCode) + 4u * (static_cast<uint32_t>(code) - 1u);
}

constexpr uint32_t ring_offset(Ring r, const Register& reg) {
  return kRingBase + kRingStride * static_cast<uint32_t>(r) + reg.offset;
}
constexpr uint32_t irq_mod_offset(IrqVector v, const Register& reg) {
  return kIrqModBase + kIrqModStride * static_cast<uint32_t>(v) + reg.offset;
}
constexpr uint32_t msix_offset(IrqVector v, const Register& reg) {
  return kMsixBase + kMsixStride * static_cast<uint32_t>(v) + reg.offset;
}

// Every register of BAR0 with its full name (REG_<name> in the package),
// in offset order: what the generator, the docs, the model's decoder and the
// driver's traces read. The per-code counters are named after their
// Malformed code (to_string() in layout.h).
struct RegisterInstance {
  uint32_t offset;
  std::string name;
  Access access;
  uint32_t reset;
  std::string summary;
};

inline std::vector<RegisterInstance> register_map() {
  std::vector<RegisterInstance> map;
  const auto add = [&map](uint32_t base, const Register& r, const std::string& prefix) {
    map.push_back({base + r.offset, prefix + r.name, r.access, r.reset, r.summary});
  };
  for (const Register& r : kGlobalRegisters) add(0, r, "");
  for (uint8_t i = 0; i < kRingCount; ++i) {
    const bool completion = is_completion_ring(static_cast<Ring>(i));
    for (std::size_t k = 0; k < std::size(ring_reg::kHostFilled); ++k)
      add(kRingBase + kRingStride * i,
          completion ? ring_reg::kDeviceFilled[k] : ring_reg::kHostFilled[k],
          std::string(kRingNames[i]) + "_");
  }
  for (const Register& r : kIrqRegisters) add(0, r, "");
  for (uint8_t v = 0; v < kIrqVectorCount; ++v)
    for (const Register& r : irq_mod_reg::kAll)
      add(kIrqModBase + kIrqModStride * v, r, std::string("IRQ_") + kIrqVectorNames[v] + "_");
  for (uint8_t v = 0; v < kIrqVectorCount; ++v)
    for (const Register& r : msix_reg::kAll)
      add(kMsixBase + kMsixStride * v, r, std::string("MSIX_") + kIrqVectorNames[v] + "_");
  for (uint8_t c = 0; c < kCounterCount; ++c) {
    const uint8_t first_by_code = static_cast<uint8_t>(Counter::kMalformedByCode);
    const bool by_code = c >= first_by_code;
    const std::string name =
        by_code ? std::string("MALFORMED_") + to_string(static_cast<Malformed>(c - first_by_code + 1))
                : kCounterInfo[c].name;
    map.push_back({kCounterBase + 4u * c, "CNT_" + name, Access::kReadOnly, 0,
                   by_code ? "received frames with this Malformed code" : kCounterInfo[c].summary});
  }
  return map;
}

// Bits of the global registers.
namespace cap_bit {
constexpr uint8_t kMsix = 0;            // MSI-X vectors (kIrqVectorCount)
constexpr uint8_t kIrqModeration = 1;   // MOD_COUNT / MOD_TIME
constexpr uint8_t kIndexWriteback = 2;  // WB_LO / WB_HI
constexpr uint8_t kTxChecksum = 3;      // the builder fills both checksums
constexpr uint8_t kRxChecksum = 4;      // the parser judges both checksums
}  // namespace cap_bit
namespace control_bit {
constexpr uint8_t kEnable = 0;     // process rings; clear: finish the frame in flight, then stop
constexpr uint8_t kSoftReset = 1;  // write 1: stop every DMA, then reset; reads 1 until done
}  // namespace control_bit
namespace status_bit {
constexpr uint8_t kRunning = 0;
constexpr uint8_t kResetBusy = 1;  // a soft reset is draining DMA; nothing new is started
constexpr uint8_t kDmaIdle = 2;    // no DMA request outstanding
}  // namespace status_bit

// Why a register write was refused (CFG_ERROR[7:0]). A refused write changes
// nothing: a register is never half-applied.
enum class CfgError : uint8_t {
  kNone = 0,
  kReadOnly = 1,       // the register is read-only
  kUnmapped = 2,       // no register at that offset
  kRingEnabled = 3,    // ring configuration written while the ring is enabled
  kBadRingSize = 4,    // SIZE_LOG2 outside kMinRingLog2..kMaxRingLog2
  kBadAlignment = 5,   // BASE_LO or WB_LO not aligned to 64 octets
  kBadIndex = 6,       // PROD/CONS moved backwards or past the other index's bound
  kNotConfigured = 7,  // ring enabled without a base address or a size
  kResetBusy = 8,      // written during a soft reset
  kPartialWrite = 9,   // not all four byte strobes set
  kRingDisabled = 10,  // PROD/CONS written while the ring is disabled
};
constexpr const char* kCfgErrorNames[] = {
    "NONE",      "READ_ONLY",      "UNMAPPED",   "RING_ENABLED",  "BAD_RING_SIZE", "BAD_ALIGNMENT",
    "BAD_INDEX", "NOT_CONFIGURED", "RESET_BUSY", "PARTIAL_WRITE", "RING_DISABLED"};
constexpr uint8_t kCfgErrorCount = sizeof(kCfgErrorNames) / sizeof(kCfgErrorNames[0]);
static_assert(static_cast<uint8_t>(CfgError::kRingDisabled) + 1 == kCfgErrorCount, "a name each");

// Which DMA user made a faulting access (DMA_ERROR_INFO[7:4]).
enum class DmaSource : uint8_t {
  kTxDescFetch = 0,
  kTxPayloadRead = 1,
  kRxBufferWrite = 2,
  kTxComplWrite = 3,
  kRxComplWrite = 4,
  kIndexWriteback = 5,
  kMsix = 6,
};
constexpr const char* kDmaSourceNames[] = {"TX_DESC_FETCH",
                                           "TX_PAYLOAD_READ",
                                           "RX_BUFFER_WRITE",
                                           "TX_COMPL_WRITE",
                                           "RX_COMPL_WRITE",
                                           "INDEX_WRITEBACK",
                                           "MSIX"};
static_assert(sizeof(kDmaSourceNames) / sizeof(kDmaSourceNames[0]) ==
                  static_cast<std::size_t>(DmaSource::kMsix) + 1,
              "a name each");

// ---------------------------------------------------------------------------
// Ring entries in host memory (big-endian fields, see the top of this file)

// TX_DESC ring: 128 octets per entry. Octets 0..55 are the TX descriptor
// (tx_descriptor.h) as the builder takes it; 56..63 are reserved (zero);
// 64..127 are the gather list: kMaxParts parts, each a host address (any
// octet address) and a length. The device reads the parts in order, skipping
// those of length 0, and their octets, one after the other, are the
// descriptor's `payload_len` octets (the stream options, then the payload):
// the driver sends a segment straight from its send buffer, in two parts
// across the buffer's wrap, after a part holding its SACK blocks. The lengths
// must add up to `payload_len`, else the descriptor is rejected.
namespace tx_ring {
constexpr uint16_t kEntrySize = 128;
constexpr uint16_t kPartsOffset = 64;
constexpr uint16_t kPartSize = 16;
constexpr unsigned kMaxParts = 4;
constexpr Field kPartAddr{0, 8};  // within a part: its first octet's host address, any alignment
constexpr Field kPartLen{8, 2};   // within a part: octets; 10..15 reserved, zero
// Part k's fields within the entry.
constexpr Field part_addr(unsigned k) {
  return Field{static_cast<uint16_t>(kPartsOffset + k * kPartSize + kPartAddr.offset), kPartAddr.size};
}
constexpr Field part_len(unsigned k) {
  return Field{static_cast<uint16_t>(kPartsOffset + k * kPartSize + kPartLen.offset), kPartLen.size};
}
static_assert(kPartsOffset >= txdesc::kSize && kPartsOffset + kMaxParts * kPartSize == kEntrySize,
              "the gather list fills the entry after the descriptor");

// One part of the gather list.
struct Part {
  uint64_t addr = 0;
  uint16_t len = 0;
};
using EntryBytes = std::array<uint8_t, kEntrySize>;
// A whole ring entry as the host writes it: the descriptor (octets 0..55 of
// pack(d): its payload_len field counts the stream options), then `parts` (at most kMaxParts, the rest
// of the list zero), every reserved octet zero.
// The parts as `count` at `parts` (no container: the driver's post path
// allocates nothing), or as a vector.
inline EntryBytes entry(const TxDescriptor& d, const Part* parts, std::size_t count) {
  if (count > kMaxParts) throw std::invalid_argument("tx_ring::entry: more than 4 parts");
  EntryBytes e{};
  const TxDescriptorBytes packed = pack(d);
  std::copy(packed.begin(), packed.begin() + txdesc::kReservedOffset, e.begin());
  for (unsigned k = 0; k < count; ++k) {
    for (unsigned i = 0; i < part_addr(k).size; ++i)
      e[part_addr(k).offset + i] = uint8_t(parts[k].addr >> (8 * (part_addr(k).size - 1 - i)));
    set_be16(e.data(), part_len(k).offset, parts[k].len);
  }
  return e;
}
inline EntryBytes entry(const TxDescriptor& d, const std::vector<Part>& parts) {
  return entry(d, parts.data(), parts.size());
}
}  // namespace tx_ring

// RX_BUF ring: one empty buffer per entry.
namespace rx_buf {
constexpr uint16_t kEntrySize = 16;
constexpr Field kAddr{0, 8};  // aligned to 64 octets (else the frame's completion: DESC_REJECTED)
constexpr Field kLen{8, 4};  // octets; a frame longer than its buffer is dropped and counted
// Octets 12..15 reserved, zero.
}  // namespace rx_buf

// Completions carry a phase bit: the device writes the phase of the ring's
// current pass (1 on the first pass after enable, then flipped on every wrap),
// last, so an entry is new when its phase equals the pass the host expects.

// TX_COMPL ring: one per TX descriptor, in descriptor order.
namespace tx_compl {
constexpr uint16_t kEntrySize = 16;
constexpr Field kDescIndex{0, 2};  // the TX_DESC index it completes
constexpr Field kStatus{2, 1};     // ComplStatus
constexpr Field kTimestamp{4, 8};  // device clock cycle the frame's last beat left (not sent: refused)
constexpr Field kFlags{15, 1};     // compl_flag bits; written last
}  // namespace tx_compl

// The status octet of both completions.
enum class ComplStatus : uint8_t {
  kOk = 0,              // TX: sent; RX: in the buffer, the descriptor's verdict judges it
  kDescRejected = 1,    // TX: the builder refused the descriptor's fields (counted); RX: the
                        // buffer address is not aligned to 64 octets (the frame is not written)
  kPayloadTooLong = 2,  // TX: payload_len beyond MAX_FRAME
  kDmaError = 3,        // TX: the ring entry or payload, RX: the buffer, is outside the mapped windows
};
constexpr const char* kComplStatusNames[] = {"OK", "DESC_REJECTED", "PAYLOAD_TOO_LONG",
                                             "DMA_ERROR"};

// RX_COMPL ring: one per received frame that found a buffer, in arrival order.
namespace rx_compl {
constexpr uint16_t kEntrySize = 128;
constexpr Field kRxDesc{0, rx_desc::kSize};  // the parser's descriptor, as it is
constexpr Field kBufIndex{64, 2};            // the RX_BUF index the frame landed in
constexpr Field kFrameLen{66, 2};            // octets written to the buffer
constexpr Field kStatus{68, 1};              // ComplStatus
constexpr Field kTimestamp{72, 8};           // device clock cycle of the frame's last beat
constexpr Field kFlags{127, 1};              // compl_flag bits; written last
}  // namespace rx_compl

namespace compl_flag {
constexpr uint8_t kPhase = 1u << 7;
}  // namespace compl_flag

}  // namespace tcpoe::wire::dev
