#include "kernels/clv/collapse.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <tuple>

#include "kernels/clv/day_grid.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi::clv {
namespace {

// Comparators as function objects (not functions): std::sort then inlines them.
constexpr auto triple_less = [](const Triple& a, const Triple& b) {
  return std::tie(a.x, a.t_x, a.T) < std::tie(b.x, b.t_x, b.T);
};
bool same_key(const Triple& a, const Triple& b) { return a.x == b.x && a.t_x == b.t_x && a.T == b.T; }

constexpr auto spend_less = [](const SpendPair& a, const SpendPair& b) {
  return std::tie(a.x, a.mean_spend) < std::tie(b.x, b.mean_spend);
};
bool same_key(const SpendPair& a, const SpendPair& b) { return a.x == b.x && a.mean_spend == b.mean_spend; }

void check(const Triple& t) {
  if (!(t.x >= 0) || !(t.t_x >= 0) || !(t.T >= t.t_x) || !std::isfinite(t.T))
    throw DataError("collapse_triples: need 0 <= t_x <= T, x >= 0 and finite values");
}

// Sorted rows -> runs of equal keys folded into their first element (counts added), empty rows
// dropped.
template <class Row>
std::vector<Row> fold_sorted(const std::vector<Row>& rows) {
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

// fold_sorted over the rows themselves: no second table (at 10M customers a spend table is
// ~150 MB of fresh pages, whose first touch costs more than the fold).
template <class Row>
void fold_sorted_in_place(std::vector<Row>& rows) {
  std::size_t n = 0;
  for (const Row& r : rows) {
    if (r.count == 0) continue;
    if (n > 0 && same_key(rows[n - 1], r)) {
      rows[n - 1].count += r.count;
    } else {
      rows[n++] = r;
    }
  }
  rows.resize(n);
}

template <class Row, class Less>
std::vector<Row> sort_and_fold(std::vector<Row> rows, Less less) {
  std::sort(rows.begin(), rows.end(), less);
  return fold_sorted(rows);
}

// Fast path for summaries of real data (integer x; t_x and T whole days, in days or in weeks):
// a key packs x | 7 t_x | 7 T into 64 bits with each field as wide as its largest value needs
// (~35 bits for three years of days), so its integer order is the (x, t_x, T) order, and the keys
// are LSD radix-sorted in ceil(bits / 12) passes of 12-bit digits (histograms in L1, all of them
// counted in one read). The values are rebuilt as steps / 7.0, checked to give back the input
// exactly; any value that does not fit sends the whole table to the comparison sort.
constexpr int kMaxFieldBits = 22;

constexpr double kFieldLimit = static_cast<double>(std::uint64_t{1} << kMaxFieldBits);

int bit_width(std::uint64_t v) { return static_cast<int>(std::bit_width(v)); }

struct KeyLayout {
  int t_bits = 0, tx_bits = 0, total = 0;
};

// Sorts keys (and, when given, their counts alongside) by their low `bits` bits.
void radix_sort(std::vector<std::uint64_t>& keys, std::vector<std::uint64_t>* counts, int bits) {
  constexpr int kDigit = 12;
  constexpr std::size_t kBuckets = std::size_t{1} << kDigit;
  const int passes = (bits + kDigit - 1) / kDigit;
  if (passes == 0) return;
  std::vector<std::size_t> hist(static_cast<std::size_t>(passes) * kBuckets, 0);
  for (const std::uint64_t k : keys)
    for (int p = 0; p < passes; ++p) ++hist[static_cast<std::size_t>(p) * kBuckets + ((k >> (p * kDigit)) & (kBuckets - 1))];
  std::vector<std::uint64_t> tmp(keys.size()), tmp_counts(counts ? keys.size() : 0);
  for (int p = 0; p < passes; ++p) {
    std::size_t* h = hist.data() + static_cast<std::size_t>(p) * kBuckets;
    if (std::count(h, h + kBuckets, keys.size()) == 1) continue;  // digit constant
    std::size_t sum = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      const std::size_t c = h[b];
      h[b] = sum;
      sum += c;
    }
    const int shift = p * kDigit;
    if (counts) {
      for (std::size_t i = 0; i < keys.size(); ++i) {
        const std::size_t to = h[(keys[i] >> shift) & (kBuckets - 1)]++;
        tmp[to] = keys[i];
        tmp_counts[to] = (*counts)[i];
      }
      counts->swap(tmp_counts);
    } else {
      for (const std::uint64_t k : keys) tmp[h[(k >> shift) & (kBuckets - 1)]++] = k;
    }
    keys.swap(tmp);
  }
}

// Keys alone, wider than two digits: one pass on the top 12 bits scatters the keys into buckets
// that mostly fit in cache, then each bucket is LSD-sorted on its low bits there (std::sort when
// small): one scattering pass through memory instead of one per digit.
void radix_sort_keys(std::vector<std::uint64_t>& keys, int bits) {
  constexpr int kDigit = 12;
  constexpr std::size_t kBuckets = std::size_t{1} << kDigit, kSmall = 4096;
  if (bits <= 2 * kDigit) {
    radix_sort(keys, nullptr, bits);
    return;
  }
  const int low = bits - kDigit;  // bits below the top digit
  std::vector<std::size_t> start(kBuckets + 1, 0);
  for (const std::uint64_t k : keys) ++start[(k >> low) + 1];
  for (std::size_t b = 0; b < kBuckets; ++b) start[b + 1] += start[b];
  std::vector<std::uint64_t> sorted(keys.size());
  {
    std::vector<std::size_t> at(start.begin(), start.end() - 1);
    for (const std::uint64_t k : keys) sorted[at[k >> low]++] = k;
  }
  std::vector<std::size_t> hist(kBuckets);
  for (std::size_t b = 0; b < kBuckets; ++b) {
    std::uint64_t* const lo = sorted.data() + start[b];
    const std::size_t n = start[b + 1] - start[b];
    if (n < kSmall) {
      std::sort(lo, lo + n);
      continue;
    }
    std::uint64_t* src = lo;
    std::uint64_t* dst = keys.data() + start[b];  // the input's space is free now: scratch
    std::uint64_t any = 0, all = ~std::uint64_t{0};
    for (std::size_t i = 0; i < n; ++i) {
      any |= lo[i];
      all &= lo[i];
    }
    for (int shift = 0; shift < low; shift += kDigit) {
      if ((((any ^ all) >> shift) & (kBuckets - 1)) == 0) continue;  // digit constant in this bucket
      std::fill(hist.begin(), hist.end(), 0);
      for (std::size_t i = 0; i < n; ++i) ++hist[(src[i] >> shift) & (kBuckets - 1)];
      std::size_t sum = 0;
      for (auto& h : hist) {
        const std::size_t c = h;
        h = sum;
        sum += c;
      }
      for (std::size_t i = 0; i < n; ++i) dst[hist[(src[i] >> shift) & (kBuckets - 1)]++] = src[i];
      std::swap(src, dst);
    }
    if (src != lo) std::copy(src, src + n, lo);
  }
  keys.swap(sorted);
}

// Sorted keys (+ counts, or 1 each) -> table rows, equal keys folded.
std::vector<Triple> fold_keys(const std::vector<std::uint64_t>& keys, const std::vector<std::uint64_t>* counts,
                              const KeyLayout& l) {
  std::vector<Triple> out;
  out.reserve(keys.size());  // address space only: pages are touched as rows are written
  const DayGrid grid;
  const std::uint64_t t_mask = (std::uint64_t{1} << l.t_bits) - 1, tx_mask = (std::uint64_t{1} << l.tx_bits) - 1;
  for (std::size_t i = 0; i < keys.size();) {
    const std::uint64_t key = keys[i];
    std::uint64_t n = 0;
    for (; i < keys.size() && keys[i] == key; ++i) n += counts ? (*counts)[i] : 1;
    if (n == 0) continue;
    out.push_back(Triple{static_cast<double>(key >> (l.t_bits + l.tx_bits)),
                         grid.value((key >> l.t_bits) & tx_mask), grid.value(key & t_mask), n});
  }
  return out;
}

// Packs every row (steps in 22-bit fields first, then re-packed tight); false if a row is off
// the grid. get(i, x, t_x, T) reads row i.
template <class Get>
bool pack_keys(std::size_t n, Get get, std::vector<std::uint64_t>& keys, KeyLayout& l) {
  keys.resize(n);
  const DayGrid grid;
  std::uint64_t max_x = 0, max_tx = 0, max_t = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double x = 0, t_x = 0, T = 0;
    get(i, x, t_x, T);
    std::uint64_t tx = 0, t = 0;
    if (!(x >= 0 && x < static_cast<double>(std::uint64_t{1} << 20)) || !grid.step(t_x, kFieldLimit, tx) || !grid.step(T, kFieldLimit, t) ||
        tx > t) {
      check(Triple{x, t_x, T, 1});  // throws on a bad row; a good one is off the grid
      return false;
    }
    const auto xi = static_cast<std::uint64_t>(x);
    if (static_cast<double>(xi) != x) return false;
    max_x = std::max(max_x, xi);
    max_tx = std::max(max_tx, tx);
    max_t = std::max(max_t, t);
    keys[i] = xi << (2 * kMaxFieldBits) | tx << kMaxFieldBits | t;
  }
  l.t_bits = bit_width(max_t);
  l.tx_bits = bit_width(max_tx);
  l.total = l.t_bits + l.tx_bits + bit_width(max_x);
  constexpr std::uint64_t kField = (std::uint64_t{1} << kMaxFieldBits) - 1;
  for (auto& k : keys)
    k = (k >> (2 * kMaxFieldBits)) << (l.t_bits + l.tx_bits) | ((k >> kMaxFieldBits) & kField) << l.t_bits | (k & kField);
  return true;
}

