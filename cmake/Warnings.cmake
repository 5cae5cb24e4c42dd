# One warning set for all of crmpi's own code (third-party headers come in as SYSTEM).
# -Wsign-conversion is left out on purpose: it flags every size_t/index mix and hides real findings.
add_library(crmpi_warnings INTERFACE)
target_compile_options(crmpi_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(CRMPI_WERROR)
  target_compile_options(crmpi_warnings INTERFACE -Werror)
endif()
if(CRMPI_SANITIZE)
  target_compile_options(crmpi_warnings INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(crmpi_warnings INTERFACE -fsanitize=address,undefined)
endif()
