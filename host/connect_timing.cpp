#include "connect_timing.h"

#include <algorithm>
#include <cmath>

#include "tcpoe/wire/device_regs.h"
#include "tcpoe/wire/frame.h"

namespace tcpoe::host {

namespace {

using Kind = pcie::PcieModel::Transfer::Kind;
namespace regs = tcpoe::wire::dev;

constexpr uint64_t kTxDoorbell = regs::ring_offset(regs::Ring::kTxDesc, regs::ring_reg::kProdHost);

uint64_t ps_of(double ps) { return uint64_t(std::llround(ps)); }

// The last element of `v` for which `pick` holds.
template <typename T, typename Pick>
const T* last_of(const std::vector<T>& v, Pick pick) {
  for (auto it = v.rbegin(); it != v.rend(); ++it)
    if (pick(*it)) return &*it;
  return nullptr;
}

bool is_dma(Kind k) { return k == Kind::kDmaRead || k == Kind::kDmaWrite || k == Kind::kMsix; }

}  // namespace

void ConnectTiming::transfer(const pcie::PcieModel::Transfer& t) {
  if (t.kind == Kind::kDmaRead) dma_bytes_read_ += t.length;
  if (t.kind == Kind::kDmaWrite || t.kind == Kind::kMsix) dma_bytes_written_ += t.length;
  // The doorbell is the MMIO write the breakdown needs; other MMIO is not kept.
  if (is_dma(t.kind) || (t.kind == Kind::kMmioWrite && t.address == kTxDoorbell))
    transfers_.push_back({t.kind, t.length, {ps_of(t.start_ps), ps_of(t.end_ps)}});
}

void ConnectTiming::sent(int side, const sim::Frame& frame, uint64_t start_ps) {
  sends_.push_back({side, frame, start_ps});
}

void ConnectTiming::arrived(int to_side, const sim::Frame& frame, uint64_t time_ps) {
  arrivals_.push_back({to_side, frame, time_ps});
}

void ConnectTiming::forget_before(uint64_t ps) {
  transfers_.erase(std::remove_if(transfers_.begin(), transfers_.end(),
                                  [ps](const Transfer& t) { return t.span.end_ps < ps; }),
                   transfers_.end());
  for (std::vector<WireFrame>* v : {&sends_, &arrivals_})
    v->erase(std::remove_if(v->begin(), v->end(), [ps](const WireFrame& f) { return f.ps < ps; }), v->end());
}

uint64_t ConnectTiming::last_syn_arrival(uint64_t ps) const {
  namespace flag = tcpoe::wire::tcp::flag;
  const WireFrame* f = last_of(arrivals_, [ps](const WireFrame& a) {
    if (a.side != 0 || a.ps > ps) return false;
    const wire::ParsedFrame p = wire::parse_frame(wire::ByteSpan(a.frame));
    return p.malformed == wire::Malformed::kNone && (p.repr.tcp.flags & (flag::kSyn | flag::kAck)) == flag::kSyn;
  });
  return f ? f->ps : 0;
}

template <typename Pick>
uint64_t ConnectTiming::covered_ps(uint64_t from, uint64_t to, Pick pick) const {
  std::vector<Span> spans;
  for (const Transfer& t : transfers_)
    if (pick(t) && t.span.end_ps > from && t.span.start_ps < to)
      spans.push_back({std::max(t.span.start_ps, from), std::min(t.span.end_ps, to)});
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.start_ps < b.start_ps; });
  uint64_t covered = 0, reached = from;
  for (const Span& s : spans) {
    const uint64_t start = std::max(s.start_ps, reached);
    if (s.end_ps > start) covered += s.end_ps - start;
    reached = std::max(reached, s.end_ps);
  }
  return covered;
}

