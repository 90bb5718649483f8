#include "tcpoe/pcie/link.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>
#include <stdexcept>

namespace tcpoe::pcie {

namespace {

constexpr std::uint64_t kPage = 4096;  // no TLP crosses a 4 KB boundary
constexpr unsigned kDllpOctets = 8;    // 6 octets + 2 framing
constexpr double kSkpShare = 4.0 / 1538.0;
constexpr unsigned kFramingSeqLcrc = 8;  // 2 framing + 2 sequence number + 4 LCRC
constexpr unsigned kEcrc = 4;

bool power_of_two_between(unsigned v, unsigned lo, unsigned hi) {
  return v >= lo && v <= hi && (v & (v - 1)) == 0;
}

// Octets from `address` to the next multiple of `boundary`.
std::uint64_t to_boundary(std::uint64_t address, std::uint64_t boundary) {
  return boundary - address % boundary;
}

// Splits [address, address + length) into pieces of at most `max_piece`
// octets, none crossing a 4 KB boundary.
std::vector<Tlp> split_requests(TlpType type, std::uint64_t address, std::uint64_t length,
                                unsigned max_piece) {
  std::vector<Tlp> tlps;
  while (length > 0) {
    const std::uint64_t piece = std::min({length, std::uint64_t(max_piece), to_boundary(address, kPage)});
    tlps.push_back({type, address, std::uint32_t(piece), -1});
    address += piece;
    length -= piece;
  }
  return tlps;
}

std::uint64_t total_wire_octets(const LinkConfig& cfg, const std::vector<Tlp>& tlps) {
  std::uint64_t octets = 0;
  for (const Tlp& t : tlps) octets += wire_octets(cfg, t);
  return octets;
}

}  // namespace

std::string LinkConfig::problem() const {
  auto finite_in = [](double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; };
  if (generation < 1 || generation > 5) return "generation must be 1..5 (Gen1..Gen5)";
  if (lanes != 1 && lanes != 2 && lanes != 4 && lanes != 8 && lanes != 12 && lanes != 16 && lanes != 32)
    return "lanes must be 1, 2, 4, 8, 12, 16 or 32";
  if (!power_of_two_between(max_payload, 128, 4096))
    return "max payload size must be a power of two from 128 to 4096 octets";
  if (!power_of_two_between(max_read_request, 128, 4096))
    return "max read request size must be a power of two from 128 to 4096 octets";
  if (read_completion_boundary != 64 && read_completion_boundary != 128)
    return "read completion boundary must be 64 or 128 octets";
  if (address_bits != 32 && address_bits != 64) return "address bits must be 32 or 64";
  if (tags < 1 || tags > 256) return "tags must be 1..256";
  if (!finite_in(host_read_latency_ns, 0.0, 1e6)) return "host read latency must be 0..1e6 ns";
  if (!finite_in(device_clock_mhz, 1.0, 10000.0)) return "device clock must be 1..10000 MHz";
  if (register_read_cycles > 1000000) return "register read cycles must be at most 1000000";
  if (max_request_bytes < 1 || max_request_bytes > (std::uint64_t(1) << 32))
    return "max request bytes must be 1..2^32";
  return "";
}

void LinkConfig::validate() const {
  const std::string p = problem();
  if (!p.empty()) throw std::invalid_argument("PCIe link configuration: " + p);
}

double LinkConfig::raw_gbps() const {
  static constexpr double kGtPerLane[] = {2.5, 5.0, 8.0, 16.0, 32.0};
  const double encoding = generation <= 2 ? 8.0 / 10.0 : 128.0 / 130.0;
  return kGtPerLane[generation - 1] * encoding * lanes;
}

unsigned LinkConfig::ack_limit_symbols() const {
  static constexpr double kInternalDelay[] = {19, 70, 115, 115, 115};
  double ack_factor;
  if (max_payload <= 256)
    ack_factor = lanes <= 4 ? 1.4 : lanes == 8 ? 2.5 : 3.0;
  else
    ack_factor = lanes <= 8 ? 1.0 : 2.0;
  return unsigned(std::floor((max_payload + 28) * ack_factor / lanes + kInternalDelay[generation - 1]));
}

double LinkConfig::tlp_gbps() const {
  const double dllp_share = 2.0 * kDllpOctets / ack_limit_symbols();  // Ack + UpdateFC
  return raw_gbps() * (1.0 - dllp_share - kSkpShare);
}

unsigned LinkConfig::memory_request_header_octets() const {
  return kFramingSeqLcrc + (address_bits == 64 ? 16 : 12) + (ecrc ? kEcrc : 0);
}

unsigned LinkConfig::completion_header_octets() const {
  return kFramingSeqLcrc + 12 + (ecrc ? kEcrc : 0);
}

const char* to_string(TlpType t) {
  switch (t) {
    case TlpType::MWr: return "MWr";
    case TlpType::MRd: return "MRd";
    case TlpType::CplD: return "CplD";
  }
  return "?";
}

const char* to_string(Direction d) { return d == Direction::ToHost ? "up" : "down"; }

std::vector<Tlp> split_write(const LinkConfig& cfg, std::uint64_t address, std::uint64_t length) {
  return split_requests(TlpType::MWr, address, length, cfg.max_payload);
}

std::vector<Tlp> split_read_requests(const LinkConfig& cfg, std::uint64_t address,
                                     std::uint64_t length) {
  return split_requests(TlpType::MRd, address, length, cfg.max_read_request);
}

std::vector<Tlp> split_completions(const LinkConfig& cfg, const Tlp& read_request) {
  std::vector<Tlp> cpls;
  std::uint64_t address = read_request.address;
  const std::uint64_t end = read_request.address + read_request.length;
  while (address < end) {
    // The largest piece of at most MPS that ends at an RCB boundary, or
    // the rest of the request.
    const std::uint64_t limit = address + cfg.max_payload;
    const std::uint64_t piece_end =
        end <= limit ? end : limit - limit % cfg.read_completion_boundary;
    cpls.push_back({TlpType::CplD, address, std::uint32_t(piece_end - address), read_request.tag});
    address = piece_end;
  }
  return cpls;
}

std::uint64_t wire_octets(const LinkConfig& cfg, const Tlp& tlp) {
  switch (tlp.type) {
    case TlpType::MWr: return cfg.memory_request_header_octets() + tlp.length;
    case TlpType::MRd: return cfg.memory_request_header_octets();
    case TlpType::CplD: return cfg.completion_header_octets() + tlp.length;
  }
  return 0;
}

double Serializer::reserve(double ready_ps, std::uint64_t octets) {
  const double duration = duration_ps(octets);
  double start = ready_ps;
  auto next = busy_.upper_bound(start);
  if (next != busy_.begin()) start = std::max(start, std::prev(next)->second);
  while (next != busy_.end() && next->first < start + duration) {
    start = std::max(start, next->second);
    ++next;
  }
  busy_.emplace(start, start + duration);
  return start;
}

void Serializer::forget_before(double now_ps) {
  while (!busy_.empty() && busy_.begin()->second <= now_ps) busy_.erase(busy_.begin());
}

TagPool::Grant TagPool::earliest() const {
  const auto it = std::min_element(free_at_ps_.begin(), free_at_ps_.end());
  return {int(it - free_at_ps_.begin()), *it};
}

Link::Link(const LinkConfig& cfg)
    : cfg_((cfg.validate(), cfg)),
      to_host_(cfg.tlp_gbps()),
      to_device_(cfg.tlp_gbps()),
      device_tags_(cfg.tags),
      host_tags_(cfg.tags) {}

double Link::send(Direction dir, const Tlp& tlp, double ready_ps) {
  Serializer& ser = dir == Direction::ToHost ? to_host_ : to_device_;
  const std::uint64_t octets = wire_octets(cfg_, tlp);
  const double start = ser.reserve(ready_ps, octets);
  const std::uint64_t payload = tlp.type == TlpType::MRd ? 0 : tlp.length;
  if (dir == Direction::ToHost) {
    counters_.tlps_to_host++;
    counters_.payload_bytes_to_host += payload;
    counters_.wire_bytes_to_host += octets;
  } else {
    counters_.tlps_to_device++;
    counters_.payload_bytes_to_device += payload;
    counters_.wire_bytes_to_device += octets;
  }
  if (trace_ != nullptr) {
    char line[160];
    char tag[16] = "-";
    if (tlp.tag >= 0) std::snprintf(tag, sizeof tag, "%d", tlp.tag);
    std::snprintf(line, sizeof line, "%.3f %s %s 0x%016llx %u %s\n", start / 1000.0, to_string(dir),
                  to_string(tlp.type), static_cast<unsigned long long>(tlp.address), tlp.length, tag);
    *trace_ << line;
  }
  return start + ser.duration_ps(octets);
}

double Link::complete(const Tlp& request, double arrival_ps, Direction dir) {
  double ready = arrival_ps;
  for (const Tlp& cpl : split_completions(cfg_, request)) ready = send(dir, cpl, ready);
  return ready;
}

double Link::dma_write(double now_ps, std::uint64_t address, std::uint64_t length) {
  to_host_.forget_before(now_ps);
  counters_.dma_writes++;
  double ready = now_ps;
  for (const Tlp& tlp : split_write(cfg_, address, length)) ready = send(Direction::ToHost, tlp, ready);
  return ready;
}

double Link::dma_read(double now_ps, std::uint64_t address, std::uint64_t length) {
  to_host_.forget_before(now_ps);
  to_device_.forget_before(now_ps);
  counters_.dma_reads++;
  const double host_latency_ps = cfg_.host_read_latency_ns * 1000.0;
  double ready = now_ps, done = now_ps;
  for (Tlp request : split_read_requests(cfg_, address, length)) {
    const TagPool::Grant grant = device_tags_.earliest();
    request.tag = grant.tag;
    ready = send(Direction::ToHost, request, std::max(ready, grant.free_at_ps));
    const double last = complete(request, ready + host_latency_ps, Direction::ToDevice);
    device_tags_.hold_until(grant.tag, last);
    done = std::max(done, last);
  }
  return done;
}

double Link::mmio_write(double now_ps, std::uint64_t bar_address, std::uint32_t length) {
  to_device_.forget_before(now_ps);
  counters_.mmio_writes++;
  return send(Direction::ToDevice, {TlpType::MWr, bar_address, length, -1}, now_ps);
}

Link::MmioRead Link::mmio_read_request(double now_ps, std::uint64_t bar_address,
                                       std::uint32_t length) {
  to_device_.forget_before(now_ps);
  to_host_.forget_before(now_ps);
  counters_.mmio_reads++;
  const TagPool::Grant grant = host_tags_.earliest();
  host_tags_.hold_until(grant.tag, std::numeric_limits<double>::infinity());  // until completed
  return {send(Direction::ToDevice, {TlpType::MRd, bar_address, length, grant.tag},
               std::max(now_ps, grant.free_at_ps)),
          grant.tag};
}

double Link::mmio_read_completion(const MmioRead& request, double value_ready_ps,
                                  std::uint64_t bar_address, std::uint32_t length) {
  const double done = complete({TlpType::MRd, bar_address, length, request.tag}, value_ready_ps,
                               Direction::ToHost);
  host_tags_.hold_until(request.tag, done);
  return done;
}

double write_limit_gbps(const LinkConfig& cfg, std::uint64_t size) {
  return cfg.tlp_gbps() * double(size) / double(total_wire_octets(cfg, split_write(cfg, 0, size)));
}

double read_limit_gbps(const LinkConfig& cfg, std::uint64_t size) {
  const std::vector<Tlp> requests = split_read_requests(cfg, 0, size);
  std::vector<Tlp> completions;
  for (const Tlp& r : requests) {
    const auto c = split_completions(cfg, r);
    completions.insert(completions.end(), c.begin(), c.end());
  }
  const double link_bound = cfg.tlp_gbps() * double(size) /
                            double(std::max(total_wire_octets(cfg, requests),
                                            total_wire_octets(cfg, completions)));
  // Tags: at most `tags` requests in flight, each for its round trip.
  const Tlp& first = requests.front();
  const double ps_per_octet = 8000.0 / cfg.tlp_gbps();
  const double round_trip_ps = ps_per_octet * double(wire_octets(cfg, first)) +
                               cfg.host_read_latency_ns * 1000.0 +
                               ps_per_octet * double(total_wire_octets(cfg, split_completions(cfg, first)));
  const double tag_bound = double(cfg.tags) * double(size) * 8000.0 /
                           (double(requests.size()) * round_trip_ps);
  return std::min(link_bound, tag_bound);
}

}  // namespace tcpoe::pcie
