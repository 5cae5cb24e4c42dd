#include "io/output.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <system_error>

#include "kernels/common/errors.hpp"

namespace fs = std::filesystem;

namespace crmpi {

OutputSet::OutputSet(const Comm& comm, std::string dir, bool with_csv) : comm_(comm), dir_(std::move(dir)) {
  std::string error;
  if (dir_.empty()) dir_ = ".";
  if (comm_.is_root()) {
    std::error_code ec;
    fs::create_directories(with_csv ? fs::path(dir_) / "csv" : fs::path(dir_), ec);
    if (ec) error = "cannot create output directory '" + dir_ + "': " + ec.message();
    // A token unique to this run, so concurrent or crashed runs never share a temporary.
    std::random_device rd;
    token_ = std::to_string(::getpid()) + "-" + std::to_string(rd() % 1000000);
  }
  comm_.bcast(error);
  if (!error.empty()) throw IoError(error);
  comm_.bcast(token_);
}

std::string OutputSet::temp_path(const std::string& relative) {
  relatives_.push_back(relative);
  const fs::path p = fs::path(dir_) / relative;
  return (p.parent_path() / ("." + p.filename().string() + ".tmp-" + token_)).string();
}

std::string OutputSet::temp_dir(const std::string& relative) {
  dirs_.push_back(relative);
  const fs::path p = fs::path(dir_) / relative;
  const fs::path tmp = p.parent_path() / ("." + p.filename().string() + ".tmp-" + token_);
  std::string error;
  if (comm_.is_root()) {
    std::error_code ec;
    fs::create_directories(tmp, ec);
    if (ec) error = "cannot create the folder '" + tmp.string() + "': " + ec.message();
  }
  comm_.bcast(error);
  if (!error.empty()) throw IoError(error);
  return tmp.string();
}

namespace {

// `p` replaced by the finished folder `tmp`: the old one is renamed aside first (a folder cannot
// be renamed over a non-empty one), then removed.
void replace_dir(const fs::path& tmp, const fs::path& p, const std::string& token, std::error_code& ec) {
  const fs::path old = p.parent_path() / ("." + p.filename().string() + ".old-" + token);
  const bool had = fs::exists(p, ec);
  if (ec) return;
  if (had) fs::rename(p, old, ec);
  if (ec) return;
  fs::rename(tmp, p, ec);
  if (ec) return;
  if (had) fs::remove_all(old, ec);
}

}  // namespace

void OutputSet::commit() {
  comm_.barrier();  // every rank has closed its handles on the temporaries
  std::string error;
  if (comm_.is_root()) {
    // Results last: a reader that sees the new results.h5 also sees the matching CSV files.
    std::vector<std::string> order;
    for (const auto& r : relatives_)
      if (r.rfind("csv/", 0) == 0) order.push_back(r);
    for (const auto& r : relatives_)
      if (r.rfind("csv/", 0) != 0) order.push_back(r);
    for (const auto& r : retired_) {
      std::error_code ec;
      fs::remove_all(fs::path(dir_) / r, ec);
      if (ec) {
        error = "cannot remove " + r + " of an earlier run in '" + dir_ + "': " + ec.message();
        break;
      }
    }
    for (const auto& r : dirs_) {
      if (!error.empty()) break;
      std::error_code ec;
      const fs::path p = fs::path(dir_) / r;
      replace_dir(p.parent_path() / ("." + p.filename().string() + ".tmp-" + token_), p, token_, ec);
      if (ec) error = "cannot move the finished folder " + r + " into place in '" + dir_ + "': " + ec.message();
    }
    for (const auto& r : order) {
      if (!error.empty()) break;
      std::error_code ec;
      const fs::path p = fs::path(dir_) / r;
      fs::rename(p.parent_path() / ("." + p.filename().string() + ".tmp-" + token_), p, ec);
      if (ec) {
        error = "cannot move the finished " + r + " into place in '" + dir_ + "': " + ec.message();
        break;
      }
    }
  }
  comm_.bcast(error);
  committed_ = true;
  if (!error.empty()) throw IoError(error);
}

OutputSet::~OutputSet() {
  if (committed_ || !comm_.is_root()) return;
  for (const auto& r : relatives_) {
    std::error_code ec;
    const fs::path p = fs::path(dir_) / r;
    fs::remove(p.parent_path() / ("." + p.filename().string() + ".tmp-" + token_), ec);
  }
  for (const auto& r : dirs_) {
    std::error_code ec;
    const fs::path p = fs::path(dir_) / r;
    fs::remove_all(p.parent_path() / ("." + p.filename().string() + ".tmp-" + token_), ec);
  }
}

}  // namespace crmpi
