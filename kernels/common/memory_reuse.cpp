#include "kernels/common/memory_reuse.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace crmpi {

bool keep_freed_memory_for_reuse() {
  const char* off = std::getenv("CRMPI_RETURN_FREED_MEMORY");
  if (off != nullptr && std::strcmp(off, "0") != 0 && *off != '\0') return false;
#if defined(__GLIBC__)
  // No mmap'd blocks: every block comes from the heap, whose freed space is reused...
  const bool no_mmap = mallopt(M_MMAP_MAX, 0) == 1;
  // ...and is never trimmed back to the system (the threshold is a size_t in glibc; -1 = never).
  const bool no_trim = mallopt(M_TRIM_THRESHOLD, -1) == 1;
  return no_mmap && no_trim;
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
