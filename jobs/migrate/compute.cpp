// Segment migration: both runs' rows joined by customer id across the ranks, counted into the
// transition matrices; the k-means segments matched by centroid (docs/migration.md).
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "comm/shuffle.hpp"
#include "io/results_reader.hpp"
#include "jobs/migrate/migrate.hpp"
#include "kernels/migrate/matching.hpp"

namespace crmpi {

namespace {

namespace rs = results_schema;

// One customer of one run, as it travels to the rank owning its id. No padding (the sort orders
// records by their bytes after the key).
struct CustomerRow {
  std::uint64_t id;
  std::int64_t monetary_cents;
  std::uint32_t kmeans_segment;  // 0 without the k-means matrix
  std::uint8_t rfm_segment;
  std::uint8_t side;  // 0 before, 1 after
  std::uint16_t unused;
};
static_assert(sizeof(CustomerRow) == 24 && std::has_unique_object_representations_v<CustomerRow>);

// What both runs say about themselves, the same on every rank.
struct RunInfo {
  std::string path, as_of, end_time, currency;
  std::vector<std::string> rfm_names;
  bool has_kmeans = false;
  std::string kmeans_absent;  // why not, when !has_kmeans
  std::string features;
  std::vector<std::string> kmeans_names;
  migrate::Centroids centroids;
  std::uint64_t customers = 0;
};

std::string stage_skip_reason(const ResultsReader& r, const std::string& stage) {
  if (!r.has(rs::root::kStagesSkipped)) return "";
  const std::string all = r.read_attr_string(rs::root::kStagesSkipped);
  // '; '-separated, each reason starting with its stage's name.
  const auto at = all.find(stage + ": ");
  if (at == std::string::npos) return "";
  const auto end = all.find("; ", at);
  return all.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

RunInfo read_info(const ResultsReader& r, const char* which) {
  RunInfo info;
  info.path = r.path();
  if (!r.has_stage(rs::Part::kRfm))
    throw DataError(r.path() + ": no /rfm group: not the results of crmpi run, rfm or segment (the " +
                    std::string(which) + " run)");
  info.as_of = r.read_attr_string(rs::rfm::kAsOf);
  info.currency = r.read_attr_string(rs::rfm::kCurrency);
  info.end_time = r.has(rs::root::kEndTime) ? r.read_attr_string(rs::root::kEndTime) : "";
  info.rfm_names = r.read_strings(rs::rfm::kSegmentNames);
  info.customers = r.customers(rs::Part::kRfm);
  if (!r.has_stage(rs::Part::kKmeans)) {
    const std::string why = stage_skip_reason(r, "kmeans");
    info.kmeans_absent = "the " + std::string(which) + " run (" + r.path() + ") has no k-means segments (" +
                         (why.empty() ? "no /kmeans" : "skipped: " + why) + ")";
    return info;
  }
  info.has_kmeans = true;
  info.features = r.read_attr_string(rs::kmeans::kFeatures);
  info.kmeans_names = r.read_strings(rs::kmeans::kSegmentNames);
  auto& c = info.centroids;
  c.k = static_cast<std::size_t>(r.read_attr_int(rs::kmeans::kK));
  c.mean = r.read_attr_doubles(rs::kmeans::kFeatureMean);
  c.std = r.read_attr_doubles(rs::kmeans::kFeatureStd);
  c.d = c.mean.size();
  c.z = r.read_table<double>(rs::kmeans::kCentroids);
  if (c.std.size() != c.d || c.z.size() != c.k * c.d || info.kmeans_names.size() != c.k + 1)
    throw DataError(r.path() + ": /kmeans is inconsistent: k = " + std::to_string(c.k) + ", " +
                    std::to_string(c.d) + " features, " + std::to_string(c.z.size()) + " centroid values, " +
                    std::to_string(info.kmeans_names.size()) + " segment names");
  return info;
}

MigrationMatrix empty_matrix(const std::vector<std::string>& before, const std::vector<std::string>& after) {
  MigrationMatrix m;
  m.before_names = before;
  m.after_names = after;
  m.before_names.at(0) = kNewRowName;
  m.after_names.at(0) = kLostColumnName;
  const std::size_t n = m.rows() * m.cols();
  m.customers.assign(n, 0);
  m.revenue_cents.assign(n, 0);
  m.revenue_before_cents.assign(n, 0);
  m.revenue_after_cents.assign(n, 0);
  return m;
}

// Adds one customer: its before row (nullptr: absent) and after row (nullptr: absent).
void count(MigrationMatrix& m, const CustomerRow* b, const CustomerRow* a, bool kmeans) {
  auto code = [&](const CustomerRow* r) -> std::size_t {
    return r ? (kmeans ? r->kmeans_segment : r->rfm_segment) : 0;
  };
  const std::size_t row = code(b), col = code(a);
  const std::size_t at = row * m.cols() + col;
  const std::int64_t before_cents = b ? b->monetary_cents : 0, after_cents = a ? a->monetary_cents : 0;
  m.customers[at] += 1;
  m.revenue_before_cents[at] += before_cents;
  m.revenue_after_cents[at] += after_cents;
  m.revenue_cents[at] += col == 0 ? before_cents : after_cents;
}

void reduce(const Comm& comm, MigrationMatrix& m) {
  comm.allreduce_sum_inplace(std::span<std::uint64_t>(m.customers));
  comm.allreduce_sum_inplace(std::span<std::int64_t>(m.revenue_cents));
  comm.allreduce_sum_inplace(std::span<std::int64_t>(m.revenue_before_cents));
  comm.allreduce_sum_inplace(std::span<std::int64_t>(m.revenue_after_cents));
}

// This rank's even share of one run's customers as rows for the shuffle; false where a segment
// code is beyond its names (checked collectively by the caller).
bool read_rows(const ResultsReader& r, const RunInfo& info, bool with_kmeans, std::uint8_t side,
               std::vector<CustomerRow>& rows) {
  const auto ids = r.read_my_column<std::uint64_t>(rs::rfm::kCustomerId);
  const auto seg = r.read_my_column<std::uint8_t>(rs::rfm::kSegment);
  const auto cents = r.read_my_column<std::int64_t>(rs::rfm::kMonetaryCents);
  std::vector<std::uint32_t> km;
  if (with_kmeans) km = r.read_my_column<std::uint32_t>(rs::kmeans::kSegment);
  bool ok = true;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::uint32_t k = with_kmeans ? km[i] : 0;
    ok &= seg[i] < info.rfm_names.size() && (!with_kmeans || k < info.kmeans_names.size());
    rows.push_back(CustomerRow{ids[i], cents[i], k, seg[i], side, 0});
  }
  return ok;
}

const char* kMethod =
    "before centroids taken to the after run's standardized units (transformed feature = mean + z * std, "
    "then "
    "standardized with the after run's mean and std; features constant after are left out), Euclidean "
    "distances, then the one-to-one assignment of least total distance (Hungarian method); with different k "
    "the "
    "extra segments stay unmatched";

}  // namespace

MigrationResult compute_migration(const Comm& comm, const std::string& before_path,
                                  const std::string& after_path) {
  MigrationResult res;
  res.before_path = before_path;
  res.after_path = after_path;
  std::optional<ResultsReader> before, after;
  RunInfo b, a;
  try {  // every rank opens and reads the same metadata: errors here are the same on every rank
    before.emplace(comm, before_path);
    after.emplace(comm, after_path);
    b = read_info(*before, "before");
    a = read_info(*after, "after");
    if (a.as_of < b.as_of)
      throw DataError("the after run (" + after_path + ", as of " + a.as_of +
                      ") is earlier than the before run (" + before_path + ", as of " + b.as_of +
                      "): --before and --after swapped?");
    if (a.currency != b.currency)
      throw DataError("the runs are in different currencies: " + b.currency + " (" + before_path + ") and " +
                      a.currency + " (" + after_path + ")");
  } catch (const CollectiveError&) {
    throw;
  } catch (const Error& e) {
    throw CollectiveError(e);
  }
  res.before_as_of = b.as_of;
  res.after_as_of = a.as_of;
  res.before_end_time = b.end_time;
  res.after_end_time = a.end_time;
  res.currency = a.currency;
  res.customers_before = b.customers;
  res.customers_after = a.customers;

  // The k-means matrix needs segments in both runs over the same features.
  bool with_kmeans = false;
  if (!b.has_kmeans) {
    res.kmeans_status = b.kmeans_absent;
  } else if (!a.has_kmeans) {
    res.kmeans_status = a.kmeans_absent;
  } else if (a.features != b.features) {
    res.kmeans_status = "the runs clustered different features: before '" + b.features + "', after '" +
                        a.features + "' (run both with the same --features)";
  } else {
    with_kmeans = true;
    res.kmeans_status = kMatchedStatus;
  }

  std::vector<CustomerRow> rows;
  // Both shares at once: growing the vector for the second file would copy the first.
  rows.reserve(before->my_share(rs::Part::kRfm).count() + after->my_share(rs::Part::kRfm).count());
  res.slice_bytes = rows.capacity() * sizeof(CustomerRow);
  bool ok = read_rows(*before, b, with_kmeans, 0, rows);
  ok &= read_rows(*after, a, with_kmeans, 1, rows);
  if (comm.allreduce_or(!ok))
    throw CollectiveError(DataError("a segment code in /rfm/segment or /kmeans/segment of " + before_path +
                                    " or " + after_path +
                                    " is beyond its segment names: a damaged results file"));

  // Each customer's rows meet on the rank that owns its id.
  sample_sort_by_key(comm, rows, [](const CustomerRow& r) { return r.id; });

  res.rfm = empty_matrix(b.rfm_names, a.rfm_names);
  if (with_kmeans) res.kmeans = empty_matrix(b.kmeans_names, a.kmeans_names);
  std::uint64_t both = 0;
  bool unique = true;
  for (std::size_t i = 0; i < rows.size();) {
    std::size_t j = i + 1;
    while (j < rows.size() && rows[j].id == rows[i].id) ++j;
    const CustomerRow *br = nullptr, *ar = nullptr;
    for (std::size_t t = i; t < j; ++t) {
      const CustomerRow*& slot = rows[t].side == 0 ? br : ar;
      unique &= slot == nullptr;
      slot = &rows[t];
    }
    both += (br && ar) ? 1 : 0;
    count(res.rfm, br, ar, false);
    if (with_kmeans) count(res.kmeans, br, ar, true);
    i = j;
  }
  if (comm.allreduce_or(!unique))
    throw CollectiveError(DataError("a customer id appears twice in /rfm/customer_id of " + before_path +
                                    " or " + after_path + ": a damaged results file"));
  res.customers_both = comm.allreduce_sum(both);
  reduce(comm, res.rfm);
  if (with_kmeans) {
    reduce(comm, res.kmeans);
    // Matching: the same replicated centroids on every rank, so the same assignment.
    const auto dist = migrate::centroid_distances(b.centroids, a.centroids);
    const auto match = migrate::min_cost_assignment(dist, b.centroids.k, a.centroids.k);
    res.kmeans_match.assign(b.centroids.k + 1, 0);
    res.kmeans_match_distance.assign(b.centroids.k + 1, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t i = 0; i < b.centroids.k; ++i)
      if (match[i] >= 0) {
        res.kmeans_match[i + 1] = static_cast<std::uint32_t>(match[i]) + 1;
        res.kmeans_match_distance[i + 1] = dist[i * a.centroids.k + static_cast<std::size_t>(match[i])];
      }
  }
  return res;
}

const char* migration_method() {
  return kMethod;
}

}  // namespace crmpi
