#include "jobs/pipeline/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "jobs/common/stop_signal.hpp"
#include "jobs/pipeline/checkpoints.hpp"
#include "jobs/pipeline/run_stages.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

namespace {

// What rank 0 prints when the run is done: where the outputs are, and the headline figures.
// The widest of the names, for one aligned column.
int name_width(const std::vector<std::string>& names) {
  std::size_t w = 20;
  for (const auto& n : names) w = std::max(w, n.size());
  return static_cast<int>(w);
}

void print_summary(const CommonConfig& common, const StageRunSummary& run, const RfmResult& rfm,
                   const ClvResult& clv, const ClvConfig& clv_cfg, const KmeansResult& km, const RulesResult& rules,
                   const InsightsResult& ins, const std::string& currency, int ranks,
                   const std::optional<ReportOutcome>& report) {
  std::uint64_t customers = 0;
  std::int64_t revenue = 0;
  for (std::size_t s = 0; s < rfm.seg_customers.size(); ++s) {
    customers += rfm.seg_customers[s];
    revenue += rfm.seg_revenue[s];
  }
  std::printf("crmpi run: done in %.1fs on %d rank(s)\n", run.seconds, ranks);
  std::printf("  results: %s/results.h5\n  csv:     %s/csv/\n", common.out.c_str(), common.out.c_str());
  if (report && report->exit_code == 0)
    std::printf("  report:  %s/report.html\n", common.out.c_str());
  else if (report)
    std::printf("  report:  NOT written (exit %d: %s)\n", report->exit_code, report->error.c_str());
  std::printf("  customers %llu (buyers %llu), revenue %.2f %s\n", static_cast<unsigned long long>(customers),
              static_cast<unsigned long long>(rfm.buyers), static_cast<double>(revenue) / 100.0, currency.c_str());
  const int rfm_w = name_width(rfm.segments.names);
  for (std::size_t s = 0; s < rfm.segments.names.size(); ++s)
    if (rfm.seg_customers[s])
      std::printf("  %-*s %10llu customers  %5.1f%% of revenue\n", rfm_w, rfm.segments.names[s].c_str(),
                  static_cast<unsigned long long>(rfm.seg_customers[s]),
                  revenue ? 100.0 * static_cast<double>(rfm.seg_revenue[s]) / static_cast<double>(revenue) : 0.0);
  if (!clv.models.empty()) {  // the clv stage ran: the primary model's totals over the lifecycle stages
    double purchases = 0, value = 0;
    std::uint64_t scored = 0;
    for (std::size_t s = 0; s < clv.stage_customers.size(); ++s) {
      if (s == kNotInCalibration) continue;
      scored += clv.stage_customers[s];
      purchases += clv.stage_expected_purchases[s];
      if (!std::isnan(clv.stage_clv[s])) value += clv.stage_clv[s];
    }
    const double per = scored ? 1.0 / static_cast<double>(scored) : 0.0;
    std::printf("  clv (%s, next %lld months): expected purchases %.2f a customer (%.0f in all)",
                std::string(model_name(clv.models.front().model)).c_str(),
                static_cast<long long>(clv_cfg.horizon_months), purchases * per, purchases);
    if (clv.gamma_gamma) std::printf(", mean CLV %.2f %s (%.2f in all)", value * per, currency.c_str(), value);
    std::printf("\n");
  }
  if (km.fit.k > 0) {  // the kmeans stage ran (not skipped)
    std::printf("  k-means: %zu segments\n", km.fit.k);
    const auto& p = km.profile;
    const int km_w = name_width(p.names);
    for (std::size_t s = 0; s < p.names.size(); ++s) {
      if (!p.customers[s]) continue;
      std::printf("  %-*s %10llu customers  %5.1f%% of revenue", km_w, p.names[s].c_str(),
                  static_cast<unsigned long long>(p.customers[s]), 100.0 * p.revenue_share[s]);
      if (s < p.mean_clv.size() && !std::isnan(p.mean_clv[s]))
        std::printf("  mean CLV %.2f %s", p.mean_clv[s], currency.c_str());
      std::printf("\n");
    }
  }
  if (rules.pfp.baskets > 0) {  // the rules stage ran
    std::printf("  rules: %llu baskets, %zu frequent itemsets, %zu rules",
                static_cast<unsigned long long>(rules.pfp.baskets), rules.pfp.itemsets.size(), rules.rules.size());
    if (rules.segments.segments() > 0) std::printf(", %zu within segments", rules.segments.rules());
    std::printf("\n");
    // The strongest three by lift (ties: the rule order).
    std::vector<std::size_t> by_lift(rules.rules.size());
    for (std::size_t i = 0; i < by_lift.size(); ++i) by_lift[i] = i;
    std::stable_sort(by_lift.begin(), by_lift.end(), [&](std::size_t a, std::size_t b) {
      return rules.rules.rules[a].metrics.lift > rules.rules.rules[b].metrics.lift;
    });
    auto side = [&](std::span<const fpgrowth::Rank> items) {
      std::string s;
      for (const auto r : items) {
        const std::uint32_t id = rules.pfp.flist.ids[r];
        s += (s.empty() ? "" : " + ") + (id < rules.item_names.size() && !rules.item_names[id].empty()
                                              ? rules.item_names[id] : std::to_string(id));
      }
      return s;
    };
    for (std::size_t k = 0; k < std::min<std::size_t>(3, by_lift.size()); ++k) {
      const auto i = by_lift[k];
      std::printf("    %s -> %s  (confidence %.2f, lift %.2f)\n", side(rules.rules.antecedent(i)).c_str(),
                  side(rules.rules.consequent(i)).c_str(), rules.rules.rules[i].metrics.confidence,
                  rules.rules.rules[i].metrics.lift);
    }
  }
  if (ins.has_clv) {  // churn and value, over the RFM grouping's rows (every customer once)
    std::uint64_t scored = 0, at_risk = 0, valued = 0;
    double churn = 0, value = 0, value_at_risk = 0;
    for (std::size_t i = 0; i < ins.groups.size(); ++i) {
      if (ins.groups.grouping[i] != "rfm" || ins.groups.scored[i] == 0) continue;
      scored += ins.groups.scored[i];
      at_risk += ins.groups.at_risk[i];
      churn += ins.groups.churn_risk_mean[i] * static_cast<double>(ins.groups.scored[i]);
      if (ins.has_clv_value) {
        if (ins.groups.valued[i]) value += ins.groups.clv_mean[i] * static_cast<double>(ins.groups.valued[i]);
        valued += ins.groups.valued[i];
        value_at_risk += ins.groups.clv_at_risk[i];
      }
    }
    std::printf("  churn (%s): expected churned share %.1f%%, %llu customers at risk", ins.clv_model.c_str(),
                scored ? 100.0 * churn / static_cast<double>(scored) : 0.0, static_cast<unsigned long long>(at_risk));
    if (ins.has_clv_value)
      std::printf(", holding %.1f%% of expected CLV (mean CLV %.2f %s)", value > 0 ? 100.0 * value_at_risk / value : 0.0,
                  valued ? value / static_cast<double>(valued) : 0.0, currency.c_str());
    std::printf("\n");
  }
  for (const auto& s : run.skipped) std::printf("  skipped: %s\n", s.c_str());
  if (!run.resumed.empty()) {
    std::string names;
    for (const auto& s : run.resumed) names += (names.empty() ? "" : ", ") + s;
    std::printf("  resumed from %s/checkpoints/: %s (their figures: in the results)\n", common.out.c_str(), names.c_str());
  }
}

// What a stage's results depend on besides the input, for its checkpoint's key: its own table of
// the effective configuration and those of every stage whose results it reads, directly or
// through another (kmeans: rfm's features, clv's P(alive) and CLV; rules: rfm's and kmeans'
// segments; insights: rfm, clv, kmeans), and the content of the RFM segment table file (the
// configuration names only its path). [run] and [report] change no result.
std::string checkpoint_config(const JobContext& ctx, const RunConfig& cfg, const std::string& stage) {
  static const std::map<std::string, std::vector<std::string>> kTables = {
      {"rfm", {"rfm"}},
      {"clv", {"clv", "rfm"}},  // rfm: crmpi run's --as-of ends the calibration too (RunConfig::validate)
      {"kmeans", {"kmeans", "rfm", "clv"}},
      {"rules", {"rules", "rfm", "clv", "kmeans"}},
      {"insights", {"insights", "rfm", "clv", "kmeans"}},
  };
  const auto it = kTables.find(stage);
  if (it == kTables.end()) throw Error(ExitCode::kSoftware, "no checkpoint tables for stage " + stage + " (a bug)");
  std::string text = config_tables_text(ctx.effective_config, it->second);
  if (std::find(it->second.begin(), it->second.end(), "rfm") != it->second.end()) {
    text += "rfm segment table:\n";
    for (std::size_t i = 0; i < cfg.rfm.segment_map.names.size(); ++i) text += cfg.rfm.segment_map.names[i] + "\n";
    for (const auto c : cfg.rfm.segment_map.code) text += std::to_string(c) + ",";
  }
  return text;
}

}  // namespace

