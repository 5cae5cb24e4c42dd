#include "io/results_reader.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "io/collective_open.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {

namespace rs = results_schema;

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  std::size_t b = 0;
  while (true) {
    const std::size_t e = s.find(sep, b);
    out.push_back(s.substr(b, e == std::string::npos ? std::string::npos : e - b));
    if (e == std::string::npos) return out;
    b = e + 1;
  }
}

bool contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Whether a stored element type is the layout's type (fixed- or variable-length strings both are
// strings; numbers must match in class, size and sign).
bool matches(const h5::DatasetShape& s, rs::Type t) {
  switch (t) {
    case rs::Type::kNone: return false;
    case rs::Type::kString: return s.type_class == H5T_STRING;
    case rs::Type::kFloat64: return s.type_class == H5T_FLOAT && s.type_size == 8;
    case rs::Type::kUint8: return s.type_class == H5T_INTEGER && s.type_size == 1 && !s.is_signed;
    case rs::Type::kUint32: return s.type_class == H5T_INTEGER && s.type_size == 4 && !s.is_signed;
    case rs::Type::kUint64: return s.type_class == H5T_INTEGER && s.type_size == 8 && !s.is_signed;
    case rs::Type::kInt32: return s.type_class == H5T_INTEGER && s.type_size == 4 && s.is_signed;
    case rs::Type::kInt64: return s.type_class == H5T_INTEGER && s.type_size == 8 && s.is_signed;
  }
  return false;
}

std::string attr_key(const std::string& holder, std::string_view attr) {
  return holder + "@" + std::string(attr);
}
std::string key_of(const rs::Object& o) {
  return o.entry->attr.empty() ? o.path : attr_key(o.path, o.entry->attr);
}

std::string customer_id_path(rs::Part part) {
  // /kmeans columns are aligned with /rfm/customer_id (io/results_schema.hpp).
  if (part == rs::Part::kRfm || part == rs::Part::kKmeans) return std::string(rs::rfm::kCustomerId.path);
  if (part == rs::Part::kClv) return std::string(rs::clv::kCustomerId.path);
  if (part == rs::Part::kRules) return std::string(rs::rules::kCustomerId.path);
  throw Error(ExitCode::kSoftware, "results layout: the root has no customers (a bug)");
}

}  // namespace

RowRange even_share(std::uint64_t n, int rank, int ranks) {
  const auto p = static_cast<std::uint64_t>(ranks);
  // floor(n*r/P) without overflow.
  auto bound = [&](std::uint64_t r) { return n / p * r + n % p * r / p; };
  return {bound(static_cast<std::uint64_t>(rank)), bound(static_cast<std::uint64_t>(rank) + 1)};
}

ResultsReader::ResultsReader(const Comm& comm, const std::string& path)
    : path_(path), rank_(comm.rank()), ranks_(comm.size()) {
  file_ = open_on_all_ranks(comm, path, "results").file;
}

std::string ResultsReader::where(const rs::Object& o) const {
  return path_ + ": " + o.name();
}

bool ResultsReader::has_stage(rs::Part part) const {
  if (part == rs::Part::kRoot) return true;
  const rs::Entry& g = part == rs::Part::kRfm      ? rs::rfm::kGroup
                       : part == rs::Part::kClv    ? rs::clv::kGroup
                       : part == rs::Part::kKmeans ? rs::kmeans::kGroup
                       : part == rs::Part::kRules  ? rs::rules::kGroup
                       : part == rs::Part::kInsights ? rs::insights::kGroup
                                                     : rs::migration::kGroup;
  return h5::is_group(file_.id(), std::string(g.path));
}

std::vector<std::string> ResultsReader::stages() const {
  if (has(rs::root::kStagesRun)) return split(read_attr_string(rs::root::kStagesRun), ',');
  std::vector<std::string> out;
  for (const rs::Part p : {rs::Part::kRfm, rs::Part::kClv, rs::Part::kKmeans, rs::Part::kRules, rs::Part::kInsights})
    if (has_stage(p)) out.emplace_back(rs::part_name(p));
  return out;
}

std::vector<std::string> ResultsReader::clv_models() const {
  if (!has_stage(rs::Part::kClv)) return {};
  return split(read_attr_string(rs::clv::kModels), ',');
}

std::vector<std::string> ResultsReader::clv_purchase_models() const {
  std::vector<std::string> out;
  for (const auto& m : clv_models())
    if (std::find(std::begin(rs::kPurchaseModels), std::end(rs::kPurchaseModels), m) !=
        std::end(rs::kPurchaseModels))
      out.push_back(m);
  return out;
}

bool ResultsReader::has_gamma_gamma() const {
  return contains(clv_models(), rs::kGammaGamma);
}

bool ResultsReader::has_holdout() const {
  return has_stage(rs::Part::kClv) && !read_attr_string(rs::clv::kHoldoutEnd).empty();
}

bool ResultsReader::applies(const rs::Entry& e) const {
  if (!has_stage(e.part)) return false;
  switch (e.when) {
    case rs::When::kAlways: return true;
    case rs::When::kPipeline: return has(rs::root::kCommand) && read_attr_string(rs::root::kCommand) == "run";
    case rs::When::kGammaGamma: return has_gamma_gamma();
    case rs::When::kHoldout: return has_holdout();
  }
  return false;
}

