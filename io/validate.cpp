#include "io/validate.hpp"

#include <algorithm>
#include <map>
#include <cstdio>
#include <sstream>

#include "io/order_chunks.hpp"
#include "kernels/common/checksum.hpp"
#include "kernels/common/civil_date.hpp"

namespace crmpi {

std::string Problem::format() const {
  return dataset + " row " + std::to_string(row) + (value.empty() ? "" : ": value " + value) + ": " + message;
}

std::string ValidationReport::checksum_hex() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(checksum));
  return buf;
}

std::string ValidationReport::format(const std::string& path) const {
  std::ostringstream os;
  os << path << ": " << total << " invalid value(s) found";
  if (total > shown.size()) os << " (first " << shown.size() << " shown)";
  os << ":";
  for (const auto& p : shown) os << "\n  " << p.format();
  return os.str();
}

namespace {

// Collects problems, keeping the first `keep` per dataset (in row order of discovery).

// A code column without its names: the message names the dataset it needs (schema.hpp).
std::string no_dictionary(std::string_view column) {
  for (const auto& c : schema::kColumns)
    if (c.path == column && !c.dictionary.empty())
      return "code column has no dictionary dataset (" + std::string(c.dictionary) + " is missing)";
  return "code column has no dictionary dataset";
}

class Sink {
 public:
  explicit Sink(std::size_t keep) : keep_(keep) {}
  template <class V>
  void add(std::string_view dataset, std::uint64_t row, const V& value, std::string message) {
    ++total_;
    auto& list = by_dataset_[std::string(dataset)];
    if (list.size() < keep_) {
      std::ostringstream v;
      if constexpr (std::is_same_v<V, std::uint8_t>) v << static_cast<unsigned>(value);
      else v << value;
      list.push_back({std::string(dataset), row, v.str(), std::move(message)});
    }
  }
  std::uint64_t total() const { return total_; }
  std::vector<Problem> problems() const {
    std::vector<Problem> out;
    for (const auto& [k, v] : by_dataset_) out.insert(out.end(), v.begin(), v.end());
    return out;
  }

