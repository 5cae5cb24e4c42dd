#include "kernels/clv/table_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/common/errors.hpp"

namespace crmpi::clv {

TripleIndex::TripleIndex(std::span<const Triple> table) {
  const std::size_t n = table.size();
  if (n > std::numeric_limits<std::uint32_t>::max() / 2) throw DataError("TripleIndex: table too large");
  u.reserve(2 * n);
  for (const Triple& t : table) {
    u.push_back(t.t_x);
    u.push_back(t.T);
  }
  std::sort(u.begin(), u.end());
  u.erase(std::unique(u.begin(), u.end()), u.end());
  u.shrink_to_fit();
  i_tx.resize(n);
  i_T.resize(n);
  w.resize(n);
  auto index_of = [&](double v) {
    return static_cast<std::uint32_t>(std::lower_bound(u.begin(), u.end(), v) - u.begin());
  };
  for (std::size_t i = 0; i < n; ++i) {
    const Triple& t = table[i];
    // Consecutive rows mostly share T or t_x with a neighbour: reuse before searching.
    i_tx[i] = (i > 0 && table[i - 1].t_x == t.t_x) ? i_tx[i - 1] : index_of(t.t_x);
    i_T[i] = (i > 0 && table[i - 1].T == t.T) ? i_T[i - 1] : index_of(t.T);
    w[i] = static_cast<double>(t.count);
    customers += t.count;
    if (i == 0 || t.x != table[i - 1].x) {
      if (i > 0) run_end.push_back(i);
      run_x.push_back(t.x);
    }
  }
  if (n > 0) run_end.push_back(n);
}

SpendIndex::SpendIndex(std::span<const SpendPair> table) {
  const std::size_t n = table.size();
  z.resize(n);
  log_z.resize(n);
  w.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const SpendPair& s = table[i];
    z[i] = s.mean_spend;
    log_z[i] = std::log(s.mean_spend);
    w[i] = static_cast<double>(s.count);
    customers += s.count;
    if (i == 0 || s.x != table[i - 1].x) {
      if (i > 0) run_end.push_back(i);
      run_x.push_back(s.x);
    }
  }
  if (n > 0) run_end.push_back(n);
}

}  // namespace crmpi::clv
