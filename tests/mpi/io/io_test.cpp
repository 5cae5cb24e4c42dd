// io/ at 1, 2 and 4 ranks: partitioned reads of a generated file, validation, results writing
// and the atomic output commit.
#include <gtest/gtest.h>

#include <filesystem>
#include <algorithm>
#include <fstream>

#include "comm/comm.hpp"
#include "io/h5.hpp"
#include "io/input_file.hpp"
#include "io/output.hpp"
#include "io/results_file.hpp"
#include "io/validate.hpp"
#include "jobs/generate/generate_command.hpp"

namespace fs = std::filesystem;

namespace crmpi {
namespace {

// A scratch directory shared by all ranks of this test run.
std::string shared_scratch(const Comm& w, const std::string& name) {
  std::string dir;
  if (w.is_root()) {
    dir = (fs::temp_directory_path() / ("crmpi_io_test_" + std::to_string(::getpid()) + "_" + name)).string();
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  w.bcast(dir);
  return dir;
}

std::string generated_file(const Comm& w, const std::string& dir, std::uint64_t customers) {
  GenerateConfig cfg;
  cfg.out = dir + "/in.h5";
  cfg.customers = customers;
  cfg.seed = 11;
  cfg.chunk_customers = 97;  // many chunks, uneven across ranks
  cfg.validate();
  run_generate_command(w, cfg, "");
  return cfg.out;
}

TEST(Io, PartitionCoversEveryCustomerAndOrderOnce) {
  Comm w;
  h5::silence_hdf5_errors();
  const auto dir = shared_scratch(w, "partition");
  const auto path = generated_file(w, dir, 3000);
  InputFile in(w, path);
  const Slice s = in.partition(w.rank(), w.size());
  const auto all = w.allgather(s);
  EXPECT_EQ(all.front().customer_begin, 0u);
  EXPECT_EQ(all.back().customer_end, in.sizes().customers);
  EXPECT_EQ(all.back().order_end, in.sizes().orders);
  for (std::size_t r = 1; r < all.size(); ++r) {
    EXPECT_EQ(all[r].customer_begin, all[r - 1].customer_end);
    EXPECT_EQ(all[r].order_begin, all[r - 1].order_end);
  }
  // Balanced: no rank has more than its share of (orders + customers) plus one customer's worth.
  const double share = static_cast<double>(in.sizes().orders + in.sizes().customers) / w.size();
  EXPECT_LE(static_cast<double>(s.orders() + s.customers()), share + 200.0);

  const auto report = validate_content(in, w, s, 10, 1024);
  EXPECT_TRUE(report.ok()) << report.format(path);
  EXPECT_EQ(report.rows_checked, in.sizes().customers + in.sizes().orders);
  if (w.is_root()) fs::remove_all(dir);
}

TEST(Io, ResultsColumnsLandInRankOrderAndCommitIsAtomic) {
  Comm w;
  h5::silence_hdf5_errors();
  const auto dir = shared_scratch(w, "results");
  // A previous good result that a failed run must not touch.
  if (w.is_root()) std::ofstream(dir + "/results.h5") << "previous";
  w.barrier();
  {
    OutputSet out(w, dir);
    const auto tmp = out.temp_path("results.h5");
    ResultsFile rf(w, tmp);
    std::vector<std::uint64_t> mine(static_cast<std::size_t>(w.rank() + 1), static_cast<std::uint64_t>(w.rank()));
    rf.write_column<std::uint64_t>("/x/values", mine);
    rf.close();
    // Not committed: the destructor removes the temporary, the old file stays.
  }
  w.barrier();
  if (w.is_root()) {
    std::ifstream f(dir + "/results.h5");
    std::string content;
    f >> content;
    EXPECT_EQ(content, "previous");
    for (const auto& e : fs::directory_iterator(dir))
      EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
  w.barrier();
  {
    OutputSet out(w, dir);
    ResultsFile rf(w, out.temp_path("results.h5"));
    std::vector<std::uint64_t> mine(static_cast<std::size_t>(w.rank() + 1), static_cast<std::uint64_t>(w.rank()));
    rf.write_column<std::uint64_t>("/x/values", mine);
    rf.close();
    out.commit();
  }
  if (w.is_root()) {
    auto f = h5::open_parallel(dir + "/results.h5", Comm(MPI_COMM_SELF), h5::Access::kRead);
    auto d = h5::open_dataset(f.id(), "/x/values");
    const std::uint64_t n = static_cast<std::uint64_t>(w.size() * (w.size() + 1) / 2);
    const auto v = h5::read_vector<std::uint64_t>(d.id(), 0, n, "values");
    std::vector<std::uint64_t> want;
    for (int r = 0; r < w.size(); ++r) want.insert(want.end(), static_cast<std::size_t>(r + 1), static_cast<std::uint64_t>(r));
    EXPECT_EQ(v, want);
    fs::remove_all(dir);
  }
  w.barrier();
}

// ResultsFile::write_replicated_parts: a table filled part by part (three whole parts of
// kPartBytes and a partial one; and an empty table) reads back as the values the fill formula
// gives, at any rank count (rank 0 writes; every rank calls).
TEST(Io, ReplicatedTableWrittenInParts) {
  Comm w;
  h5::silence_hdf5_errors();
  const auto dir = shared_scratch(w, "parts");
  constexpr std::uint64_t kPer = ResultsFile::kPartBytes / sizeof(std::uint64_t);
  const std::uint64_t n = 3 * kPer + 5;
  const auto value = [](std::uint64_t i) { return i * i + 1; };
  std::uint64_t calls = 0;
  {
    ResultsFile rf(w, dir + "/results.h5");
    // Any uint64 table entry, at a path of the test's own.
    rf.write_replicated_parts<std::uint64_t>(results_schema::Object(results_schema::rules::kItemsetCount, "/t/parts"), n,
                                             [&](std::uint64_t first, std::span<std::uint64_t> part) {
                                               ++calls;
                                               for (std::size_t i = 0; i < part.size(); ++i) part[i] = value(first + i);
                                             });
    rf.write_replicated_parts<std::uint64_t>(results_schema::Object(results_schema::rules::kItemsetCount, "/t/empty"), 0,
                                             [&](std::uint64_t, std::span<std::uint64_t>) { ++calls; });
    rf.close();
  }
  EXPECT_EQ(calls, w.is_root() ? 4u : 0u);  // only rank 0 fills: 3 whole parts and the last 5 values
  w.barrier();
  if (w.is_root()) {
    auto f = h5::open_read_posix(dir + "/results.h5");
    auto d = h5::open_dataset(f.id(), "/t/parts");
    const auto got = h5::read_vector<std::uint64_t>(d.id(), 0, n, "parts");
    std::vector<std::uint64_t> want(n);
    for (std::uint64_t i = 0; i < n; ++i) want[i] = value(i);
    EXPECT_EQ(got, want);
    EXPECT_EQ(h5::inspect(f.id(), "/t/empty").length, 0u);
    EXPECT_TRUE(h5::inspect(f.id(), "/t/empty").exists);
    fs::remove_all(dir);
  }
  w.barrier();
}

// A collective write of nothing into a dataset of length 0 (every rank with zero rows, e.g. a
// generated file in which nobody answered the survey) succeeds and leaves an empty dataset. HDF5
// 1.10 fails the empty-selection collective write on such a dataset ("can't write data"), which
// made `crmpi generate --customers 3` exit 74.
TEST(Io, CollectiveWriteOfNothingToAnEmptyDataset) {
  Comm w;
  h5::silence_hdf5_errors();
  const auto dir = shared_scratch(w, "empty");
  {
    auto f = h5::open_parallel(dir + "/e.h5", w, h5::Access::kCreate);
    auto d = h5::create_dataset<std::uint64_t>(f.id(), "/g/empty", 0);
    const std::vector<std::uint64_t> none;
    EXPECT_NO_THROW(h5::write<std::uint64_t>(d.id(), 0, none, true, "empty"));
  }
  w.barrier();
  if (w.is_root()) {
    auto f = h5::open_read_posix(dir + "/e.h5");
    EXPECT_TRUE(h5::link_exists(f.id(), "/g/empty"));
    fs::remove_all(dir);
  }
  w.barrier();
}

// open_parallel on a communicator of one rank (MPI_COMM_SELF: every rank a file of its own, or
// the world at 1 rank) opens the file with HDF5's POSIX driver, on several ranks with MPI-IO
// (io/h5.hpp); either way a collective write (every rank of the file's communicator calling) and
// an independent one land where written. (A collective MPI-IO mode on a POSIX file makes HDF5
// fail the write, "can't write data": write_raw writes plainly there.)
TEST(Io, OneRankFilesArePosixAndTakeCollectiveWrites) {
  Comm w;
  h5::silence_hdf5_errors();
  const auto dir = shared_scratch(w, "driver");
  const auto driver_of = [](hid_t file) {
    h5::Handle fapl(H5Fget_access_plist(file));
    return H5Pget_driver(fapl.id());
  };
  const std::string own_path = dir + "/rank" + std::to_string(w.rank()) + ".h5";
  const std::vector<std::uint64_t> v{7, 8, 9};
  {
    auto own = h5::open_parallel(own_path, Comm(MPI_COMM_SELF), h5::Access::kCreate);
    EXPECT_EQ(driver_of(own.id()), H5FD_SEC2);
    auto a = h5::create_dataset<std::uint64_t>(own.id(), "/g/collective", 3);
    EXPECT_NO_THROW(h5::write<std::uint64_t>(a.id(), 0, v, true, "collective"));
    auto b = h5::create_dataset<std::uint64_t>(own.id(), "/g/independent", 3);
    EXPECT_NO_THROW(h5::write<std::uint64_t>(b.id(), 0, v, false, "independent"));

    auto all = h5::open_parallel(dir + "/all.h5", w, h5::Access::kCreate);
    EXPECT_EQ(driver_of(all.id()), w.size() == 1 ? H5FD_SEC2 : H5FD_MPIO);  // every rank asks: a collective dup is fine
    auto c = h5::create_dataset<std::uint64_t>(all.id(), "/ranks", static_cast<std::uint64_t>(w.size()));
    const std::vector<std::uint64_t> mine{static_cast<std::uint64_t>(w.rank())};
    EXPECT_NO_THROW(h5::write<std::uint64_t>(c.id(), static_cast<std::uint64_t>(w.rank()), mine, true, "ranks"));
  }
  w.barrier();
  {
    auto own = h5::open_read_posix(own_path);
    for (const char* path : {"/g/collective", "/g/independent"}) {
      auto d = h5::open_dataset(own.id(), path);
      EXPECT_EQ(h5::read_vector<std::uint64_t>(d.id(), 0, 3, path), v) << path;
    }
  }
  if (w.is_root()) {
    auto all = h5::open_read_posix(dir + "/all.h5");
    auto d = h5::open_dataset(all.id(), "/ranks");
    std::vector<std::uint64_t> want(static_cast<std::size_t>(w.size()));
    for (std::size_t r = 0; r < want.size(); ++r) want[r] = r;
    EXPECT_EQ(h5::read_vector<std::uint64_t>(d.id(), 0, want.size(), "ranks"), want);
  }
  w.barrier();
  if (w.is_root()) fs::remove_all(dir);
  w.barrier();
}

// A folder of parts (OutputSet::temp_dir): every rank writes its own file into it; uncommitted, the
// earlier folder stays as it was and the temporary is gone; committed, the new folder replaces the
// old one whole (no old part left beside the new ones); a retired path is removed at commit.
TEST(OutputSet, FolderReplacedWholeAndRetired) {
  Comm w;
  const std::string dir = shared_scratch(w, "outdir");
  if (w.is_root()) {
    fs::create_directories(dir + "/csv/parts");
    for (const char* old : {"/csv/parts/a", "/csv/parts/stale"}) std::ofstream(dir + old) << "old";
    std::ofstream(dir + "/csv/retired.csv") << "old";
  }
  w.barrier();
  auto write_parts = [&](OutputSet& out) {
    const std::string tmp = out.temp_dir("csv/parts");
    std::ofstream(tmp + "/rank" + std::to_string(w.rank())) << w.rank();
  };
  {
    OutputSet out(w, dir);
    write_parts(out);
    out.retire("csv/retired.csv");
    // The destructor is not collective (it runs while an error unwinds), so rank 0 removes the
    // temporary folder at once: a rank still writing its part would leave it behind ("removed when
    // possible", output.hpp). A failed run reaches it from a collective error, after every rank
    // stopped writing: so does this test.
    w.barrier();
  }  // not committed
  w.barrier();
  if (w.is_root()) {
    EXPECT_TRUE(fs::exists(dir + "/csv/parts/stale"));
    EXPECT_TRUE(fs::exists(dir + "/csv/retired.csv"));
    for (const auto& e : fs::directory_iterator(dir + "/csv"))
      EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
  w.barrier();
  {
    OutputSet out(w, dir);
    write_parts(out);
    out.retire("csv/retired.csv");
    out.commit();
  }
  if (w.is_root()) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir + "/csv/parts")) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    std::vector<std::string> want;
    for (int r = 0; r < w.size(); ++r) want.push_back("rank" + std::to_string(r));
    std::sort(want.begin(), want.end());
    EXPECT_EQ(names, want);
    EXPECT_FALSE(fs::exists(dir + "/csv/retired.csv"));
    for (const auto& e : fs::directory_iterator(dir + "/csv"))
      EXPECT_EQ(e.path().filename().string().find(".old-"), std::string::npos) << e.path();
    fs::remove_all(dir);
  }
  w.barrier();
}

}  // namespace
}  // namespace crmpi
