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
// The heap is also taken ahead of use and advised as transparent huge pages: half the physical
// memory of address space (at most half of a limit on it), reserved once and only written where
// blocks are carved from it. Each
// 4 KiB page touched for the first time is a fault, ~9 us on this project's VMs (the hypervisor
// backs the page too): on mushroom at 10% (574,431 itemsets) 15,000 faults were half the
// process's time; with 2 MiB pages `crmpi rules` there went 0.29 -> 0.13 s, and `crmpi run` on 1M
// customers 7.5 -> 6.4-6.9 s (docs/PERFORMANCE.md). It is what glibc's tunable
// glibc.malloc.hugetlb=1 does, which glibc reads only at start. Under RLIMIT_AS or RLIMIT_DATA the
// reservation is at most half the limit (the rest stays for what is not heap); in strict overcommit
// mode (2) there is none, as it would be charged as committed memory. The resident size does not
// change: untouched pages are not resident.
//
// The caller says what the process's surroundings allow (HeapPolicy): jobs/common/heap_policy.hpp
// reads it from the environment (CRMPI_RETURN_FREED_MEMORY=1 keeps glibc's defaults, for A/B runs
// or a job that must hand memory back between stages; CRMPI_HEAP_HUGE_PAGES=0 keeps the reuse and
// leaves out the huge pages, where the kernel's compaction for them stalls a job) and from the
// kernel's overcommit mode, so that this file reads nothing.
#pragma once

#include <cstddef>

namespace crmpi {

struct HeapPolicy {
  bool keep_freed = true;           // false: glibc's defaults, nothing below applies
  bool huge_pages = true;           // reserve the heap ahead and advise it as huge pages
  bool overcommit_allowed = false;  // the kernel's overcommit mode is 0 or 1 (not strict, 2)
};

// Call first thing in main(). Returns false when the policy was not applied (policy.keep_freed
// false, or an allocator without mallopt, e.g. under a sanitizer). The reservation is made once
// per process: later calls keep it.
bool keep_freed_memory_for_reuse(const HeapPolicy& policy);
// Bytes the policy would reserve ahead (before the alignment to huge pages): half the physical
// memory, at most half a limit on the address space or the data segment; 0 without overcommit.
std::size_t heap_reservation_bytes(bool overcommit_allowed);
// Bytes of heap reserved and advised as huge pages by the policy (0: none, see above).
std::size_t heap_reserved_in_huge_pages();

// Gives the whole pages inside [begin, end) back to the system while their block stays allocated:
// for data that will not be read again before the block is freed (the lines a rank has already
// sent in the shuffle), so it stops counting towards the peak. The bytes of those pages read as
// zeros afterwards (Linux MADV_DONTNEED on private memory); partial pages at either end are left
// as they are. Returns the number of bytes released (0 where the system has no such call).
std::size_t release_pages(const void* begin, const void* end);

}  // namespace crmpi
