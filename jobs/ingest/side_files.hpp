// The optional side files of `crmpi ingest` (docs/ingest.md): customer attributes
// (--customers-file: region, acquisition channel, age band, gender, signup date) and NPS surveys
// (--surveys-file: customer, date, score 0..10). Columns are found by their header names. Rows are
// read in shares like the order files, shuffled to the rank owning their customer with the order
// lines' splitters, and joined there: rows of customers without a kept order are counted and
// reported, never written.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "jobs/ingest/local_dict.hpp"
#include "jobs/ingest/order_grouping.hpp"
#include "jobs/ingest/order_lines.hpp"
#include "jobs/ingest/order_reader.hpp"
#include "jobs/ingest/ingest_command.hpp"
#include "kernels/ingest/string_dictionary.hpp"

namespace crmpi::ingest_job {

inline constexpr std::int32_t kNoDay = std::numeric_limits<std::int32_t>::min();
inline constexpr const char* kUnknownValue = "unknown";  // customers without a value

// Side rows travel through the customer shuffle as Lines (same key, same sort), reusing fields:
//   attributes: day = signup day (kNoDay: none), region = region code (ParsedShare::regions),
//               product = acquisition channel code, amount_cents = age band code, quantity =
//               gender code (kNoCode32: none), order_hash = global row number (first row wins);
//   surveys:    day = survey day, quantity = score, hash = global row number.
struct SideShare {
  LineStore attrs, surveys;
  LocalDict channels, age_bands, genders;
  bool have_region = false, have_channel = false, have_age_band = false, have_gender = false, have_signup = false;
  bool have_surveys = false;
  std::uint64_t attr_rows = 0, attr_bad = 0, survey_rows = 0, survey_bad = 0;  // this rank
  std::uint64_t attr_unknown = 0, survey_unknown = 0;  // rows naming no customer with a kept order
};

// File index of the side files in BadLine::file (after the order inputs).
inline std::uint32_t customers_file_index(const IngestConfig& cfg) { return static_cast<std::uint32_t>(cfg.inputs.size()); }
inline std::uint32_t surveys_file_index(const IngestConfig& cfg) { return customers_file_index(cfg) + 1; }
const std::string& input_name(const IngestConfig& cfg, std::uint32_t file_index);

// Reads this rank's share of the side files given in cfg (regions into parsed.regions, bad lines
// into parsed.bad). Collective (global row numbers); failures agreed like the order files.
void read_side_files(const Comm& comm, const IngestConfig& cfg, ParsedShare& parsed, SideShare& side);

struct SideCodes {
  ingest::StringDictionary channels, age_bands, genders;
};

// After assign_global_codes: global attribute dictionaries, rows recoded (regions with
// region_remap), keys in the customer key form (integers as 8-byte big-endian when customer ids
// are numeric; a non-integer id then names no customer), and rows sent to the owning ranks.
// Collective.
SideCodes route_side_rows(const Comm& comm, SideShare& side, const std::vector<std::uint32_t>& region_remap,
                          bool customers_numeric, const std::vector<std::string>& splitters);

// Joins this rank's rows to its customers (the columns group_orders made), fills the attribute
// and survey columns, and logs the counts (rank 0). Collective.
void join_side_rows(const Comm& comm, const IngestConfig& cfg, SideShare& side, const SideCodes& codes,
                    std::uint32_t unknown_region, bool customers_numeric, bool orders_have_regions,
                    CanonicalColumns& col);

}  // namespace crmpi::ingest_job
