// One place that binds each job's typed config fields to both the command line (CLI11) and the
// TOML config file (toml++), so an option is declared once: name, field, help.
//
// Precedence: command line > config file > the field's default. The TOML file has top-level
// keys for options common to all jobs and one table per job ([generate], [rfm], ...); a key
// this command does not know is an error (exit 78), as is a value of the wrong type.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

// CLI11 is declared, not included: this header reaches most of jobs/ through job_common.hpp, and
// CLI/CLI.hpp (header-only, with static validator objects) cost every such file ~3 s of compile.
// Code that calls CLI11 itself includes <CLI/CLI.hpp>.
namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace crmpi {

class Options {
 public:
  explicit Options(CLI::App& app) : app_(app) {}

  // section "" = top level of the TOML file. key = the long option name (--key) = the TOML key.
  CLI::Option* bind(const std::string& section, const std::string& key, std::string& field, const std::string& help);
  CLI::Option* bind(const std::string& section, const std::string& key, std::int64_t& field, const std::string& help);
  CLI::Option* bind(const std::string& section, const std::string& key, std::uint64_t& field, const std::string& help);
  CLI::Option* bind(const std::string& section, const std::string& key, double& field, const std::string& help);
  CLI::Option* bind(const std::string& section, const std::string& key, bool& field, const std::string& help);
  CLI::Option* bind(const std::string& section, const std::string& key, std::vector<std::string>& field,
                    const std::string& help);

  // Adds --config FILE. After CLI parsing, call apply_config_file().
  void add_config_option();
  const std::string& config_path() const { return config_path_; }

  // Fills every bound field not given on the command line from the file. `all_sections` names
  // every job table that may appear in a shared file (tables of other jobs are skipped); any
  // other table is an error (ConfigError, exit 78), like an unknown key.
  void apply_config_file(const std::vector<std::string>& all_sections);

  // The job tables this command's options live in (the top level "" excluded).
  std::vector<std::string> sections() const;

  // The effective configuration, as TOML, for provenance.
  std::string effective_toml() const;

  enum class Type { kString, kInt, kUInt, kDouble, kBool, kStrings };

 private:
  struct Entry {
    std::string section, key;
    Type type;
    void* field;
    CLI::Option* option;
  };
  CLI::Option* add(const std::string& section, const std::string& key, Type type, void* field, CLI::Option* opt);

  CLI::App& app_;
  std::vector<Entry> entries_;
  std::string config_path_;
};

}  // namespace crmpi
