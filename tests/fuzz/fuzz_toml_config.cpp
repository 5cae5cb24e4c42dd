// libFuzzer target: the TOML configuration loader (jobs/cli/options.cpp, on toml++): the fuzz
// input is the --config file of a command with options of every type, at the top level and in
// a job table. Every rejection must be a crmpi::ConfigError (exit 78); then the effective
// configuration (provenance) must still render.
#include <CLI/CLI.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "jobs/cli/options.hpp"
#include "kernels/common/errors.hpp"
#include "temp_file.hpp"

namespace {

// One command, built once (its construction dominated the time of an input): every bound field
// is overwritten or left alone by each file, and no option is on the command line.
struct Command {
  CLI::App app;
  crmpi::Options options{app};
  std::string input, segments;
  std::int64_t k = 8;
  std::uint64_t chunk_rows = 4096;
  double rate = 0.01;
  bool header = true;
  std::vector<std::string> models;
  explicit Command(const std::string& path) {
    options.add_config_option();
    options.bind("", "input", input, "");
    options.bind("", "chunk-rows", chunk_rows, "");
    options.bind("rfm", "segments", segments, "");
    options.bind("kmeans", "k", k, "");
    options.bind("clv", "discount-rate", rate, "");
    options.bind("ingest", "header", header, "");
    options.bind("clv", "models", models, "");
    std::vector<std::string> argv_s = {"fuzz", "--config", path};
    std::vector<const char*> argv;
    for (auto& s : argv_s) argv.push_back(s.c_str());
    app.parse(static_cast<int>(argv.size()), argv.data());
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > (1 << 14)) return 0;
  const std::string& path = crmpi::fuzz::write_temp_file(data, size, ".toml");
  static Command command(path);  // the same path for every input of this process
  try {
    command.options.apply_config_file({"clv", "ingest", "kmeans", "rfm", "rules"});
  } catch (const crmpi::ConfigError&) {
    return 0;
  }
  (void)command.options.effective_toml();
  return 0;
}
