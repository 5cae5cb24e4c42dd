// Scratch files for io_text tests: a per-test directory removed at the end, plain and gzip writers.
#pragma once

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace crmpi::textio::testing {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("crmpi_io_text_" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream out(path(name), std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path(name);
  }

  // Gzip `bytes` (as one member); append=true adds a second member (a multi-member file).
  std::string write_gz(const std::string& name, const std::string& bytes, bool append = false) const {
    gzFile f = gzopen(path(name).c_str(), append ? "ab" : "wb");
    if (!bytes.empty()) gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
    return path(name);
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace crmpi::textio::testing
