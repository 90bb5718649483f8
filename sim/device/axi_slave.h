// An AXI4 slave memory for the DMA engine's harnesses, and a checker of the
// AXI rules a master must keep, both clock by clock and independent of any
// verilated model: the harness copies the ports into AxiReadPorts each cycle.
//
// AxiMemory: sparse host memory. An octet nobody wrote reads as a hash of its
// address, so every read has known, address-dependent content without
// storing it. Ranges of it answer SLVERR or DECERR.
//
// AxiReadSlave and AxiWriteSlave: take bursts with random ready gaps, answer
// each after a random latency, with random valid gaps; responses to different
// IDs may come back in any order (AXI allows it), one ID's always in order.
//
// AxiReadChecker and AxiWriteChecker: the rules a master keeps, every cycle.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace tcpoe::sim {

constexpr uint8_t kAxiOkay = 0, kAxiSlvErr = 2, kAxiDecErr = 3;

class AxiMemory {
 public:
  struct ErrorRange {
    uint64_t begin, end;  // [begin, end)
    uint8_t resp;         // kAxiSlvErr or kAxiDecErr
  };
  uint8_t read(uint64_t addr) const;
  void write(uint64_t addr, uint8_t value);
  void add_error_range(const ErrorRange& r) { errors_.push_back(r); }
  // The response to a beat reading [addr, addr + n).
  uint8_t resp(uint64_t addr, uint64_t n) const;

 private:
  std::unordered_map<uint64_t, std::vector<uint8_t>> pages_;  // 4 KB each
  std::vector<ErrorRange> errors_;
};

struct AxiSlaveTiming {
  int latency_min = 4, latency_max = 30;  // cycles from AR handshake to first beat
  double arready_prob = 1.0;              // per cycle
  double rvalid_prob = 1.0;               // per beat, per cycle
  uint32_t seed = 1;
};

// An address channel (AR or AW) as seen in one cycle before its clock edge.
struct AxiAddrPorts {
  bool valid = false, ready = false;
  uint64_t addr = 0;
  uint32_t id = 0, len = 0, size = 0, burst = 0, cache = 0, prot = 0;
};

// What the master drives and the slave answers on the AR and R channels.
struct AxiReadPorts {
  AxiAddrPorts ar;
  bool rvalid = false, rready = false, rlast = false;
  uint32_t rid = 0;
  uint8_t rresp = 0;
};

// The same for AW, W and B.
struct AxiWritePorts {
  AxiAddrPorts aw;
  bool wvalid = false, wready = false, wlast = false;
  std::vector<uint8_t> wdata;
  uint64_t wstrb = 0;
  bool bvalid = false, bready = false;
  uint32_t bid = 0;
  uint8_t bresp = 0;
};

class AxiReadSlave {
 public:
  AxiReadSlave(const AxiMemory& mem, int bytes_per_beat, const AxiSlaveTiming& t);
  // Before the cycle: ARREADY and the R beat offered (held until taken).
  void prepare(uint64_t cycle);
  bool arready() const { return arready_; }
  bool rvalid() const { return beat_valid_; }
  uint32_t rid() const { return beat_id_; }
  bool rlast() const { return beat_last_; }
  uint8_t rresp() const { return beat_resp_; }
  const std::vector<uint8_t>& rdata() const { return beat_data_; }
  // At the clock edge, with the handshakes of the cycle.
  void clock(uint64_t cycle, const AxiReadPorts& p);

 private:
  struct Burst {
    uint64_t addr;
    uint32_t beats, sent = 0;
    uint64_t ready_at;
  };
  void load_beat();

  const AxiMemory& mem_;
  const int bytes_;
  AxiSlaveTiming t_;
  std::mt19937_64 rng_;
  std::map<uint32_t, std::deque<Burst>> by_id_;
  bool arready_ = false;
  bool in_burst_ = false;  // a burst has started: its beats come first
  uint32_t cur_id_ = 0;
  bool beat_valid_ = false, beat_last_ = false;
  uint32_t beat_id_ = 0;
  uint8_t beat_resp_ = 0;
  std::vector<uint8_t> beat_data_;
};

// Takes write bursts with random AWREADY and WREADY gaps (W only for a burst
// whose AW it has taken), writes the strobed octets into the memory, and
// answers each burst after a random latency, with random BVALID gaps; B
// responses of different IDs in any order, one ID's in order. A burst that
// touches an error range is answered with its response (its octets are
// written all the same).
class AxiWriteSlave {
 public:
  AxiWriteSlave(AxiMemory& mem, int bytes_per_beat, const AxiSlaveTiming& t);
  void prepare(uint64_t cycle);
  bool awready() const { return awready_; }
  bool wready() const { return wready_; }
  bool bvalid() const { return b_valid_; }
  uint32_t bid() const { return b_id_; }
  uint8_t bresp() const { return b_resp_; }
  void clock(uint64_t cycle, const AxiWritePorts& p);

