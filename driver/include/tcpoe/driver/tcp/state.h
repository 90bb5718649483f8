// The eleven states of a TCP connection (RFC 9293 section 3.3.2).
#pragma once

namespace tcpoe::driver::tcp {

enum class State {
  kClosed,
  kListen,
  kSynSent,
  kSynReceived,
  kEstablished,
  kFinWait1,
  kFinWait2,
  kCloseWait,
  kClosing,
  kLastAck,
  kTimeWait,
};
constexpr int kStateCount = 11;

// The RFC's spelling: "SYN-RECEIVED", "FIN-WAIT-1", ...
constexpr const char* to_string(State s) {
  switch (s) {
    case State::kClosed: return "CLOSED";
    case State::kListen: return "LISTEN";
    case State::kSynSent: return "SYN-SENT";
    case State::kSynReceived: return "SYN-RECEIVED";
    case State::kEstablished: return "ESTABLISHED";
    case State::kFinWait1: return "FIN-WAIT-1";
    case State::kFinWait2: return "FIN-WAIT-2";
    case State::kCloseWait: return "CLOSE-WAIT";
    case State::kClosing: return "CLOSING";
    case State::kLastAck: return "LAST-ACK";
    case State::kTimeWait: return "TIME-WAIT";
  }
  return "?";
}

// RFC 9293's synchronized states: a SYN has been sent and received.
constexpr bool is_synchronized(State s) {
  return s != State::kClosed && s != State::kListen && s != State::kSynSent &&
         s != State::kSynReceived;
}

}  // namespace tcpoe::driver::tcp
