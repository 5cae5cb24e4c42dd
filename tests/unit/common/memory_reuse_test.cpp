// The process heap policy (kernels/common/memory_reuse.hpp), as the environment sets it
// (jobs/common/heap_policy.hpp): large blocks come from the heap, not from mmap, and a freed large
// block is reused rather than handed back; the heap ahead is reserved and advised as huge pages,
// with its own switch, and none under strict overcommit; release_pages.
#include <gtest/gtest.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "jobs/common/heap_policy.hpp"
#include "kernels/common/memory_reuse.hpp"

TEST(MemoryReuse, EnvironmentSwitchKeepsTheDefaults) {
  ::setenv("CRMPI_RETURN_FREED_MEMORY", "1", 1);
  EXPECT_FALSE(crmpi::heap_policy_from_environment().keep_freed);
  EXPECT_FALSE(crmpi::apply_heap_policy_from_environment());
  ::setenv("CRMPI_RETURN_FREED_MEMORY", "0", 1);  // "0" and "" mean the switch is off
  EXPECT_TRUE(crmpi::heap_policy_from_environment().keep_freed);
  ::unsetenv("CRMPI_RETURN_FREED_MEMORY");
  ::setenv("CRMPI_HEAP_HUGE_PAGES", "0", 1);
  EXPECT_FALSE(crmpi::heap_policy_from_environment().huge_pages);
  EXPECT_FALSE(crmpi::heap_policy_from_environment().overcommit_allowed) << "not asked for without huge pages";
  ::unsetenv("CRMPI_HEAP_HUGE_PAGES");
}

namespace {

// Half the physical memory, or half a limit on the address space or data segment where lower:
// the size rule of memory_reuse.hpp, computed here on its own.
std::size_t half_of_memory_or_limit() {
  std::size_t expected = static_cast<std::size_t>(sysconf(_SC_PHYS_PAGES)) / 2 * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  for (const auto resource : {RLIMIT_AS, RLIMIT_DATA}) {
    rlimit r{};
    if (getrlimit(resource, &r) != 0) return 0;
    if (r.rlim_cur != RLIM_INFINITY) expected = std::min<std::size_t>(expected, static_cast<std::size_t>(r.rlim_cur) / 2);
  }
  return expected;
}

}  // namespace

TEST(MemoryReuse, NoReservationUnderStrictOvercommit) {
  EXPECT_EQ(crmpi::heap_reservation_bytes(false), 0U);
  EXPECT_EQ(crmpi::heap_reservation_bytes(true), half_of_memory_or_limit());
}

TEST(MemoryReuse, LargeBlocksComeFromTheHeapAndAreReused) {
  if (!crmpi::apply_heap_policy_from_environment()) GTEST_SKIP() << "allocator without mallopt (sanitizer build?)";
  constexpr std::size_t kBig = std::size_t{96} << 20;  // far above glibc's mmap threshold
  const std::size_t mapped_before = mallinfo2().hblkhd;
  char* a = static_cast<char*>(std::malloc(kBig));
  ASSERT_NE(a, nullptr);
  std::memset(a, 1, kBig);  // faulted in
  EXPECT_EQ(mallinfo2().hblkhd, mapped_before) << "a large block was mmap'd";
  std::free(a);
  EXPECT_GE(mallinfo2().fordblks, kBig) << "the freed block was handed back to the system";
  char* b = static_cast<char*>(std::malloc(kBig));
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b, a) << "the freed block was not reused";
  std::free(b);
}

