#include "payload.h"

#include <openssl/evp.h>

#include <cstdio>
#include <stdexcept>

namespace tcpoe::testbed {

struct Sha256::Context {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : ctx_(std::make_unique<Context>()) {
  if (!ctx_->md || EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("libcrypto: cannot start a SHA-256");
}

Sha256::~Sha256() = default;

void Sha256::update(const uint8_t* data, std::size_t n) { EVP_DigestUpdate(ctx_->md, data, n); }

std::string Sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_->md, digest, &len);
  std::string out;
  char two[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(two, sizeof two, "%02x", digest[i]);
    out += two;
  }
  return out;
}

void PseudoRandomStream::fill(std::vector<uint8_t>& out) {
  for (std::size_t i = 0; i < out.size(); i += 8) {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    for (std::size_t k = 0; k < 8 && i + k < out.size(); ++k) out[i + k] = uint8_t(z >> (8 * k));
  }
}

}  // namespace tcpoe::testbed
