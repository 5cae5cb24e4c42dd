// UninitializedVector: elements made with arguments are constructed as usual and survive growth;
// resize() gives slots to write (their contents before that are not looked at).
#include "kernels/common/uninitialized_allocator.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace crmpi {
namespace {

struct WithDefaults {
  std::uint64_t a = 7;
  std::uint32_t b = 0xFFFFFFFFU;
};

TEST(UninitializedVector, ConstructsFromArgumentsAndKeepsValuesThroughGrowth) {
  UninitializedVector<WithDefaults> v;
  for (std::uint64_t i = 0; i < 10000; ++i) {
    if (i % 2) v.emplace_back(WithDefaults{});    // an explicit default line
    else v.push_back(WithDefaults{i, 3});
  }
  for (std::uint64_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(v[i].a, i % 2 ? 7 : i);
    EXPECT_EQ(v[i].b, i % 2 ? 0xFFFFFFFFU : 3U);
  }
}

TEST(UninitializedVector, ResizeGivesSlotsToWrite) {
  UninitializedVector<double> v(3, 1.5);  // with a value: filled
  EXPECT_EQ(v[2], 1.5);
  v.resize(1000);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i);
  v.resize(10);
  v.resize(20);
  for (std::size_t i = 10; i < 20; ++i) v[i] = -1.0;
  EXPECT_EQ(v[9], 9.0);
  EXPECT_EQ(v[19], -1.0);
  UninitializedVector<double> w = v;  // copies keep the values
  EXPECT_EQ(w, v);
}

}  // namespace
}  // namespace crmpi
