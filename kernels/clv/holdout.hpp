// Holdout validation: compare predicted with actual holdout purchases (or spend), per customer.
#pragma once

#include <span>

namespace crmpi::clv {

// mean |predicted - actual|. Throws crmpi::DataError on length mismatch or empty input.
double mean_absolute_error(std::span<const double> predicted, std::span<const double> actual);

// Pearson correlation (two-pass, no raw-moment cancellation); NaN if either side is constant.
double pearson_correlation(std::span<const double> predicted, std::span<const double> actual);

}  // namespace crmpi::clv
