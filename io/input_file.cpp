#include "io/input_file.hpp"

#include <utility>

#include "io/collective_open.hpp"
#include "kernels/common/civil_date.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

namespace {

std::uint64_t table_length(const InputSizes& s, schema::Table t) {
  switch (t) {
    case schema::Table::kCustomers: return s.customers;
    case schema::Table::kCustomersPlusOne: return s.customers + 1;
    case schema::Table::kOrders: return s.orders;
    case schema::Table::kOrdersPlusOne: return s.orders + 1;
    case schema::Table::kItems: return s.items;
    case schema::Table::kProducts: return s.products;
    case schema::Table::kSurveys: return s.surveys;
  }
  return 0;
}

const char* table_name(schema::Table t) {
  switch (t) {
    case schema::Table::kCustomers: return "n_customers";
    case schema::Table::kCustomersPlusOne: return "n_customers + 1";
    case schema::Table::kOrders: return "n_orders";
    case schema::Table::kOrdersPlusOne: return "n_orders + 1";
    case schema::Table::kItems: return "n_items";
    case schema::Table::kProducts: return "n_products";
    case schema::Table::kSurveys: return "n_surveys";
  }
  return "?";
}

// The column whose length defines the table (InputFile::check_structure's sizes_).
std::string_view key_column_of(schema::Table t) {
  switch (t) {
    case schema::Table::kCustomers:
    case schema::Table::kCustomersPlusOne: return schema::kCustomerId;
    case schema::Table::kOrders:
    case schema::Table::kOrdersPlusOne: return schema::kOrderDay;
    case schema::Table::kItems: return schema::kItemProduct;
    case schema::Table::kProducts: return schema::kProductCategory;
    case schema::Table::kSurveys: return schema::kSurveyCustomerId;
  }
  return {};
}

}  // namespace

// Every rank reads its own slices: a POSIX open per rank, no MPI-IO (see h5::open_read_posix).
InputFile::InputFile(const Comm& comm, const std::string& path)
    : InputFile(comm, path, open_on_all_ranks(comm, path, "input")) {}

InputFile::InputFile(const Comm&, std::string name, OpenedFile opened)
    : path_(std::move(name)), file_bytes_(opened.bytes), file_(std::move(opened.file)) {
  check_structure();
}

bool InputFile::has(std::string_view column) const {
  auto it = present_.find(column);
  return it != present_.end() && it->second;
}

bool InputFile::has_part(schema::Part part) const {
  for (const auto& c : schema::kColumns)
    if (c.part == part && has(c.path)) return true;
  return false;
}

hid_t InputFile::dataset(std::string_view column) {
  auto it = open_.find(column);
  if (it == open_.end()) {
    if (!has(column)) throw DataError(path_ + ": dataset " + std::string(column) + " is missing");
    it = open_.emplace(std::string(column), h5::open_dataset(file_.id(), std::string(column))).first;
  }
  return it->second.id();
}

std::vector<std::string> InputFile::dictionary_of(std::string_view column) {
  for (const auto& c : schema::kColumns)
    if (c.path == column && !c.dictionary.empty() && h5::link_exists(file_.id(), std::string(c.dictionary)))
      return h5::read_strings(file_.id(), std::string(c.dictionary));
  return {};
}

std::vector<std::string> InputFile::read_dictionary(std::string_view path) {
  if (!h5::link_exists(file_.id(), std::string(path))) return {};
  return h5::read_strings(file_.id(), std::string(path));
}

