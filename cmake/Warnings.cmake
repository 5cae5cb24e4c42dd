# One warning set for all of crmpi's own code (third-party headers come in as SYSTEM).
# Left out on purpose: -Wsign-conversion (flags every size_t/index mix and hides real findings) and
# -Wnull-dereference (GCC 12 at -O2 reports false positives inside libstdc++ std::string).
add_library(crmpi_warnings INTERFACE)
target_compile_options(crmpi_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  # The same set as GCC's where clang means the same: clang's -Wconversion includes
  # -Wsign-conversion (left out above), and its -Wdouble-promotion reports every implicit
  # float -> double, where GCC's reports only the promotions of arithmetic (the k-means kernels
  # widen float features into double sums on purpose).
  target_compile_options(crmpi_warnings INTERFACE -Wno-sign-conversion -Wno-double-promotion)
endif()
if(CRMPI_WERROR)
  target_compile_options(crmpi_warnings INTERFACE -Werror)
  # GCC 12 at -O3 (CMAKE_BUILD_TYPE=Release) reports -Wrestrict inside libstdc++'s inlined
  # std::string operator+ (GCC bug 105329): still shown, not fatal, so a Release build works.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(crmpi_warnings INTERFACE -Wno-error=restrict)
  endif()
endif()
if(CRMPI_SANITIZE)
  target_compile_options(crmpi_warnings INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(crmpi_warnings INTERFACE -fsanitize=address,undefined)
endif()
if(CRMPI_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CRMPI_FUZZ needs clang (libFuzzer): -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
  endif()
  # Coverage feedback for libFuzzer in every library the targets link; the targets themselves
  # add -fsanitize=fuzzer (libFuzzer's main) at link time (tests/fuzz/CMakeLists.txt).
  target_compile_options(crmpi_warnings INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                         -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(crmpi_warnings INTERFACE -fsanitize=address,undefined)
endif()
