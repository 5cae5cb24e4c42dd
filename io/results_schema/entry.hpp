// The results layout's building blocks: Part, Kind, Type, When, Entry and the constexpr builders
// that make entries (io/results_schema.hpp includes this and every part's entries).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace crmpi::results_schema {

// How an object is stored.
enum class Kind : std::uint8_t {
  kGroup,
  kColumn,     // one row per customer, in the row order of its stage's customer_id; each rank writes its part
  kTable,      // small 1-D table, the same on every rank, written by rank 0
  kStrings,    // 1-D fixed-length UTF-8 strings (names: code c names entry c)
  kAttr,       // scalar attribute of the group `path`
  kAttrArray,  // 1-D attribute of the group `path`
  kRows,       // a per-customer list flattened: each rank writes its customers' rows in rank order
               // (customer order); `rows` names the per-customer column that counts them
};

// Element type as stored (little-endian; integers as named, strings fixed-length UTF-8).
enum class Type : std::uint8_t { kNone, kUint8, kUint32, kUint64, kInt32, kInt64, kFloat64, kString };

// The stage that writes an object (its first path component); kRoot: every job.
// kMigration: DIR/migration.h5 of `crmpi migrate` (a file of its own, with the root attributes).
enum class Part : std::uint8_t { kRoot, kRfm, kClv, kKmeans, kRules, kInsights, kMigration };

// When an object is present, given that its stage ran.
enum class When : std::uint8_t {
  kAlways,
  kPipeline,    // `crmpi run` only
  kGammaGamma,  // gamma_gamma among the CLV models (--models ...,gg)
  kHoldout,     // CLV with --holdout-end
};

// Which models a placeholder stands for (kOnce: the path has none).
enum class Each : std::uint8_t { kOnce, kPurchaseModel, kFittedModel };

struct Entry {
  std::string_view path;  // the group, the dataset, or the group that holds the attribute
  std::string_view attr;  // attribute name ("" unless kAttr / kAttrArray)
  Kind kind;
  Type type;
  When when;
  std::string_view rows;  // datasets: the dataset whose length this one shares ("": its own)
  std::string_view meaning;
  Part part;  // derived from path
  Each each;  // derived from path
};

// Model names in paths, group names and CSV files (jobs/clv's model_name() returns these).
inline constexpr std::string_view kBgNbd = "bgnbd";
inline constexpr std::string_view kMbgNbd = "mbgnbd";
inline constexpr std::string_view kParetoNbd = "pareto_nbd";
inline constexpr std::string_view kGammaGamma = "gamma_gamma";
inline constexpr std::string_view kPurchaseModels[] = {kBgNbd, kMbgNbd, kParetoNbd};
inline constexpr std::string_view kFittedModels[] = {kBgNbd, kMbgNbd, kParetoNbd, kGammaGamma};
inline constexpr std::string_view kModelPlaceholder = "{model}";
inline constexpr std::string_view kFittedPlaceholder = "{fitted}";

// ---- building entries (derived fields filled in) ----------------------------------------------
namespace detail {
constexpr bool contains(std::string_view s, std::string_view what) {
  return s.find(what) != std::string_view::npos;
}
constexpr Part part_of(std::string_view path) {
  if (path.starts_with("/rfm")) return Part::kRfm;
  if (path.starts_with("/clv")) return Part::kClv;
  if (path.starts_with("/kmeans")) return Part::kKmeans;
  if (path.starts_with("/rules")) return Part::kRules;
  if (path.starts_with("/insights")) return Part::kInsights;
  if (path.starts_with("/migration")) return Part::kMigration;
  return Part::kRoot;
}
constexpr Each each_of(std::string_view path) {
  if (contains(path, kModelPlaceholder)) return Each::kPurchaseModel;
  if (contains(path, kFittedPlaceholder)) return Each::kFittedModel;
  return Each::kOnce;
}
// /kmeans has no customer_id of its own: its columns are aligned with /rfm/customer_id (the rfm
// stage always runs before it).
constexpr std::string_view customer_id_of(std::string_view path) {
  return part_of(path) == Part::kClv     ? "/clv/customer_id"
         : part_of(path) == Part::kRules ? "/rules/customer_id"
                                         : "/rfm/customer_id";
}
constexpr Entry make(std::string_view path, std::string_view attr, Kind k, Type t, When w,
                     std::string_view rows, std::string_view meaning) {
  return Entry{path, attr, k, t, w, rows, meaning, part_of(path), each_of(path)};
}
}  // namespace detail

constexpr Entry group(std::string_view path, std::string_view meaning, When w = When::kAlways) {
  return detail::make(path, "", Kind::kGroup, Type::kNone, w, "", meaning);
}
constexpr Entry column(std::string_view path, Type t, std::string_view meaning, When w = When::kAlways) {
  return detail::make(path, "", Kind::kColumn, t, w, detail::customer_id_of(path), meaning);
}
// count_column: the kColumn giving each customer's number of rows (docs only; not a length).
constexpr Entry list_rows(std::string_view path, Type t, std::string_view count_column, std::string_view meaning,
                          When w = When::kAlways) {
  return detail::make(path, "", Kind::kRows, t, w, count_column, meaning);
}
constexpr Entry table(std::string_view path, Type t, std::string_view rows, std::string_view meaning,
                      When w = When::kAlways) {
  return detail::make(path, "", Kind::kTable, t, w, rows, meaning);
}
constexpr Entry strings(std::string_view path, std::string_view meaning, When w = When::kAlways) {
  return detail::make(path, "", Kind::kStrings, Type::kString, w, "", meaning);
}
constexpr Entry attr(std::string_view path, std::string_view name, Type t, std::string_view meaning,
                     When w = When::kAlways) {
  return detail::make(path, name, Kind::kAttr, t, w, "", meaning);
}
constexpr Entry attr_array(std::string_view path, std::string_view name, Type t, std::string_view meaning,
                           When w = When::kAlways) {
  return detail::make(path, name, Kind::kAttrArray, t, w, "", meaning);
}

using enum Type;

}  // namespace crmpi::results_schema
