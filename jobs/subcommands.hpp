// The subcommands of the crmpi executable: each owns its typed config, binds it once to the
// command line and the config file, and runs its job.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "jobs/job_common.hpp"

namespace crmpi {

class Subcommand {
 public:
  virtual ~Subcommand() = default;
  bool parsed() const { return app_->parsed(); }
  std::string name() const { return app_->get_name(); }
  // Merges the config file and validates. Throws ConfigError.
  virtual void prepare() = 0;
  virtual int run(const JobContext& ctx) = 0;
  virtual std::string log_level() const = 0;
  std::string effective_config() const { return options_->effective_toml(); }

 protected:
  CLI::App* app_ = nullptr;
  std::unique_ptr<Options> options_;
};

std::vector<std::unique_ptr<Subcommand>> make_subcommands(CLI::App& app);

}  // namespace crmpi
