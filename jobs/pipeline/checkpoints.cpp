#include "jobs/pipeline/checkpoints.hpp"

#include <hdf5.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <toml++/toml.h>
#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <system_error>

#include "io/h5.hpp"
#include "io/results_file.hpp"
#include "jobs/common/version.hpp"
#include "kernels/common/errors.hpp"

namespace fs = std::filesystem;

namespace crmpi {

namespace {

// Root attributes of a checkpoint's results.h5.
constexpr const char* kKeyAttr = "crmpi_checkpoint_key";
constexpr const char* kSkippedAttr = "crmpi_checkpoint_skipped";  // "" when the stage ran, else the reason
constexpr const char* kCsvAttr = "crmpi_checkpoint_csv";          // its CSV files, one a line

std::string join_lines(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : "\n") + x;
  return s;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> v;
  std::istringstream is(s);
  for (std::string line; std::getline(is, line);)
    if (!line.empty()) v.push_back(line);
  return v;
}

// Rank 0 runs `work`; its error message (empty: none) reaches every rank, which throw together.
template <class F>
void on_root(const Comm& comm, F&& work) {
  std::string error;
  if (comm.is_root()) {
    try {
      work();
    } catch (const std::exception& e) {
      error = e.what();
      if (error.empty()) error = "unknown error";
    }
  }
  comm.bcast(error);
  if (!error.empty()) throw CollectiveError(IoError(error));
}

struct Stat {
  bool ok = false;
  std::uint64_t bytes = 0;
  std::int64_t mtime_ns = 0;
  std::string error;
};

Stat stat_file(const std::string& path) {
  Stat s;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    s.error = std::string("cannot stat '") + path + "': " + std::strerror(errno);
    return s;
  }
  s.ok = true;
  s.bytes = static_cast<std::uint64_t>(st.st_size);
  s.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return s;
}

Stat stat_on_root(const Comm& comm, const std::string& path) {
  Stat s;
  if (comm.is_root()) s = stat_file(path);
  comm.bcast(s.error);
  comm.bcast(s.bytes);
  comm.bcast(s.mtime_ns);
  s.ok = s.error.empty();
  return s;
}

// Copies every link of `src` into `dst`, recursing into groups both hold (two stages' objects
// under one group); `skip` is left out.
void copy_children(hid_t src, hid_t dst, const std::string& where, const std::string& skip) {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  h5::check(H5Literate(src, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names), "list " + where);
  for (const auto& name : names) {
    if (name == skip) continue;
    const std::string path = where + (where == "/" ? "" : "/") + name;
    if (H5Lexists(dst, name.c_str(), H5P_DEFAULT) > 0) {
      h5::Handle s(h5::check(H5Gopen2(src, name.c_str(), H5P_DEFAULT), "open group " + path + " of the checkpoint"));
      h5::Handle d(h5::check(H5Gopen2(dst, name.c_str(), H5P_DEFAULT), "open group " + path + " of the results"));
      copy_children(s.id(), d.id(), path, "");
      continue;
    }
    h5::check(H5Ocopy(src, name.c_str(), dst, name.c_str(), H5P_DEFAULT, H5P_DEFAULT), "copy " + path);
  }
}

}  // namespace

IoError write_failure(const std::string& path, const std::string& what) {
  std::string room;
  struct statvfs fs {};
  const std::string dir = fs::path(path).parent_path().string();
  if (::statvfs(dir.empty() ? "." : dir.c_str(), &fs) == 0)
    room = "; the file system holding " + dir + " has " +
           std::to_string(static_cast<unsigned long long>(fs.f_bavail) * fs.f_frsize) + " bytes free" +
           (fs.f_bavail == 0 ? " (full)" : "");
  return IoError("cannot write " + path + ": " + what + room +
                 ". The previous results are untouched; temporaries of this run carry '.tmp-' in their names");
}

std::string InputIdentity::describe() const {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%llu bytes, modified at %lld.%09lld s, checksum %s",
                static_cast<unsigned long long>(bytes), static_cast<long long>(mtime_ns / 1000000000),
                static_cast<long long>(mtime_ns % 1000000000), checksum.c_str());
  return buf;
}

InputIdentity input_identity(const Comm& comm, const std::string& path, const std::string& checksum) {
  const Stat s = stat_on_root(comm, path);
  if (!s.ok) throw CollectiveError(IoError(s.error));
  return {s.bytes, s.mtime_ns, checksum};
}

void check_input_unchanged(const Comm& comm, const std::string& path, const InputIdentity& at_start,
                           const std::string& when) {
  const Stat s = stat_on_root(comm, path);
  if (s.ok && s.bytes == at_start.bytes && s.mtime_ns == at_start.mtime_ns) return;
  InputIdentity now{s.bytes, s.mtime_ns, "not recomputed"};
  throw CollectiveError(DataError("input '" + path + "' changed during the run (" + when + "): validated as " +
                                  at_start.describe() + "; now " + (s.ok ? now.describe() : s.error) +
                                  ". Nothing was written; rerun once the file is final"));
}

std::string config_tables_text(const std::string& effective_toml, const std::vector<std::string>& tables) {
  const toml::table root = toml::parse(effective_toml);
  std::ostringstream os;
  for (const auto& t : tables) {
    os << "[" << t << "]\n";
    if (const toml::table* tbl = root[t].as_table()) os << *tbl << "\n";
  }
  return os.str();
}

std::string checkpoint_key(const std::string& stage, const std::string& config_text, const InputIdentity& input) {
  const std::string text = std::string("crmpi ") + version_string() + "\nstage " + stage + "\ninput " +
                           std::to_string(input.bytes) + " " + std::to_string(input.mtime_ns) + " " + input.checksum +
                           "\n" + config_text;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(XXH64(text.data(), text.size(), 0)));
  return buf;
}

