// `crmpi generate`: a synthetic input file with planted truth (docs/generate.md).
//
// Every customer is a pure function of (seed, customer index) (kernels/generate), so the file is
// byte-for-byte the same at any rank count. Two passes over the rank's customers: the first only
// counts orders and items (an exclusive scan turns the counts into global offsets), the second
// generates and writes chunk by chunk, so memory is bounded by one chunk.
#pragma once

#include <cstdint>
#include <string>

#include "jobs/common/job_common.hpp"
#include "kernels/generate/params.hpp"

namespace crmpi {

struct GenerateConfig {
  std::string out;                      // output file
  std::uint64_t customers = 1'000'000;
  std::uint64_t seed = 42;
  std::string as_of = "2026-09-30";
  std::string currency = "USD";
  std::string dropout = "bgnbd";  // bgnbd | pareto (params.pareto_dropout)
  std::uint64_t chunk_customers = 65536;
  std::string log_level = "info";
  gen::GeneratorParams params;
  // Option binding needs 64-bit fields; copied into params by validate().
  std::int64_t history_days = 1095, max_orders = 5000, n_groups = 4, n_products = 2000, n_categories = 20,
               max_basket_items = 32, n_rules = 12;
  void bind(Options& o);
  void validate();  // fills params; throws ConfigError
};

int run_generate_command(const Comm& comm, const GenerateConfig& cfg, const std::string& effective_config);

}  // namespace crmpi
