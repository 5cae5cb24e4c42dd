#include "kernels/clv/collapse.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <tuple>

#include "kernels/common/errors.hpp"

namespace crmpi::clv {
namespace {

bool triple_less(const Triple& a, const Triple& b) {
  return std::tie(a.x, a.t_x, a.T) < std::tie(b.x, b.t_x, b.T);
}
bool same_key(const Triple& a, const Triple& b) { return a.x == b.x && a.t_x == b.t_x && a.T == b.T; }

bool spend_less(const SpendPair& a, const SpendPair& b) {
  return std::tie(a.x, a.mean_spend) < std::tie(b.x, b.mean_spend);
}
bool same_key(const SpendPair& a, const SpendPair& b) { return a.x == b.x && a.mean_spend == b.mean_spend; }

void check(const Triple& t) {
  if (!(t.x >= 0) || !(t.t_x >= 0) || !(t.T >= t.t_x) || !std::isfinite(t.T))
    throw DataError("collapse_triples: need 0 <= t_x <= T, x >= 0 and finite values");
}

// Sort, then fold runs of equal keys into their first element (counts added).
template <class Row, class Less>
std::vector<Row> sort_and_fold(std::vector<Row> rows, Less less) {
  std::sort(rows.begin(), rows.end(), less);
  std::vector<Row> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    if (r.count == 0) continue;
    if (!out.empty() && same_key(out.back(), r)) {
      out.back().count += r.count;
    } else {
      out.push_back(r);
    }
  }
  return out;
}

// Fast path for summaries of real data (integer x; t_x and T whole days, in days or in weeks):
// each key packs into 64 bits as x (20 bits) | 7 t_x (22 bits) | 7 T (22 bits), whose integer
// order is the (x, t_x, T) order, and the keys are radix-sorted (4 passes of 16 bits) instead of
// comparison-sorted. The values are rebuilt as steps / 7.0, which is checked to give back the
// input exactly; any row that does not fit sends the whole table to the generic path.
constexpr double kSteps = 7.0;
constexpr int kStepBits = 22, kXBits = 20;

bool pack_steps(double v, std::uint64_t& out) {
  if (!(v >= 0 && v * kSteps < static_cast<double>(std::uint64_t{1} << kStepBits))) return false;
  const double s = std::nearbyint(v * kSteps);
  out = static_cast<std::uint64_t>(s);
  return s / kSteps == v;
}

struct KeyCount {
  std::uint64_t key, count;
};

bool collapse_packed(std::span<const Triple> rows, std::vector<Triple>& out) {
  std::vector<KeyCount> a(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Triple& t = rows[i];
    std::uint64_t tx = 0, T = 0;
    if (!(t.x >= 0 && t.x < static_cast<double>(1 << kXBits)) || !pack_steps(t.t_x, tx) || !pack_steps(t.T, T))
      return false;
    const auto x = static_cast<std::uint64_t>(t.x);
    if (static_cast<double>(x) != t.x) return false;
    a[i] = {x << (2 * kStepBits) | tx << kStepBits | T, t.count};
  }
  // LSD radix sort (stable), 11-bit digits (histograms stay in L1); passes whose digit is the
  // same for every key (the high bits of x, mostly) are skipped.
  constexpr int kDigit = 11;
  constexpr std::uint64_t kDigitMask = (std::uint64_t{1} << kDigit) - 1;
  std::uint64_t any_bits = 0, all_bits = ~std::uint64_t{0};
  for (const KeyCount& e : a) {
    any_bits |= e.key;
    all_bits &= e.key;
  }
  std::vector<KeyCount> b(a.size());
  std::vector<std::size_t> hist(std::size_t{1} << kDigit);
  for (int shift = 0; shift < 64; shift += kDigit) {
    if ((((any_bits ^ all_bits) >> shift) & kDigitMask) == 0) continue;  // digit constant
    std::fill(hist.begin(), hist.end(), 0);
    for (const KeyCount& e : a) ++hist[(e.key >> shift) & kDigitMask];
    std::size_t sum = 0;
    for (auto& h : hist) {
      const std::size_t c = h;
      h = sum;
      sum += c;
    }
    for (const KeyCount& e : a) b[hist[(e.key >> shift) & kDigitMask]++] = e;
    a.swap(b);
  }
  out.clear();
  out.reserve(a.size());
  constexpr std::uint64_t kMask = (std::uint64_t{1} << kStepBits) - 1;
  std::uint64_t last = 0;
  for (const KeyCount& e : a) {
    if (e.count == 0) continue;
    if (!out.empty() && e.key == last) {
      out.back().count += e.count;
      continue;
    }
    last = e.key;
    out.push_back(Triple{static_cast<double>(e.key >> (2 * kStepBits)),
                         static_cast<double>((e.key >> kStepBits) & kMask) / kSteps,
                         static_cast<double>(e.key & kMask) / kSteps, e.count});
  }
  return true;
}

}  // namespace

std::vector<Triple> collapse_triples(std::span<const Triple> rows) {
  for (const Triple& t : rows) check(t);
  std::vector<Triple> out;
  if (collapse_packed(rows, out)) return out;
  return sort_and_fold(std::vector<Triple>(rows.begin(), rows.end()), triple_less);
}

std::vector<Triple> collapse_triples(std::span<const double> x, std::span<const double> t_x,
                                     std::span<const double> T) {
  if (x.size() != t_x.size() || x.size() != T.size()) throw DataError("collapse_triples: column lengths differ");
  std::vector<Triple> rows(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) rows[i] = Triple{x[i], t_x[i], T[i], 1};
  return collapse_triples(rows);
}

std::vector<Triple> merge_triples(std::span<const std::vector<Triple>> tables) {
  std::vector<Triple> all;
  for (const auto& t : tables) all.insert(all.end(), t.begin(), t.end());
  return collapse_triples(all);
}

std::vector<SpendPair> collapse_spend(std::span<const SpendPair> rows) {
  std::vector<SpendPair> kept;
  kept.reserve(rows.size());
  for (const SpendPair& p : rows) {
    if (!std::isfinite(p.mean_spend) || !std::isfinite(p.x)) throw DataError("collapse_spend: non-finite value");
    if (p.x > 0) kept.push_back(p);
  }
  return sort_and_fold(std::move(kept), spend_less);
}

std::vector<SpendPair> collapse_spend(std::span<const double> x, std::span<const double> mean_spend) {
  if (x.size() != mean_spend.size()) throw DataError("collapse_spend: column lengths differ");
  std::vector<SpendPair> rows(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) rows[i] = SpendPair{x[i], mean_spend[i], 1};
  return collapse_spend(rows);
}

std::vector<SpendPair> merge_spend(std::span<const std::vector<SpendPair>> tables) {
  std::vector<SpendPair> all;
  for (const auto& t : tables) all.insert(all.end(), t.begin(), t.end());
  return collapse_spend(all);
}

std::uint64_t total_count(std::span<const Triple> table) {
  std::uint64_t n = 0;
  for (const auto& t : table) n += t.count;
  return n;
}
std::uint64_t total_count(std::span<const SpendPair> table) {
  std::uint64_t n = 0;
  for (const auto& t : table) n += t.count;
  return n;
}

}  // namespace crmpi::clv
