#include "tcpoe/driver/tcp/options.h"

#include <algorithm>

namespace tcpoe::driver::tcp {
namespace {

constexpr uint16_t kIpTcpHeaders = 40;  // IPv4 and TCP headers without options

int ilog2(uint32_t v) {
  int n = -1;
  for (; v != 0; v >>= 1) ++n;
  return n;
}

}  // namespace

uint16_t OptionConfig::advertised_mss() const {
  return static_cast<uint16_t>(mtu > kIpTcpHeaders ? mtu - kIpTcpHeaders : 0);
}

uint8_t OptionConfig::window_scale() const {
  if (!window_scaling) return 0;
  const int shift = ilog2(std::max(receive_buffer, receive_buffer_max)) - 15;
  return static_cast<uint8_t>(std::clamp(shift, 0, int{wire::tcp::opt::kMaxWindowScale}));
}

uint32_t OptionConfig::initial_receive_window(uint16_t mss) const {
  const uint32_t space = receive_buffer / 2;
  return mss != 0 && space > mss ? space - space % mss : space;
}

wire::TcpOptions syn_options(const OptionConfig& c, uint32_t ts_val) {
  wire::TcpOptions o;
  o.mss = c.advertised_mss();
  if (c.window_scaling) o.window_scale = c.window_scale();
  o.sack_permitted = c.sack;
  if (c.timestamps) o.timestamps = std::make_pair(ts_val, 0u);
  return o;
}

Negotiated negotiate(const OptionConfig& c, const wire::TcpOptions& peer) {
  Negotiated n;
  n.peer_mss = peer.mss.value_or(kDefaultPeerMss);
  n.window_scaling = c.window_scaling && peer.window_scale.has_value();
  if (n.window_scaling) {
    // RFC 7323 section 2.3: a shift above 14 is used as 14.
    n.send_scale = std::min(*peer.window_scale, wire::tcp::opt::kMaxWindowScale);
    n.receive_scale = c.window_scale();
  }
  n.sack_permitted = c.sack && peer.sack_permitted;
  n.timestamps = c.timestamps && peer.timestamps.has_value();
  if (n.timestamps) n.ts_recent = peer.timestamps->first;
  const uint16_t mss = std::min(n.peer_mss, c.advertised_mss());
  n.send_mss = static_cast<uint16_t>(n.timestamps && mss > kTimestampsOverhead
                                         ? mss - kTimestampsOverhead
                                         : mss);
  return n;
}

wire::TcpOptions syn_ack_options(const OptionConfig& c, const Negotiated& n, uint32_t ts_val) {
  wire::TcpOptions o;
  o.mss = c.advertised_mss();
  if (n.window_scaling) o.window_scale = n.receive_scale;
  o.sack_permitted = n.sack_permitted;
  if (n.timestamps) o.timestamps = std::make_pair(ts_val, n.ts_recent);
  return o;
}

}  // namespace tcpoe::driver::tcp
