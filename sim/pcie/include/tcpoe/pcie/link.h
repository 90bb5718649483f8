// The PCIe link as the protocol costs it, without SystemC: the settings, how
// DMA and MMIO requests become TLPs, the two directions of the link as
// serializers, the tag pool, the counters and the TLP trace. Times are
// picoseconds (double) from the start of the simulation.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace tcpoe::pcie {

// Every setting of the link and of the host behind it. validate() refuses a
// setting the protocol does not allow, with a message naming it.
struct LinkConfig {
  unsigned generation = 3;       // 1..5
  unsigned lanes = 8;            // 1, 2, 4, 8, 12, 16, 32
  unsigned max_payload = 256;    // MPS, octets: 128..4096, a power of two
  unsigned max_read_request = 512;  // MRRS, octets: 128..4096, a power of two
  unsigned read_completion_boundary = 64;  // RCB, octets: 64 or 128
  unsigned address_bits = 64;    // 32 (3-DW headers) or 64 (4-DW headers)
  unsigned tags = 32;            // outstanding non-posted requests: 1..256
  bool ecrc = false;             // 4-octet TLP digest on every TLP
  // From a memory read request's arrival at the root complex to its first
  // completion leaving it. With the Gen3 x8 defaults a lone 64-octet DMA
  // read then takes 550 ns from request to completion, as measured on a
  // real host by Neugebauer et al. (SIGCOMM 2018).
  double host_read_latency_ns = 535.0;
  double device_clock_mhz = 250.0;     // the device's clock (BAR register reads)
  unsigned register_read_cycles = 2;   // device clocks for a BAR register read
  std::uint64_t max_request_bytes = 1u << 20;  // a larger DMA request is refused

  // An empty string when the settings are valid, else what is wrong.
  std::string problem() const;
  // Throws std::invalid_argument with problem() when not valid.
  void validate() const;

  double raw_gbps() const;  // lanes x rate x encoding efficiency
  // Ack latency limit and UpdateFC interval, in symbol times (PCIe Base
  // Specification): floor((MPS + 28) * AckFactor / lanes + InternalDelay).
  unsigned ack_limit_symbols() const;
  // Share of the raw rate left for TLPs after Ack and UpdateFC DLLPs (one
  // of each, 8 octets, per ack limit) and SKP ordered sets (4 symbols per
  // 1538).
  double tlp_gbps() const;
  unsigned memory_request_header_octets() const;  // framing + seq + LCRC + header (+ ECRC)
  unsigned completion_header_octets() const;
  double register_read_ns() const { return register_read_cycles * 1000.0 / device_clock_mhz; }
};

enum class TlpType { MWr, MRd, CplD };
enum class Direction { ToHost, ToDevice };  // upstream, downstream

const char* to_string(TlpType t);
const char* to_string(Direction d);

struct Tlp {
  TlpType type;
  std::uint64_t address;  // for a CplD: the host address of its first data octet
  std::uint32_t length;   // payload octets (MRd: octets requested)
  int tag;                // -1 for posted writes
};

// How requests split into TLPs (PCIe Base Specification, 2.2.7, 2.3.1.1):
// writes at MPS and 4 KB boundaries, read requests at MRRS and 4 KB,
// completions at most MPS each and split only at RCB-aligned addresses.
std::vector<Tlp> split_write(const LinkConfig& cfg, std::uint64_t address, std::uint64_t length);
std::vector<Tlp> split_read_requests(const LinkConfig& cfg, std::uint64_t address,
                                     std::uint64_t length);
std::vector<Tlp> split_completions(const LinkConfig& cfg, const Tlp& read_request);
// Octets a TLP occupies on the link.
std::uint64_t wire_octets(const LinkConfig& cfg, const Tlp& tlp);

