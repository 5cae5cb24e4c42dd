// The results layout (io/results_schema.hpp) is consistent in itself: one entry per object, every
// object inside a described group, row references that name a described dataset, placeholders
// only where models vary, and the model names that fill them.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "io/results_schema.hpp"
#include "kernels/common/errors.hpp"

namespace crmpi {
namespace {

namespace layout = results_schema;

std::string key(const layout::Entry& e) {
  return e.attr.empty() ? std::string(e.path) : std::string(e.path) + "@" + std::string(e.attr);
}

std::string parent(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == 0 ? "/" : std::string(path.substr(0, slash));
}

TEST(ResultsSchema, OneEntryPerObject) {
  std::set<std::string> keys;
  for (const layout::Entry* e : layout::kEntries) EXPECT_TRUE(keys.insert(key(*e)).second) << key(*e);
}

// With placeholders filled in for every model they stand for.
std::vector<std::string> instances(const layout::Entry& e) {
  if (e.each == layout::Each::kOnce) return {std::string(e.path)};
  std::vector<std::string> out;
  for (const auto m : layout::models_for(e.each)) out.push_back(layout::at(e, m).path);
  return out;
}

TEST(ResultsSchema, EveryObjectLivesInADescribedGroup) {
  std::set<std::string> groups = {"/"};
  for (const layout::Entry* e : layout::kEntries)
    if (e->kind == layout::Kind::kGroup)
      for (const auto& p : instances(*e)) groups.insert(p);
  for (const layout::Entry* e : layout::kEntries)
    for (const auto& p : instances(*e)) {
      const std::string holder = e->attr.empty() ? parent(p) : p;
      EXPECT_TRUE(groups.count(holder)) << key(*e) << " lives in " << holder << ", not a group of the layout";
    }
}

TEST(ResultsSchema, KindsTypesAndRowsAgree) {
  std::map<std::string, const layout::Entry*> datasets;
  for (const layout::Entry* e : layout::kEntries)
    if (e->attr.empty() && e->kind != layout::Kind::kGroup) datasets[std::string(e->path)] = e;
  for (const layout::Entry* e : layout::kEntries) {
    SCOPED_TRACE(key(*e));
    EXPECT_FALSE(e->meaning.empty());
    EXPECT_EQ(e->attr.empty(), e->kind != layout::Kind::kAttr && e->kind != layout::Kind::kAttrArray);
    EXPECT_EQ(e->kind == layout::Kind::kGroup, e->type == layout::Type::kNone);
    if (e->attr.empty()) {
      EXPECT_EQ(e->kind == layout::Kind::kStrings, e->type == layout::Type::kString);
    }
    EXPECT_NE(e->part == layout::Part::kRoot,
              e->path.starts_with("/rfm") || e->path.starts_with("/clv") || e->path.starts_with("/kmeans") ||
                  e->path.starts_with("/rules") || e->path.starts_with("/insights") ||
                  e->path.starts_with("/migration"));
    if (e->kind == layout::Kind::kColumn) {
      // /kmeans has no customer_id of its own: its columns follow /rfm/customer_id.
      EXPECT_EQ(e->rows, e->part == layout::Part::kClv     ? "/clv/customer_id"
                         : e->part == layout::Part::kRules ? "/rules/customer_id"
                                                           : "/rfm/customer_id");
    }
    if (!e->rows.empty()) {
      // The rows dataset is described, and varies with the same models (or none).
      ASSERT_TRUE(datasets.count(std::string(e->rows))) << e->rows;
      const layout::Entry& r = *datasets[std::string(e->rows)];
      EXPECT_TRUE(r.each == e->each || r.each == layout::Each::kOnce);
      // (A kRows entry names its per-customer count column, which has the customers' rows.)
      if (e->kind != layout::Kind::kRows) {
        EXPECT_TRUE(r.rows.empty() || r.rows == e->rows) << "rows of rows: " << r.rows;
      }
    }
  }
}

TEST(ResultsSchema, PlaceholdersAreFilledWithTheModelsTheyStandFor) {
  EXPECT_EQ(layout::at(layout::clv::kPAlive, "bgnbd").path, "/clv/bgnbd/p_alive");
  EXPECT_EQ(layout::at(layout::clv::kHoldoutPredicted, "pareto_nbd").path,
            "/clv/holdout/predicted_pareto_nbd");
  EXPECT_EQ(layout::at(layout::clv::kWeeklyExpectedCumulative, "mbgnbd").path,
            "/clv/holdout/weekly/expected_cumulative_mbgnbd");
  EXPECT_EQ(layout::at(layout::clv::kParameterName, "gamma_gamma").path, "/clv/gamma_gamma/parameters/name");
  EXPECT_EQ(layout::clv_model_group("pareto_nbd").path, "/clv/pareto_nbd");
  EXPECT_EQ(layout::at(layout::clv::kModelAic, "bgnbd").name(), "/clv/bgnbd@aic");
  EXPECT_EQ(layout::Object(layout::root::kStagesRun).name(), "/@stages_run");
  // The spend model's fixed paths sit in its model group.
  const std::string gg = layout::clv_model_group(layout::kGammaGamma).path;
  EXPECT_EQ(layout::clv::kExpectedSpend.path, gg + "/expected_spend");
  EXPECT_EQ(layout::clv::kFrequencySpendCorrelation.path, gg);

  // Gamma-Gamma has no scores; an entry with a placeholder needs a model; one without takes none.
  auto is_bug = [](auto f) {
    try {
      f();
    } catch (const Error& e) {
      return e.code() == ExitCode::kSoftware;
    }
    return false;
  };
  EXPECT_TRUE(is_bug([] { layout::at(layout::clv::kPAlive, "gamma_gamma"); }));
  EXPECT_TRUE(
      is_bug([] { layout::at(layout::clv::kPAlive, "pareto"); }));  // a command-line alias, not a name
  EXPECT_TRUE(is_bug([] { layout::Object o(layout::clv::kPAlive); }));
  EXPECT_TRUE(is_bug([] { layout::at(layout::rfm::kSegment, "bgnbd"); }));

  for (const layout::Entry* e : layout::kEntries) {
    const bool has_placeholder = e->path.find('{') != std::string_view::npos;
    EXPECT_EQ(has_placeholder, e->each != layout::Each::kOnce) << key(*e);
    EXPECT_EQ(e->attr.find('{'), std::string_view::npos) << key(*e);
  }
}

TEST(ResultsSchema, WritingAsAnotherKindOrTypeIsABug) {
  EXPECT_NO_THROW(
      layout::expect(layout::rfm::kFrequency, layout::Kind::kColumn, layout::type_of<std::uint32_t>()));
  EXPECT_THROW(
      layout::expect(layout::rfm::kFrequency, layout::Kind::kColumn, layout::type_of<std::uint64_t>()),
      Error);
  EXPECT_THROW(
      layout::expect(layout::rfm::kFrequency, layout::Kind::kTable, layout::type_of<std::uint32_t>()), Error);
  EXPECT_THROW(layout::expect(layout::rfm::kAsOfDay, layout::Kind::kAttrArray, layout::Type::kInt64), Error);
}

}  // namespace
}  // namespace crmpi