bool ResultsReader::has(const rs::Object& o) const {
  const hid_t f = file_.id();
  if (o.entry->attr.empty()) return h5::link_exists(f, o.path);
  if (!h5::is_group(f, o.path)) return false;
  const h5::Handle holder = h5::open_object(f, o.path);
  return h5::has_attr(holder.id(), std::string(o.entry->attr));
}

std::uint64_t ResultsReader::customers(rs::Part part) const {
  const std::string id = customer_id_path(part);
  const h5::DatasetShape s = h5::inspect(file_.id(), id);
  if (!s.exists) throw DataError(path_ + ": " + id + " is missing");
  return s.length;
}

RowRange ResultsReader::my_share(rs::Part part) const {
  return even_share(customers(part), rank_, ranks_);
}

std::uint64_t ResultsReader::dataset_length(const rs::Object& o) const {
  const rs::Entry& e = *o.entry;
  const h5::DatasetShape s = h5::inspect(file_.id(), o.path);
  if (!s.exists) throw DataError(where(o) + " is missing");
  if (s.dims != 1) throw DataError(where(o) + " must be 1-D, has " + std::to_string(s.dims) + " dimensions");
  if (!matches(s, e.type))
    throw DataError(where(o) + " is " + h5::describe_type(s) + ", the results layout says " +
                    std::string(rs::type_name(e.type)));
  if (e.kind == rs::Kind::kColumn) {
    const std::uint64_t n = customers(e.part);
    if (s.length != n)
      throw DataError(where(o) + " has " + std::to_string(s.length) + " rows, " + customer_id_path(e.part) +
                      " has " + std::to_string(n));
  }
  return s.length;
}

void ResultsReader::read_rows(const rs::Object& o, std::uint64_t offset, std::uint64_t count, hid_t mem_type,
                              void* out) const {
  const std::uint64_t n = dataset_length(o);
  if (offset > n || count > n - offset)
    throw DataError(where(o) + " has " + std::to_string(n) + " rows, asked for rows " +
                    std::to_string(offset) + ".." + std::to_string(offset + count));
  const h5::Handle d = h5::open_dataset(file_.id(), o.path);
  h5::read_raw(d.id(), mem_type, offset, count, out, where(o));
}

std::vector<std::string> ResultsReader::read_strings(const rs::Object& o) const {
  rs::expect(o, rs::Kind::kStrings, rs::Type::kString);
  dataset_length(o);
  return h5::read_strings(file_.id(), o.path);
}

h5::Handle ResultsReader::attr_holder(const rs::Object& o) const {
  const rs::Entry& e = *o.entry;
  if (!h5::is_group(file_.id(), o.path)) throw DataError(where(o) + " is missing (no group " + o.path + ")");
  h5::Handle holder = h5::open_object(file_.id(), o.path);
  const h5::DatasetShape s = h5::inspect_attr(holder.id(), std::string(e.attr));
  if (!s.exists) throw DataError(where(o) + " is missing");
  const bool array = e.kind == rs::Kind::kAttrArray;
  if (!matches(s, e.type) || (array ? s.dims != 1 : s.dims != 0))
    throw DataError(where(o) + " is " + (s.dims == 0 ? "a scalar " : "an array of ") + h5::describe_type(s) +
                    ", the results layout says " + (array ? "an array of " : "a scalar ") +
                    std::string(rs::type_name(e.type)));
  return holder;
}

std::int64_t ResultsReader::read_attr_int(const rs::Object& o) const {
  rs::expect(o, rs::Kind::kAttr, rs::Type::kInt64);
  return h5::read_attr_int(attr_holder(o).id(), std::string(o.entry->attr));
}

double ResultsReader::read_attr_double(const rs::Object& o) const {
  rs::expect(o, rs::Kind::kAttr, rs::Type::kFloat64);
  return h5::read_attr_double(attr_holder(o).id(), std::string(o.entry->attr));
}

std::string ResultsReader::read_attr_string(const rs::Object& o) const {
  rs::expect(o, rs::Kind::kAttr, rs::Type::kString);
  return h5::read_attr_string(attr_holder(o).id(), std::string(o.entry->attr));
}

std::vector<std::int64_t> ResultsReader::read_attr_ints(const rs::Object& o) const {
  rs::expect(o, rs::Kind::kAttrArray, rs::Type::kInt64);
  return h5::read_attr_ints(attr_holder(o).id(), std::string(o.entry->attr));
}

std::vector<double> ResultsReader::read_attr_doubles(const rs::Object& o) const {
  rs::expect(o, rs::Kind::kAttrArray, rs::Type::kFloat64);
  return h5::read_attr_doubles(attr_holder(o).id(), std::string(o.entry->attr));
}