// Concatenated sorted tables (e.g. one per rank, gathered): when the input has at most kMaxRuns
// ascending runs, a k-way merge (O(n log runs), no key packing) folded as it goes.
constexpr std::size_t kMaxRuns = 64;

bool merge_runs(std::span<const Triple> rows, std::vector<Triple>& out) {
  std::vector<std::size_t> bounds{0};
  for (std::size_t i = 1; i < rows.size(); ++i)
    if (triple_less(rows[i], rows[i - 1])) {
      bounds.push_back(i);
      if (bounds.size() > kMaxRuns) return false;
    }
  bounds.push_back(rows.size());
  out.clear();
  out.reserve(rows.size());  // address space only: pages are touched as rows are written
  auto append = [&out](const Triple& r) {
    if (r.count == 0) return;
    if (!out.empty() && same_key(out.back(), r)) {
      out.back().count += r.count;
    } else {
      out.push_back(r);
    }
  };
  // k-way merge straight into the output (no copies of the input): a heap of the runs' heads,
  // smallest key on top; equal keys from different runs meet in `append` and are folded.
  struct Head {
    std::size_t at, end;
  };
  std::vector<Head> heap;
  for (std::size_t k = 0; k + 1 < bounds.size(); ++k)
    if (bounds[k] < bounds[k + 1]) heap.push_back({bounds[k], bounds[k + 1]});
  auto later = [&rows](const Head& l, const Head& r) { return triple_less(rows[r.at], rows[l.at]); };
  std::make_heap(heap.begin(), heap.end(), later);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    Head& h = heap.back();
    append(rows[h.at]);
    if (++h.at < h.end) {
      std::push_heap(heap.begin(), heap.end(), later);
    } else {
      heap.pop_back();
    }
  }
  return true;
}

}  // namespace