 private:
  std::size_t keep_;
  std::uint64_t total_ = 0;
  std::map<std::string, std::vector<Problem>> by_dataset_;
};

bool day_ok(std::int32_t d) { return d >= schema::kMinDay && d <= schema::kMaxDay; }
const char* kDayRange = "day outside 1970-01-01..2169-12-31";

template <class T>
void check_codes(InputFile& in, Sink& sink, std::string_view column, std::uint64_t begin, std::uint64_t count,
                 std::uint64_t dict_size) {
  const auto codes = in.read<T>(column, begin, count);
  for (std::uint64_t i = 0; i < count; ++i)
    if (codes[i] >= dict_size)
      sink.add(column, begin + i, codes[i], "code outside its dictionary (" + std::to_string(dict_size) + " names)");
}

// Partial checksums of the key columns on this rank (summed over ranks at the end).
struct KeySums {
  std::uint64_t customer_id = 0, order_offset = 0, day = 0, amount = 0;
};

struct Bounds {
  std::uint64_t first_id = 0, last_id = 0;
  std::uint64_t has = 0;
};

void check_customers(InputFile& in, const Comm& comm, const Slice& s, Sink& sink, SliceCustomers& customers,
                     bool& offsets_ok, KeySums& sums) {
  const std::uint64_t n = s.customers();
  const auto& sz = in.sizes();
  auto& ids = customers.id;
  auto& offsets = customers.order_offset;
  ids = in.read<std::uint64_t>(schema::kCustomerId, s.customer_begin, n);
  offsets = in.read<std::uint64_t>(schema::kOrderOffset, s.customer_begin, n + 1);
  sums.customer_id = column_checksum<std::uint64_t>(ids, s.customer_begin);
  // Offsets overlap by one row between ranks: the last rank alone adds row n_customers.
  const bool last = s.customer_end == sz.customers;
  sums.order_offset = column_checksum<std::uint64_t>(std::span(offsets).first(last ? n + 1 : n), s.customer_begin);
  for (std::uint64_t i = 1; i < n; ++i)
    if (ids[i] <= ids[i - 1])
      sink.add(schema::kCustomerId, s.customer_begin + i, ids[i],
               ids[i] == ids[i - 1] ? "duplicate customer_id" : "customer_id not sorted (smaller than the row before)");
  // Across rank boundaries: compare with the previous non-empty rank's last id.
  const auto all = comm.allgather(Bounds{n ? ids.front() : 0, n ? ids.back() : 0, n ? 1u : 0u});
  for (int r = comm.rank() - 1; r >= 0 && n; --r) {
    if (!all[static_cast<std::size_t>(r)].has) continue;
    if (ids.front() <= all[static_cast<std::size_t>(r)].last_id)
      sink.add(schema::kCustomerId, s.customer_begin, ids.front(), "customer_id not sorted or duplicate");
    break;
  }
  offsets_ok = true;
  if (s.customer_begin == 0 && offsets.front() != 0) {
    sink.add(schema::kOrderOffset, 0, offsets.front(), "first offset must be 0");
    offsets_ok = false;
  }
  if (s.customer_end == sz.customers && offsets.back() != sz.orders) {
    sink.add(schema::kOrderOffset, sz.customers, offsets.back(),
             "last offset must equal the number of orders (" + std::to_string(sz.orders) + ")");
    offsets_ok = false;
  }
  for (std::uint64_t i = 0; i <= n; ++i) {
    if (offsets[i] > sz.orders) {
      sink.add(schema::kOrderOffset, s.customer_begin + i, offsets[i], "offset beyond the last order");
      offsets_ok = false;
    } else if (i > 0 && offsets[i] < offsets[i - 1]) {
      sink.add(schema::kOrderOffset, s.customer_begin + i, offsets[i], "offsets must not decrease");
      offsets_ok = false;
    }
  }
  customers.signup_day.clear();
  if (in.has(schema::kSignupDay)) {
    customers.signup_day = in.read<std::int32_t>(schema::kSignupDay, s.customer_begin, n);
    const auto& signup = customers.signup_day;
    for (std::uint64_t i = 0; i < n; ++i)
      if (!day_ok(signup[i])) sink.add(schema::kSignupDay, s.customer_begin + i, signup[i], kDayRange);
  }
  for (auto col : {schema::kRegion, schema::kAcquisitionChannel, schema::kAgeBand, schema::kGender}) {
    if (!in.has(col)) continue;
    const auto dict = in.dictionary_of(col);
    if (dict.empty()) {
      if (comm.is_root()) sink.add(col, 0, "", no_dictionary(col));
      continue;
    }
    check_codes<std::uint16_t>(in, sink, col, s.customer_begin, n, dict.size());
  }
}

void check_orders(InputFile& in, const Slice& s, Sink& sink, const SliceCustomers& customers, std::uint64_t chunk_rows,
                  const OrderPassHooks* hooks, std::uint64_t& item_begin, std::uint64_t& item_end, bool& items_ok,
                  KeySums& sums) {
  const auto& ids = customers.id;
  const auto& offsets = customers.order_offset;
  const auto& sz = in.sizes();
  const bool items = in.has(schema::kItemOffset);
  const bool channel = in.has(schema::kOrderChannel);
  std::uint64_t channel_dict = 0;
  if (channel) channel_dict = in.dictionary_of(schema::kOrderChannel).size();
  items_ok = items;
  bool first_chunk = true;
  OrderColumns cols{.day = true, .amount = true, .customer_id = true, .channel = channel, .item_offset = items};
  if (hooks) {
    cols.order_id |= hooks->extra.order_id;
    cols.channel |= hooks->extra.channel && channel;
    cols.item_offset |= hooks->extra.item_offset && items;
    if (hooks->begin) hooks->begin(customers);
  }
  for_each_order_chunk(in, offsets, cols, chunk_rows, [&](const OrderChunk& ch) {
    const std::uint64_t problems_before = sink.total();
    sums.day += column_checksum<std::int32_t>(ch.day, ch.order_begin);
    sums.amount += column_checksum<std::int64_t>(ch.amount_cents, ch.order_begin);
    for (std::uint64_t c = ch.customer_begin; c < ch.customer_end; ++c) {
      for (std::uint64_t row = offsets[c]; row < offsets[c + 1]; ++row) {
        const std::uint64_t j = row - ch.order_begin;
        if (ch.customer_id[j] != ids[c])
          sink.add(schema::kOrderCustomerId, row, ch.customer_id[j],
                   "order is in the offset range of customer_id " + std::to_string(ids[c]) +
                       " (unknown id, or orders not sorted by customer)");
        const auto d = ch.day[j];
        if (!day_ok(d)) sink.add(schema::kOrderDay, row, d, kDayRange);
        else if (row > offsets[c] && d < ch.day[j - 1])
          sink.add(schema::kOrderDay, row, d, "orders of a customer must be sorted by day");
        const auto a = ch.amount_cents[j];
        if (a < 0) sink.add(schema::kOrderAmount, row, a, "negative amount");
        else if (a > schema::kMaxOrderAmountCents) sink.add(schema::kOrderAmount, row, a, "absurd amount (over 100,000,000.00)");
        if (channel && ch.channel[j] >= channel_dict)
          sink.add(schema::kOrderChannel, row, ch.channel[j],
                   "code outside its dictionary (" + std::to_string(channel_dict) + " names)");
      }
    }
    if (items) {
      if (first_chunk) item_begin = ch.item_offset.front();
      for (std::uint64_t j = 0; j <= ch.size; ++j) {
        const auto v = ch.item_offset[j];
        if (v > sz.items) {
          sink.add(schema::kItemOffset, ch.order_begin + j, v, "offset beyond the last item");
          items_ok = false;
        } else if (j > 0 && v < ch.item_offset[j - 1]) {
          sink.add(schema::kItemOffset, ch.order_begin + j, v, "offsets must not decrease");
          items_ok = false;
        }
      }
      item_end = ch.item_offset.back();
    }
    first_chunk = false;
    if (hooks && hooks->chunk && sink.total() == problems_before) hooks->chunk(ch);
  });
  if (items && s.orders() == 0) {
    std::uint64_t v = 0;
    in.read(schema::kItemOffset, s.order_begin, 1, &v);
    item_begin = item_end = v;
  }
  if (items && s.order_begin == 0 && item_begin != 0) {
    sink.add(schema::kItemOffset, 0, item_begin, "first offset must be 0");
    items_ok = false;
  }
  if (items && s.order_end == sz.orders && item_end != sz.items) {
    sink.add(schema::kItemOffset, sz.orders, item_end,
             "last offset must equal the number of items (" + std::to_string(sz.items) + ")");
    items_ok = false;
  }
}

void check_items(InputFile& in, Sink& sink, std::uint64_t begin, std::uint64_t end, std::uint64_t chunk_rows) {
  const std::uint64_t n_products = in.sizes().products;
  const bool know_products = in.has(schema::kProductCategory);
  for (std::uint64_t b = begin; b < end; b += chunk_rows) {
    const std::uint64_t n = std::min(chunk_rows, end - b);
    const auto prod = in.read<std::uint32_t>(schema::kItemProduct, b, n);
    const auto qty = in.read<std::uint32_t>(schema::kItemQuantity, b, n);
    for (std::uint64_t i = 0; i < n; ++i) {
      if (know_products && prod[i] >= n_products)
        sink.add(schema::kItemProduct, b + i, prod[i], "unknown product (file has " + std::to_string(n_products) + ")");
      if (qty[i] == 0 || qty[i] > schema::kMaxItemQuantity)
        sink.add(schema::kItemQuantity, b + i, qty[i], "quantity must be 1..1000000");
    }
  }
}

void check_products(InputFile& in, const Comm& comm, Sink& sink) {
  if (!in.has(schema::kProductCategory)) return;
  const auto dict = in.dictionary_of(schema::kProductCategory);
  if (dict.empty()) {
    if (comm.is_root()) sink.add(schema::kProductCategory, 0, "", no_dictionary(schema::kProductCategory));
    return;
  }
  const std::uint64_t n = in.sizes().products;
  const auto r = static_cast<std::uint64_t>(comm.rank()), p = static_cast<std::uint64_t>(comm.size());
  const std::uint64_t b = n * r / p, e = n * (r + 1) / p;
  check_codes<std::uint16_t>(in, sink, schema::kProductCategory, b, e - b, dict.size());
}

// Surveys must be sorted by customer; each rank checks the rows whose customer ids fall in its
// customer range, by merging with the ids it already holds.
void check_surveys(InputFile& in, const Comm& comm, const Slice& s, Sink& sink, const std::vector<std::uint64_t>& ids) {
  if (!in.has(schema::kSurveyCustomerId)) return;
  const std::uint64_t n = in.sizes().surveys;
  auto id_at = [&](std::uint64_t row) {
    std::uint64_t v = 0;
    in.read(schema::kSurveyCustomerId, row, 1, &v);
    return v;
  };
  auto first_row_with_id_at_least = [&](std::uint64_t id) {
    std::uint64_t lo = 0, hi = n;
    while (lo < hi) {
      const auto mid = lo + (hi - lo) / 2;
      if (id_at(mid) < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // Row range: from the first survey with id >= my first id (rank 0: row 0) to the next rank's start.
  const auto starts = comm.allgather<std::uint64_t>(
      s.customers() == 0 ? ~std::uint64_t{0} : (comm.rank() == 0 ? 0 : first_row_with_id_at_least(ids.front())));
  std::uint64_t b = starts[static_cast<std::size_t>(comm.rank())];
  std::uint64_t e = n;
  for (std::size_t r = static_cast<std::size_t>(comm.rank()) + 1; r < starts.size(); ++r)
    if (starts[r] != ~std::uint64_t{0}) {
      e = starts[r];
      break;
    }
  if (b == ~std::uint64_t{0} || b >= e) return;
  const auto cust = in.read<std::uint64_t>(schema::kSurveyCustomerId, b, e - b);
  const auto day = in.read<std::int32_t>(schema::kSurveyDay, b, e - b);
  const auto score = in.read<std::uint8_t>(schema::kSurveyScore, b, e - b);
  std::size_t k = 0;
  for (std::uint64_t i = 0; i < e - b; ++i) {
    if (i > 0 && cust[i] < cust[i - 1])
      sink.add(schema::kSurveyCustomerId, b + i, cust[i], "surveys must be sorted by customer_id");
    while (k < ids.size() && ids[k] < cust[i]) ++k;
    if (k == ids.size() || ids[k] != cust[i])
      sink.add(schema::kSurveyCustomerId, b + i, cust[i], "unknown customer_id");
    if (!day_ok(day[i])) sink.add(schema::kSurveyDay, b + i, day[i], kDayRange);
    if (score[i] > schema::kMaxNpsScore) sink.add(schema::kSurveyScore, b + i, score[i], "NPS score must be 0..10");
  }
}

}  // namespace

ValidationReport validate_content(InputFile& in, const Comm& comm, const Slice& slice, std::size_t max_shown,
                                  std::uint64_t chunk_rows, const OrderPassHooks* hooks, SliceCustomers* customers_out) {
  Sink sink(max_shown);
  SliceCustomers own;
  SliceCustomers& customers = customers_out ? *customers_out : own;
  const auto& ids = customers.id;
  bool offsets_ok = false;
  KeySums sums;
  check_customers(in, comm, slice, sink, customers, offsets_ok, sums);
  // Orders can only be walked once every rank's offsets are sane.
  const bool all_offsets_ok = !comm.allreduce_or(!offsets_ok);
  std::uint64_t item_begin = 0, item_end = 0;
  bool items_ok = false;
  if (all_offsets_ok)
    check_orders(in, slice, sink, customers, chunk_rows, hooks, item_begin, item_end, items_ok, sums);
  const bool all_items_ok = in.has(schema::kItemOffset) && all_offsets_ok && !comm.allreduce_or(!items_ok);
  if (all_items_ok) check_items(in, sink, item_begin, item_end, chunk_rows);
  check_products(in, comm, sink);
  check_surveys(in, comm, slice, sink, ids);

  ValidationReport report;
  report.total = comm.allreduce_sum(sink.total());
  report.rows_checked = comm.allreduce_sum(slice.customers() + slice.orders());
  std::uint64_t parts[4] = {sums.customer_id, sums.order_offset, sums.day, sums.amount};
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(parts));
  for (std::uint64_t k = 0; k < 4; ++k) report.checksum += mix64(parts[k] + k);
  if (report.total == 0) return report;
  std::string mine;
  for (const auto& p : sink.problems())
    mine += p.dataset + '\t' + std::to_string(p.row) + '\t' + p.value + '\t' + p.message + '\n';
  for (const auto& block : comm.allgather_strings(mine)) {
    std::istringstream is(block);
    std::string line;
    while (std::getline(is, line)) {
      Problem p;
      std::istringstream ls(line);
      std::string row;
      std::getline(ls, p.dataset, '\t');
      std::getline(ls, row, '\t');
      std::getline(ls, p.value, '\t');
      std::getline(ls, p.message);
      p.row = std::stoull(row);
      report.shown.push_back(std::move(p));
    }
  }
  std::stable_sort(report.shown.begin(), report.shown.end(), [](const Problem& a, const Problem& b) {
    return a.dataset != b.dataset ? a.dataset < b.dataset : a.row < b.row;
  });
  if (report.shown.size() > max_shown) report.shown.resize(max_shown);
  return report;
}

}  // namespace crmpi
