// The socket-like API (library tcpoe::driver): a Stack joins one device
// (dev::Device: its TX and RX queues) and the connection table
// (tcp::ConnectionTable). Frames out: the table's TX descriptors, with the
// Ethernet addresses filled in, posted on the TxQueue (one doorbell per
// round); frames in: RX completions, their parsed descriptors handed to
// the table. Timers run on the caller's clock (simulated or real time).
//
// The calls are non-blocking: connect() starts a handshake and returns,
// send() and recv() move what they can between the user and the
// connection's buffers,
// poll(timeout) waits (through the device: an interrupt, or poll-mode
// pauses) until something happened to a socket or the timeout passed and
// returns the readiness events. Their blocking forms, with a timeout, wait
// the same way until they can complete. Errors are std::error_codes of
// stack_category(), with messages ("connection refused", ...).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "tcpoe/driver/dev/device.h"
#include "tcpoe/driver/dma_chunk_pool.h"
#include "tcpoe/driver/tcp/table.h"

namespace tcpoe::driver {

enum class StackError {
  kConnectionRefused = 1,  // ECONNREFUSED: the peer answered our SYN with RST
  kTimedOut,               // ETIMEDOUT: retransmissions went unanswered
  kConnectionReset,        // ECONNRESET: the peer reset a synchronized connection
  kAddressInUse,           // EADDRINUSE
  kAddressNotAvailable,    // EADDRNOTAVAIL: no free ephemeral port
  kInvalidArgument,        // EINVAL
  kWouldBlock,             // EAGAIN: nothing to accept yet
  kNotConnected,           // ENOTCONN: the socket has no connection (any more)
  kBadSocket,              // EBADF: no such socket
  kNoRoute,                // EHOSTUNREACH: no Ethernet address known for the peer
  kBrokenPipe,             // EPIPE: sending after shutdown() or close()
  kWaitTimedOut,           // a blocking call's timeout passed (Linux: EAGAIN after SO_RCVTIMEO)
};
const std::error_category& stack_category();
std::error_code make_error_code(StackError e);

using Mac = std::array<std::uint8_t, 6>;
using SocketId = std::uint32_t;  // 0 is never a socket

// Readiness, as bits of PollEvent::events.
namespace ready {
constexpr std::uint32_t kConnected = 1u << 0;   // the handshake completed (writable)
constexpr std::uint32_t kAcceptable = 1u << 1;  // a listener has a connection to accept
constexpr std::uint32_t kPeerClosed = 1u << 2;  // the peer's FIN: end of its stream
constexpr std::uint32_t kClosed = 1u << 3;      // the connection is gone, in order or not
constexpr std::uint32_t kError = 1u << 4;       // see PollEvent::error
constexpr std::uint32_t kReadable = 1u << 5;    // data arrived for recv()
constexpr std::uint32_t kWritable = 1u << 6;    // send() found the buffer full; it has room again
}  // namespace ready

// Socket options (set_option / get_option), each with an int value as
// setsockopt() takes it.
enum class SocketOption {
  kNoDelay,  // TCP_NODELAY: non-zero turns Nagle's rule off; a listener's passes to what it accepts
};

struct PollEvent {
  SocketId socket = 0;
  std::uint32_t events = 0;
  std::error_code error;
};

struct StackConfig {
  std::uint32_t local_ip = 0;
  Mac local_mac{};
  tcp::StackConfig tcp;
  // Poll mode: the pause between two looks at the rings. A look reads host
  // memory only (no MMIO), so it costs the CPU, not the device; a frame
  // waits for the next look, up to this long (bench/bench_connect).
  std::uint64_t poll_interval_ns = 100;
  // Send buffers live in DMA memory, in chunks of this many octets (a power
  // of two, at least the MSS) taken on demand, at most send_pool_chunks
  // alive at once over all connections (and posted segments not completed
  // yet); at the bound send() takes less, as with a full buffer.
  std::size_t send_chunk_bytes = tcp::kDefaultChunkBytes;
  std::size_t send_pool_chunks = 4096;  // 256 MB of 64 kB chunks
};

struct StackCounters {
  std::uint64_t frames_posted = 0, tx_completions = 0, tx_failed = 0;  // failed: status not OK
  std::uint64_t rx_completions = 0, rx_failed = 0;
  std::uint64_t tx_no_neighbour = 0;  // segments to an address without a known MAC: dropped
  // Data segments not posted: their octets were acknowledged (or the
  // connection went) while they waited for room on the TX ring.
  std::uint64_t tx_payload_gone = 0;
  // Payload octets of segments posted by reference: the device reads them
  // from the send buffer's chunks in place (every transmission, first or
  // again); payload octets copied into TX slots instead (only a send
  // buffer not in this Stack's DMA chunks would be: 0); and received
  // payload octets handed to connections in place, as views of the RX
  // buffers (no copy by the Stack; the connection copies what it keeps
  // into its receive buffer, once).
  std::uint64_t tx_payload_by_reference = 0, tx_payload_copied = 0, rx_payload_in_place = 0;
};

class Stack {
 public:
  using Clock = std::function<tcp::Time()>;

