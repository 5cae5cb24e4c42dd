// The fuzz input as a file, for the readers that take a path: one file per process (libFuzzer's
// -fork/-jobs run several), rewritten for every input, in $TMPDIR (default /tmp).
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace crmpi::fuzz {

inline const std::string& write_temp_file(const void* data, std::size_t size, const char* suffix) {
  static std::string path;
  if (path.empty()) {
    const char* dir = std::getenv("TMPDIR");
    path = std::string(dir && *dir ? dir : "/tmp") + "/crmpi_fuzz_" + std::to_string(getpid()) + suffix;
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) __builtin_trap();
  if (size && std::fwrite(data, 1, size, f) != size) __builtin_trap();
  std::fclose(f);
  return path;
}

}  // namespace crmpi::fuzz