TEST(MemoryReuse, ReleasePagesDropsWholePagesOnlyAndTheBlockStaysUsable) {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t n = 64 * page;
  char* block = static_cast<char*>(std::malloc(n + page));
  ASSERT_NE(block, nullptr);
  std::memset(block, 7, n + page);
  // A range starting and ending mid-page: only the whole pages inside it go.
  char* begin = block + page / 2 + page;  // somewhere in a page
  char* end = block + 40 * page + 100;
  const std::size_t released = crmpi::release_pages(begin, end);
#if defined(__linux__)
  const std::uintptr_t first = (reinterpret_cast<std::uintptr_t>(begin) + page - 1) & ~(page - 1);
  const std::uintptr_t last = reinterpret_cast<std::uintptr_t>(end) & ~(page - 1);
  ASSERT_EQ(released, last - first);
  for (char* p = block; p < block + n + page; p += 97) {
    const auto a = reinterpret_cast<std::uintptr_t>(p);
    if (a >= first && a < last) ASSERT_EQ(*p, 0) << "a released page kept its bytes";
    else ASSERT_EQ(*p, 7) << "a byte outside the whole pages of the range changed";
  }
#else
  EXPECT_EQ(released, 0U);
#endif
  std::memset(block, 3, n + page);  // still ours to write
  EXPECT_EQ(block[n / 2], 3);
  EXPECT_EQ(crmpi::release_pages(block + 10, block + 20), 0U) << "no whole page inside";
  std::free(block);
}

namespace {

// The VmFlags line of the mapping of /proc/self/smaps that holds `p` ("" when none does).
std::string vm_flags_of(const void* p) {
  std::ifstream smaps("/proc/self/smaps");
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    std::uintptr_t lo = 0, hi = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &lo, &hi) == 2) {
      inside = a >= lo && a < hi;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return "";
}

}  // namespace

TEST(MemoryReuse, TheHeapAheadIsReservedAndAdvisedAsHugePages) {
  if (!crmpi::apply_heap_policy_from_environment()) GTEST_SKIP() << "allocator without mallopt (sanitizer build?)";
  if (crmpi::heap_reserved_in_huge_pages() == 0)
    GTEST_SKIP() << "no reservation here: strict overcommit or CRMPI_HEAP_HUGE_PAGES=0";
  // Half the physical memory or of a limit, less the alignment to 2 MiB at either end.
  const std::size_t expected = half_of_memory_or_limit();
  EXPECT_GE(crmpi::heap_reserved_in_huge_pages(), expected - (std::size_t{4} << 20));
  EXPECT_LE(crmpi::heap_reserved_in_huge_pages(), expected);
  // A large block is carved from that range: its mapping carries the advice (VmFlags "hg").
  constexpr std::size_t kBig = std::size_t{64} << 20;
  char* a = static_cast<char*>(std::malloc(kBig));
  ASSERT_NE(a, nullptr);
  const std::string flags = vm_flags_of(a + kBig / 2);
  EXPECT_NE(flags.find(" hg"), std::string::npos) << "the block's mapping is not advised: " << flags;
  std::free(a);
  // A second call keeps the one reservation.
  const std::size_t reserved = crmpi::heap_reserved_in_huge_pages();
  EXPECT_TRUE(crmpi::apply_heap_policy_from_environment());
  EXPECT_EQ(crmpi::heap_reserved_in_huge_pages(), reserved);
}

TEST(MemoryReuse, HugePagesHaveTheirOwnSwitch) {
  // The policy, once applied, lasts for the process: the test above runs again in a fresh one,
  // with the switch set, and must find no reservation (its skip message).
  char self[4096] = {};
  const ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  ASSERT_GT(len, 0);
  const std::string cmd = "CRMPI_HEAP_HUGE_PAGES=0 '" + std::string(self, static_cast<std::size_t>(len)) +
                          "' --gtest_filter=MemoryReuse.TheHeapAheadIsReservedAndAdvisedAsHugePages 2>&1";
  std::FILE* child = ::popen(cmd.c_str(), "r");
  ASSERT_NE(child, nullptr);
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, child)) > 0;) out.append(buf, n);
  ASSERT_EQ(::pclose(child), 0) << out;
  if (out.find("sanitizer build?") != std::string::npos) GTEST_SKIP() << "allocator without mallopt (sanitizer build?)";
  EXPECT_NE(out.find("no reservation here"), std::string::npos) << "the switch did not leave out the reservation:\n" << out;
}
