// results.h5 written with ResultsFile through the layout (io/results_schema.hpp) and read back
// with ResultsReader, at 1-4 ranks. The writers split the customers unevenly (rank r writes
// (r+1)*37 rows, rank 1 none), the reader takes even shares, arbitrary windows, and reads on each
// rank alone too: the values do not depend on how many ranks wrote or read them. Every expected
// value is a function of the global row (or position) i, defined once below.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "comm/comm.hpp"
#include "io/h5.hpp"
#include "io/results_file.hpp"
#include "io/results_reader.hpp"
#include "kernels/common/errors.hpp"

namespace fs = std::filesystem;

namespace crmpi {
namespace {

namespace layout = results_schema;

// Row i of each per-customer column (NaN every 5th row of avg_order_cents, as not-in-calibration
// rows are NaN in results.h5).
std::uint64_t customer_id(std::uint64_t i) {
  return 1000 + 3 * i;
}
std::int32_t recency(std::uint64_t i) {
  return static_cast<std::int32_t>(i % 97) - 1;
}
std::uint32_t frequency(std::uint64_t i) {
  return static_cast<std::uint32_t>(7 * i);
}
std::int64_t monetary(std::uint64_t i) {
  return static_cast<std::int64_t>(i) * 5'000'000'000 - 7;
}  // past 2^32
double avg_order(std::uint64_t i) {
  return i % 5 == 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(i) / 3.0;
}
std::uint8_t score(std::uint64_t i) {
  return static_cast<std::uint8_t>(i % 6);
}
double p_alive(std::uint64_t i) {
  return 1.0 / static_cast<double>(i + 1);
}

// Rows this rank writes: uneven, and none on rank 1.
std::uint64_t rows_written(int rank) {
  return rank == 1 ? 0 : static_cast<std::uint64_t>(rank + 1) * 37;
}

template <class T, class F>
std::vector<T> rows(std::uint64_t begin, std::uint64_t count, F f) {
  std::vector<T> v;
  for (std::uint64_t i = begin; i < begin + count; ++i) v.push_back(f(i));
  return v;
}

// NaN-aware equality of two float columns.
void expect_same(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t k = 0; k < got.size(); ++k) {
    if (std::isnan(want[k]))
      EXPECT_TRUE(std::isnan(got[k])) << "row " << k;
    else
      EXPECT_EQ(got[k], want[k]) << "row " << k;
  }
}

std::string shared_scratch(const Comm& w, const std::string& name) {
  std::string dir;
  if (w.is_root()) {
    dir = (fs::temp_directory_path() / ("crmpi_results_test_" + std::to_string(::getpid()) + "_" + name))
              .string();
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  w.bcast(dir);
  return dir;
}

// Writes a file holding part of /rfm and /clv, with 37*(sum of (r+1), r != 1) customers.
// `broken`: also /rfm/tenure_days as int64 (the layout says int32), /clv/x one row short, and a
// dataset the layout does not describe.
std::uint64_t write_sample(const Comm& w, const std::string& path, bool stages_run, bool broken) {
  ResultsFile rf(w, path);
  const std::uint64_t n = rows_written(w.rank());
  const std::uint64_t b = w.exscan_sum<std::uint64_t>(n);
  rf.write_column(layout::rfm::kCustomerId, rows<std::uint64_t>(b, n, customer_id));
  rf.write_column(layout::rfm::kRecencyDays, rows<std::int32_t>(b, n, recency));
  rf.write_column(layout::rfm::kFrequency, rows<std::uint32_t>(b, n, frequency));
  rf.write_column(layout::rfm::kMonetaryCents, rows<std::int64_t>(b, n, monetary));
  rf.write_column(layout::rfm::kAvgOrderCents, rows<double>(b, n, avg_order));
  rf.write_column(layout::rfm::kRScore, rows<std::uint8_t>(b, n, score));
  rf.write_strings(layout::rfm::kSegmentNames, {"No Purchases", "Champions", "Lost"});
  rf.write_replicated(layout::rfm::kSummaryCustomers, std::vector<std::uint64_t>{4, 5, 6});
  rf.write_attr_int(layout::rfm::kAsOfDay, 20634);
  rf.write_attr_ints(layout::rfm::kCutPointsFrequency,
                     std::vector<std::int64_t>{1, 2, 4, std::numeric_limits<std::int64_t>::min()});
  rf.write_column(layout::clv::kCustomerId, rows<std::uint64_t>(b, n, customer_id));
  rf.write_column(layout::at(layout::clv::kPAlive, layout::kBgNbd), rows<double>(b, n, p_alive));
  rf.write_strings(layout::at(layout::clv::kParameterName, layout::kGammaGamma), {"p", "q", "gamma"});
  rf.write_replicated(layout::at(layout::clv::kParameterEstimate, layout::kGammaGamma),
                      std::vector<double>{6.25, 3.74, 15.44});
  rf.write_attr_double(layout::at(layout::clv::kModelLogLikelihood, layout::kGammaGamma), -9582.43);
  rf.write_attr_doubles(layout::clv::kLifecycleThresholds, std::vector<double>{4, 0.2, 0.5, 26, 4, 26});
  rf.write_attr_string(layout::clv::kModels, "bgnbd,gamma_gamma");
  rf.write_attr_string(layout::clv::kHoldoutEnd, "");
  Provenance p;
  p.command = stages_run ? "run" : "clv";
  p.ranks = w.size();
  rf.write_provenance(p);
  if (stages_run) rf.write_attr_string(layout::root::kStagesRun, "rfm,clv");
  if (broken) {
    rf.write_column<std::int64_t>("/rfm/tenure_days", rows<std::int64_t>(b, n, monetary));
    rf.write_column<double>("/clv/x", rows<double>(b, w.rank() == 0 ? n - 1 : n, p_alive));
    rf.write_replicated<double>("/rfm/not_in_layout", std::vector<double>{1});
  }
  rf.close();
  w.barrier();
  return w.allreduce_sum(n);
}

// Reads every column of the sample with `comm` (this rank's even share, and a window) and checks it.
void check_columns(const Comm& comm, const std::string& path, std::uint64_t total) {
  ResultsReader in(comm, path);
  ASSERT_EQ(in.customers(layout::Part::kRfm), total);
  ASSERT_EQ(in.customers(layout::Part::kClv), total);
  const RowRange s = in.my_share(layout::Part::kRfm);
  EXPECT_EQ(s.begin,
            total * static_cast<std::uint64_t>(comm.rank()) / static_cast<std::uint64_t>(comm.size()));
  EXPECT_EQ(comm.allreduce_sum(s.count()), total);
  EXPECT_EQ(in.read_my_column<std::uint64_t>(layout::rfm::kCustomerId),
            rows<std::uint64_t>(s.begin, s.count(), customer_id));
  EXPECT_EQ(in.read_my_column<std::int32_t>(layout::rfm::kRecencyDays),
            rows<std::int32_t>(s.begin, s.count(), recency));
  EXPECT_EQ(in.read_my_column<std::uint32_t>(layout::rfm::kFrequency),
            rows<std::uint32_t>(s.begin, s.count(), frequency));
  EXPECT_EQ(in.read_my_column<std::int64_t>(layout::rfm::kMonetaryCents),
            rows<std::int64_t>(s.begin, s.count(), monetary));
  expect_same(in.read_my_column<double>(layout::rfm::kAvgOrderCents),
              rows<double>(s.begin, s.count(), avg_order));
  EXPECT_EQ(in.read_my_column<std::uint8_t>(layout::rfm::kRScore),
            rows<std::uint8_t>(s.begin, s.count(), score));
  expect_same(in.read_my_column<double>(layout::at(layout::clv::kPAlive, layout::kBgNbd)),
              rows<double>(s.begin, s.count(), p_alive));
  // A window that crosses the writers' rank boundaries.
  const std::uint64_t off = total / 3 + static_cast<std::uint64_t>(comm.rank()), cnt = total / 4;
  EXPECT_EQ(in.read_column<std::int64_t>(layout::rfm::kMonetaryCents, off, cnt),
            rows<std::int64_t>(off, cnt, monetary));
  EXPECT_TRUE(in.read_column<std::uint32_t>(layout::rfm::kFrequency, total, 0).empty());
}

TEST(ResultsReader, ColumnsTablesAndAttributesReadBackAtAnyRankCount) {
  Comm w;
  h5::silence_hdf5_errors();
  const auto dir = shared_scratch(w, "readback");
  const std::string path = dir + "/results.h5";
  const std::uint64_t total = write_sample(w, path, /*stages_run=*/true, /*broken=*/false);

  check_columns(w, path, total);                    // the job's ranks, even shares
  check_columns(Comm(MPI_COMM_SELF), path, total);  // each rank alone: one rank reads everything

  ResultsReader in(w, path);
  EXPECT_EQ(in.read_strings(layout::rfm::kSegmentNames),
            (std::vector<std::string>{"No Purchases", "Champions", "Lost"}));
  EXPECT_EQ(in.read_table<std::uint64_t>(layout::rfm::kSummaryCustomers),
            (std::vector<std::uint64_t>{4, 5, 6}));
  EXPECT_EQ(in.read_strings(layout::at(layout::clv::kParameterName, layout::kGammaGamma)),
            (std::vector<std::string>{"p", "q", "gamma"}));
  EXPECT_EQ(in.read_table<double>(layout::at(layout::clv::kParameterEstimate, layout::kGammaGamma)),
            (std::vector<double>{6.25, 3.74, 15.44}));
  EXPECT_EQ(in.read_attr_int(layout::rfm::kAsOfDay), 20634);
  EXPECT_EQ(in.read_attr_ints(layout::rfm::kCutPointsFrequency),
            (std::vector<std::int64_t>{1, 2, 4, std::numeric_limits<std::int64_t>::min()}));
  EXPECT_EQ(in.read_attr_double(layout::at(layout::clv::kModelLogLikelihood, layout::kGammaGamma)), -9582.43);
  EXPECT_EQ(in.read_attr_doubles(layout::clv::kLifecycleThresholds),
            (std::vector<double>{4, 0.2, 0.5, 26, 4, 26}));
  EXPECT_EQ(in.read_attr_string(layout::root::kCommand), "run");
  EXPECT_EQ(in.read_attr_int(layout::root::kRanks), w.size());

  // What the file holds.
  EXPECT_EQ(in.stages(), (std::vector<std::string>{"rfm", "clv"}));
  EXPECT_EQ(in.clv_models(), (std::vector<std::string>{"bgnbd", "gamma_gamma"}));
  EXPECT_EQ(in.clv_purchase_models(), (std::vector<std::string>{"bgnbd"}));
  EXPECT_TRUE(in.has_gamma_gamma());
  EXPECT_FALSE(in.has_holdout());
  EXPECT_TRUE(in.applies(layout::root::kStagesRun));  // written by `run`
  EXPECT_TRUE(in.applies(layout::clv::kClv));         // with gamma_gamma
  EXPECT_FALSE(in.applies(layout::clv::kHoldoutActualPurchases));
  EXPECT_TRUE(in.has(layout::at(layout::clv::kPAlive, layout::kBgNbd)));
  EXPECT_FALSE(in.has(layout::at(layout::clv::kPAlive, layout::kParetoNbd)));
  EXPECT_TRUE(in.has(layout::clv::kModels));
  EXPECT_FALSE(in.has(layout::clv::kWarnings));

  w.barrier();
  if (w.is_root()) fs::remove_all(dir);
}

TEST(ResultsReader, StagesFromGroupsWithoutThePipelinesAttribute) {
  Comm w;
  h5::silence_hdf5_errors();
  const auto dir = shared_scratch(w, "stages");
  write_sample(w, dir + "/results.h5", /*stages_run=*/false, /*broken=*/false);
  ResultsReader in(w, dir + "/results.h5");
  EXPECT_EQ(in.stages(), (std::vector<std::string>{"rfm", "clv"}));
  EXPECT_FALSE(in.applies(layout::root::kStagesRun));  // command "clv"
  w.barrier();
  if (w.is_root()) fs::remove_all(dir);
}

// The error's message, and that it is of type E.
template <class E, class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("wrong exception: ") + e.what();
  }
  return "no exception";
}

