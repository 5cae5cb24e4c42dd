// The fuzz input as a file, for the readers that take a path: one file per process (libFuzzer's
// -fork/-jobs run several), rewritten for every input. It lives in memory where it can: in
// $CRMPI_FUZZ_TMPDIR if set, else /dev/shm when writable, else $TMPDIR (default /tmp). On a disk
// file system a file truncated and rewritten is flushed to the disk at close (ext4's
// auto_da_alloc), which cost the TOML target three quarters of its time per input.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace crmpi::fuzz {

inline std::string temp_dir() {
  if (const char* dir = std::getenv("CRMPI_FUZZ_TMPDIR"); dir && *dir) return dir;
  if (::access("/dev/shm", W_OK | X_OK) == 0) return "/dev/shm";
  const char* dir = std::getenv("TMPDIR");
  return dir && *dir ? dir : "/tmp";
}

inline const std::string& write_temp_file(const void* data, std::size_t size, const char* suffix) {
  static std::string path;
  if (path.empty()) {
    path = temp_dir() + "/crmpi_fuzz_" + std::to_string(getpid()) + suffix;
    std::atexit([] { std::remove(path.c_str()); });
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) __builtin_trap();
  if (size && std::fwrite(data, 1, size, f) != size) __builtin_trap();
  std::fclose(f);
  return path;
}

}  // namespace crmpi::fuzz