void InputFile::check_structure() {
  const hid_t f = file_.id();
  std::vector<std::string> problems;
  auto problem = [&](std::string s) { problems.push_back(std::move(s)); };

  // Root attributes.
  try {
    const auto v = h5::read_attr_int(f, schema::kAttrSchemaVersion);
    if (v != schema::kVersion)
      problem("root attribute schema_version is " + std::to_string(v) + ", this crmpi reads version " +
              std::to_string(schema::kVersion));
  } catch (const Error& e) {
    problem(std::string("root: ") + e.what());
  }
  try {
    const auto d = h5::read_attr_int(f, schema::kAttrAsOfDay);
    if (d < schema::kMinDay || d > schema::kMaxDay)
      problem("root attribute as_of_day = " + std::to_string(d) + " is outside 1970-01-01..2169-12-31");
    else
      as_of_day_ = static_cast<std::int32_t>(d);
  } catch (const Error& e) {
    problem(std::string("root: ") + e.what());
  }
  try {
    currency_ = h5::read_attr_string(f, schema::kAttrCurrency);
  } catch (const Error& e) {
    problem(std::string("root: ") + e.what());
  }

  // Table sizes come from the key columns; every other column must agree with them.
  std::map<std::string_view, h5::DatasetShape> shapes;
  for (const auto& c : schema::kColumns) shapes[c.path] = h5::inspect(f, std::string(c.path));
  auto len_of = [&](std::string_view p) { return shapes[p].exists ? shapes[p].length : 0; };
  sizes_.customers = len_of(schema::kCustomerId);
  sizes_.orders = len_of(schema::kOrderDay);
  sizes_.items = len_of(schema::kItemProduct);
  sizes_.products = len_of(schema::kProductCategory);
  sizes_.surveys = len_of(schema::kSurveyCustomerId);

  std::map<schema::Part, bool> part_present;
  for (const auto& c : schema::kColumns)
    if (c.required_in_part && shapes[c.path].exists) part_present[c.part] = true;
  part_present[schema::Part::kCore] = true;

  for (const auto& c : schema::kColumns) {
    const auto& s = shapes[c.path];
    const std::string p(c.path);
    present_[p] = s.exists;
    if (!s.exists) {
      if (c.required_in_part && part_present[c.part])
        problem("dataset " + p + " is missing" +
                (c.part == schema::Part::kCore ? "" : " (the rest of its part is present)"));
      continue;
    }
    if (s.dims != 1) {
      problem("dataset " + p + " must be 1-D, has " + std::to_string(s.dims) + " dimensions");
      present_[p] = false;
      continue;
    }
    const bool want_signed = c.kind == schema::Kind::kSigned;
    if (s.type_class != H5T_INTEGER || s.type_size > c.max_bytes || (s.is_signed && !want_signed)) {
      problem("dataset " + p + " has type " + h5::describe_type(s) + ", expected " +
              (want_signed ? "int" : "uint") + std::to_string(c.max_bytes * 8) + " (or a narrower integer" +
              (c.path == schema::kOrderAmount ? "; money is integer minor units, never floating point)" : ")"));
      present_[p] = false;
      continue;
    }
    // A table's length comes from its key column: without it, the other columns' lengths cannot
    // be checked, and listing each of them as wrong would bury the one real problem.
    const std::string_view key = key_column_of(c.table);
    if (c.path != key && !(shapes[key].exists && shapes[key].dims == 1)) continue;
    const auto want = table_length(sizes_, c.table);
    if (s.length != want)
      problem("dataset " + p + " has " + std::to_string(s.length) + " rows, expected " + std::to_string(want) +
              " (" + table_name(c.table) + ")");
  }
  if (!problems.empty()) {
    std::string msg = path_ + ": " + std::to_string(problems.size()) + " structural problem(s):";
    for (const auto& p : problems) msg += "\n  " + p;
    throw DataError(msg);
  }
}

Slice InputFile::partition(int rank, int ranks) {
  const std::uint64_t n = sizes_.customers;
  // Weight of the first c customers: their orders plus c (so customers without orders count too).
  auto weight = [&](std::uint64_t c) {
    std::uint64_t off = 0;
    read<std::uint64_t>(schema::kOrderOffset, c, 1, &off);
    return off + c;
  };
  const std::uint64_t total = weight(n);
  auto boundary = [&](int r) -> std::uint64_t {
    if (r <= 0) return 0;
    if (r >= ranks) return n;
    const auto rr = static_cast<std::uint64_t>(r), pp = static_cast<std::uint64_t>(ranks);
    const std::uint64_t target = total / pp * rr + total % pp * rr / pp;  // floor(total*r/P), no overflow
    std::uint64_t lo = 0, hi = n;  // first c in [0, n] with weight(c) >= target
    while (lo < hi) {
      const std::uint64_t mid = lo + (hi - lo) / 2;
      if (weight(mid) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  Slice s;
  s.customer_begin = boundary(rank);
  s.customer_end = boundary(rank + 1);
  read<std::uint64_t>(schema::kOrderOffset, s.customer_begin, 1, &s.order_begin);
  read<std::uint64_t>(schema::kOrderOffset, s.customer_end, 1, &s.order_end);
  return s;
}

}  // namespace crmpi
