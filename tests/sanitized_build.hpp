// Whether the tests run in the sanitizer build (scripts/build.sh asan: clang -O0 under ASan and
// UBSan, 10-50x slower than the release build; tests/CMakeLists.txt defines CRMPI_SANITIZED_BUILD
// for every test there). A test that repeats one check over many sizes or seeds runs fewer of
// them in it: that build looks for memory errors and undefined behaviour along the same code
// paths, and the release build runs every size and seed.
#pragma once

namespace crmpi_test {

#ifdef CRMPI_SANITIZED_BUILD
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif

}  // namespace crmpi_test
