// How the toolkit tests spread one global sequence of n items over the ranks: every rank
// regenerates the whole sequence from a seed (so it can compute the expected answer on its own)
// and keeps its contiguous share [begin, end). The shapes cover balanced, skewed and empty ranks.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>

namespace crmpi_test {

enum class Shape { kEven, kAllOnFirst, kAllOnLast, kSecondEmpty, kGeometric };
inline constexpr std::array<Shape, 5> kShapes = {Shape::kEven, Shape::kAllOnFirst, Shape::kAllOnLast,
                                                 Shape::kSecondEmpty, Shape::kGeometric};

inline std::string name(Shape s) {
  switch (s) {
    case Shape::kEven: return "even";
    case Shape::kAllOnFirst: return "all on rank 0";
    case Shape::kAllOnLast: return "all on the last rank";
    case Shape::kSecondEmpty: return "rank 1 empty";
    case Shape::kGeometric: return "geometric (rank r ~ 2^r)";
  }
  return "?";
}

// [begin, end) of rank r of p under shape s.
inline std::pair<std::uint64_t, std::uint64_t> share(Shape s, std::uint64_t n, int r, int p) {
  const auto R = static_cast<std::uint64_t>(r), P = static_cast<std::uint64_t>(p);
  auto bound = [&](std::uint64_t k) -> std::uint64_t {  // items on ranks < k
    if (k >= P) return n;
    switch (s) {
      case Shape::kEven: return n * k / P;
      case Shape::kAllOnFirst: return k == 0 ? 0 : n;
      case Shape::kAllOnLast: return 0;
      case Shape::kSecondEmpty: {  // an even split over the ranks other than rank 1
        if (P == 1) return 0;
        const std::uint64_t before = k <= 1 ? k : k - 1;  // ranks < k that hold data
        return n * before / (P - 1);
      }
      case Shape::kGeometric: return n * ((std::uint64_t{1} << k) - 1) / ((std::uint64_t{1} << P) - 1);
    }
    return 0;
  };
  return {bound(R), bound(R + 1)};
}

}  // namespace crmpi_test
