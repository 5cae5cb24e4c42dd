// Real data sets for unit tests: files under $CRMPI_SHARED_DATA (tests/CMakeLists.txt sets it to
// the checkout's ../shared/data). A test that needs one skips where it is absent, visibly: it is
// registered on its own (crmpi_unit_test's DATA list), so ctest reports it as "Skipped". Under
// CI=true it fails instead: CI must run the real data checks, and a skip would let a missing
// folder go unnoticed (scripts/test.sh also stops early, with a message, when ../shared/data is
// missing). The same rule holds for the data-dependent e2e scripts.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace crmpi_test {

// Path of `rel` under $CRMPI_SHARED_DATA, or "" when the variable is unset or the file absent.
inline std::string shared_data_file(const std::string& rel) {
  const char* root = std::getenv("CRMPI_SHARED_DATA");
  if (!root || !*root) return {};
  const std::string path = std::string(root) + "/" + rel;
  return std::filesystem::exists(path) ? path : std::string();
}

inline bool ci_requires_data() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

}  // namespace crmpi_test

// Ends the test when `path` (from shared_data_file) is empty: a skip, or a failure under CI=true.
#define CRMPI_SKIP_WITHOUT_DATA(path, what)                                                          \
  do {                                                                                               \
    if ((path).empty()) {                                                                            \
      if (crmpi_test::ci_requires_data())                                                            \
        FAIL() << what << " not found under $CRMPI_SHARED_DATA; CI=true needs the real data sets";   \
      GTEST_SKIP() << what << " not found under $CRMPI_SHARED_DATA";                                 \
    }                                                                                                \
  } while (0)
