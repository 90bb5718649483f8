#include "scripted_peer.h"

#include "tcpoe/wire/frame.h"

namespace tcpoe::sim {

namespace flag = wire::tcp::flag;

const char* state_name(ScriptedPeer::State s) {
  switch (s) {
    case ScriptedPeer::State::kSynReceived: return "SYN-RECEIVED";
    case ScriptedPeer::State::kEstablished: return "ESTABLISHED";
    case ScriptedPeer::State::kLastAck: return "LAST-ACK";
  }
  return "?";
}

ScriptedPeer::ScriptedPeer(const ScriptedPeerConfig& config)
    : config_(config), rng_(static_cast<std::mt19937::result_type>(config.seed)) {
  ts_clock_ = static_cast<uint32_t>(rng_());  // Linux, too, starts it at a random offset
}

std::optional<ScriptedPeer::State> ScriptedPeer::state(uint32_t remote_ip, uint16_t remote_port,
                                                       uint16_t local_port) const {
  const auto it = connections_.find({remote_ip, remote_port, local_port});
  if (it == connections_.end()) return std::nullopt;
  return it->second.state;
}

std::optional<std::vector<uint8_t>> ScriptedPeer::receive_tcp(std::chrono::milliseconds) {
  if (outbox_.empty()) return std::nullopt;
  std::vector<uint8_t> f = std::move(outbox_.front());
  outbox_.pop_front();
  return f;
}

bool ScriptedPeer::send(const std::vector<uint8_t>& frame) {
  const wire::ParsedFrame p = wire::parse_frame(wire::ByteSpan(frame));
  const wire::FrameRepr& in = p.repr;
  if (p.malformed != wire::Malformed::kNone || !p.ip_checksum_ok || !p.tcp_checksum_ok ||
      in.eth.dst != config_.mac || in.ip.dst != config_.ip) {
    ++dropped_;
    last_event_ = "dropped (malformed, bad checksum or not addressed to the peer)";
    return true;  // it was delivered; the peer chose to ignore it
  }
  const wire::TcpRepr& seg = in.tcp;
  const Key key{in.ip.src, seg.src_port, seg.dst_port};
  auto it = connections_.find(key);
  Connection* c = it == connections_.end() ? nullptr : &it->second;

  // An answer from the local port to the segment's sender. Options only on
  // a SYN-ACK; the timestamps on every segment once both sides use them.
  const auto answer = [&](uint8_t flags, uint32_t seq, uint32_t ack, const Connection* conn) {
    wire::FrameRepr r;
    r.eth.src = config_.mac;
    r.eth.dst = in.eth.src;
    r.ip.src = config_.ip;
    r.ip.dst = in.ip.src;
    r.ip.ident = 0;  // Linux's for DF segments of a new connection
    r.tcp.src_port = seg.dst_port;
    r.tcp.dst_port = seg.src_port;
    r.tcp.seq = seq;
    r.tcp.ack = ack;
    r.tcp.flags = flags;
    if (conn != nullptr) {
      const bool syn = (flags & flag::kSyn) != 0;
      // RFC 7323: the window of a SYN is never scaled; later ones are.
      r.tcp.window = syn || !conn->window_scale
                         ? config_.window
                         : static_cast<uint16_t>(config_.window >> config_.window_scale);
      if (syn) {
        r.tcp.options.mss = config_.mss;
        r.tcp.options.sack_permitted = conn->sack;
        if (conn->window_scale) r.tcp.options.window_scale = config_.window_scale;
      }
      if (conn->timestamps) r.tcp.options.timestamps = std::make_pair(ts_now(), conn->ts_recent);
    }
    outbox_.push_back(wire::emit_frame(r, {}));
  };
  const auto reset = [&](const char* why) {
    // RFC 9293 3.10.7.1: seq from their ACK if they sent one, else zero
    // with an ACK covering what they sent.
    const bool syn_or_fin = (seg.flags & (flag::kSyn | flag::kFin)) != 0;
    if (seg.flags & flag::kAck)
      answer(flag::kRst, seg.ack, 0, nullptr);
    else
      answer(flag::kRst | flag::kAck, 0, seg.seq + seg.payload_len + (syn_or_fin ? 1 : 0),
             nullptr);
    last_event_ = std::string(why) + ": answered with RST";
  };

  if (seg.flags & flag::kRst) {  // never answered, lest two stacks reset each other forever
    if (c != nullptr) connections_.erase(it);
    last_event_ = c != nullptr ? "RST: connection aborted" : "RST for no connection: ignored";
    return true;
  }

  if (c == nullptr) {
    if (seg.flags == flag::kSyn && seg.dst_port == config_.listen_port) {
      Connection n;
      n.remote_mac = in.eth.src;
      n.iss = static_cast<uint32_t>(rng_());
      n.irs = seg.seq;
      n.snd_nxt = n.iss + 1;
      n.rcv_nxt = seg.seq + 1;
      n.sack = seg.options.sack_permitted;
      n.window_scale = seg.options.window_scale.has_value();
      n.timestamps = seg.options.timestamps.has_value();
      if (n.timestamps) n.ts_recent = seg.options.timestamps->first;
      c = &connections_.emplace(key, n).first->second;
      answer(flag::kSyn | flag::kAck, c->iss, c->rcv_nxt, c);
      last_event_ = "SYN to listening port " + std::to_string(seg.dst_port) +
                    ": answered with SYN-ACK, state SYN-RECEIVED";
    } else if (seg.flags & flag::kSyn) {
      reset(("SYN to closed port " + std::to_string(seg.dst_port)).c_str());
    } else {
      reset("segment for no connection");
    }
    return true;
  }

  if (c->timestamps && seg.options.timestamps) c->ts_recent = seg.options.timestamps->first;
  switch (c->state) {
    case State::kSynReceived:
      if (seg.flags == flag::kSyn && seg.seq == c->irs) {  // our SYN-ACK was lost
        answer(flag::kSyn | flag::kAck, c->iss, c->rcv_nxt, c);
        last_event_ = "SYN retransmitted: SYN-ACK sent again";
      } else if ((seg.flags & flag::kAck) && !(seg.flags & flag::kSyn) &&
                 seg.ack == c->iss + 1 && seg.seq == c->rcv_nxt) {
        c->state = State::kEstablished;
        ++established_;
        last_event_ = "ACK of its SYN-ACK: state ESTABLISHED";
      } else {
        connections_.erase(it);
        reset("unacceptable segment in SYN-RECEIVED");
      }
      break;
    case State::kEstablished:
      if (!(seg.flags & flag::kAck) || seg.seq != c->rcv_nxt) {
        last_event_ = "out-of-window segment in ESTABLISHED: ignored";
      } else if (seg.flags & flag::kFin) {
        // Its application reads EOF and closes at once: one FIN-ACK
        // acknowledges their FIN and sends ours.
        c->rcv_nxt = seg.seq + seg.payload_len + 1;
        answer(flag::kFin | flag::kAck, c->snd_nxt, c->rcv_nxt, c);
        ++c->snd_nxt;
        c->state = State::kLastAck;
        last_event_ = "FIN: answered with FIN-ACK, state LAST-ACK";
      } else if (seg.payload_len > 0) {
        c->rcv_nxt += seg.payload_len;
        answer(flag::kAck, c->snd_nxt, c->rcv_nxt, c);
        last_event_ = std::to_string(seg.payload_len) + " octets of data: ACKed";
      } else {
        last_event_ = "ACK in ESTABLISHED";
      }
      break;
    case State::kLastAck:
      if ((seg.flags & flag::kAck) && seg.ack == c->snd_nxt && !(seg.flags & flag::kFin)) {
        connections_.erase(it);
        ++closed_;
        last_event_ = "ACK of its FIN: connection closed";
      } else if (seg.flags & flag::kFin) {  // our FIN-ACK was lost
        answer(flag::kFin | flag::kAck, c->snd_nxt - 1, c->rcv_nxt, c);
        last_event_ = "FIN retransmitted: FIN-ACK sent again";
      } else {
        last_event_ = "segment in LAST-ACK: ignored";
      }
      break;
  }
  return true;
}

}  // namespace tcpoe::sim
