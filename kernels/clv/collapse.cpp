#include "kernels/clv/collapse.hpp"

#include <algorithm>
#include <cmath>
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

}  // namespace

std::vector<Triple> collapse_triples(std::span<const Triple> rows) {
  for (const Triple& t : rows) check(t);
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
