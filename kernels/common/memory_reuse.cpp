#include "kernels/common/memory_reuse.hpp"

#include <malloc.h>

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

}  // namespace crmpi
