#include "jobs/common/surveys.hpp"

#include <limits>

#include "io/schema.hpp"

namespace crmpi {

namespace {

// First row of /surveys/customer_id (sorted) that is >= id: a binary search by single reads, so no
// rank reads more of the survey table than its own customers' rows.
std::uint64_t surveys_lower_bound(InputFile& file, std::uint64_t id) {
  std::uint64_t lo = 0, hi = file.sizes().surveys;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    std::uint64_t v = 0;
    file.read<std::uint64_t>(schema::kSurveyCustomerId, mid, 1, &v);
    if (v < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

}  // namespace

std::vector<int> latest_scores(InputFile& file, std::span<const std::uint64_t> ids, std::int32_t as_of) {
  std::vector<int> score(ids.size(), -1);
  if (ids.empty() || !file.has_part(schema::Part::kSurveys)) return score;
  const std::uint64_t lo = surveys_lower_bound(file, ids.front()), hi = surveys_lower_bound(file, ids.back() + 1);
  const auto cid = file.read<std::uint64_t>(schema::kSurveyCustomerId, lo, hi - lo);
  const auto day = file.read<std::int32_t>(schema::kSurveyDay, lo, hi - lo);
  const auto val = file.read<std::uint8_t>(schema::kSurveyScore, lo, hi - lo);
  std::vector<std::int32_t> best_day(ids.size(), std::numeric_limits<std::int32_t>::min());
  std::size_t c = 0;
  for (std::size_t i = 0; i < cid.size(); ++i) {
    while (c < ids.size() && ids[c] < cid[i]) ++c;
    if (c == ids.size() || ids[c] != cid[i] || day[i] > as_of || day[i] < best_day[c]) continue;
    best_day[c] = day[i];
    score[c] = val[i];
  }
  return score;
}

}  // namespace crmpi