std::vector<TimingPart> ConnectTiming::breakdown(uint64_t t0, uint64_t end) const {
  // Walking back from the end: the answer (the last frame to reach our
  // side), where it left the peer, our SYN that it answers (the last frame
  // of ours to reach the peer before), where that left us, and the
  // doorbell that sent it (the last TXD PROD write to arrive before).
  const WireFrame* answer_in =
      last_of(arrivals_, [&](const WireFrame& f) { return f.side == 0 && f.ps >= t0 && f.ps <= end; });
  if (!answer_in) return {};
  const WireFrame* answer_out = last_of(sends_, [&](const WireFrame& f) {
    return f.side == 1 && f.ps <= answer_in->ps && f.frame == answer_in->frame;
  });
  if (!answer_out) return {};
  const WireFrame* syn_in =
      last_of(arrivals_, [&](const WireFrame& f) { return f.side == 1 && f.ps >= t0 && f.ps <= answer_out->ps; });
  if (!syn_in) return {};
  const WireFrame* syn_out = last_of(
      sends_, [&](const WireFrame& f) { return f.side == 0 && f.ps <= syn_in->ps && f.frame == syn_in->frame; });
  if (!syn_out) return {};
  const Transfer* doorbell = last_of(transfers_, [&](const Transfer& t) {
    return t.kind == Kind::kMmioWrite && t.span.start_ps >= t0 && t.span.end_ps <= syn_out->ps;
  });
  if (!doorbell) return {};

  // The TX descriptor fetch: the first DMA read the doorbell set off (other
  // DMA meanwhile, RX buffer refills say, runs beside the build).
  const Transfer* fetch = nullptr;
  for (const Transfer& t : transfers_)
    if (t.kind == Kind::kDmaRead && t.span.start_ps >= doorbell->span.end_ps && t.span.end_ps <= syn_out->ps) {
      fetch = &t;
      break;
    }
  const uint64_t tx_dma = fetch ? fetch->span.end_ps - fetch->span.start_ps : 0;
  // On the way in: the RX completion (128 octets) is the write the driver
  // waits for; the other writes (the frame into its buffer, index
  // write-backs, MSI-X) are DMA; the device's own cycles are the rest.
  const Transfer* completion = last_of(transfers_, [&](const Transfer& t) {
    return t.kind == Kind::kDmaWrite && t.length == regs::rx_compl::kEntrySize && t.span.start_ps >= answer_in->ps &&
           t.span.end_ps <= end;
  });
  const auto is_write = [](const Transfer& t) { return t.kind == Kind::kDmaWrite || t.kind == Kind::kMsix; };
  uint64_t last_write_end = answer_in->ps;
  for (const Transfer& t : transfers_)
    if (is_write(t) && t.span.start_ps >= answer_in->ps && t.span.end_ps <= end)
      last_write_end = std::max(last_write_end, t.span.end_ps);
  const uint64_t rx_all = covered_ps(answer_in->ps, last_write_end, is_write);
  const uint64_t rx_completion =
      completion ? covered_ps(answer_in->ps, last_write_end, [&](const Transfer& t) { return &t == completion; }) : 0;

  const auto ns = [](uint64_t ps) { return uint64_t(std::llround(double(ps) / 1000.0)); };
  return {
      {"driver out", "connect() to the doorbell of the SYN answered (retransmission waits included)",
       ns(doorbell->span.start_ps - t0)},
      {"MMIO", "the doorbell (TXD PROD write) over the link", ns(doorbell->span.end_ps - doorbell->span.start_ps)},
      {"DMA out", "the TX descriptor fetch (a DMA read: request to the last completion)", ns(tx_dma)},
      {"header build", "the device's cycles from the doorbell to the SYN on the line, the fetch aside",
       ns(syn_out->ps - doorbell->span.end_ps - tx_dma)},
      {"wire", "the SYN's and the answer's starts on the line to their last octets' arrival",
       ns(syn_in->ps - syn_out->ps + answer_in->ps - answer_out->ps)},
      {"peer", "the SYN's arrival at the peer to its answer on the line", ns(answer_out->ps - syn_in->ps)},
      {"parse", "the device's cycles from the answer's arrival to its last DMA write, DMA aside",
       ns(last_write_end - answer_in->ps - rx_all)},
      {"DMA in", "the frame into its RX buffer, index write-backs, MSI-X", ns(rx_all - rx_completion)},
      {"completion", "the RX completion's write into host memory", ns(rx_completion)},
      {"driver in", "the completion in memory to ESTABLISHED reported by poll()", ns(end - last_write_end)},
  };
}

}  // namespace tcpoe::host
