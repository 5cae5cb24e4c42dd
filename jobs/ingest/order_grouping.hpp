// Turns this rank's shuffled, sorted lines into the canonical columns (docs/schema.md): exact
// duplicates dropped, lines of one invoice merged into one order, products of an order summed
// into items, orders of a customer by time. Global ids and offsets come from exclusive scans
// over the ranks (collective).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "comm/comm.hpp"
#include "jobs/ingest/order_lines.hpp"

namespace crmpi::ingest_job {

struct GroupingOptions {
  bool keep_duplicates = false;
  bool have_orders = false;        // an order column: lines of one invoice form one order
  bool baskets = false;            // basket formats: no duplicate detection, order ids given
  bool customers_numeric = false;  // customer id = the integer in the key
  bool orders_numeric = false;     // order id = the invoice number
  bool have_channels = false;      // --channel-col: /orders/channel
};

// This rank's block of every column, and where it goes in the global datasets.
struct CanonicalColumns {
  std::vector<std::uint64_t> customer_id, order_offset, order_id, order_customer, item_offset;
  std::vector<std::int32_t> signup_day, order_day;
  std::vector<std::int64_t> order_amount;
  std::vector<std::uint16_t> region;
  std::vector<std::uint8_t> order_channel;  // empty unless --channel-col
  std::vector<std::uint32_t> item_product, item_quantity;
  std::vector<std::uint8_t> acquisition_channel, age_band, gender;  // empty unless a customers file has them
  std::vector<std::uint64_t> survey_customer;  // surveys (--surveys-file), sorted by customer, day
  std::vector<std::int32_t> survey_day;
  std::vector<std::uint8_t> survey_score;
  std::uint64_t survey_base = 0, surveys = 0;
  std::vector<std::string> customer_keys;  // text customer ids, in customer order (else empty)
  std::uint64_t customer_base = 0, order_base = 0, item_base = 0;  // this rank's first global index
  std::uint64_t customers = 0, orders = 0, items = 0;              // totals over all ranks
};

// Consumes store.lines. Adds the duplicates found to counts.duplicates and sets counts.kept.
// CollectiveError when no order is left anywhere; DataError when an order holds over 1,000,000
// units of one product.
CanonicalColumns group_orders(const Comm& comm, LineStore& store, const GroupingOptions& opt, Counts& counts);

}  // namespace crmpi::ingest_job
