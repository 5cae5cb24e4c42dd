// The results.h5 layout, defined once (docs/results.md describes it for people; its tables are
// printed from kEntries by tests/e2e/results/results_layout).
//
// Every group, dataset and attribute any job writes is one Entry below. Writers (ResultsFile) and
// the reader (ResultsReader) take entries, not strings, and check the element type against it.
// Paths that depend on a CLV model hold a placeholder that at() fills in:
//   {model}   a purchase model: bgnbd, mbgnbd, pareto_nbd
//   {fitted}  any fitted model: a purchase model or gamma_gamma
// There is no layout version attribute: adding one would change every output file. A reader
// tells the layout from the objects present (stages, models, holdout).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "io/results_schema/entry.hpp"
#include "io/results_schema/root_rfm.hpp"
#include "io/results_schema/clv.hpp"
#include "io/results_schema/kmeans.hpp"
#include "io/results_schema/rules.hpp"
#include "io/results_schema/insights.hpp"
#include "io/results_schema/migration.hpp"

namespace crmpi::results_schema {

// Every entry, in the order of the documentation.
inline constexpr const Entry* kEntries[] = {
    &root::kCrmpiVersion,
    &root::kCommand,
    &root::kConfig,
    &root::kInputPath,
    &root::kInputBytes,
    &root::kInputChecksum,
    &root::kRanks,
    &root::kStartTime,
    &root::kEndTime,
    &root::kStagesRun,
    &root::kStagesSkipped,
    // /rfm
    &rfm::kGroup,
    &rfm::kAsOfDay,
    &rfm::kAsOf,
    &rfm::kBuyers,
    &rfm::kCurrency,
    &rfm::kScoreMethod,
    &rfm::kCutPointsNegRecency,
    &rfm::kCutPointsFrequency,
    &rfm::kCutPointsMonetary,
    &rfm::kCustomerId,
    &rfm::kRecencyDays,
    &rfm::kFrequency,
    &rfm::kMonetaryCents,
    &rfm::kAvgOrderCents,
    &rfm::kTenureDays,
    &rfm::kFirstOrderDay,
    &rfm::kLastOrderDay,
    &rfm::kRScore,
    &rfm::kFScore,
    &rfm::kMScore,
    &rfm::kSegment,
    &rfm::kSegmentNames,
    &rfm::kSummary,
    &rfm::kSummaryCustomers,
    &rfm::kSummaryRevenueCents,
    &rfm::kSummaryCustomerShare,
    &rfm::kSummaryRevenueShare,
    &rfm::kSummaryMeanRecency,
    &rfm::kSummaryMeanFrequency,
    &rfm::kSummaryMeanMonetary,
    &rfm::kCells,
    &rfm::kCellsCustomers,
    // /clv
    &clv::kGroup,
    &clv::kCalibrationEndDay,
    &clv::kCalibrationEnd,
    &clv::kHoldoutEnd,
    &clv::kTimeUnit,
    &clv::kModels,
    &clv::kPrimaryModel,
    &clv::kHorizonMonths,
    &clv::kHorizonUnits,
    &clv::kMonthlyDiscountRate,
    &clv::kLifecycleThresholds,
    &clv::kLifecycleThresholdsNames,
    &clv::kCustomers,
    &clv::kCalibrationCustomers,
    &clv::kDistinctSummaries,
    &clv::kSpendCustomers,
    &clv::kCurrency,
    &clv::kWarnings,
    &clv::kAggregation,
    &clv::kCustomerId,
    &clv::kInCalibration,
    &clv::kX,
    &clv::kTX,
    &clv::kT,
    &clv::kMeanSpend,
    &clv::kLifecycleStage,
    &clv::kLifecycleStageNames,
    &clv::kModelGroup,
    &clv::kModelLogLikelihood,
    &clv::kModelAic,
    &clv::kModelBic,
    &clv::kModelCustomers,
    &clv::kModelIterations,
    &clv::kModelConverged,
    &clv::kModelMessage,
    &clv::kModelWarnings,
    &clv::kParameters,
    &clv::kParameterName,
    &clv::kParameterEstimate,
    &clv::kParameterStdError,
    &clv::kPAlive,
    &clv::kChurnRisk,
    &clv::kExpectedPurchases,
    &clv::kClv,
    &clv::kExpectedSpend,
    &clv::kFrequencySpendCorrelation,
    &clv::kFit,
    &clv::kFitModel,
    &clv::kFitLogLikelihood,
    &clv::kFitAic,
    &clv::kFitBic,
    &clv::kFitCustomers,
    &clv::kFitConverged,
    &clv::kLifecycle,
    &clv::kLifecycleStageName,
    &clv::kLifecycleCustomers,
    &clv::kLifecycleCustomerShare,
    &clv::kLifecycleExpectedPurchases,
    &clv::kLifecycleClvSum,
    &clv::kLifecycleClvMean,
    &clv::kHoldout,
    &clv::kHoldoutActualTotal,
    &clv::kHoldoutStart,
    &clv::kHoldoutEndDate,
    &clv::kHoldoutActualPurchases,
    &clv::kHoldoutActualSpend,
    &clv::kHoldoutPredicted,
    &clv::kHoldoutMetrics,
    &clv::kHoldoutMetricsModel,
    &clv::kHoldoutMae,
    &clv::kHoldoutCorrelation,
    &clv::kHoldoutPredictedTotal,
    &clv::kWeekly,
    &clv::kWeekEndDay,
    &clv::kWeeklyActualCumulative,
    &clv::kWeeklyExpectedCumulative,
    // /kmeans
    &kmeans::kGroup,
    &kmeans::kK,
    &kmeans::kSeed,
    &kmeans::kFeatures,
    &kmeans::kFeatureMean,
    &kmeans::kFeatureStd,
    &kmeans::kClustered,
    &kmeans::kInit,
    &kmeans::kStep,
    &kmeans::kNInit,
    &kmeans::kBestInit,
    &kmeans::kIterations,
    &kmeans::kConverged,
    &kmeans::kInertia,
    &kmeans::kTol,
    &kmeans::kBytesPerIteration,
    &kmeans::kSelectionRule,
    &kmeans::kSegment,
    &kmeans::kDistance,
    &kmeans::kSegmentNames,
    &kmeans::kCentroids,
    &kmeans::kCentroidsOriginal,
    &kmeans::kInitCentroids,
    &kmeans::kProfile,
    &kmeans::kProfileCustomers,
    &kmeans::kProfileCustomerShare,
    &kmeans::kProfileRevenueCents,
    &kmeans::kProfileRevenueShare,
    &kmeans::kProfileMeanRecency,
    &kmeans::kProfileMeanFrequency,
    &kmeans::kProfileMeanMonetary,
    &kmeans::kProfileMeanPAlive,
    &kmeans::kProfileMeanClv,
    &kmeans::kProfileSurveyed,
    &kmeans::kProfileNps,
    &kmeans::kProfileAcquisitionNames,
    &kmeans::kProfileAcquisitionMix,
    &kmeans::kProfileRegionNames,
    &kmeans::kProfileRegionMix,
    &kmeans::kProfileAgeBandNames,
    &kmeans::kProfileAgeBandMix,
    &kmeans::kSelection,
    &kmeans::kSelectionK,
    &kmeans::kSelectionInertia,
    &kmeans::kSelectionCh,
    &kmeans::kSelectionDb,
    &kmeans::kSelectionSilhouette,
    &kmeans::kSelectionIterations,
    &kmeans::kSelectionSampled,
    // /rules
    &rules::kGroup,
    &rules::kBaskets,
    &rules::kBasketKind,
    &rules::kLevel,
    &rules::kMinSupport,
    &rules::kMinCount,
    &rules::kMinConfidence,
    &rules::kMaxLength,
    &rules::kRulesDerived,
    &rules::kItemId,
    &rules::kItemCount,
    &rules::kItemName,
    &rules::kItemsets,
    &rules::kItemsetOffset,
    &rules::kItemsetItems,
    &rules::kItemsetCount,
    &rules::kItemsetSupport,
    &rules::kCustomerId,
    &rules::kRecommendCount,
    &rules::kRecommend,
    &rules::kRecommendItem,
    &rules::kRecommendScore,
    &rules::kRecommendRule,
    &rules::kRulesGroup,
    &rules::kAntecedentOffset,
    &rules::kAntecedent,
    &rules::kConsequentOffset,
    &rules::kConsequent,
    &rules::kRuleCount,
    &rules::kRuleSupport,
    &rules::kRuleConfidence,
    &rules::kRuleLift,
    &rules::kRuleLeverage,
    &rules::kRuleConviction,
    &rules::kSegments,
    &rules::kSegmentMinCount,
    &rules::kSegmentSegmentation,
    &rules::kSegmentCode,
    &rules::kSegmentName,
    &rules::kSegmentBaskets,
    &rules::kSegmentMinCountRow,
    &rules::kSegmentItemsets,
    &rules::kSegmentStatus,
    &rules::kSegmentRuleOffset,
    &rules::kSegmentRules,
    &rules::kSegAntecedentOffset,
    &rules::kSegAntecedent,
    &rules::kSegConsequentOffset,
    &rules::kSegConsequent,
    &rules::kSegRuleCount,
    &rules::kSegRuleSupport,
    &rules::kSegRuleConfidence,
    &rules::kSegRuleLift,
    &rules::kSegRuleLeverage,
    &rules::kSegRuleConviction,
    &rules::kSegRuleOverallCount,
    &rules::kSegRuleOverallSupport,
    &rules::kSegRuleOverallConfidence,
    &rules::kSegRuleOverallLift,
    &insights::kGroup,
    &insights::kAsOfDay,
    &insights::kChurnThreshold,
    &insights::kClvModel,
    &insights::kCohortMonths,
    &insights::kGroups,
    &insights::kGrouping,
    &insights::kCode,
    &insights::kName,
    &insights::kCustomers,
    &insights::kBuyers,
    &insights::kRevenue,
    &insights::kNpsResponses,
    &insights::kNpsPromoters,
    &insights::kNpsDetractors,
    &insights::kNps,
    &insights::kNpsLow,
    &insights::kNpsHigh,
    &insights::kNpsFew,
    &insights::kChurnScored,
    &insights::kChurnRiskMean,
    &insights::kAtRisk,
    &insights::kClvMean,
    &insights::kClvAtRisk,
    &insights::kE90,
    &insights::kR90,
    &insights::kRate90,
    &insights::kE365,
    &insights::kR365,
    &insights::kRate365,
    &insights::kCohorts,
    &insights::kCohortMonth,
    &insights::kCohortCustomers,
    &insights::kCohortRevenue,
    &insights::kAtRiskList,
    &insights::kAtRiskId,
    &insights::kAtRiskClv,
    &insights::kAtRiskChurn,
    &insights::kAtRiskRfm,
    &insights::kAtRiskKmeans,
    &migration::kGroup,
    &migration::kBeforeResults,
    &migration::kAfterResults,
    &migration::kBeforeAsOf,
    &migration::kAfterAsOf,
    &migration::kBeforeEndTime,
    &migration::kAfterEndTime,
    &migration::kRevenueDefinition,
    &migration::kCustomersBefore,
    &migration::kCustomersAfter,
    &migration::kCustomersBoth,
    &migration::kRfm,
    &migration::kRfmBeforeName,
    &migration::kRfmAfterName,
    &migration::kRfmCustomers,
    &migration::kRfmRevenue,
    &migration::kRfmRevenueBefore,
    &migration::kRfmRevenueAfter,
    &migration::kKmeans,
    &migration::kKmeansStatus,
    &migration::kKmeansMethod,
    &migration::kKmeansBeforeName,
    &migration::kKmeansAfterName,
    &migration::kKmeansMatch,
    &migration::kKmeansMatchDistance,
    &migration::kKmeansCustomers,
    &migration::kKmeansRevenue,
    &migration::kKmeansRevenueBefore,
    &migration::kKmeansRevenueAfter,
};

// ---- concrete objects ---------------------------------------------------------------------------

// An entry at its concrete path (placeholder filled in). Entries without a placeholder convert
// implicitly, so writers pass them as they are.
struct Object {
  const Entry* entry;
  std::string path;        // the dataset or group (for an attribute: its group)
  Object(const Entry& e);  // NOLINT(google-explicit-constructor): an entry is its own object
  Object(const Entry& e, std::string concrete) : entry(&e), path(std::move(concrete)) {}
  std::string name() const;  // path, or path@attr for an attribute (for messages)
};

// The entry with its placeholder replaced by `model` (a name valid for the placeholder).
// Throws Error(kSoftware) for a model the placeholder does not stand for: a bug.
Object at(const Entry& e, std::string_view model);
// `pattern` with its placeholder (if any) replaced by `model`.
std::string fill(std::string_view pattern, std::string_view model);
// /clv/<model>: the group of a fitted model.
inline Object clv_model_group(std::string_view model) {
  return at(clv::kModelGroup, model);
}

// The models a placeholder stands for.
std::span<const std::string_view> models_for(Each each);

// Labels for messages and the documentation: "uint8", "float64", "string"; "column", ...
std::string_view type_name(Type t);
std::string_view kind_name(Kind k);
std::string_view part_name(Part p);  // "" (root), "rfm", "clv": also the stage names

template <class T>
constexpr Type type_of() {
  if constexpr (std::is_same_v<T, std::uint8_t>)
    return Type::kUint8;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return Type::kUint32;
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return Type::kUint64;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return Type::kInt32;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return Type::kInt64;
  else if constexpr (std::is_same_v<T, double>)
    return Type::kFloat64;
  else
    static_assert(sizeof(T) == 0, "no results.h5 element type for T");
}

// Throws Error(kSoftware) unless `o` is of kind `k` (or, for kAttr/kAttrArray, that kind) with
// element type `t`: code writing or reading an object as something the layout says it is not.
void expect(const Object& o, Kind k, Type t);

}  // namespace crmpi::results_schema
