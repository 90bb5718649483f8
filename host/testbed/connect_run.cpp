#include "connect_run.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

namespace tcpoe::testbed {

namespace {

constexpr std::chrono::microseconds kPollStep{10};

void count(std::map<std::string, uint64_t>& by_message, const std::error_code& e) { ++by_message[e.message()]; }

}  // namespace

void ConnectRun::wait_for_other(SimHost& h, const bool& other_done) {
  while (!other_done && sim_now() < end_) h.stack().poll(kPollStep);
}

void ConnectRun::connector(SimHost& a, uint32_t peer_ip) {
  drv::Stack& s = a.stack();
  while (!listening_) sc_core::wait(sc_core::sc_time(100, sc_core::SC_NS));
  const tcp::Time start = sim_now();
  ConnectRunResult& r = result_;
  std::map<drv::SocketId, tcp::Time> connecting;  // socket -> when connect() was called
  std::set<drv::SocketId> closing;
  while ((r.requested < config_.connections || !connecting.empty() || !closing.empty()) && sim_now() < end_) {
    while (r.requested < config_.connections && connecting.size() < config_.concurrent &&
           !(config_.one_at_a_time && !closing.empty())) {
      ++r.requested;
      drv::SocketId id = 0;
      if (const std::error_code e = s.connect(peer_ip, config_.port, id)) {
        ++r.failed;
        count(r.connect_errors, e);
        continue;
      }
      connecting[id] = sim_now();
    }
    for (const drv::PollEvent& e : s.poll(kPollStep)) {
      if (const auto it = connecting.find(e.socket); it != connecting.end()) {
        if (e.events & drv::ready::kConnected) {
          ++r.established;
          r.connect_ns.push_back(uint64_t((sim_now() - it->second).count()));
          r.connect_at_ns.push_back(uint64_t(it->second.count()));
          connecting.erase(it);
          if (config_.close) {
            if (const std::error_code c = s.close(e.socket)) count(r.close_errors, c);
            else closing.insert(e.socket);
          }
        } else if (e.events & drv::ready::kError) {
          ++r.failed;
          count(r.connect_errors, e.error);
          if (const auto t = s.tuple(e.socket)) r.failed_ports.push_back(t->local_port);
          connecting.erase(it);
          continue;
        }
      }
      if (closing.count(e.socket) && (e.events & drv::ready::kClosed)) {
        closing.erase(e.socket);
        if (e.events & drv::ready::kError) count(r.close_errors, e.error);
        else ++r.closed;
      }
    }
  }
  r.sim_ns = uint64_t((sim_now() - start).count());
  for (const auto& [id, t] : connecting) ++r.left["a " + a.state_name(id)];
  for (const drv::SocketId id : closing) ++r.left["a " + a.state_name(id)];
  a_ok_ = r.requested == config_.connections && connecting.empty() && closing.empty();
  a_done_ = true;
  wait_for_other(a, b_done_);
  r.finished = a_ok_ && b_ok_;
}

void ConnectRun::listener(SimHost& b) {
  drv::Stack& s = b.stack();
  drv::SocketId listener = 0;
  if (const std::error_code e = s.listen(config_.port, std::max(1u, config_.concurrent), listener))
    throw std::runtime_error("ConnectRun: listen on port " + std::to_string(config_.port) + ": " + e.message());
  end_ = sim_now() + config_.limit;
  listening_ = true;
  ConnectRunResult& r = result_;
  std::set<drv::SocketId> open;  // accepted, not closed yet
  const auto done = [&] { return a_done_ && (!config_.close || (open.empty() && s.table().size() == 0)); };
  while (!done() && sim_now() < end_) {
    for (const drv::PollEvent& e : s.poll(kPollStep)) {
      if (e.socket == listener) {
        drv::SocketId id = 0;
        while (!s.accept(listener, id)) {
          ++r.accepted;
          open.insert(id);
        }
        continue;
      }
      if (!open.count(e.socket)) continue;
      if ((e.events & drv::ready::kPeerClosed) && config_.close) {
        if (const std::error_code c = s.close(e.socket)) count(r.b_errors, c);
      }
      if (e.events & drv::ready::kClosed) {
        open.erase(e.socket);
        if (e.events & drv::ready::kError) count(r.b_errors, e.error);
        else ++r.b_closed;
      }
    }
  }
  b_ok_ = done();
  for (const drv::SocketId id : open) ++r.left["b " + b.state_name(id)];
  if (!b_ok_ && open.empty()) r.left["b table"] += s.table().size();
  b_done_ = true;
  wait_for_other(b, a_done_);
  s.close(listener);
}

uint64_t percentile(std::vector<uint64_t> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t rank = std::size_t(std::ceil(p / 100.0 * double(values.size())));  // nearest rank
  return values[std::min(values.size(), std::max<std::size_t>(rank, 1)) - 1];
}

}  // namespace tcpoe::testbed