int run_pipeline_command(const JobContext& ctx, const CommonConfig& common, const RunConfig& cfg) {
  // The stages, in the order they run (each may use the results of those before it).
  RfmStage rfm(cfg.rfm);
  ClvStage clv(cfg.clv);
  KmeansStage kmeans(cfg.kmeans, cfg.rfm, true);  // after clv: it clusters on P(alive) and CLV when clv ran
  RulesStage rules(cfg.rules, cfg.rfm.as_of_day, true);
  InsightsStage insights(cfg.insights, cfg.rfm.as_of_day);  // last: it reads every stage before it
  const std::vector<Stage*> stages = {&rfm, &clv, &kmeans, &rules, &insights};
  // A bad previous quarter fails the run before it reads anything.
  if (!cfg.migrate.before.empty()) check_previous_quarter(ctx.comm, cfg.migrate.before, common.out);
  // Before any data is read: a bad key file ends the job at once.
  const std::optional<Pseudonymizer> pseudonymize = load_pseudonymizer(ctx.comm, cfg.exports);
  if (pseudonymize) insights.pseudonymize_csv(&*pseudonymize);

  // A warning signal (Slurm's --signal before the time limit) stops the run at the next stage
  // boundary with every completed stage checkpointed (jobs/common/stop_signal.hpp).
  if (cfg.checkpoints) install_stop_signal_handlers();
  StageRunOptions options;  // every stage the input supports; the stages run and skipped recorded
  options.skip_is_error = false;
  options.record_stages = true;
  options.checkpoints = cfg.checkpoints;
  options.checkpoint_config = [&](const std::string& stage) {
    std::string text = checkpoint_config(ctx, cfg, stage);
    // at_risk.csv names customers by pseudonyms under the key: a checkpoint made under another key
    // (or none) must not be reused. The pseudonym of id 0 tells keys apart and reveals no more
    // than any exported pseudonym.
    if (stage == "insights") text += "pseudonym of 0: " + (pseudonymize ? (*pseudonymize)(0) : std::string("none")) + "\n";
    return text;
  };
  options.resume = cfg.resume;
  std::optional<CustomerExportSummary> exported;
  options.before_commit = [&](const std::string& results_path, OutputSet& out) {
    if (!cfg.exports.customers_csv) {
      out.retire("csv/customers");  // an earlier run's export would not describe these results
      return;
    }
    exported = write_customer_parts(ctx.comm, results_path, out.temp_dir("csv/customers"), cfg.exports, pseudonymize);
  };
  const StageRunSummary run = run_stages(ctx, common, stages, options);
  // The migration from the previous quarter reads the committed results.h5 and commits its own
  // outputs next to it (every rank), before the report that shows it. Like a failed report, a
  // failed migration (the previous quarter later than this one, say) leaves the run successful:
  // its results are committed, and `crmpi migrate` redoes the migration from them.
  std::string migration, migration_error;
  if (!cfg.migrate.before.empty()) {
    try {
      run_migration(ctx, cfg.migrate.before, common.out + "/results.h5", common.out);
      migration = common.out + "/migration.h5";
    } catch (const CollectiveError& e) {  // every rank has it: the same decision everywhere
      migration_error = "exit " + std::to_string(e.exit_code()) + ": " + e.what();
      spdlog::warn("migrate: NOT written ({}). The results are complete; redo it with `crmpi migrate --before {} "
                   "--out {}`",
                   migration_error, cfg.migrate.before, common.out);
    }
  }
  // The report reads the committed results.h5 (it is derived from them, not part of the atomic
  // output set): rank 0 alone, while the other ranks wait in MPI_Finalize. A failed report leaves
  // the run successful: the results are complete and `crmpi report` rebuilds it from them.
  if (!ctx.comm.is_root()) return 0;
  std::optional<ReportOutcome> report;
  if (cfg.report.enabled) report = write_run_report(common.out, cfg.report, migration);
  print_summary(common, run, rfm.result(), clv.result(), cfg.clv, kmeans.result(), rules.result(), insights.result(),
                run.currency, ctx.comm.size(), report);
  if (exported)
    std::printf("  export:  %s/csv/customers/: %llu customers in %llu part(s)%s\n", common.out.c_str(),
                static_cast<unsigned long long>(exported->rows), static_cast<unsigned long long>(exported->parts),
                pseudonymize ? ", ids pseudonymized" : "");
  if (!migration_error.empty()) std::printf("  migration: NOT written (%s)\n", migration_error.c_str());
  return 0;
}

void SegmentConfig::validate() {
  rfm.validate();
  kmeans.validate();
  if (kmeans.needs_clv())
    throw ConfigError("crmpi segment runs no clv stage: features p_alive and clv need `crmpi run`");
}

int run_rules_command(const JobContext& ctx, const CommonConfig& common, const RulesConfig& cfg) {
  if (cfg.segments_rfm || cfg.segments_kmeans)
    throw ConfigError("--by-segment " + cfg.segments + ": per-segment rules need the segments of the same run: use `crmpi run`");
  RulesStage rules(cfg, std::nullopt, false);
  run_stages(ctx, common, {&rules}, StageRunOptions{});
  return 0;
}

int run_segment_command(const JobContext& ctx, const CommonConfig& common, const SegmentConfig& cfg) {
  RfmStage rfm(cfg.rfm);
  KmeansStage kmeans(cfg.kmeans, cfg.rfm, false);
  run_stages(ctx, common, {&rfm, &kmeans}, StageRunOptions{});
  return 0;
}

}  // namespace crmpi
