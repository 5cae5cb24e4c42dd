// The subcommands of the crmpi executable, all declared in jobs/cli/subcommands.cpp: each owns its
// typed config, binds it once to the command line and the config file, and runs its job.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "jobs/cli/options.hpp"
#include "jobs/common/job_common.hpp"

namespace crmpi {

class Subcommand {
 public:
  virtual ~Subcommand() = default;
  bool parsed() const { return app_->parsed(); }
  std::string name() const { return app_->get_name(); }
  // Merges the config file and validates. `known_sections`: every job table a shared config file
  // may hold (those of the other jobs are skipped; any other table is an error). Throws ConfigError.
  virtual void prepare(const std::vector<std::string>& known_sections) = 0;
  virtual int run(const JobContext& ctx) = 0;
  virtual std::string log_level() const = 0;
  std::string effective_config() const { return options_->effective_toml(); }
  // The config-file tables this subcommand reads ([rfm], [clv], ...).
  std::vector<std::string> sections() const { return options_->sections(); }

 protected:
  CLI::App* app_ = nullptr;
  std::unique_ptr<Options> options_;
};

std::vector<std::unique_ptr<Subcommand>> make_subcommands(CLI::App& app);

// The config-file tables of all subcommands (sorted, unique).
std::vector<std::string> known_config_sections(const std::vector<std::unique_ptr<Subcommand>>& subs);

}  // namespace crmpi