 private:
  struct Burst {
    uint32_t id;
    uint64_t addr;
    uint32_t beats, written = 0;
    uint8_t resp = kAxiOkay;
  };
  struct Response {
    uint8_t resp;
    uint64_t ready_at;
  };
  AxiMemory& mem_;
  const int bytes_;
  AxiSlaveTiming t_;
  std::mt19937_64 rng_;
  std::deque<Burst> writing_;  // AW taken, W not complete, in AW order
  std::map<uint32_t, std::deque<Response>> by_id_;
  bool awready_ = false, wready_ = false, b_valid_ = false;
  uint32_t b_id_ = 0;
  uint8_t b_resp_ = 0;
};

// The rules broken, as text with their cycle; the first 20 are kept.
class AxiViolations {
 public:
  void fail(uint64_t cycle, const std::string& what);
  const std::vector<std::string>& list() const { return list_; }

 private:
  std::vector<std::string> list_;
};

// The rules of an address channel for a master that reads or writes whole
// beats: stable until ready, INCR of the bus width, at most MAX_BURST beats,
// within a 4 KB page, the documented ARCACHE/AWCACHE and PROT, and every
// burst inside the commands accepted, in their order.
class AxiAddrChecker {
 public:
  AxiAddrChecker(const char* channel, int bytes_per_beat, int max_burst, AxiViolations& v)
      : channel_(channel), bytes_(bytes_per_beat), max_burst_(max_burst), v_(v) {}
  // Every access the master may make, in order: [addr, addr + beats * bytes).
  void expect(uint64_t addr, uint64_t beats) { expected_.push_back({addr, beats}); }
  // Or any access at all (a device whose accesses the test does not list):
  // the rules of each burst are checked, not where it goes.
  void allow_any() { any_ = true; }
  // Returns whether the channel's handshake happened.
  bool check(uint64_t cycle, const AxiAddrPorts& p);
  uint64_t bursts() const { return bursts_; }

 private:
  struct Region {
    uint64_t addr, beats;
  };
  std::string channel_;
  const int bytes_, max_burst_;
  AxiViolations& v_;
  std::deque<Region> expected_;
  bool any_ = false;
  bool held_ = false;  // VALID was high without READY last cycle
  AxiAddrPorts last_{};
  uint64_t bursts_ = 0;
};

// Bursts in flight, never above OUTSTANDING.
class AxiOutstanding {
 public:
  AxiOutstanding(int limit, AxiViolations& v) : limit_(limit), v_(v) {}
  void update(uint64_t cycle, bool started, bool ended);
  int max_seen() const { return max_seen_; }

 private:
  const int limit_;
  AxiViolations& v_;
  int in_flight_ = 0, max_seen_ = 0;
};

// The rules an AXI4 read master keeps, checked every cycle.
class AxiReadChecker {
 public:
  AxiReadChecker(int bytes_per_beat, int max_burst, int outstanding)
      : ar_("AR", bytes_per_beat, max_burst, v_), out_(outstanding, v_) {}
  void expect_read(uint64_t addr, uint64_t beats) { ar_.expect(addr, beats); }
  void allow_any_read() { ar_.allow_any(); }
  void check(uint64_t cycle, const AxiReadPorts& p);
  const std::vector<std::string>& violations() const { return v_.list(); }
  int max_outstanding() const { return out_.max_seen(); }
  uint64_t bursts() const { return ar_.bursts(); }

 private:
  AxiViolations v_;
  AxiAddrChecker ar_;
  AxiOutstanding out_;
};

// The rules an AXI4 write master keeps, checked every cycle: the address
// channel's, W stable until WREADY, W only after its burst's AW, WLAST on a
// burst's last beat and only there, WSTRB never outside the command's octets.
class AxiWriteChecker {
 public:
  AxiWriteChecker(int bytes_per_beat, int max_burst, int outstanding)
      : bytes_(bytes_per_beat), aw_("AW", bytes_per_beat, max_burst, v_), out_(outstanding, v_) {}
  void expect_write(uint64_t addr, uint64_t len);
  // Any write at all: WSTRB is not checked against commands.
  void allow_any_write() {
    aw_.allow_any();
    any_ = true;
  }
  void check(uint64_t cycle, const AxiWritePorts& p);
  const std::vector<std::string>& violations() const { return v_.list(); }
  int max_outstanding() const { return out_.max_seen(); }
  uint64_t bursts() const { return aw_.bursts(); }

 private:
  struct Range {
    uint64_t begin, end, beats;  // beats: W beats still to come
  };
  const int bytes_;
  AxiViolations v_;
  AxiAddrChecker aw_;
  AxiOutstanding out_;
  bool any_ = false;
  std::deque<Range> cmds_;                       // the octets each command writes
  std::deque<std::pair<uint64_t, uint32_t>> w_;  // bursts taken: next beat's address, beats left
  bool held_ = false;
  AxiWritePorts last_{};
};

}  // namespace tcpoe::sim
