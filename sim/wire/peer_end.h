// A peer as an end of the wire: the scripted peer (sim/peer) or the Linux
// kernel behind a TAP device (sim/tap) instead of a device. Any class with
// `bool send(const Frame&)` and `std::optional<Frame>
// receive_tcp(std::chrono::milliseconds)` fits.
//
// A frame that arrives is handed to the peer; its answers go back on the
// wire `response_delay_ps` after the arrival. The kernel answers in wall-
// clock time, so the first answer is waited for up to `answer_wait` (0 for
// the scripted peer, which answers within send()); frames the peer sends by
// itself (the kernel's SYN after TapPeer::connect_to_us(), retransmissions)
// are put on the wire by pump().
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "ethernet_wire.h"

namespace tcpoe::sim {

template <class Peer>
class PeerEnd : public WireEnd {
 public:
  PeerEnd(EthernetWire& wire, int side, Peer& peer, uint64_t response_delay_ps = 0,
          std::chrono::milliseconds answer_wait = std::chrono::milliseconds(0))
      : wire_(wire), side_(side), peer_(peer), response_delay_ps_(response_delay_ps),
        answer_wait_(answer_wait) {
    wire_.attach(side_, this);
  }
  ~PeerEnd() override { wire_.attach(side_, nullptr); }
  PeerEnd(const PeerEnd&) = delete;
  PeerEnd& operator=(const PeerEnd&) = delete;

  void frame_arrived(const Frame& frame, uint64_t time_ps) override {
    received_++;
    peer_.send(frame);
    send_answers(time_ps + response_delay_ps_, answer_wait_);
  }

  // Sends at `now_ps` whatever the peer has sent by itself; how many frames.
  uint64_t pump(uint64_t now_ps, std::chrono::milliseconds wait = std::chrono::milliseconds(0)) {
    return send_answers(now_ps, wait);
  }

  uint64_t frames_received() const { return received_; }
  uint64_t frames_sent() const { return sent_; }

 private:
  uint64_t send_answers(uint64_t at_ps, std::chrono::milliseconds first_wait) {
    uint64_t n = 0;
    for (std::optional<Frame> answer = peer_.receive_tcp(first_wait); answer;
         answer = peer_.receive_tcp(std::chrono::milliseconds(0))) {
      wire_.send(side_, std::move(*answer), at_ps);
      ++n;
    }
    sent_ += n;
    return n;
  }

  EthernetWire& wire_;
  int side_;
  Peer& peer_;
  uint64_t response_delay_ps_;
  std::chrono::milliseconds answer_wait_;
  uint64_t received_ = 0, sent_ = 0;
};

}  // namespace tcpoe::sim