  // `device` must be up; `clock` gives the time the table's timers run on.
  Stack(dev::Device& device, const StackConfig& config, Clock clock);

  // The Ethernet address of `ip` (a static neighbour table).
  void add_neighbour(std::uint32_t ip, const Mac& mac) { neighbours_[ip] = mac; }

  std::error_code connect(std::uint32_t remote_ip, std::uint16_t remote_port, SocketId& out,
                          std::uint16_t local_port = 0);
  std::error_code listen(std::uint16_t port, std::uint32_t backlog, SocketId& out);
  std::error_code accept(SocketId listener, SocketId& out);
  std::error_code shutdown(SocketId socket);  // our FIN; the peer may go on sending
  // A connection: FIN, the socket reported kClosed once the connection is
  // gone; a listener: stops listening, the socket is gone at once.
  std::error_code close(SocketId socket);
  // A socket option (kInvalidArgument: not one this socket has).
  std::error_code set_option(SocketId socket, SocketOption option, int value);
  std::error_code get_option(SocketId socket, SocketOption option, int& value) const;

  // Data (non-blocking): send() queues what fits in the connection's send
  // buffer (`sent`; none: operation would block), recv() gives what
  // arrived in order (`got`; 0 with no error: the peer's FIN, end of
  // stream; nothing yet: operation would block).
  std::error_code send(SocketId socket, wire::ByteSpan data, std::size_t& sent);
  std::error_code recv(SocketId socket, wire::MutableByteSpan into, std::size_t& got);

  // Runs the rings and timers until a socket has an event or `timeout` passed.
  std::vector<PollEvent> poll(std::chrono::nanoseconds timeout);

  // Blocking forms. Each runs the rings and timers as poll() does (no
  // busier) until the call can complete, or `timeout` passed:
  // kWaitTimedOut. Events seen meanwhile, of any socket, are kept for the
  // next poll(). A connection that went while waiting gives the error its
  // event carries (kConnectionRefused, kTimedOut, kConnectionReset).
  //  - connect(): until the handshake completed. On kWaitTimedOut `out` is
  //    the socket and the handshake goes on (poll() tells its end).
  //  - accept(): until a connection is there to accept.
  //  - send(): until all of `data` is queued; `sent` says how much was, also
  //    on an error or the timeout. kBrokenPipe after shutdown()/close().
  //  - recv(): until at least one octet arrived (`got`), or end of stream
  //    (`got` 0, no error).
  std::error_code connect(std::uint32_t remote_ip, std::uint16_t remote_port, SocketId& out,
                          std::chrono::nanoseconds timeout, std::uint16_t local_port = 0);
  std::error_code accept(SocketId listener, SocketId& out, std::chrono::nanoseconds timeout);
  std::error_code send(SocketId socket, wire::ByteSpan data, std::size_t& sent, std::chrono::nanoseconds timeout);
  std::error_code recv(SocketId socket, wire::MutableByteSpan into, std::size_t& got,
                       std::chrono::nanoseconds timeout);

