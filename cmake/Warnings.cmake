# One warning set for all of crmpi's own code (third-party headers come in as SYSTEM).
# Left out on purpose: -Wsign-conversion (flags every size_t/index mix and hides real findings) and
# -Wnull-dereference (GCC 12 at -O2 reports false positives inside libstdc++ std::string).
add_library(crmpi_warnings INTERFACE)
target_compile_options(crmpi_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(CRMPI_WERROR)
  target_compile_options(crmpi_warnings INTERFACE -Werror)
endif()
if(CRMPI_SANITIZE)
  target_compile_options(crmpi_warnings INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(crmpi_warnings INTERFACE -fsanitize=address,undefined)
endif()