std::optional<Checkpoints::Found> Checkpoints::find(const std::string& stage, const std::string& key) const {
  std::int64_t status = 0;  // 0 absent or stale, 1 ran, 2 skipped
  std::string reason;
  if (comm_.is_root()) {
    const std::string path = dir(stage) + "/results.h5";
    std::error_code ec;
    if (fs::exists(path, ec)) {
      try {
        h5::Handle f = h5::open_read_posix(path);
        if (h5::has_attr(f.id(), kKeyAttr) && h5::read_attr_string(f.id(), kKeyAttr) == key) {
          reason = h5::read_attr_string(f.id(), kSkippedAttr);
          status = reason.empty() ? 1 : 2;
          for (const auto& csv : split_lines(h5::read_attr_string(f.id(), kCsvAttr)))
            if (!fs::exists(dir(stage) + "/csv/" + csv, ec)) status = 0;  // incomplete: recompute
        }
      } catch (const std::exception& e) {
        spdlog::warn("run: checkpoint {} unreadable, {} is recomputed: {}", path, stage, e.what());
        status = 0;
      }
    }
  }
  comm_.bcast(status);
  comm_.bcast(reason);
  if (status == 0) return std::nullopt;
  return Found{status == 2, reason};
}

void Checkpoints::begin_save(const std::string& stage) const {
  on_root(comm_, [&] {
    std::error_code ec;
    fs::remove(dir(stage) + "/results.h5", ec);
    if (ec) throw IoError("cannot remove the old checkpoint " + dir(stage) + "/results.h5: " + ec.message());
    fs::remove_all(dir(stage) + "/csv", ec);
  });
}

void Checkpoints::save(const Stage& s, const StageInput& in, const std::string& key) const {
  const std::string stage(s.name());
  begin_save(stage);
  OutputSet ck(comm_, dir(stage));
  const std::string path = ck.temp_path("results.h5");
  try {
    ResultsFile results(comm_, path);
    s.write(in, results, ck);
    CarryWriter carry(results);
    s.save_carry(in, carry);
    std::vector<std::string> csv;
    for (const auto& f : ck.files())
      if (f.rfind("csv/", 0) == 0) csv.push_back(f.substr(4));
    h5::write_attr_string(results.id(), kCsvAttr, join_lines(csv));
    h5::write_attr_string(results.id(), kSkippedAttr, "");
    h5::write_attr_string(results.id(), kKeyAttr, key);
  } catch (const CollectiveError&) {
    throw;
  } catch (const IoError& e) {
    throw write_failure(path, e.what());
  }
  fault_point(comm_, "checkpoint-write");
  ck.commit();
}

void Checkpoints::save_skipped(const std::string& stage, const std::string& key, const std::string& reason) const {
  begin_save(stage);
  OutputSet ck(comm_, dir(stage), false);
  {
    ResultsFile results(comm_, ck.temp_path("results.h5"));
    h5::write_attr_string(results.id(), kCsvAttr, "");
    h5::write_attr_string(results.id(), kSkippedAttr, reason);
    h5::write_attr_string(results.id(), kKeyAttr, key);
  }
  ck.commit();
}

void Checkpoints::load(Stage& s, const StageInput& in) const {
  const std::string path = dir(std::string(s.name())) + "/results.h5";
  std::string error;
  try {
    h5::Handle f = h5::open_read_posix(path);
    CarryReader carry(f.id(), in.slice.customer_begin, in.slice.customers());
    s.load_carry(in, carry);
  } catch (const std::exception& e) {
    error = std::string("reading the checkpoint ") + path + ": " + e.what();
  }
  // Every rank reads its own slice; one that fails fails the job on all, with its message.
  const int failed = comm_.allreduce_max<int>(error.empty() ? -1 : comm_.rank());
  if (failed < 0) return;
  comm_.bcast(error, failed);
  throw CollectiveError(IoError(error));
}

std::vector<std::string> Checkpoints::csv_files(const std::string& stage) const {
  std::string list;
  on_root(comm_, [&] {
    h5::Handle f = h5::open_read_posix(dir(stage) + "/results.h5");
    list = h5::read_attr_string(f.id(), kCsvAttr);
  });
  comm_.bcast(list);
  return split_lines(list);
}

void Checkpoints::copy_csv(const std::string& stage, OutputSet& out) const {
  std::vector<std::string> tmp;
  const std::vector<std::string> files = csv_files(stage);
  for (const auto& f : files) tmp.push_back(out.temp_path("csv/" + f));
  on_root(comm_, [&] {
    for (std::size_t i = 0; i < files.size(); ++i) {
      std::error_code ec;
      fs::copy_file(dir(stage) + "/csv/" + files[i], tmp[i], fs::copy_options::overwrite_existing, ec);
      if (ec) throw IoError("cannot copy " + dir(stage) + "/csv/" + files[i] + " to " + tmp[i] + ": " + ec.message());
    }
  });
}

void Checkpoints::copy_groups(const std::string& stage, const std::string& results_path) const {
  on_root(comm_, [&] {
    h5::Handle src = h5::open_read_posix(dir(stage) + "/results.h5");
    h5::Handle dst(h5::check(H5Fopen(results_path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "open " + results_path));
    copy_children(src.id(), dst.id(), "/", "carry");
    h5::check(H5Fflush(dst.id(), H5F_SCOPE_GLOBAL), "flush " + results_path);
  });
}

}  // namespace crmpi
