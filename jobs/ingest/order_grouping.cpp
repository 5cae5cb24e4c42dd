#include "jobs/ingest/order_grouping.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

#include "io/schema.hpp"
#include "jobs/common/job_common.hpp"

namespace crmpi::ingest_job {
namespace {

struct Order {
  std::uint64_t key = 0;  // order_num (numeric invoices) or order_hash
  std::uint64_t item_begin = 0, item_end = 0;  // into the per-rank item arrays (before final order)
  std::int64_t amount = 0;
  std::int32_t day = 0, seconds = 0;
  std::uint32_t region = kNoCode32;
  std::uint32_t channel = kNoCode32;
  std::uint32_t customer = 0;  // local customer index
};

using Item = std::pair<std::uint32_t, std::uint32_t>;  // product, quantity

// Exact duplicates: equal customer and equal field hash sort next to each other. Without an
// order column nothing tells two identical lines apart from two identical purchases (CDNOW has
// several lines per customer-day), so they are then counted but kept.
std::uint64_t drop_duplicates(LineStore& store, const GroupingOptions& opt) {
  auto& L = store.lines;
  const bool keep = opt.keep_duplicates || !opt.have_orders;
  std::uint64_t found = 0;
  std::size_t w = 0;
  for (std::size_t i = 0; i < L.size(); ++i) {
    if (w > 0 && key_equal(store, L[i], L[w - 1]) && L[i].hash == L[w - 1].hash && !opt.baskets) {
      ++found;
      if (!keep) continue;
    }
    L[w++] = L[i];
  }
  L.resize(w);
  return found;
}

// Products of lines [begin, end) summed per product, appended to `items` in product order.
void append_items(const LineStore& store, std::size_t begin, std::size_t end, std::vector<Item>& tmp,
                  std::vector<Item>& items) {
  const auto& L = store.lines;
  tmp.clear();
  for (std::size_t x = begin; x < end; ++x)
    if (L[x].product != kNoCode32) tmp.emplace_back(L[x].product, static_cast<std::uint32_t>(L[x].quantity));
  std::sort(tmp.begin(), tmp.end());
  const std::size_t first = items.size();
  for (const auto& it : tmp) {
    if (items.size() > first && items.back().first == it.first) {
      const std::uint64_t q = std::uint64_t{items.back().second} + it.second;
      if (q > schema::kMaxItemQuantity)
        throw DataError("one order holds more than 1,000,000 units of a product (customer key " +
                        std::string(store.key(L[begin])) + ")");
      items.back().second = static_cast<std::uint32_t>(q);
    } else {
      items.push_back(it);
    }
  }
}

}  // namespace

CanonicalColumns group_orders(const Comm& comm, LineStore& store, const GroupingOptions& opt, Counts& counts) {
  counts.duplicates += drop_duplicates(store, opt);
  counts.kept = store.lines.size();
  const auto& L = store.lines;
  // Customers and orders: lines of one invoice (same customer) form one order. Without an
  // order column every line is its own order.
  std::vector<std::uint64_t> cust_first_line;  // local customer -> first line
  std::vector<Order> orders;
  std::vector<Item> items, tmp;
  // At most one order and one item a line: reserved at once (untouched pages are never resident)
  // rather than grown by doubling, which copied and first-touched twice the memory.
  orders.reserve(L.size());
  items.reserve(L.size());
  const bool numeric_order_ids = opt.orders_numeric || opt.baskets;
  for (std::size_t i = 0; i < L.size();) {
    if (i == 0 || !key_equal(store, L[i], L[i - 1])) cust_first_line.push_back(i);
    std::size_t j = i + 1;
    if (opt.have_orders)
      while (j < L.size() && key_equal(store, L[j], L[i]) && L[j].order_hash == L[i].order_hash) ++j;
    Order o;
    o.customer = static_cast<std::uint32_t>(cust_first_line.size() - 1);
    o.key = numeric_order_ids ? L[i].order_num : L[i].order_hash;
    o.day = L[i].day;
    o.seconds = L[i].seconds;
    o.region = L[i].region;
    o.channel = L[i].channel;
    for (std::size_t x = i; x < j; ++x) {
      o.amount += L[x].amount_cents;
      if (std::tie(L[x].day, L[x].seconds) < std::tie(o.day, o.seconds)) {  // the order's first line
        o.day = L[x].day;
        o.seconds = L[x].seconds;
        o.region = L[x].region;
        o.channel = L[x].channel;  // like the region: the order's first line decides
      }
    }
    o.item_begin = items.size();
    append_items(store, i, j, tmp, items);
    o.item_end = items.size();
    orders.push_back(o);
    i = j;
  }
  // Orders of each customer by day, time, order id.
  std::vector<std::uint64_t> order_offset(cust_first_line.size() + 1, 0);
  for (const auto& o : orders) ++order_offset[o.customer + 1];
  for (std::size_t c = 0; c < cust_first_line.size(); ++c) order_offset[c + 1] += order_offset[c];
  std::sort(orders.begin(), orders.end(), [](const Order& a, const Order& b) {
    return std::tie(a.customer, a.day, a.seconds, a.key) < std::tie(b.customer, b.day, b.seconds, b.key);
  });
  CanonicalColumns col;
  const std::uint64_t n_cust = cust_first_line.size(), n_orders = orders.size(), n_items = items.size();
  col.customer_base = comm.exscan_sum(n_cust);
  col.order_base = comm.exscan_sum(n_orders);
  col.item_base = comm.exscan_sum(n_items);
  col.customers = comm.allreduce_sum(n_cust);
  col.orders = comm.allreduce_sum(n_orders);
  col.items = comm.allreduce_sum(n_items);
  if (col.orders == 0) throw CollectiveError(ExitCode::kDataErr, "no order line survived the rules: nothing to write");

  col.customer_id.resize(n_cust);
  col.order_offset.resize(n_cust);
  col.signup_day.resize(n_cust);
  col.region.resize(n_cust);
  for (std::size_t c = 0; c < n_cust; ++c) {
    const auto& l = L[cust_first_line[c]];
    if (opt.customers_numeric || opt.baskets) {
      col.customer_id[c] = l.key_prefix;
    } else {
      col.customer_id[c] = col.customer_base + c;  // dense code into /dictionaries/customer_key
      col.customer_keys.emplace_back(store.key(l));
    }
    col.order_offset[c] = col.order_base + order_offset[c];
  }
  // The lines are not needed past here: freed before the order and item columns are allocated,
  // which then reuse their memory (crmpi keeps freed heap memory, kernels/common/memory_reuse)
  // instead of first-touching fresh pages, and the peak holds one of the two, not both.
  store.lines.clear();
  store.lines.shrink_to_fit();
  col.order_id.resize(n_orders);
  col.order_customer.resize(n_orders);
  col.item_offset.resize(n_orders);
  col.order_day.resize(n_orders);
  col.order_amount.resize(n_orders);
  if (opt.have_channels) col.order_channel.resize(n_orders);
  col.item_product.resize(n_items);
  col.item_quantity.resize(n_items);
  std::uint64_t item_pos = col.item_base;
  for (std::size_t k = 0; k < n_orders; ++k) {
    const auto& o = orders[k];
    col.order_id[k] = numeric_order_ids ? o.key : col.order_base + k;
    col.order_customer[k] = col.customer_id[o.customer];
    col.order_day[k] = o.day;
    col.order_amount[k] = o.amount;
    if (opt.have_channels) col.order_channel[k] = static_cast<std::uint8_t>(o.channel == kNoCode32 ? 0 : o.channel);
    col.item_offset[k] = item_pos;
    for (std::uint64_t x = o.item_begin; x < o.item_end; ++x) {
      const auto idx = static_cast<std::size_t>(item_pos - col.item_base);
      col.item_product[idx] = items[x].first;
      col.item_quantity[idx] = items[x].second;
      ++item_pos;
    }
    if (order_offset[o.customer] == k) {  // the customer's first order
      col.signup_day[o.customer] = o.day;
      col.region[o.customer] = o.region == kNoCode32 ? 0 : static_cast<std::uint16_t>(o.region);
    }
  }
  // The offset arrays have one entry more than their rows: the last rank writes the total.
  if (comm.rank() == comm.size() - 1) {
    col.order_offset.push_back(col.orders);
    col.item_offset.push_back(col.items);
  }
  return col;
}

}  // namespace crmpi::ingest_job
