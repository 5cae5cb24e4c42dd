#include "kernels/kmeans/rand_index.hpp"

#include <algorithm>
#include <stdexcept>

#include "kernels/kmeans/fixed_point.hpp"

namespace crmpi::kmeans {
namespace {

Int128 pairs(std::uint64_t m) { return Int128{m} * (Int128{m} - 1) / 2; }  // m < 2^63: no overflow

// Labels renumbered 0..distinct-1 in increasing value.
std::vector<std::uint32_t> compact(std::span<const std::uint32_t> v, std::size_t& distinct) {
  std::vector<std::uint32_t> u(v.begin(), v.end());
  std::sort(u.begin(), u.end());
  u.erase(std::unique(u.begin(), u.end()), u.end());
  distinct = u.size();
  std::vector<std::uint32_t> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    out[i] = static_cast<std::uint32_t>(std::lower_bound(u.begin(), u.end(), v[i]) - u.begin());
  return out;
}

}  // namespace

void Contingency::reset(std::size_t rows_, std::size_t cols_) {
  rows = rows_;
  cols = cols_;
  n.assign(rows * cols, 0);
}

void Contingency::add(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) {
  if (a.size() != b.size()) throw std::invalid_argument("Contingency::add: labelings of different lengths");
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] >= rows || b[i] >= cols) throw std::invalid_argument("Contingency::add: label out of range");
    ++n[a[i] * cols + b[i]];
  }
}

void Contingency::merge(const Contingency& o) {
  if (o.rows != rows || o.cols != cols) throw std::invalid_argument("Contingency::merge: shapes differ");
  for (std::size_t i = 0; i < n.size(); ++i) n[i] += o.n[i];
}

double adjusted_rand_index(const Contingency& t) {
  std::vector<std::uint64_t> a(t.rows, 0), b(t.cols, 0);
  Int128 index = 0;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < t.rows; ++i)
    for (std::size_t j = 0; j < t.cols; ++j) {
      const std::uint64_t v = t.n[i * t.cols + j];
      index += pairs(v);
      a[i] += v;
      b[j] += v;
      total += v;
    }
  Int128 sa = 0, sb = 0;
  for (std::uint64_t v : a) sa += pairs(v);
  for (std::uint64_t v : b) sb += pairs(v);
  if (index == sa && index == sb) return 1.0;  // the same partition
  const auto dbl = [](Int128 v) { return static_cast<double>(v); };
  const double expected = dbl(sa) * dbl(sb) / dbl(pairs(total));
  return (dbl(index) - expected) / ((dbl(sa) + dbl(sb)) / 2 - expected);
}

double adjusted_rand_index(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) {
  if (a.size() != b.size()) throw std::invalid_argument("adjusted_rand_index: labelings of different lengths");
  std::size_t ra = 0, rb = 0;
  const auto ca = compact(a, ra), cb = compact(b, rb);
  Contingency t;
  t.reset(ra, rb);
  t.add(ca, cb);
  return adjusted_rand_index(t);
}

}  // namespace crmpi::kmeans
