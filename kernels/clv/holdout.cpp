#include "kernels/clv/holdout.hpp"

#include <cmath>
#include <limits>

#include "kernels/common/errors.hpp"

namespace crmpi::clv {
namespace {
void check(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size() || a.empty()) throw DataError("holdout metrics: inputs empty or of different length");
}
}  // namespace

double mean_absolute_error(std::span<const double> predicted, std::span<const double> actual) {
  check(predicted, actual);
  double s = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) s += std::fabs(predicted[i] - actual[i]);
  return s / static_cast<double>(predicted.size());
}

double pearson_correlation(std::span<const double> predicted, std::span<const double> actual) {
  check(predicted, actual);
  const double n = static_cast<double>(predicted.size());
  double mp = 0, ma = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) {
    mp += predicted[i];
    ma += actual[i];
  }
  mp /= n;
  ma /= n;
  double spp = 0, saa = 0, spa = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) {
    const double dp = predicted[i] - mp, da = actual[i] - ma;
    spp += dp * dp;
    saa += da * da;
    spa += dp * da;
  }
  if (spp <= 0 || saa <= 0) return std::numeric_limits<double>::quiet_NaN();
  return spa / std::sqrt(spp * saa);
}

}  // namespace crmpi::clv
