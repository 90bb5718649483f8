#include "axi_slave.h"

#include <stdexcept>

namespace tcpoe::sim {

namespace {

constexpr uint64_t kPage = 4096;

uint64_t mix(uint64_t x) {  // splitmix64's finalizer
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::string hex(uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

uint8_t AxiMemory::read(uint64_t addr) const {
  auto it = pages_.find(addr / kPage);
  if (it == pages_.end()) return uint8_t(mix(addr));
  return it->second[addr % kPage];
}

void AxiMemory::write(uint64_t addr, uint8_t value) {
  auto it = pages_.find(addr / kPage);
  if (it == pages_.end()) {
    std::vector<uint8_t> page(kPage);
    const uint64_t base = addr / kPage * kPage;
    for (uint64_t i = 0; i < kPage; ++i) page[i] = uint8_t(mix(base + i));
    it = pages_.emplace(addr / kPage, std::move(page)).first;
  }
  it->second[addr % kPage] = value;
}

uint8_t AxiMemory::resp(uint64_t addr, uint64_t n) const {
  for (const auto& r : errors_)
    if (addr < r.end && r.begin < addr + n) return r.resp;
  return kAxiOkay;
}

AxiReadSlave::AxiReadSlave(const AxiMemory& mem, int bytes_per_beat, const AxiSlaveTiming& t)
    : mem_(mem), bytes_(bytes_per_beat), t_(t), rng_(t.seed), beat_data_(bytes_per_beat) {
  if (t.latency_min < 0 || t.latency_max < t.latency_min)
    throw std::invalid_argument("AxiReadSlave: latency_min..latency_max is not a range");
}

void AxiReadSlave::prepare(uint64_t cycle) {
  std::bernoulli_distribution ar(t_.arready_prob), r(t_.rvalid_prob);
  arready_ = ar(rng_);
  if (beat_valid_) return;  // offered and not taken: held as it is
  if (!in_burst_) {
    // Any ID whose oldest burst is due may answer: across IDs, any order.
    std::vector<uint32_t> due;
    for (const auto& [id, q] : by_id_)
      if (!q.empty() && q.front().ready_at <= cycle) due.push_back(id);
    if (due.empty()) return;
    cur_id_ = due[std::uniform_int_distribution<size_t>(0, due.size() - 1)(rng_)];
    in_burst_ = true;
  }
  if (r(rng_)) load_beat();
}

void AxiReadSlave::load_beat() {
  const Burst& b = by_id_[cur_id_].front();
  const uint64_t addr = b.addr + uint64_t{b.sent} * bytes_;
  for (int i = 0; i < bytes_; ++i) beat_data_[i] = mem_.read(addr + i);
  beat_resp_ = mem_.resp(addr, bytes_);
  beat_id_ = cur_id_;
  beat_last_ = b.sent + 1 == b.beats;
  beat_valid_ = true;
}

void AxiReadSlave::clock(uint64_t cycle, const AxiReadPorts& p) {
  if (p.ar.valid && p.ar.ready) {
    std::uniform_int_distribution<int> lat(t_.latency_min, t_.latency_max);
    // Aligned to the beat: the slave answers whole beats (ARSIZE = bus width).
    const uint64_t addr = p.ar.addr / bytes_ * bytes_;
    by_id_[p.ar.id].push_back(Burst{addr, p.ar.len + 1, 0, cycle + uint64_t(lat(rng_))});
  }
  if (beat_valid_ && p.rready) {
    auto& q = by_id_[cur_id_];
    beat_valid_ = false;
    if (++q.front().sent == q.front().beats) {
      q.pop_front();
      in_burst_ = false;
    }
  }
}

AxiWriteSlave::AxiWriteSlave(AxiMemory& mem, int bytes_per_beat, const AxiSlaveTiming& t)
    : mem_(mem), bytes_(bytes_per_beat), t_(t), rng_(t.seed) {
  if (t.latency_min < 0 || t.latency_max < t.latency_min)
    throw std::invalid_argument("AxiWriteSlave: latency_min..latency_max is not a range");
}

void AxiWriteSlave::prepare(uint64_t cycle) {
  std::bernoulli_distribution aw(t_.arready_prob), w(t_.rvalid_prob), b(t_.rvalid_prob);
  awready_ = aw(rng_);
  wready_ = !writing_.empty() && w(rng_);
  if (b_valid_) return;  // offered and not taken: held as it is
  std::vector<uint32_t> due;
  for (const auto& [id, q] : by_id_)
    if (!q.empty() && q.front().ready_at <= cycle) due.push_back(id);
  if (due.empty() || !b(rng_)) return;
  b_id_ = due[std::uniform_int_distribution<size_t>(0, due.size() - 1)(rng_)];
  b_resp_ = by_id_[b_id_].front().resp;
  b_valid_ = true;
}

void AxiWriteSlave::clock(uint64_t cycle, const AxiWritePorts& p) {
  if (p.wvalid && p.wready && !writing_.empty()) {
    Burst& bu = writing_.front();
    const uint64_t addr = bu.addr + uint64_t{bu.written} * bytes_;
    for (int i = 0; i < bytes_; ++i)
      if ((p.wstrb >> i) & 1u) mem_.write(addr + i, p.wdata[i]);
    if (bu.resp == kAxiOkay) bu.resp = mem_.resp(addr, bytes_);
    if (++bu.written == bu.beats) {
      std::uniform_int_distribution<int> lat(t_.latency_min, t_.latency_max);
      by_id_[bu.id].push_back(Response{bu.resp, cycle + 1 + uint64_t(lat(rng_))});
      writing_.pop_front();
    }
  }
  if (p.aw.valid && p.aw.ready)
    writing_.push_back(Burst{p.aw.id, p.aw.addr / bytes_ * bytes_, p.aw.len + 1});
  if (b_valid_ && p.bready) {
    by_id_[b_id_].pop_front();
    b_valid_ = false;
  }
}

void AxiViolations::fail(uint64_t cycle, const std::string& what) {
  if (list_.size() < 20) list_.push_back("cycle " + std::to_string(cycle) + ": " + what);
}

bool AxiAddrChecker::check(uint64_t cycle, const AxiAddrPorts& p) {
  const std::string& ch = channel_;
  if (held_ && (!p.valid || p.addr != last_.addr || p.len != last_.len || p.id != last_.id ||
                p.size != last_.size || p.burst != last_.burst))
    v_.fail(cycle, ch + " changed or " + ch + "VALID fell before " + ch + "READY");
  const bool taken = p.valid && p.ready;
  if (p.valid) {
    const uint64_t beats = uint64_t{p.len} + 1;
    if (p.len > uint32_t(max_burst_ - 1))
      v_.fail(cycle, ch + "LEN " + std::to_string(p.len) + " above MAX_BURST-1");
    if ((1u << p.size) != uint32_t(bytes_)) v_.fail(cycle, ch + "SIZE is not the bus width");
    if (p.burst != 1) v_.fail(cycle, ch + "BURST is not INCR");
    if (p.cache != 0x2 || p.prot != 0x2)
      v_.fail(cycle, ch + "CACHE/" + ch + "PROT not the documented constants");
    if (p.addr % bytes_ != 0) v_.fail(cycle, ch + "ADDR " + hex(p.addr) + " not aligned");
    if (p.addr % kPage + beats * bytes_ > kPage)
      v_.fail(cycle, ch + " burst at " + hex(p.addr) + " of " + std::to_string(beats) +
                         " beats crosses 4 KB");
    if (taken) {
      ++bursts_;
      if (any_) {
        // no list to keep to
      } else if (expected_.empty()) {
        v_.fail(cycle, ch + ": an access nobody asked for at " + hex(p.addr));
      } else {
        Region& r = expected_.front();
        if (p.addr != r.addr || beats > r.beats)
          v_.fail(cycle, ch + " burst at " + hex(p.addr) + " of " + std::to_string(beats) +
                             " beats; expected one starting at " + hex(r.addr) + " within " +
                             std::to_string(r.beats) + " beats");
        r.addr = p.addr + beats * bytes_;
        r.beats = beats > r.beats ? 0 : r.beats - beats;
        if (r.beats == 0) expected_.pop_front();
      }
    }
  }
  held_ = p.valid && !p.ready;
  last_ = p;
  return taken;
}

void AxiOutstanding::update(uint64_t cycle, bool started, bool ended) {
  in_flight_ += started ? 1 : 0;
  if (in_flight_ > max_seen_) max_seen_ = in_flight_;
  if (in_flight_ > limit_)
    v_.fail(cycle, std::to_string(in_flight_) + " bursts outstanding, above OUTSTANDING");
  if (ended) --in_flight_;
}

void AxiReadChecker::check(uint64_t cycle, const AxiReadPorts& p) {
  const bool started = ar_.check(cycle, p.ar);
  out_.update(cycle, started, p.rvalid && p.rready && p.rlast);
}

void AxiWriteChecker::expect_write(uint64_t addr, uint64_t len) {
  const uint64_t beats = (len + bytes_ - 1) / bytes_;
  aw_.expect(addr, beats);
  cmds_.push_back({addr, addr + len, beats});
}

void AxiWriteChecker::check(uint64_t cycle, const AxiWritePorts& p) {
  if (held_ && (!p.wvalid || p.wdata != last_.wdata || p.wstrb != last_.wstrb ||
                p.wlast != last_.wlast))
    v_.fail(cycle, "W changed or WVALID fell before WREADY");
  held_ = p.wvalid && !p.wready;
  last_ = p;
  if (p.wvalid) {
    if (w_.empty()) {
      v_.fail(cycle, "WVALID before its burst's AW");
    } else {
      const uint64_t addr = w_.front().first;
      if (p.wlast != (w_.front().second == 1))
        v_.fail(cycle, "WLAST " + std::to_string(p.wlast) + " at " + hex(addr) + " with " +
                           std::to_string(w_.front().second) + " beats left in the burst");
      uint64_t want = 0;
      if (any_) {
        want = ~uint64_t{0};
      } else if (cmds_.empty()) {
        v_.fail(cycle, "a W beat past the commands' octets");
      } else {
        for (int i = 0; i < bytes_; ++i)
          if (addr + i >= cmds_.front().begin && addr + i < cmds_.front().end) want |= uint64_t{1} << i;
      }
      // Never an octet outside the command (the memory's content shows the
      // ones missing).
      if ((p.wstrb & ~want) != 0)
        v_.fail(cycle, "WSTRB " + hex(p.wstrb) + " at " + hex(addr) + ", the command's octets are " +
                           hex(want));
      if (p.wready && !cmds_.empty() && --cmds_.front().beats == 0) cmds_.pop_front();
      if (p.wready) {
        w_.front().first += bytes_;
        if (--w_.front().second == 0) w_.pop_front();
      }
    }
  }
  // AW after W: a beat in the same cycle as its own AW is checked as "before".
  const bool started = aw_.check(cycle, p.aw);
  if (started) w_.push_back({p.aw.addr, p.aw.len + 1});
  out_.update(cycle, started, p.bvalid && p.bready);
}

}  // namespace tcpoe::sim
