// Writes the canonical input HDF5 file (io/schema.hpp) from every rank's block of columns, under a
// temporary name next to --out; the file must pass `crmpi validate` before it is renamed to its
// final name (io/output.hpp). Collective.
#pragma once

#include <string>

#include "comm/comm.hpp"
#include "jobs/ingest/global_codes.hpp"
#include "jobs/ingest/order_grouping.hpp"

namespace crmpi::ingest_job {

struct CanonicalFileInfo {
  std::string out;       // final path
  std::string currency;  // ISO 4217
  bool baskets = false, fimi = false;  // fimi: product keys are integers stored as 8 bytes
  bool have_regions = false, have_products = false, have_names = false;
  bool have_order_channels = false;    // --channel-col: /orders/channel + its dictionary
  bool customer_dictionary = false;    // text customer ids: write /dictionaries/customer_key
  // From --customers-file / --surveys-file: attribute dictionaries (null when absent), surveys.
  const ingest::StringDictionary *channels = nullptr, *age_bands = nullptr, *genders = nullptr;
  bool have_surveys = false;
};

void write_canonical_file(const Comm& comm, const CanonicalFileInfo& info, const CanonicalColumns& col,
                          const GlobalCodes& codes);

}  // namespace crmpi::ingest_job