std::vector<Triple> collapse_triples(std::span<const Triple> rows) {
  for (const Triple& t : rows) check(t);
  std::vector<Triple> out;
  if (merge_runs(rows, out)) return out;
  std::vector<std::uint64_t> keys;
  KeyLayout layout;
  auto get = [&](std::size_t i, double& x, double& t_x, double& T) {
    x = rows[i].x;
    t_x = rows[i].t_x;
    T = rows[i].T;
  };
  if (pack_keys(rows.size(), get, keys, layout)) {
    std::vector<std::uint64_t> counts(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) counts[i] = rows[i].count;
    radix_sort(keys, &counts, layout.total);
    return fold_keys(keys, &counts, layout);
  }
  return sort_and_fold(std::vector<Triple>(rows.begin(), rows.end()), triple_less);
}

std::vector<Triple> collapse_triples(std::span<const double> x, std::span<const double> t_x,
                                     std::span<const double> T) {
  if (x.size() != t_x.size() || x.size() != T.size()) throw DataError("collapse_triples: column lengths differ");
  // One customer a row: the keys alone are sorted (8 bytes a row moved per pass) and equal keys
  // counted while folding.
  std::vector<std::uint64_t> keys;
  KeyLayout layout;
  auto get = [&](std::size_t i, double& xi, double& txi, double& Ti) {
    xi = x[i];
    txi = t_x[i];
    Ti = T[i];
  };
  if (pack_keys(x.size(), get, keys, layout)) {
    radix_sort_keys(keys, layout.total);
    return fold_keys(keys, nullptr, layout);
  }
  std::vector<Triple> rows(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) rows[i] = Triple{x[i], t_x[i], T[i], 1};
  for (const Triple& t : rows) check(t);
  return sort_and_fold(std::move(rows), triple_less);
}

