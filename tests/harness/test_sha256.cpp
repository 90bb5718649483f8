// The SHA-256 the transfers are judged by (host/testbed/data_stream.h,
// libcrypto's) against independent oracles: the
// FIPS 180-4 example digests, Python's hashlib (Debian's /usr/bin/python3)
// and coreutils' sha256sum, on inputs fed whole and in uneven pieces.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "payload.h"
#include "../support/subprocess.h"

namespace {

using tcpoe::test::run_command;
using tcpoe::testbed::Sha256;

std::string digest(const std::string& text) {
  Sha256 h;
  h.update(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  return h.hex();
}

}  // namespace

TEST_CASE("sha256 gives the FIPS 180-4 example digests", "[sha256]") {
  CHECK(digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("sha256 agrees with python hashlib at every length around the block and padding edges",
          "[sha256]") {
  // Lengths 0..130 of one text cover an empty block, the 55/56/64-octet
  // padding edges and a second block; python prints one digest a line.
  std::string text;
  for (int i = 0; i < 130; ++i) text += char('a' + i % 26);
  const auto r = run_command(std::string(TCPOE_SCAPY_PYTHON) +
                             " -c \"import hashlib,sys; t=sys.stdin.read().encode();"
                             " print('\\n'.join(hashlib.sha256(t[:n]).hexdigest() for n in range(131)))\"",
                             text);
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> want;
  std::size_t at = 0;
  for (std::size_t nl; (nl = r.output.find('\n', at)) != std::string::npos; at = nl + 1)
    want.push_back(r.output.substr(at, nl - at));
  REQUIRE(want.size() == 131);
  for (std::size_t n = 0; n <= 130; ++n) {
    INFO("length " << n);
    CHECK(digest(text.substr(0, n)) == want[n]);
  }
}

TEST_CASE("sha256 of random octets fed in uneven pieces agrees with sha256sum", "[sha256]") {
  std::mt19937 random(7);
  std::string data(1'000'003, '\0');
  for (char& c : data) c = char(random());
  Sha256 h;
  for (std::size_t at = 0, piece = 1; at < data.size(); at += piece, piece = piece * 3 % 1499 + 1)
    h.update(reinterpret_cast<const uint8_t*>(data.data()) + at, std::min(piece, data.size() - at));
  const auto r = run_command("sha256sum", data);  // "DIGEST  -"
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.output.size() >= 64);
  CHECK(h.hex() == r.output.substr(0, 64));
}
