// After parsing, before the shuffle: the ranks agree on global dictionaries (products, regions,
// product names), recode their lines with the global codes, choose the customer key form
// (numeric or text) and the as-of day. Collective.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "jobs/ingest/column_mapping.hpp"
#include "jobs/ingest/order_reader.hpp"
#include "kernels/ingest/string_dictionary.hpp"

namespace crmpi::ingest_job {

struct GlobalCodes {
  ingest::StringDictionary products, regions, channels;
  std::vector<std::string> product_names;  // by product code; empty unless the input has names
  std::vector<std::uint32_t> region_remap;  // this rank's local region code -> global (side files)
  std::int32_t as_of_day = 0;
};

// Also sets parsed.customers_numeric / orders_numeric to the verdict of all ranks.
// DataError when a dictionary outgrows its column type.
GlobalCodes assign_global_codes(const Comm& comm, const IngestConfig& cfg, Format format, ParsedShare& parsed);

}  // namespace crmpi::ingest_job
