// The process heap policy (kernels/common/memory_reuse.hpp): large blocks come from the heap,
// not from mmap, and a freed large block is reused rather than handed back; release_pages.
#include <gtest/gtest.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "kernels/common/memory_reuse.hpp"

TEST(MemoryReuse, EnvironmentSwitchKeepsTheDefaults) {
  ::setenv("CRMPI_RETURN_FREED_MEMORY", "1", 1);
  EXPECT_FALSE(crmpi::keep_freed_memory_for_reuse());
  ::unsetenv("CRMPI_RETURN_FREED_MEMORY");
}

TEST(MemoryReuse, LargeBlocksComeFromTheHeapAndAreReused) {
  if (!crmpi::keep_freed_memory_for_reuse()) GTEST_SKIP() << "allocator without mallopt (sanitizer build?)";
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