TEST(ResultsReader, MissingOrWrongTypedObjectsAreDataErrorsNamingThem) {
  Comm w;
  h5::silence_hdf5_errors();
  const auto dir = shared_scratch(w, "errors");
  const std::string path = dir + "/results.h5";
  const std::uint64_t total = write_sample(w, path, true, /*broken=*/true);
  ResultsReader in(w, path);

  auto has = [](const std::string& msg, const std::string& part) {
    return msg.find(part) != std::string::npos
               ? ::testing::AssertionSuccess()
               : ::testing::AssertionFailure() << "'" << msg << "' lacks '" << part << "'";
  };
  std::string m = error_of<DataError>(
      [&] { in.read_my_column<double>(layout::at(layout::clv::kPAlive, layout::kMbgNbd)); });
  EXPECT_TRUE(has(m, "/clv/mbgnbd/p_alive is missing"));
  m = error_of<DataError>([&] { in.read_my_column<std::int32_t>(layout::rfm::kTenureDays); });
  EXPECT_TRUE(has(m, "/rfm/tenure_days is int64, the results layout says int32"));
  m = error_of<DataError>([&] { in.read_my_column<double>(layout::clv::kX); });
  EXPECT_TRUE(has(
      m, "/clv/x has " + std::to_string(total - 1) + " rows, /clv/customer_id has " + std::to_string(total)));
  m = error_of<DataError>([&] { in.read_attr_string(layout::clv::kWarnings); });
  EXPECT_TRUE(has(m, "/clv@warnings is missing"));
  m = error_of<DataError>([&] { in.read_column<std::uint64_t>(layout::rfm::kCustomerId, total - 1, 2); });
  EXPECT_TRUE(has(m, "/rfm/customer_id has " + std::to_string(total) + " rows"));
  // Asking for another type than the layout's is a bug in the caller (exit 70), not bad data.
  try {
    in.read_my_column<double>(layout::rfm::kFrequency);
    ADD_FAILURE() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kSoftware) << e.what();
  }

  // The whole-file check names each problem: the sample lacks most of the layout, and has three faults.
  const auto problems = in.check_layout();
  auto listed = [&](const std::string& s) {
    for (const auto& p : problems)
      if (p == path + ": " + s) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "not among the " << problems.size() << " problems: " << s;
  };
  EXPECT_TRUE(listed("/rfm/tenure_days is 1-D int64, expected 1-D int32"));
  EXPECT_TRUE(listed("/clv/x has " + std::to_string(total - 1) + " rows, /clv/customer_id has " +
                     std::to_string(total)));
  EXPECT_TRUE(listed("/rfm/not_in_layout is not in the results layout (io/results_schema.hpp)"));
  EXPECT_TRUE(listed("/rfm/segment is missing"));
  EXPECT_TRUE(listed("/clv/bgnbd/churn_risk is missing"));
  EXPECT_TRUE(listed("/clv/gamma_gamma/parameters/std_error is missing"));
  EXPECT_TRUE(listed("/@stages_skipped is missing"));
  for (const auto& p : problems)
    EXPECT_EQ(p.find("holdout"), std::string::npos) << p;  // no holdout: none expected

  w.barrier();
  if (w.is_root()) fs::remove_all(dir);
}

