#include "io/results_schema.hpp"

#include "kernels/common/errors.hpp"

namespace crmpi::results_schema {

namespace {
[[noreturn]] void bug(const std::string& what) {
  throw Error(ExitCode::kSoftware, what + " (a bug)");
}
}  // namespace

Object::Object(const Entry& e) : entry(&e), path(e.path) {
  if (e.each != Each::kOnce) bug("results layout: " + std::string(e.path) + " needs a model name");
}

std::string Object::name() const {
  if (entry->attr.empty()) return path;
  return path + "@" + std::string(entry->attr);
}

std::span<const std::string_view> models_for(Each each) {
  switch (each) {
    case Each::kOnce: return {};
    case Each::kPurchaseModel: return kPurchaseModels;
    case Each::kFittedModel: return kFittedModels;
  }
  return {};
}

Object at(const Entry& e, std::string_view model) {
  bool known = false;
  for (const auto m : models_for(e.each)) known |= m == model;
  if (!known)
    bug("results layout: " + std::string(e.path) + " has no object for model '" + std::string(model) + "'");
  return Object(e, fill(e.path, model));
}

std::string fill(std::string_view pattern, std::string_view model) {
  std::string s(pattern);
  for (const std::string_view ph : {kModelPlaceholder, kFittedPlaceholder})
    if (const auto pos = s.find(ph); pos != std::string::npos) s.replace(pos, ph.size(), model);
  return s;
}

std::string_view type_name(Type t) {
  switch (t) {
    case Type::kNone: return "";
    case Type::kUint8: return "uint8";
    case Type::kUint32: return "uint32";
    case Type::kUint64: return "uint64";
    case Type::kInt32: return "int32";
    case Type::kInt64: return "int64";
    case Type::kFloat64: return "float64";
    case Type::kString: return "string";
  }
  return "?";
}

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::kGroup: return "group";
    case Kind::kColumn: return "column";
    case Kind::kTable: return "table";
    case Kind::kStrings: return "strings";
    case Kind::kAttr: return "attribute";
    case Kind::kAttrArray: return "attribute array";
    case Kind::kRows: return "rows";
  }
  return "?";
}

std::string_view part_name(Part p) {
  switch (p) {
    case Part::kRoot: return "";
    case Part::kRfm: return "rfm";
    case Part::kClv: return "clv";
    case Part::kKmeans: return "kmeans";
    case Part::kRules: return "rules";
    case Part::kInsights: return "insights";
    case Part::kMigration: return "migration";
  }
  return "?";
}

void expect(const Object& o, Kind k, Type t) {
  const Entry& e = *o.entry;
  if (e.kind != k || e.type != t)
    bug("results layout: " + o.name() + " is a " + std::string(type_name(e.type)) + " " +
        std::string(kind_name(e.kind)) + ", used as a " + std::string(type_name(t)) + " " +
        std::string(kind_name(k)));
}

}  // namespace crmpi::results_schema
