// Rank-count independence: deterministic global tables and broadcast fits (see the header comment
// of jobs/clv/clv_stage.hpp; the exact sums are comm/exact_sum.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "jobs/clv/clv_internal.hpp"
#include "kernels/clv/collapse.hpp"

namespace crmpi {

using clv_job::kNaN;

// ---- deterministic tables and fits -------------------------------------------------------------

namespace {
bool strictly_ascending(std::span<const clv::Triple> rows) {
  return std::adjacent_find(rows.begin(), rows.end(), [](const clv::Triple& a, const clv::Triple& b) {
           return !(std::tie(a.x, a.t_x, a.T) < std::tie(b.x, b.t_x, b.T));
         }) == rows.end();
}
}  // namespace

std::vector<clv::Triple> gather_triples(const Comm& comm, std::span<const clv::Triple> local) {
  // Collapsed first (smaller messages) unless it already is: strictly ascending keys.
  const bool collapsed = strictly_ascending(local);
  std::vector<clv::Triple> mine;
  if (!collapsed) mine = clv::collapse_triples(local);
  const std::vector<clv::Triple> all =
      comm.gatherv_to_root(collapsed ? local : std::span<const clv::Triple>(mine));
  return comm.is_root() ? clv::collapse_triples(all) : std::vector<clv::Triple>{};
}

std::vector<clv::Triple> gather_triples(const Comm& comm, std::vector<clv::Triple>&& local) {
  // One rank holding a collapsed table (strictly ascending keys, no empty rows): it is the
  // global table, returned without a copy.
  const bool collapsed = strictly_ascending(local) &&
                         std::none_of(local.begin(), local.end(), [](const clv::Triple& t) { return t.count == 0; });
  if (comm.size() == 1 && collapsed) return std::move(local);
  return gather_triples(comm, std::span<const clv::Triple>(local));
}

std::vector<clv::SpendPair> gather_spend(const Comm& comm, std::vector<clv::SpendPair>&& local) {
  std::vector<clv::SpendPair> mine = clv::collapse_spend(std::move(local));
  if (comm.size() == 1) return mine;  // already the global table
  const std::vector<clv::SpendPair> all = comm.gatherv_to_root(std::span<const clv::SpendPair>(mine));
  std::vector<clv::SpendPair>().swap(mine);
  return comm.is_root() ? clv::collapse_spend(std::move(all)) : std::vector<clv::SpendPair>{};
}

namespace {
void bcast_strings(const Comm& comm, std::vector<std::string>& v) {
  std::uint64_t n = v.size();
  comm.bcast(n);
  v.resize(n);
  for (auto& s : v) comm.bcast(s);
}
}  // namespace

void broadcast_fit(const Comm& comm, clv::FitResult& f) {
  comm.bcast(f.model);
  bcast_strings(comm, f.names);
  comm.bcast(f.estimates);
  comm.bcast(f.std_errors);
  std::vector<double> d = {f.log_likelihood, f.aic, f.bic};
  comm.bcast(d);
  f.log_likelihood = d[0];
  f.aic = d[1];
  f.bic = d[2];
  std::vector<std::int64_t> i = {static_cast<std::int64_t>(f.n_customers), f.iterations, f.converged ? 1 : 0};
  comm.bcast(i);
  f.n_customers = static_cast<std::uint64_t>(i[0]);
  f.iterations = static_cast<int>(i[1]);
  f.converged = i[2] != 0;
  comm.bcast(f.message);
  bcast_strings(comm, f.warnings);
}

}  // namespace crmpi
