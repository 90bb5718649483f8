// What the device layer's queues share: a ring's registers programmed from
// its DmaRegion, the block where the device writes its ring indices back
// (one 64-octet line per ring, so each 4-octet write starts a bus beat),
// and the phase a completion must carry to be new.
#pragma once

#include <cstdint>

#include "tcpoe/driver/dev/dma_region.h"
#include "tcpoe/pcie/host_interface.h"
#include "tcpoe/wire/device_regs.h"

namespace tcpoe::driver::dev {

using wire::dev::Ring;

class IndexWriteback {
 public:
  static constexpr std::uint32_t kStride = 64;

  IndexWriteback() = default;
  explicit IndexWriteback(pcie::HostInterface& host)
      : region_(host, kStride * wire::dev::kRingCount) {}

  std::uint64_t address(Ring r) const { return region_.device_address() + kStride * unsigned(r); }
  // The device's latest index of `r` (4 octets, big-endian); no register read.
  std::uint16_t index(Ring r) const;
  DmaRegion& region() { return region_; }

 private:
  DmaRegion region_;
};

// A completion ring's consumer index as the driver hands it back. A
// completion is in host memory (its phase bit set) a few cycles before the
// device's PROD covers it, and the register file refuses a CONS beyond
// PROD (CFG_ERROR BAD_INDEX, docs/device.md): so CONS goes only as far as
// the PROD the index write-back shows, and completions reaped beyond it are
// handed back by a later call. No register read.
class CompletionHandback {
 public:
  CompletionHandback(pcie::HostInterface& host, Ring ring, const IndexWriteback& writeback)
      : host_(host), ring_(ring), writeback_(writeback) {}

  // Completions are reaped up to (free-running) `reaped`: writes CONS once,
  // up to min(reaped, the device's PROD), when that is further than before.
  void hand_back(std::uint16_t reaped);
  // Reaped completions not handed back yet.
  std::uint16_t pending(std::uint16_t reaped) const { return std::uint16_t(reaped - written_); }
  std::uint16_t written() const { return written_; }

 private:
  pcie::HostInterface& host_;
  Ring ring_;
  const IndexWriteback& writeback_;
  std::uint16_t written_ = 0;
};

// Base, size and write-back address of ring `r`, then its enable bit.
void program_ring(pcie::HostInterface& host, Ring r, const DmaRegion& region, std::uint8_t log2,
                  std::uint64_t writeback_address);

// The phase bit a completion at free-running index `index` carries when new:
// 1 on the ring's first pass after enable, flipped on every wrap.
constexpr std::uint8_t expected_phase(std::uint16_t index, std::uint8_t log2) {
  return ((index >> log2) & 1) ? 0 : wire::dev::compl_flag::kPhase;
}

// The ring entries' 8-octet big-endian addresses and timestamps.
inline void put_be64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = std::uint8_t(v);
}
inline std::uint64_t get_be64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | p[i];
  return v;
}

constexpr std::uint16_t ring_slot(std::uint16_t index, std::uint8_t log2) {
  return std::uint16_t(index & ((1u << log2) - 1));
}

}  // namespace tcpoe::driver::dev
