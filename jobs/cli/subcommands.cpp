// Every subcommand of crmpi, in one place: its name, help, typed config and what it runs.
#include "jobs/cli/subcommands.hpp"

#include <algorithm>

#include "jobs/clv/clv_stage.hpp"
#include "jobs/common/log.hpp"
#include "jobs/export/customer_export.hpp"
#include "jobs/generate/generate_command.hpp"
#include "jobs/ingest/ingest_command.hpp"
#include "jobs/migrate/migrate.hpp"
#include "jobs/pipeline/pipeline.hpp"
#include "jobs/pipeline/run_stages.hpp"
#include "jobs/report/report.hpp"
#include "jobs/rfm/rfm_stage.hpp"
#include "jobs/validate/validate_command.hpp"

namespace crmpi {

namespace {

// A value that validation refuses names its option ("--as-of must be ..."). When that option was
// not on the command line, the value came from the --config file: say so, and which file, so the
// message points where the fix goes.
[[noreturn]] void rethrow_with_source(const ConfigError& e, CLI::App& app, const Options& options) {
  const std::string msg = e.what();
  if (!options.config_path().empty() && msg.rfind("--", 0) == 0) {
    const std::string flag = msg.substr(0, msg.find_first_of(" :,'", 2));
    const CLI::Option* opt = app.get_option_no_throw(flag);
    if (opt && opt->count() == 0) {
      // The key as the file spells it: the job table's options are grouped as "<table> options".
      std::string key = flag.substr(2);
      const std::string& group = opt->get_group();
      const std::string suffix = " options";
      if (group.size() > suffix.size() && group.compare(group.size() - suffix.size(), suffix.size(), suffix) == 0)
        key = group.substr(0, group.size() - suffix.size()) + "." + key;
      throw ConfigError(options.config_path() + ": " + key + ": " + msg);
    }
  }
  throw e;
}

// Runs a config's validate() with rethrow_with_source.
template <class F>
void validate_citing_source(F&& validate, CLI::App& app, const Options& options) {
  try {
    validate();
  } catch (const ConfigError& e) {
    rethrow_with_source(e, app, options);
  }
}

// An analysis job: common options (+ --out when it writes results) plus its own config.
// `positional_input`: the input file may also be given as the one positional argument
// (`crmpi validate FILE`, as `crmpi ingest FILE` takes its inputs).
template <class Config, class RunFn>
class AnalysisCommand : public Subcommand {
 public:
  AnalysisCommand(CLI::App& parent, const std::string& name, const std::string& help, bool writes, RunFn fn,
                  bool positional_input = false)
      : writes_(writes), positional_input_(positional_input), fn_(fn) {
    app_ = parent.add_subcommand(name, help);
    options_ = std::make_unique<Options>(*app_);
    options_->add_config_option();
    common_.bind(*options_, writes_);
    if constexpr (!std::is_same_v<Config, CommonConfig>) config_.bind(*options_);
    if (positional_input_) app_->add_option("file", positional_, "the input file (same as --input FILE)");
  }
  void prepare(const std::vector<std::string>& known_sections) override {
    options_->apply_config_file(known_sections);
    if (!positional_.empty()) {
      // The command line wins over the config file's `input`; given twice on the command line is
      // a usage error rather than a silent choice.
      if (app_->get_option("--input")->count() > 0)
        throw Error(ExitCode::kUsage, "the input file is given twice: as --input " + common_.input + " and as " +
                                          positional_ + "; give it once");
      common_.input = positional_;
    }
    if (positional_input_ && common_.input.empty())
      throw ConfigError("the input file is required: crmpi " + app_->get_name() +
                        " FILE, --input FILE, or `input = \"...\"` in the config file");
    validate_citing_source([&] { common_.validate(writes_); }, *app_, *options_);
    if constexpr (!std::is_same_v<Config, CommonConfig>)
      validate_citing_source([&] { config_.validate(); }, *app_, *options_);
  }
  int run(const JobContext& ctx) override { return fn_(ctx, common_, config_); }
  std::string log_level() const override { return common_.log_level; }

 private:
  bool writes_;
  bool positional_input_;
  RunFn fn_;
  CommonConfig common_;
  Config config_;
  std::string positional_;
};

template <class Config, class RunFn>
std::unique_ptr<Subcommand> analysis(CLI::App& app, const std::string& name, const std::string& help, bool writes,
                                     RunFn fn, bool positional_input = false) {
  return std::make_unique<AnalysisCommand<Config, RunFn>>(app, name, help, writes, fn, positional_input);
}

// One analysis stage as a job of its own: read and validate the input in one pass, compute, write.
template <class StageT, class Config>
int run_one_stage(const JobContext& ctx, const CommonConfig& common, const Config& cfg) {
  StageT stage(cfg);
  run_stages(ctx, common, {&stage}, StageRunOptions{});
  return 0;
}

class GenerateCommand : public Subcommand {
 public:
  explicit GenerateCommand(CLI::App& parent) {
    app_ = parent.add_subcommand("generate", "Write a synthetic input file with planted truth (same file at any rank count)");
    options_ = std::make_unique<Options>(*app_);
    options_->add_config_option();
    config_.bind(*options_);
  }
  void prepare(const std::vector<std::string>& known_sections) override {
    options_->apply_config_file(known_sections);
    validate_citing_source([&] { config_.validate(); }, *app_, *options_);
  }
  int run(const JobContext& ctx) override {
    const int rc = run_generate_command(ctx.comm, config_, ctx.effective_config);
    log_memory_use(ctx.comm, "generate", ctx.baseline_rss, 0);  // no input slice
    return rc;
  }
  std::string log_level() const override { return config_.log_level; }

