#include "tcpoe/driver/tcp/syn_cookie.h"

#include <algorithm>

namespace tcpoe::driver::tcp {
namespace {

constexpr int kCountShift = 24;  // Linux COOKIEBITS
constexpr uint32_t kLowMask = (1u << kCountShift) - 1;
constexpr uint32_t kTsOptionBits = 0x3f;  // Linux TSMASK
constexpr uint32_t kTsNoWindowScale = 0xf;
constexpr uint32_t kTsSack = 1u << 4;

uint32_t hash(const SipKey& k, const FourTuple& t, uint32_t extra) {
  return static_cast<uint32_t>(
      siphash24_words(k, t.local_ip, t.remote_ip, t.local_port, t.remote_port, extra));
}

}  // namespace

SeqNumber SynCookies::make(const FourTuple& t, SeqNumber peer_isn, uint16_t peer_mss,
                           Time now) const {
  // The largest table entry the peer's MSS allows (the smallest one if none).
  uint32_t index = 0;
  for (uint32_t i = 0; i < kMssTable.size(); ++i)
    if (kMssTable[i] <= peer_mss) index = i;
  const uint32_t count = count_at(now);
  return SeqNumber(hash(key0_, t, 0) + peer_isn.raw() + (count << kCountShift) +
                   ((hash(key1_, t, count) + index) & kLowMask));
}

std::optional<uint16_t> SynCookies::check(const FourTuple& t, SeqNumber peer_isn,
                                          SeqNumber cookie, Time now) const {
  const uint32_t v = cookie.raw() - hash(key0_, t, 0) - peer_isn.raw();
  const uint32_t count = count_at(now);
  const uint32_t age = (count - (v >> kCountShift)) & (0xffffffffu >> kCountShift);
  if (age > kMaxAge) return std::nullopt;
  const uint32_t index = (v - hash(key1_, t, count - age)) & kLowMask;
  if (index >= kMssTable.size()) return std::nullopt;
  return kMssTable[index];
}

uint32_t SynCookies::encode_timestamp(uint32_t ts_val, const Negotiated& n) {
  uint32_t bits = n.window_scaling ? n.send_scale : kTsNoWindowScale;
  if (n.sack_permitted) bits |= kTsSack;
  return (ts_val & ~kTsOptionBits) | bits;
}

Negotiated SynCookies::negotiated(const OptionConfig& c, uint16_t peer_mss,
                                  const wire::TcpOptions& ack_options) {
  // The options the SYN would have offered, rebuilt from the echo.
  wire::TcpOptions syn;
  syn.mss = peer_mss;
  if (ack_options.timestamps) {
    const uint32_t echo = ack_options.timestamps->second;
    if ((echo & kTsNoWindowScale) != kTsNoWindowScale)
      syn.window_scale = static_cast<uint8_t>(echo & kTsNoWindowScale);
    syn.sack_permitted = (echo & kTsSack) != 0;
    syn.timestamps = ack_options.timestamps;
  }
  return negotiate(c, syn);
}

}  // namespace tcpoe::driver::tcp
