// The process heap policy (kernels/common/memory_reuse.hpp): large blocks come from the heap,
// not from mmap, and a freed large block is reused rather than handed back.
#include <gtest/gtest.h>
#include <malloc.h>

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
