// `crmpi clv` stage 3: BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma fitted over tables spread over
// the ranks: every rank evaluates the likelihood on its own runs, the sums are reduced exactly,
// every rank runs the same optimiser on the same values (rank-count independent:
// jobs/clv/clv_stage.hpp, kernels/clv/fit.hpp).
#include <spdlog/spdlog.h>

#include <optional>

#include "jobs/clv/clv_internal.hpp"
#include "jobs/common/log.hpp"
#include "jobs/common/stop_signal.hpp"
#include "kernels/clv/gamma_gamma.hpp"

namespace crmpi::clv_job {

void fit_purchase_models(const Comm& comm, const ClvConfig& cfg, const SpreadTable<clv::Triple>& table, ClvResult& r) {
  // This rank's index of its runs, built once for every model (the first fit's time includes it).
  std::optional<clv::TripleIndex> index;
  const clv::ReduceSums reduce = reduce_over(comm);
  for (const ClvModel model : cfg.model_list) {
    if (model == ClvModel::kGammaGamma) continue;
    stop_point(comm, "clv");
    const std::string m(model_name(model));
    ClvModelScores ms;
    ms.model = model;
    Stopwatch fs;
    if (!index) index.emplace(table.rows, table.run_end);
    if (ms.model == ClvModel::kBgNbd) {
      ms.fit = clv::fit_bgnbd(*index, reduce);
    } else if (ms.model == ClvModel::kMbgNbd) {
      ms.fit = clv::fit_mbgnbd(*index, reduce);
    } else {
      // Pareto/NBD starts from the BG/NBD estimates when BG/NBD was fitted first (spread_table.hpp).
      const bool after_bg = !r.models.empty() && r.models.front().model == ClvModel::kBgNbd;
      ms.fit = clv::fit_pareto_nbd(*index, reduce, pareto_nbd_options(after_bg ? &r.models.front().fit : nullptr));
    }
    ms.t_fit = fs.seconds();
    spdlog::info("clv: {} fitted in {:.3f}s (+{:.3f}s collapse and shuffle): LL {:.4f}, {} evaluations, {}", m,
                 ms.t_fit, r.t_collapse, ms.fit.log_likelihood, ms.fit.iterations,
                 ms.fit.converged ? "converged" : "NOT converged");
    if (!ms.fit.converged) r.warnings.push_back(m + ": fit did not converge: " + ms.fit.message);
    for (const auto& w : ms.fit.warnings) r.warnings.push_back(m + ": " + w);
    r.models.push_back(std::move(ms));
  }
}

void fit_spend_model(const Comm& comm, const ClvConfig& cfg, ClvResult& r) {
  if (!cfg.wants(ClvModel::kGammaGamma)) return;
  Stopwatch sw;
  // Repeat customers of the calibration period with their mean spend (spread_table.hpp).
  const SpreadTable<clv::SpendPair> st = spread_repeat_spend(comm, r.in_calibration, r.x, r.mean_spend);
  r.t_spread_gg = sw.seconds();
  r.spend_customers = st.total_customers;
  if (r.spend_customers < kMinFitCustomers) {
    r.warnings.push_back("gamma_gamma: only " + std::to_string(r.spend_customers) +
                         " repeat customers with spend; not fitted, no CLV");
  } else {
    const clv::SpendIndex index(st.rows, st.run_end);
    const clv::ReduceSums reduce = reduce_over(comm);
    r.gamma_gamma = clv::fit_gamma_gamma(index, reduce);
    r.frequency_spend_correlation = clv::frequency_spend_correlation(index, reduce);
    if (!r.gamma_gamma->converged) r.warnings.push_back("gamma_gamma: fit did not converge: " + r.gamma_gamma->message);
    for (const auto& w : r.gamma_gamma->warnings) r.warnings.push_back("gamma_gamma: " + w);
  }
  r.t_fit_gg = sw.seconds() - r.t_spread_gg;
}

}  // namespace crmpi::clv_job
