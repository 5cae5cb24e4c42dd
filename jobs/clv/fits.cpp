// `crmpi clv` stage 3: BG/NBD, Pareto/NBD and Gamma-Gamma fitted on rank 0 over the merged
// global tables, results broadcast (rank-count independent: jobs/clv/clv_stage.hpp).
#include <spdlog/spdlog.h>

#include <optional>

#include "jobs/clv/clv_internal.hpp"
#include "jobs/common/log.hpp"
#include "kernels/clv/collapse.hpp"
#include "kernels/clv/gamma_gamma.hpp"

namespace crmpi::clv_job {

void fit_purchase_models(const Comm& comm, const ClvConfig& cfg, std::span<const clv::Triple> table, ClvResult& r) {
  // The fits' index of the table, built once for both models (on the root, which alone holds
  // the table; the first fit's time includes it).
  std::optional<clv::TripleIndex> index;
  for (const ClvModel model : cfg.model_list) {
    if (model == ClvModel::kGammaGamma) continue;
    const std::string m(model_name(model));
    ClvModelScores ms;
    ms.model = model;
    Stopwatch fs;
    ms.fit = fit_on_root(comm, [&] {
      if (!index) index.emplace(table);
      if (ms.model == ClvModel::kBgNbd) return clv::fit_bgnbd(*index);
      if (ms.model == ClvModel::kMbgNbd) return clv::fit_mbgnbd(*index);
      // Pareto/NBD starts from the BG/NBD purchase-rate estimates when there are some (same
      // Gamma(r, alpha) rate model): fewer iterations, and line searches stay near the optimum.
      clv::FitOptions opt;
      if (!r.models.empty() && r.models.front().model == ClvModel::kBgNbd && r.models.front().fit.converged) {
        const auto& bg = r.models.front().fit;
        opt.start = {bg.estimates[0], bg.estimates[1], 1.0, bg.estimates[1]};
      }
      return clv::fit_pareto_nbd(*index, opt);
    });
    ms.t_fit = fs.seconds();
    spdlog::info("clv: {} fitted in {:.3f}s (+{:.3f}s collapse): LL {:.4f}, {} evaluations, {}", m, ms.t_fit,
                 r.t_collapse, ms.fit.log_likelihood, ms.fit.iterations, ms.fit.converged ? "converged" : "NOT converged");
    if (!ms.fit.converged) r.warnings.push_back(m + ": fit did not converge: " + ms.fit.message);
    for (const auto& w : ms.fit.warnings) r.warnings.push_back(m + ": " + w);
    r.models.push_back(std::move(ms));
  }
}

void fit_spend_model(const Comm& comm, const ClvConfig& cfg, ClvResult& r) {
  if (!cfg.wants(ClvModel::kGammaGamma)) return;
  Stopwatch sw;
  // Repeat customers of the calibration period with their mean spend, one row each.
  // Counted first and reserved exactly: growing by doubling touched twice the fresh pages.
  auto repeat_with_spend = [&r](std::size_t i) { return r.in_calibration[i] && r.x[i] > 0 && r.mean_spend[i] > 0; };
  std::size_t rows = 0;
  for (std::size_t i = 0; i < r.x.size(); ++i) rows += repeat_with_spend(i) ? 1 : 0;
  std::vector<clv::SpendPair> spend_rows;
  spend_rows.reserve(rows);
  for (std::size_t i = 0; i < r.x.size(); ++i)
    if (repeat_with_spend(i)) spend_rows.push_back({r.x[i], r.mean_spend[i], 1});
  const std::vector<clv::SpendPair> st = gather_spend(comm, std::move(spend_rows));  // on rank 0 only
  r.spend_customers = clv::total_count(st);
  comm.bcast(r.spend_customers);
  if (r.spend_customers < kMinFitCustomers) {
    r.warnings.push_back("gamma_gamma: only " + std::to_string(r.spend_customers) +
                         " repeat customers with spend; not fitted, no CLV");
  } else {
    r.gamma_gamma = fit_on_root(comm, [&] { return clv::fit_gamma_gamma(st); });
    if (comm.is_root()) r.frequency_spend_correlation = clv::frequency_spend_correlation(st);
    comm.bcast(r.frequency_spend_correlation);
    if (!r.gamma_gamma->converged) r.warnings.push_back("gamma_gamma: fit did not converge: " + r.gamma_gamma->message);
    for (const auto& w : r.gamma_gamma->warnings) r.warnings.push_back("gamma_gamma: " + w);
  }
  r.t_fit_gg = sw.seconds();
}

}  // namespace crmpi::clv_job
