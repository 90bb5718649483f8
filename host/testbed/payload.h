// The octets of a data transfer and their digest: a pseudo-random stream
// from a seed, and SHA-256. Shared by tcpoe-handshake's --send-bytes (via
// data_stream.h) and the transfer scenarios, and kept apart from
// the simulated host so a program without SystemC can use it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tcpoe::testbed {

// SHA-256 (FIPS 180-4) of what is fed to it, by OpenSSL's libcrypto.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const uint8_t* data, std::size_t n);
  std::string hex();  // the digest, lower-case hex; ends the hashing

 private:
  struct Context;
  std::unique_ptr<Context> ctx_;
};

// The pseudo-random octets a sender sends: splitmix64 from `seed`, so the
// stream of a seed is the same on every run.
class PseudoRandomStream {
 public:
  explicit PseudoRandomStream(uint64_t seed) : state_(seed) {}
  void fill(std::vector<uint8_t>& out);  // the next out.size() octets

 private:
  uint64_t state_;
};

}  // namespace tcpoe::testbed