TEST(ResultsReader, MissingFileAndNonHdf5FileFailOnEveryRank) {
  Comm w;
  h5::silence_hdf5_errors();
  const auto dir = shared_scratch(w, "open");
  EXPECT_TRUE(error_of<NoInputError>([&] { ResultsReader r(w, dir + "/none.h5"); }).find("does not exist") !=
              std::string::npos);
  if (w.is_root()) std::ofstream(dir + "/text.h5") << "not hdf5";
  w.barrier();
  EXPECT_TRUE(error_of<DataError>([&] { ResultsReader r(w, dir + "/text.h5"); }).find("as HDF5") !=
              std::string::npos);
  w.barrier();
  if (w.is_root()) fs::remove_all(dir);
}

TEST(ResultsReader, EvenShareCoversEveryRowOnce) {
  for (const std::uint64_t n : {0ULL, 1ULL, 7ULL, 1000ULL, (1ULL << 62) + 3}) {
    for (int p = 1; p <= 5; ++p) {
      std::uint64_t next = 0;
      for (int r = 0; r < p; ++r) {
        const RowRange s = even_share(n, r, p);
        EXPECT_EQ(s.begin, next);
        EXPECT_LE(s.count(), n / static_cast<std::uint64_t>(p) + 1);
        next = s.end;
      }
      EXPECT_EQ(next, n);
    }
  }
}

}  // namespace
}  // namespace crmpi
