// Which input format a run reads and which column holds which field: resolved per file from the
// header (names, with the UCI/CDNOW defaults) or from 1-based indexes.
#pragma once

#include <string>

#include "jobs/ingest/ingest_command.hpp"
#include "kernels/ingest/field_splitter.hpp"

namespace crmpi::ingest_job {

enum class Format { kCsv, kWhitespace, kFimi, kBasketCsv };

Format format_of(const IngestConfig& cfg);
inline bool is_basket(Format f) { return f == Format::kFimi || f == Format::kBasketCsv; }
ingest::Dialect dialect_of(const IngestConfig& cfg, Format f);

// 0-based column of each field, -1 when the file has none.
struct Mapping {
  int customer = -1, order = -1, date = -1, amount = -1, quantity = -1, price = -1, product = -1, product_name = -1,
      region = -1, channel = -1;
  std::size_t columns = 0;
};

// Reads the first record of `path` (every rank itself: a few KB, no broadcast needed).
// ConfigError for a mapping naming an absent column, DataError for a file lacking a required one.
Mapping map_columns(const IngestConfig& cfg, Format format, const std::string& path);

}  // namespace crmpi::ingest_job