 private:
  GenerateConfig config_;
};

class IngestCommand : public Subcommand {
 public:
  explicit IngestCommand(CLI::App& parent) {
    app_ = parent.add_subcommand("ingest",
                                 "Order exports (CSV/TSV/whitespace, .gz) or basket files -> the input HDF5 file "
                                 "(docs/ingest.md)");
    options_ = std::make_unique<Options>(*app_);
    options_->add_config_option();
    cfg_.bind(*options_);
    app_->add_option("files", positional_, "input files");
  }
  void prepare(const std::vector<std::string>& known_sections) override {
    options_->apply_config_file(known_sections);
    cfg_.inputs.insert(cfg_.inputs.end(), positional_.begin(), positional_.end());
    validate_citing_source([&] { cfg_.validate(); }, *app_, *options_);
  }
  int run(const JobContext& ctx) override { return run_ingest_command(ctx, cfg_); }
  std::string log_level() const override { return cfg_.log_level; }

 private:
  IngestConfig cfg_;
  std::vector<std::string> positional_;
};

// `crmpi report`: the HTML report of a results file, alone (no input, no config file).
class ReportCommand : public Subcommand {
 public:
  explicit ReportCommand(CLI::App& parent) {
    app_ = parent.add_subcommand("report",
                                 "Write the HTML report of a results file (DIR/report.html; docs/report.md)");
    options_ = std::make_unique<Options>(*app_);
    cfg_.bind(*options_);
  }
  void prepare(const std::vector<std::string>&) override { cfg_.validate(); }
  int run(const JobContext& ctx) override { return run_report_command(ctx, cfg_); }
  std::string log_level() const override { return cfg_.log_level; }

 private:
  ReportCommandConfig cfg_;
};

// A job on the results of earlier jobs (no --input of its own): its typed config, from the command
// line and the config file's table, then `run`. `crmpi export`, `crmpi migrate`.
template <class Config, int (*Run)(const JobContext&, const Config&)>
class ResultsCommand : public Subcommand {
 public:
  ResultsCommand(CLI::App& parent, const std::string& name, const std::string& help) {
    app_ = parent.add_subcommand(name, help);
    options_ = std::make_unique<Options>(*app_);
    options_->add_config_option();
    cfg_.bind(*options_);
  }
  void prepare(const std::vector<std::string>& known_sections) override {
    options_->apply_config_file(known_sections);
    cfg_.validate();
  }
  int run(const JobContext& ctx) override { return Run(ctx, cfg_); }
  std::string log_level() const override { return cfg_.log_level; }

 private:
  Config cfg_;
};

}  // namespace

std::vector<std::unique_ptr<Subcommand>> make_subcommands(CLI::App& app) {
  std::vector<std::unique_ptr<Subcommand>> subs;
  subs.push_back(std::make_unique<GenerateCommand>(app));
  subs.push_back(std::make_unique<IngestCommand>(app));
  subs.push_back(analysis<CommonConfig>(
      app, "validate", "Check an input file (structure and every value) and report each problem", false,
      [](const JobContext& ctx, const CommonConfig& c, const CommonConfig&) { return run_validate_command(ctx, c); },
      /*positional_input=*/true));
  subs.push_back(analysis<RfmConfig>(app, "rfm", "RFM per customer, exact quintile scores, named segments", true,
                                     run_one_stage<RfmStage, RfmConfig>));
  subs.push_back(analysis<ClvConfig>(app, "clv", "CLV: BG/NBD, Pareto/NBD, Gamma-Gamma fits, P(alive), CLV, lifecycle",
                                     true, run_one_stage<ClvStage, ClvConfig>));
  subs.push_back(analysis<SegmentConfig>(
      app, "segment", "k-means segments of the customers with orders, profiled and named (also writes /rfm)", true,
      run_segment_command));
  subs.push_back(analysis<RulesConfig>(
      app, "rules", "Frequent itemsets (parallel FP-growth) and association rules of the baskets (docs/rules.md)", true,
      run_rules_command));
  subs.push_back(analysis<RunConfig>(app, "run", "The quarterly pipeline: validate, then every analysis stage", true,
                                     run_pipeline_command));
  subs.push_back(std::make_unique<ResultsCommand<MigrateConfig, run_migrate_command>>(
      app, "migrate",
      "Segment migration between two runs: transition matrices of customers and revenue, RFM and k-means "
      "(DIR/migration.h5; docs/migration.md)"));
  subs.push_back(std::make_unique<ReportCommand>(app));
  subs.push_back(std::make_unique<ResultsCommand<ExportCommandConfig, run_export_command>>(
      app, "export",
      "Write the per-customer table of a results file as CSV parts, ids optionally pseudonymized (docs/exports.md)"));
  return subs;
}

std::vector<std::string> known_config_sections(const std::vector<std::unique_ptr<Subcommand>>& subs) {
  std::vector<std::string> all;
  for (const auto& s : subs)
    for (const auto& t : s->sections()) all.push_back(t);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

}  // namespace crmpi