// One direction of the link: each TLP occupies it for its octets at
// tlp_gbps(). A TLP takes the earliest gap of its length that starts no
// earlier than it is ready, so a TLP reserved for later (a completion after
// the host's latency) leaves the time before it to others.
class Serializer {
 public:
  explicit Serializer(double gbps) : ps_per_octet_(8000.0 / gbps) {}
  // Returns the start time; the TLP ends at start + duration_ps(octets).
  double reserve(double ready_ps, std::uint64_t octets);
  double duration_ps(std::uint64_t octets) const { return double(octets) * ps_per_octet_; }
  // Drops the reservations that ended by `now_ps` (nothing can be reserved
  // before the present).
  void forget_before(double now_ps);

 private:
  double ps_per_octet_;
  std::map<double, double> busy_;  // start -> end
};

// Tags for non-posted requests: a request takes the tag free earliest.
class TagPool {
 public:
  explicit TagPool(unsigned tags) : free_at_ps_(tags, 0.0) {}
  struct Grant {
    int tag;
    double free_at_ps;
  };
  Grant earliest() const;
  void hold_until(int tag, double ps) { free_at_ps_.at(std::size_t(tag)) = ps; }

 private:
  std::vector<double> free_at_ps_;
};

struct Counters {
  std::uint64_t mmio_reads = 0, mmio_writes = 0;
  std::uint64_t tlps_to_host = 0, tlps_to_device = 0;
  std::uint64_t payload_bytes_to_host = 0, payload_bytes_to_device = 0;  // data carried by TLPs
  std::uint64_t wire_bytes_to_host = 0, wire_bytes_to_device = 0;        // TLPs' octets on the link
  std::uint64_t dma_writes = 0, dma_reads = 0;
  std::uint64_t interrupts = 0;
  std::uint64_t iommu_faults = 0;      // DMA outside the mapped windows: refused
  std::uint64_t refused_requests = 0;  // malformed or absurd requests: refused
};

// The link in both directions, with its tags, counters and optional trace.
// Each call schedules one request's TLPs from `now_ps` and returns when it
// is done. Requests are scheduled in the order of the calls, which must
// not go back in time.
class Link {
 public:
  explicit Link(const LinkConfig& cfg);  // validates cfg

  // A DMA write: returns when its last octet is in host memory.
  double dma_write(double now_ps, std::uint64_t address, std::uint64_t length);
  // A DMA read: returns when its last completion has reached the device.
  double dma_read(double now_ps, std::uint64_t address, std::uint64_t length);
  // A posted MMIO write: returns when it reaches the device.
  double mmio_write(double now_ps, std::uint64_t bar_address, std::uint32_t length);
  // A non-posted MMIO read, in two halves around the device's register
  // read: the request's arrival at the device (and the tag it holds), then,
  // given when the device has the value, the completion's arrival at the host.
  struct MmioRead {
    double arrival_ps;
    int tag;
  };
  MmioRead mmio_read_request(double now_ps, std::uint64_t bar_address, std::uint32_t length);
  double mmio_read_completion(const MmioRead& request, double value_ready_ps,
                              std::uint64_t bar_address, std::uint32_t length);

  // One line per TLP: time_ns dir type addr len tag (nullptr: no trace).
  void set_trace(std::ostream* trace) { trace_ = trace; }
  Counters& counters() { return counters_; }
  const Counters& counters() const { return counters_; }
  const LinkConfig& config() const { return cfg_; }

 private:
  double send(Direction dir, const Tlp& tlp, double ready_ps);  // returns the end time
  double complete(const Tlp& request, double arrival_ps, Direction dir);

  LinkConfig cfg_;
  Serializer to_host_, to_device_;
  TagPool device_tags_;  // the device's reads
  TagPool host_tags_;    // the host's MMIO reads
  Counters counters_;
  std::ostream* trace_ = nullptr;
};

// The protocol's bound for back-to-back transfers of `size` octets at an
// aligned address, from the same costs (the benchmark's "limit" column).
double write_limit_gbps(const LinkConfig& cfg, std::uint64_t size);
double read_limit_gbps(const LinkConfig& cfg, std::uint64_t size);

}  // namespace tcpoe::pcie