  // Resets the connection (RST, as close() with SO_LINGER 0 on Linux) and
  // forgets the socket at once; a listener: as close().
  std::error_code abort(SocketId socket);

  // The socket's connection state (LISTEN for a listener); nullopt when gone.
  std::optional<tcp::State> state(SocketId socket) const;
  const tcp::Connection* connection(SocketId socket) const;
  std::optional<tcp::FourTuple> tuple(SocketId socket) const;

  const StackCounters& counters() const { return counters_; }
  // Received segments not acted on, by reason (ConnectionTable::drops()).
  tcp::DropCounters drops() const { return table_.drops(); }
  // Frames the table gave that wait for room on the TX ring.
  std::size_t frames_waiting() const { return pending_tx_.size(); }
  const tcp::ConnectionTable& table() const { return table_; }
  dev::Device& device() { return device_; }
  // The send buffers' chunks: live() counts those still held by a
  // connection or by a posted TX entry whose completion is not reaped yet.
  const tcp::ChunkPool& send_chunks() const { return *send_chunks_; }

 private:
  struct Socket {
    bool listener = false;
    std::uint16_t port = 0;  // a listener's
    tcp::FourTuple tuple;    // a connection's
    bool closing = false;    // close() was called
    bool nodelay = false;    // SocketOption::kNoDelay
  };
  struct TupleHash {
    std::size_t operator()(const tcp::FourTuple& t) const {
      return std::hash<std::uint64_t>()(std::uint64_t(t.local_ip) << 32 | t.remote_ip) ^
             (std::size_t(t.local_port) << 16 | t.remote_port);
    }
  };

  SocketId add_socket(const Socket& s);
  // One look at the rings and timers: completions in, frames out.
  void pump(std::vector<PollEvent>& events);
  void apply(tcp::Actions&& actions, std::vector<PollEvent>& events);
  void post_pending();
  // One segment on the TX ring, its payload by reference; false when the ring is full.
  bool post_segment(const wire::TxDescriptor& d, const tcp::SendBuffer::Parts& payload);
  // Waits through the device until `end`, the next timer or, while a
  // completion or frame is held back (or in poll mode), the next look.
  void idle(tcp::Time end);
  // A blocking call: `attempt` again after every look while it would block.
  std::error_code block(SocketId socket, std::chrono::nanoseconds timeout,
                        const std::function<std::error_code()>& attempt);
  // The connection of a socket: its tuple, or an error for the caller.
  std::error_code connection_of(SocketId socket, tcp::FourTuple& tuple) const;
  void report(SocketId id, std::uint32_t bits, std::error_code error, std::vector<PollEvent>& events);
  void forget(SocketId id);
  std::error_code close_listener(SocketId listener);

  dev::Device& device_;
  StackConfig config_;
  Clock clock_;
  std::shared_ptr<DmaChunkPool> send_chunks_;  // shared with every connection's config
  tcp::ConnectionTable table_;
  std::unordered_map<std::uint32_t, Mac> neighbours_;
  std::map<SocketId, Socket> sockets_;
  std::unordered_map<tcp::FourTuple, SocketId, TupleHash> by_tuple_;
  std::map<std::uint16_t, SocketId> listeners_;
  std::deque<wire::TxDescriptor> pending_tx_;  // waiting for room on the TX ring
  // What happened to connections not accepted yet (the peer's FIN, a
  // reset), told to their socket at accept().
  std::unordered_map<tcp::FourTuple, PollEvent, TupleHash> before_accept_;
  // Events of calls outside poll() (accept, close, ...): poll() returns them next.
  std::vector<PollEvent> ready_;
  SocketId next_id_ = 1;
  StackCounters counters_;
};

}  // namespace tcpoe::driver

template <>
struct std::is_error_code_enum<tcpoe::driver::StackError> : std::true_type {};