std::vector<Triple> merge_triples(std::span<const std::vector<Triple>> tables) {
  std::vector<Triple> all;
  for (const auto& t : tables) all.insert(all.end(), t.begin(), t.end());
  return collapse_triples(all);
}

// Sorts the rows [lo, hi) of one x by spend. Large runs of spends >= +0.0 (no -0.0): LSD radix
// sort of the spends' bit patterns, which order as the values do (and are equal exactly when they
// are), with the counts alongside; others: std::sort.
void sort_by_spend(SpendPair* lo, SpendPair* hi, std::vector<std::uint64_t>& keys, std::vector<std::uint64_t>& counts) {
  constexpr std::size_t kRadixMin = 4096;
  const auto n = static_cast<std::size_t>(hi - lo);
  const bool by_bits = n >= kRadixMin && std::none_of(lo, hi, [](const SpendPair& p) { return std::signbit(p.mean_spend); });
  if (!by_bits) {
    std::sort(lo, hi, [](const SpendPair& l, const SpendPair& r) { return l.mean_spend < r.mean_spend; });
    return;
  }
  keys.resize(n);
  counts.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    keys[i] = std::bit_cast<std::uint64_t>(lo[i].mean_spend);
    counts[i] = lo[i].count;
  }
  radix_sort(keys, &counts, 64);
  const double x = lo->x;
  for (std::size_t i = 0; i < n; ++i) lo[i] = SpendPair{x, std::bit_cast<double>(keys[i]), counts[i]};
}

// Spend rows of integer x in [1, 2^20) (real summaries): a counting sort by x into `out`, then each
// x's rows sorted by spend in place (small, cache-resident buckets; no comparisons on x). The
// order is spend_less's, so the fold gives the comparison sort's table. False, untouched, when
// some x is not such an integer.
bool bucket_sort_spend(const std::vector<SpendPair>& rows, std::vector<SpendPair>& out) {
  constexpr double kMaxX = 1 << 20;
  std::uint64_t max_x = 0;
  for (const SpendPair& p : rows) {
    if (!(p.x >= 1 && p.x < kMaxX) || p.x != std::floor(p.x)) return false;
    max_x = std::max(max_x, static_cast<std::uint64_t>(p.x));
  }
  std::vector<std::size_t> start(max_x + 2, 0);
  for (const SpendPair& p : rows) ++start[static_cast<std::size_t>(p.x) + 1];
  for (std::size_t b = 0; b + 1 < start.size(); ++b) start[b + 1] += start[b];
  out.resize(rows.size());
  std::vector<std::size_t> at(start.begin(), start.end() - 1);
  for (const SpendPair& p : rows) out[at[static_cast<std::size_t>(p.x)]++] = p;
  std::vector<std::uint64_t> keys, counts;
  for (std::size_t b = 0; b + 1 < start.size(); ++b) sort_by_spend(out.data() + start[b], out.data() + start[b + 1], keys, counts);
  return true;
}

std::vector<SpendPair> collapse_spend(std::span<const SpendPair> rows) {
  return collapse_spend(std::vector<SpendPair>(rows.begin(), rows.end()));
}

std::vector<SpendPair> collapse_spend(std::vector<SpendPair>&& rows) {
  // Repeat buyers kept in place; then counting sort into a second table, the input freed before
  // the fold (so the next table of this size reuses its memory), and the fold in place.
  std::size_t kept = 0;
  for (const SpendPair& p : rows) {
    if (!std::isfinite(p.mean_spend) || !std::isfinite(p.x)) throw DataError("collapse_spend: non-finite value");
    if (p.x > 0) rows[kept++] = p;
  }
  rows.resize(kept);
  std::vector<SpendPair> sorted;
  if (!bucket_sort_spend(rows, sorted)) return sort_and_fold(std::move(rows), spend_less);
  std::vector<SpendPair>().swap(rows);
  fold_sorted_in_place(sorted);
  return sorted;
}

std::vector<SpendPair> collapse_spend(std::span<const double> x, std::span<const double> mean_spend) {
  if (x.size() != mean_spend.size()) throw DataError("collapse_spend: column lengths differ");
  std::vector<SpendPair> rows(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) rows[i] = SpendPair{x[i], mean_spend[i], 1};
  return collapse_spend(std::move(rows));
}

std::vector<SpendPair> merge_spend(std::span<const std::vector<SpendPair>> tables) {
  std::vector<SpendPair> all;
  for (const auto& t : tables) all.insert(all.end(), t.begin(), t.end());
  return collapse_spend(std::move(all));
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
