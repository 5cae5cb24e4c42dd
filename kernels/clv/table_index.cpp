#include "kernels/clv/table_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/clv/day_grid.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi::clv {

namespace {

// Time values on the grid of whole days (in days or weeks: v == k / 7.0 exactly): the distinct
// values and the per-row indices come from a presence array over k, no sort or search.
constexpr double kMaxSteps = 1 << 24;

bool index_on_grid(std::span<const Triple> table, TripleIndex& idx) {
  const std::size_t n = table.size();
  const DayGrid grid;
  // Presence of each step, marked in the same pass (steps beyond the table: the slot array grows).
  std::vector<std::uint32_t> slot(DayGrid::kTableSteps, 0);
  std::uint64_t tx = 0, t = 0;
  for (std::size_t i = 0; i < n; ++i) {
    // Rows are sorted by (x, t_x, T): t_x mostly repeats the previous row's.
    if (!(i > 0 && table[i].t_x == table[i - 1].t_x) && !grid.step(table[i].t_x, kMaxSteps, tx)) return false;
    if (!grid.step(table[i].T, kMaxSteps, t)) return false;
    if (t >= slot.size()) slot.resize(t + 1, 0);  // t_x <= T: T's step is the larger
    idx.i_tx[i] = static_cast<std::uint32_t>(tx);
    idx.i_T[i] = static_cast<std::uint32_t>(t);
    slot[tx] = slot[t] = 1;
  }
  std::uint32_t next = 0;
  for (std::size_t k = 0; k < slot.size(); ++k) {
    if (!slot[k]) continue;
    slot[k] = next++;
    idx.u.push_back(grid.value(k));
  }
  for (std::size_t i = 0; i < n; ++i) {
    idx.i_tx[i] = slot[idx.i_tx[i]];
    idx.i_T[i] = slot[idx.i_T[i]];
  }
  return true;
}

// Counts as weights, their total, and the runs of equal x (tables are sorted by x first).
template <class Row>
void weights_and_runs(std::span<const Row> table, std::vector<double>& w, std::uint64_t& customers,
                      std::vector<double>& run_x, std::vector<std::size_t>& run_end) {
  const std::size_t n = table.size();
  for (std::size_t i = 0; i < n; ++i) {
    w[i] = static_cast<double>(table[i].count);
    customers += table[i].count;
    if (i == 0 || table[i].x != table[i - 1].x) {
      if (i > 0) run_end.push_back(i);
      run_x.push_back(table[i].x);
    }
  }
  if (n > 0) run_end.push_back(n);
}

// Explicit runs instead of the runs of equal x.
template <class Row>
void explicit_runs(std::span<const Row> table, std::span<const std::size_t> ends, std::vector<double>& run_x,
                   std::vector<std::size_t>& run_end) {
  run_x.clear();
  run_end.clear();
  std::size_t begin = 0;
  for (const std::size_t end : ends) {
    if (end <= begin || end > table.size()) throw DataError("table index: runs must be non-empty and ascending");
    for (std::size_t i = begin + 1; i < end; ++i)
      if (!(table[i].x == table[begin].x)) throw DataError("table index: a run mixes values of x");
    run_x.push_back(table[begin].x);
    run_end.push_back(end);
    begin = end;
  }
  if (begin != table.size()) throw DataError("table index: the runs do not cover the table");
}

}  // namespace

TripleIndex::TripleIndex(std::span<const Triple> table, std::span<const std::size_t> ends) : TripleIndex(table) {
  explicit_runs(table, ends, run_x, run_end);
}

SpendIndex::SpendIndex(std::span<const SpendPair> table, std::span<const std::size_t> ends) : SpendIndex(table) {
  explicit_runs(table, ends, run_x, run_end);
}

TripleIndex::TripleIndex(std::span<const Triple> table) {
  const std::size_t n = table.size();
  if (n > std::numeric_limits<std::uint32_t>::max() / 2) throw DataError("TripleIndex: table too large");
  i_tx.resize(n);
  i_T.resize(n);
  w.resize(n);
  if (!index_on_grid(table, *this)) {
    u.clear();
    u.reserve(2 * n);
    for (const Triple& t : table) {
      u.push_back(t.t_x);
      u.push_back(t.T);
    }
    std::sort(u.begin(), u.end());
    u.erase(std::unique(u.begin(), u.end()), u.end());
    u.shrink_to_fit();
    auto index_of = [&](double v) {
      return static_cast<std::uint32_t>(std::lower_bound(u.begin(), u.end(), v) - u.begin());
    };
    for (std::size_t i = 0; i < n; ++i) {
      const Triple& t = table[i];
      // Consecutive rows mostly share T or t_x with a neighbour: reuse before searching.
      i_tx[i] = (i > 0 && table[i - 1].t_x == t.t_x) ? i_tx[i - 1] : index_of(t.t_x);
      i_T[i] = (i > 0 && table[i - 1].T == t.T) ? i_T[i - 1] : index_of(t.T);
    }
  }
  weights_and_runs(table, w, customers, run_x, run_end);
}

SpendIndex::SpendIndex(std::span<const SpendPair> table) {
  const std::size_t n = table.size();
  z.resize(n);
  log_z.resize(n);
  w.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    z[i] = table[i].mean_spend;
    log_z[i] = std::log(table[i].mean_spend);
  }
  weights_and_runs(table, w, customers, run_x, run_end);
}

}  // namespace crmpi::clv
