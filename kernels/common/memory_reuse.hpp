// Process-wide heap policy of crmpi (the executable and the benchmarks that stand for it).
//
// glibc serves blocks of 32 MiB and more (less, by its dynamic threshold) with a fresh mmap and
// gives them back with munmap on free, so every large temporary of a stage (sort keys, collapsed
// tables, output columns) is paid again in page faults and in the kernel zeroing new pages: in
// this project's profiles, clear_page and the fault path were 20-25% of the CLV kernels' time
// and ~40% of `crmpi run`'s system time. keep_freed_memory_for_reuse() makes glibc take every
// block from the heap and keep freed heap memory (no trimming), so a later stage reuses pages
// already faulted in. The resident size is then the heap's high-water mark, i.e. the peak of live
// memory plus fragmentation (measured +4% on `crmpi run`, docs/PERFORMANCE.md).
//
// CRMPI_RETURN_FREED_MEMORY=1 in the environment keeps glibc's defaults (for A/B runs, or for a
// job that must hand memory back between stages).
#pragma once

#include <cstddef>

namespace crmpi {

// Call first thing in main(). Returns false when the policy was not applied (environment switch,
// or an allocator without mallopt, e.g. under a sanitizer).
bool keep_freed_memory_for_reuse();

// Gives the whole pages inside [begin, end) back to the system while their block stays allocated:
// for data that will not be read again before the block is freed (the lines a rank has already
// sent in the shuffle), so it stops counting towards the peak. The bytes of those pages read as
// zeros afterwards (Linux MADV_DONTNEED on private memory); partial pages at either end are left
// as they are. Returns the number of bytes released (0 where the system has no such call).
std::size_t release_pages(const void* begin, const void* end);

}  // namespace crmpi
