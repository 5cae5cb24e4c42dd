#include "jobs/subcommands.hpp"

#include "jobs/clv_job.hpp"
#include "jobs/generate_job.hpp"
#include "jobs/ingest_job.hpp"
#include "jobs/rfm_job.hpp"
#include "jobs/run_job.hpp"
#include "jobs/validate_job.hpp"

namespace crmpi {

namespace {

// An analysis job: common options (+ --out when it writes results) plus its own config.
template <class Config, class RunFn>
class AnalysisCommand : public Subcommand {
 public:
  AnalysisCommand(CLI::App& parent, const std::string& name, const std::string& help, bool writes, RunFn fn)
      : writes_(writes), fn_(fn) {
    app_ = parent.add_subcommand(name, help);
    options_ = std::make_unique<Options>(*app_);
    options_->add_config_option();
    common_.bind(*options_, writes_);
    if constexpr (!std::is_same_v<Config, CommonConfig>) config_.bind(*options_);
  }
  void prepare() override {
    options_->apply_config_file(kConfigSections);
    common_.validate(writes_);
    if constexpr (!std::is_same_v<Config, CommonConfig>) config_.validate();
  }
  int run(const JobContext& ctx) override { return fn_(ctx, common_, config_); }
  std::string log_level() const override { return common_.log_level; }

 private:
  bool writes_;
  RunFn fn_;
  CommonConfig common_;
  Config config_;
};

template <class Config, class RunFn>
std::unique_ptr<Subcommand> analysis(CLI::App& app, const std::string& name, const std::string& help, bool writes,
                                     RunFn fn) {
  return std::make_unique<AnalysisCommand<Config, RunFn>>(app, name, help, writes, fn);
}

class GenerateCommand : public Subcommand {
 public:
  explicit GenerateCommand(CLI::App& parent) {
    app_ = parent.add_subcommand("generate", "Write a synthetic input file with planted truth (same file at any rank count)");
    options_ = std::make_unique<Options>(*app_);
    options_->add_config_option();
    config_.bind(*options_);
  }
  void prepare() override {
    options_->apply_config_file(kConfigSections);
    config_.validate();
  }
  int run(const JobContext& ctx) override { return run_generate_command(ctx.comm, config_, ctx.effective_config); }
  std::string log_level() const override { return config_.log_level; }

 private:
  GenerateConfig config_;
};

}  // namespace

std::vector<std::unique_ptr<Subcommand>> make_subcommands(CLI::App& app) {
  std::vector<std::unique_ptr<Subcommand>> subs;
  subs.push_back(std::make_unique<GenerateCommand>(app));
  subs.push_back(make_ingest_subcommand(app));
  subs.push_back(analysis<CommonConfig>(
      app, "validate", "Check an input file (structure and every value) and report each problem", false,
      [](const JobContext& ctx, const CommonConfig& c, const CommonConfig&) { return run_validate_command(ctx, c); }));
  subs.push_back(analysis<RfmConfig>(app, "rfm", "RFM per customer, exact quintile scores, named segments", true,
                                     [](const JobContext& ctx, const CommonConfig& c, const RfmConfig& r) {
                                       return run_rfm_command(ctx, c, r);
                                     }));
  subs.push_back(analysis<ClvConfig>(app, "clv", "CLV: BG/NBD, Pareto/NBD, Gamma-Gamma fits, P(alive), CLV, lifecycle",
                                     true, [](const JobContext& ctx, const CommonConfig& c, const ClvConfig& v) {
                                       return run_clv_command(ctx, c, v);
                                     }));
  subs.push_back(analysis<RunConfig>(app, "run", "The quarterly pipeline: validate, then every analysis stage", true,
                                     [](const JobContext& ctx, const CommonConfig& c, const RunConfig& r) {
                                       return run_pipeline_command(ctx, c, r);
                                     }));
  return subs;
}

}  // namespace crmpi
