#include "jobs/ingest/global_codes.hpp"

#include <algorithm>
#include <limits>
#include <span>

#include "comm/dictionary_merge.hpp"
#include "kernels/common/civil_date.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi::ingest_job {
namespace {

// The smallest non-empty name seen for a product on any rank (deterministic).
std::vector<std::string> merge_product_names(const Comm& comm, Format format, const ParsedShare& parsed,
                                             const std::vector<std::uint32_t>& product_remap, std::size_t n_products) {
  std::vector<std::uint64_t> codes;
  std::vector<std::string> names;
  for (std::uint32_t i = 0; i < product_remap.size(); ++i) {
    codes.push_back(product_remap[i]);
    if (format == Format::kBasketCsv) names.push_back(parsed.products.strings()[i]);
    else names.push_back(i < parsed.product_names.size() ? parsed.product_names[i] : std::string());
  }
  const auto all_codes = comm.allgatherv<std::uint64_t>(codes);
  auto all_names = allgather_string_lists(comm, names);
  std::vector<std::string> dict(n_products);
  std::vector<bool> set(n_products, false);
  for (std::size_t i = 0; i < all_codes.size(); ++i) {
    auto& name = all_names[i];
    auto& cur = dict[all_codes[i]];
    if (!set[all_codes[i]] || (!name.empty() && (cur.empty() || name < cur))) cur = std::move(name);
    set[all_codes[i]] = true;
  }
  return dict;
}

}  // namespace

GlobalCodes assign_global_codes(const Comm& comm, const IngestConfig& cfg, Format format, ParsedShare& parsed) {
  GlobalCodes g;
  std::vector<std::uint32_t> premap, rremap, cremap;
  g.products = global_dictionary(comm, parsed.products, premap);
  g.regions = global_dictionary(comm, parsed.regions, rremap);
  g.channels = global_dictionary(comm, parsed.channels, cremap);
  if (g.products.size() > std::numeric_limits<std::uint32_t>::max() - 1U)
    throw DataError("more than 4 billion distinct products");
  if (g.regions.size() > 65535) throw DataError("more than 65,535 distinct regions (the region column is uint16)");
  if (g.channels.size() > 255)  // codes 0..254 in a uint8 column, as the generator writes them
    throw DataError("more than 255 distinct order channels (" + std::to_string(g.channels.size()) +
                    ") in the column of --channel-col " + cfg.channel_col + " (/orders/channel is uint8)");
  if (parsed.have_names) g.product_names = merge_product_names(comm, format, parsed, premap, g.products.size());
  auto& store = parsed.store;
  for (auto& l : store.lines) {
    if (l.product != kNoCode32) l.product = premap[l.product];
    if (l.region != kNoCode32) l.region = rremap[l.region];
    if (l.channel != kNoCode32) l.channel = cremap[l.channel];
  }
  g.region_remap = std::move(rremap);
  // Customer keys: the integer itself when every customer id is an integer (8-byte big-endian,
  // so byte order is numeric order), else the text (dense codes are assigned after sorting).
  parsed.customers_numeric = !comm.allreduce_or(!parsed.customers_numeric);
  parsed.orders_numeric = parsed.have_orders && !comm.allreduce_or(!parsed.orders_numeric);
  const bool baskets = is_basket(format);
  if (parsed.customers_numeric && !baskets) {
    LineStore numeric;
    numeric.arena.reserve(store.lines.size() * 8);
    char be[8];
    for (auto& l : store.lines) numeric.set_key(l, be_bytes_into(*as_unsigned(store.key(l)), be));
    store.arena = std::move(numeric.arena);
  }
  std::int32_t last = std::numeric_limits<std::int32_t>::min();
  for (const auto& l : store.lines) last = std::max(last, l.day);
  last = comm.allreduce_max(last);
  if (!cfg.as_of.empty()) g.as_of_day = *parse_iso_date(cfg.as_of);
  else if (baskets) g.as_of_day = 0;
  else g.as_of_day = last;
  if (baskets)
    for (auto& l : store.lines) l.day = g.as_of_day;
  return g;
}

}  // namespace crmpi::ingest_job
