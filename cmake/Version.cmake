# crmpi's version string for provenance: project version + git hash (+ "-dirty"), refreshed every build.
set(CRMPI_VERSION_CPP ${CMAKE_BINARY_DIR}/generated/version.cpp)
add_custom_target(crmpi_version_stamp ALL
  COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR} -DOUT=${CRMPI_VERSION_CPP}
          -DVER=${PROJECT_VERSION} -P ${CMAKE_SOURCE_DIR}/cmake/WriteVersion.cmake
  BYPRODUCTS ${CRMPI_VERSION_CPP}
  COMMENT "crmpi version stamp")
