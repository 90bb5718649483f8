#include "data_stream.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace tcpoe::testbed {

DataResult move_data(SimHost& host, drv::SocketId socket, const DataPlan& plan, const std::function<bool()>& stop) {
  constexpr std::size_t kChunk = 65536;
  constexpr auto kIdlePoll = std::chrono::microseconds(2);  // simulated: nothing moved, wait for the device
  drv::Stack& stack = host.stack();
  DataResult res;
  Sha256 sent_hash, received_hash;
  PseudoRandomStream source(plan.seed);
  std::vector<uint8_t> chunk, buf(kChunk);
  std::size_t chunk_sent = 0;
  bool shut = false;  // our FIN asked for (after the last octet, or at once with nothing to send)
  bool peer_zero = false, our_zero = false;
  tcp::Time resume_at{};
  const auto wall0 = std::chrono::steady_clock::now();
  const tcp::Time t0 = sim_now();
  auto sending_done = [&] { return res.sent == plan.send_bytes; };
  auto receiving_done = [&] { return !plan.receive || res.end_of_stream; };
  // Everything send() took, and our FIN after it, acknowledged.
  auto all_acknowledged = [&] {
    const tcp::Connection* c = stack.connection(socket);
    return !c || c->snd_una() == c->send_buffer().end() + 1;
  };
  while (!(sending_done() && shut && receiving_done() && all_acknowledged())) {
    if (stop()) {
      res.error = "interrupted";
      break;
    }
    if (std::chrono::steady_clock::now() - wall0 > plan.wall_limit) {
      res.error = "not done after " + std::to_string(plan.wall_limit.count()) + " ms of wall clock";
      break;
    }
    bool moved = false;
    if (!sending_done()) {
      if (chunk_sent == chunk.size()) {
        chunk.resize(std::min<uint64_t>(kChunk, plan.send_bytes - res.sent));
        source.fill(chunk);
        sent_hash.update(chunk.data(), chunk.size());
        chunk_sent = 0;
      }
      std::size_t n = 0;
      const std::error_code e = stack.send(socket, wire::ByteSpan(chunk).subspan(chunk_sent), n);
      if (e && e != drv::StackError::kWouldBlock) {
        res.error = "send: " + e.message();
        break;
      }
      chunk_sent += n;
      res.sent += n;
      moved |= n > 0;
    } else if (!shut) {
      if (const std::error_code e = stack.shutdown(socket)) {
        res.error = "shutdown: " + e.message();
        break;
      }
      shut = true;
    }
    if (plan.pause.count() > 0 && !res.paused && res.received >= plan.pause_after) {
      res.paused = true;
      resume_at = sim_now() + plan.pause;
    }
    if (!receiving_done() && sim_now() >= resume_at) {
      std::size_t n = 0;
      const std::size_t want = res.paused || plan.pause.count() == 0
                                   ? buf.size()
                                   : std::min<uint64_t>(buf.size(), plan.pause_after - res.received);
      const std::error_code e = stack.recv(socket, wire::MutableByteSpan(buf.data(), want), n);
      if (n) {
        received_hash.update(buf.data(), n);
        res.received += n;
        moved = true;
      } else if (!e) {
        res.end_of_stream = true;
      } else if (e != drv::StackError::kWouldBlock) {
        res.error = "recv: " + e.message();
        break;
      }
    }
    if (const tcp::Connection* c = stack.connection(socket)) {
      res.peer_zero_windows += !peer_zero && c->snd_wnd() == 0;
      peer_zero = c->snd_wnd() == 0;
      res.our_zero_windows += !our_zero && c->rcv_wnd() == 0;
      our_zero = c->rcv_wnd() == 0;
      res.counters = c->counters();
    }
    if (moved) continue;
    for (const drv::PollEvent& e : stack.poll(kIdlePoll)) {
      if (host.on_event) host.on_event(e);
      if (e.socket != socket) continue;
      if (e.events & drv::ready::kClosed) res.closed = true;
      if (e.events & drv::ready::kError) res.close_error = e.error;
    }
  }
  res.sent_sha256 = sent_hash.hex();
  res.received_sha256 = received_hash.hex();
  res.sim_ns = uint64_t((sim_now() - t0).count());
  res.wall_ms = uint64_t(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - wall0).count());
  return res;
}

}  // namespace tcpoe::testbed
