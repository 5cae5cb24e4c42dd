#include "kernels/common/memory_reuse.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <cstdlib>

namespace crmpi {
namespace {

constexpr std::uintptr_t kHugePage = std::uintptr_t{1} << 21;

std::size_t reserved_bytes = 0;

std::size_t reserve_heap_in_huge_pages(const HeapPolicy& policy) {
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
  if (!policy.huge_pages) return 0;
  const std::size_t bytes = heap_reservation_bytes(policy.overcommit_allowed);
  if (bytes < 2 * kHugePage) return 0;
  // With no mmap'd blocks and no trimming (keep_freed_memory_for_reuse), this block comes from
  // the heap, and freeing it leaves the heap's top that far ahead: later blocks are carved from
  // the advised range. Only the block's header is written.
  void* block = std::malloc(bytes);
  if (block == nullptr) return 0;
  const auto begin = (reinterpret_cast<std::uintptr_t>(block) + kHugePage - 1) & ~(kHugePage - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(block) + bytes) & ~(kHugePage - 1);
  std::free(block);
  if (end <= begin || madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE) != 0) return 0;
  return end - begin;
#else
  (void)policy;
  return 0;
#endif
}

}  // namespace

// A reservation counts against RLIMIT_AS / RLIMIT_DATA, and the rest of such a limit is left to
// what is not heap (libraries, stacks, MPI's shared memory); in strict overcommit mode it would
// be charged as committed memory, so there is none.
std::size_t heap_reservation_bytes(bool overcommit_allowed) {
  if (!overcommit_allowed) return 0;
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 0;
  std::size_t bytes = static_cast<std::size_t>(pages) / 2 * static_cast<std::size_t>(page);
  for (const auto resource : {RLIMIT_AS, RLIMIT_DATA}) {
    rlimit r{};
    if (getrlimit(resource, &r) != 0) return 0;
    if (r.rlim_cur != RLIM_INFINITY) bytes = std::min<std::size_t>(bytes, static_cast<std::size_t>(r.rlim_cur) / 2);
  }
  return bytes;
}

std::size_t heap_reserved_in_huge_pages() { return reserved_bytes; }

bool keep_freed_memory_for_reuse(const HeapPolicy& policy) {
  if (!policy.keep_freed) return false;
#if defined(__GLIBC__)
  // No mmap'd blocks: every block comes from the heap, whose freed space is reused...
  const bool no_mmap = mallopt(M_MMAP_MAX, 0) == 1;
  // ...and is never trimmed back to the system (the threshold is a size_t in glibc; -1 = never).
  const bool no_trim = mallopt(M_TRIM_THRESHOLD, -1) == 1;
  if (!no_mmap || !no_trim) return false;
  if (reserved_bytes == 0) reserved_bytes = reserve_heap_in_huge_pages(policy);  // once: the heap keeps it
  return true;
#else
  return false;
#endif
}

std::size_t release_pages(const void* begin, const void* end) {
#if defined(__linux__)
  static const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const std::uintptr_t b = (reinterpret_cast<std::uintptr_t>(begin) + page - 1) & ~(page - 1);
  const std::uintptr_t e = reinterpret_cast<std::uintptr_t>(end) & ~(page - 1);
  if (e <= b) return 0;
  // Advice only: if the call fails the pages simply stay resident.
  if (madvise(reinterpret_cast<void*>(b), e - b, MADV_DONTNEED) != 0) return 0;
  return e - b;
#else
  (void)begin;
  (void)end;
  return 0;
#endif
}

}  // namespace crmpi
