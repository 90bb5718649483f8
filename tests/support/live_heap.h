// The heap's live octets, for a binary that shows what something costs in
// memory (a SYN flood, a connection): including this header, in exactly one
// source file of the binary, replaces operator new and delete to count
// them; live_octets() reads the count. Under AddressSanitizer, which owns
// operator new, ASan's allocator keeps the count instead.
#pragma once

#include <atomic>
#include <cstdlib>
#include <malloc.h>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer owns operator new; its allocator keeps the count (the
// sanitizer runtime's interface; gcc ships no header declaring it).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();

namespace {
inline long long live_octets() { return static_cast<long long>(__sanitizer_get_current_allocated_bytes()); }
}  // namespace
#else
namespace {

std::atomic<long long> g_live_octets{0};

// The heap's own size of each block (glibc's malloc_usable_size), so a block
// allocated before these replacements took over is counted consistently too.
void* counted_alloc(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (!p) throw std::bad_alloc();
  g_live_octets += static_cast<long long>(malloc_usable_size(p));
  return p;
}

void counted_free(void* p) noexcept {
  if (!p) return;
  g_live_octets -= static_cast<long long>(malloc_usable_size(p));
  std::free(p);
}

long long live_octets() { return g_live_octets.load(); }

}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
#endif