std::vector<std::string> ResultsReader::check_layout() const {
  std::vector<std::string> problems;
  auto problem = [&](const std::string& s) { problems.push_back(path_ + ": " + s); };

  // What decides which entries apply; a fact that cannot be read is a problem, and the entries
  // it governs are taken as absent.
  auto fact = [&](auto&& read, auto fallback) {
    try {
      return read();
    } catch (const Error& e) {
      problems.emplace_back(e.what());
      return fallback;
    }
  };
  const std::vector<std::string> models = fact([&] { return clv_models(); }, std::vector<std::string>{});
  for (const auto& m : models)
    if (std::find(std::begin(rs::kFittedModels), std::end(rs::kFittedModels), m) ==
        std::end(rs::kFittedModels))
      problem(rs::Object(rs::clv::kModels).name() + " names an unknown model '" + m + "'");
  std::map<rs::Each, std::vector<std::string>> models_of = {
      {rs::Each::kOnce, {""}}, {rs::Each::kFittedModel, {}}, {rs::Each::kPurchaseModel, {}}};
  for (const auto& m : rs::kFittedModels)
    if (contains(models, m)) {
      models_of[rs::Each::kFittedModel].emplace_back(m);
      if (m != rs::kGammaGamma) models_of[rs::Each::kPurchaseModel].emplace_back(m);
    }

  // Every object the layout describes (any model) and those it expects in this file.
  struct Instance {
    rs::Object object;
    std::string model;
  };
  std::map<std::string, Instance> described, expected;
  for (const rs::Entry* e : rs::kEntries) {
    auto instance = [&](std::string_view m) {
      rs::Object o = e->each == rs::Each::kOnce ? rs::Object(*e) : rs::at(*e, m);
      return Instance{o, std::string(m)};
    };
    const auto all =
        e->each == rs::Each::kOnce ? std::span<const std::string_view>() : rs::models_for(e->each);
    if (all.empty()) described.emplace(key_of(instance("").object), instance(""));
    for (const auto m : all) described.emplace(key_of(instance(m).object), instance(m));
    if (!fact([&] { return applies(*e); }, false)) continue;
    for (const auto& m : models_of[e->each]) expected.emplace(key_of(instance(m).object), instance(m));
  }

  std::set<std::string> seen;
  // Looks `key` up; a problem if the layout does not describe it or does not expect it here.
  auto lookup = [&](const std::string& key) -> const Instance* {
    seen.insert(key);
    if (auto it = expected.find(key); it != expected.end()) return &it->second;
    if (described.count(key))
      problem(key + " is in the results layout, but not expected in this file (stages, models, options)");
    else
      problem(key + " is not in the results layout (io/results_schema.hpp)");
    return nullptr;
  };
  auto check_attrs = [&](const std::string& holder_path, hid_t holder) {
    for (const auto& name : h5::attr_names(holder)) {
      const std::string key = attr_key(holder_path, name);
      const Instance* in = lookup(key);
      if (!in) continue;
      const rs::Entry& e = *in->object.entry;
      const h5::DatasetShape s = h5::inspect_attr(holder, name);
      const bool array = e.kind == rs::Kind::kAttrArray;
      if (!matches(s, e.type) || (array ? s.dims != 1 : s.dims != 0))
        problem(key + " is " + (s.dims == 0 ? "a scalar " : "an array of ") + h5::describe_type(s) +
                ", expected " + (array ? "an array of " : "a scalar ") + std::string(rs::type_name(e.type)));
    }
  };

  const hid_t f = file_.id();
  {
    const h5::Handle root = h5::open_object(f, "/");
    check_attrs("/", root.id());
  }
  for (const auto& obj : h5::list_objects(f)) {
    const Instance* in = lookup(obj.path);
    if (obj.group) {
      if (in && in->object.entry->kind != rs::Kind::kGroup)
        problem(obj.path + " is a group, the layout says " +
                std::string(rs::kind_name(in->object.entry->kind)));
      const h5::Handle g = h5::open_object(f, obj.path);
      check_attrs(obj.path, g.id());
      continue;
    }
    if (!in) continue;
    const rs::Entry& e = *in->object.entry;
    if (e.kind == rs::Kind::kGroup) {
      problem(obj.path + " is a dataset, the layout says group");
      continue;
    }
    const h5::DatasetShape s = h5::inspect(f, obj.path);
    if (s.dims != 1 || !matches(s, e.type)) {
      problem(obj.path + " is " + std::to_string(s.dims) + "-D " + h5::describe_type(s) + ", expected 1-D " +
              std::string(rs::type_name(e.type)));
      continue;
    }
    // A kRows dataset's length is the sum of its count column, not that column's length (reading
    // a per-customer column whole here would hold every customer on one rank; the e2e tests sum it).
    if (e.rows.empty() || e.kind == rs::Kind::kRows) continue;
    const std::string rows = rs::fill(e.rows, in->model);
    const h5::DatasetShape r = h5::inspect(f, rows);
    if (r.exists && r.length != s.length)
      problem(obj.path + " has " + std::to_string(s.length) + " rows, " + rows + " has " +
              std::to_string(r.length));
  }
  for (const auto& [key, in] : expected)
    if (!seen.count(key)) problem(key + " is missing");
  return problems;
}

}  // namespace crmpi
