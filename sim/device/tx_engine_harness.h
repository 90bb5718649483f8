// rtl/tcpoe_tx_engine.sv, verilated at DATA_W 64 and 512, with a host around
// it: the AXI4 slave memory of axi_slave.h (random latencies and gaps) and its
// rule checkers, a MAC sink with random tready, and a host that writes TX
// descriptors and payloads into memory, rings the doorbell (TXD host_idx) and
// reads completions by their phase bit, moving TXC host_idx. The ring
// configurations are driven directly (the tcpoe_dev_pkg::ring_cfg_t vectors),
// without a register file.
//
// Clock by clock, besides the AXI rules, the bench checks what only the
// engine's job explains: a descriptor fetch reads the ring from where the
// last one ended, entries the host has posted, at most FETCH_BATCH of them; a
// payload read is the next part's (of nonzero length) of the next descriptor
// that needs its parts read, whole; a write is the
// next completion's (its aligned block) or a write-back; a write-back of TXC
// PROD never counts a completion whose write is not answered, nor TXD CONS
// an entry not yet read; compl_event never runs ahead of the answered
// completion writes; m_axis_tx holds a beat until taken. Rings must not cross
// a 4 KB boundary (a fetch is then one burst) and the descriptors' first
// parts' beats must be distinct.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "axi_slave.h"
#include "dev_structs.h"
#include "tcpoe/wire/device_regs.h"
#include "tcpoe/wire/tx_descriptor.h"

namespace tcpoe::sim {

// The parameters each width is verilated with (sim/device/CMakeLists.txt).
struct TxEngineParams {
  int data_width, max_payload, fetch_batch, max_burst, outstanding;
};
constexpr TxEngineParams kTxEngine64{64, 2048, 8, 64, 8};
constexpr TxEngineParams kTxEngine512{512, 2048, 8, 16, 8};
// Throws std::invalid_argument for a width not verilated.
const TxEngineParams& tx_engine_params(int data_width);

// One TX_DESC ring entry as the host writes it, and the payload it writes
// first, spread over the gather list's parts in order (payload.size()
// octets; normally the descriptor's payload_len + stream_opt_len). No parts:
// one, at payload_addr, of that length.
struct TxPost {
  wire::TxDescriptor desc;
  uint64_t payload_addr = 0;
  std::vector<uint8_t> payload;
  std::vector<wire::dev::tx_ring::Part> parts;
  // The gather list the entry carries.
  std::vector<wire::dev::tx_ring::Part> gather() const {
    if (!parts.empty()) return parts;
    return {{payload_addr, uint16_t(desc.payload_len + desc.stream_opt_len)}};
  }
};

// A TX completion as the host read it from the TXC ring.
struct TxCompletion {
  uint16_t index = 0;
  uint8_t status = 0;
  uint64_t timestamp = 0;
  uint64_t cycle = 0;  // when the host read it
};

struct TxDmaError {
  uint64_t cycle = 0, addr = 0;
  bool write = false;
  int source = 0;
};

struct TxHostPolicy {
  int post_batch = 1;            // descriptors per doorbell at most (0: all that fit)
  double doorbell_prob = 1.0;    // per cycle, while descriptors wait to be posted
  double consume_prob = 1.0;     // per cycle: the host reads a completion
  bool consume = true;           // false: the host reads no completion (ring fills up)
};

struct TxBenchOptions {
  AxiSlaveTiming slave;
  double mac_tready_prob = 1.0;
  TxHostPolicy host;
  std::string fst_path;  // a waveform, when not empty
};

// What the bench saw, from the start (or the last clear_observations()).
struct TxObservations {
  std::vector<std::vector<uint8_t>> frames;  // m_axis_tx, in order
  std::vector<uint64_t> frame_last_cycle;    // handshake cycle of each frame's last beat
  std::vector<TxCompletion> completions;     // as the host read them
  std::vector<TxDmaError> dma_errors;
  std::vector<std::string> violations;       // rules broken (bench, AXI, stream)
  uint64_t cnt_frames_tx = 0, cnt_desc_rejected = 0, cnt_tx_completions = 0, compl_events = 0;
  uint64_t fetch_bursts = 0;        // AR bursts reading the TXD ring
  uint64_t fetched_entries = 0;     // entries those bursts read
  uint64_t payload_reads = 0;       // payloads read (their first burst)
  uint64_t ar_bursts = 0, aw_bursts = 0;
  uint64_t completion_writes = 0;   // AW bursts writing the TXC ring
  uint64_t reads_started_after_stop = 0, writes_started_after_stop = 0;  // see stop()
  uint64_t axi_after_idle = 0;      // AR/AW handshakes after idle rose following stop()
  uint64_t frames_started_after_stop = 0;
};

class TxEngineBench {
 public:
  TxEngineBench(int data_width, AxiMemory& mem, const TxBenchOptions& options = {});
  ~TxEngineBench();
  TxEngineBench(const TxEngineBench&) = delete;
  TxEngineBench& operator=(const TxEngineBench&) = delete;

  const TxEngineParams& params() const;
  // Holds rst for a few clocks; the host forgets what it posted and what it
  // has not (its indices restart from 0).
  void reset();
  // Zeroes the TXC ring's memory and the write-back words, as a driver does,
  // then enables the rings
  // (base, size_log2, wb_addr as given) and the device.
  void start(const RingCfg& txd, const RingCfg& txc);
  // Drops `enable` and both rings' enable bits (host_idx stays): from now on
  // the counts of *_after_stop grow with each read or write that starts
  // (its first burst), each frame that starts, and each AXI handshake once
  // `idle` has risen.
  void stop();
  // Queues descriptors for the host to post, in order.
  void post(const std::vector<TxPost>& posts);
  void set_consume(bool on);
  // Runs clocks until done() (checked every clock) or max_cycles; false on timeout.
  bool run_until(const std::function<bool()>& done, uint64_t max_cycles);
  bool run_for(uint64_t cycles);

  bool idle() const;
  uint16_t txd_cons() const;  // the engine's ports
  uint16_t txc_prod() const;
  uint16_t host_txd_prod() const;
  uint16_t host_txc_cons() const;
  size_t posts_waiting() const;  // queued, not yet posted
  uint64_t cycle() const;
  // The 4 octets at addr, big-endian (a write-back).
  uint32_t read_be32(uint64_t addr) const;
  const TxObservations& seen() const;
  void clear_observations();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tcpoe::sim
