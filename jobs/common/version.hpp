#pragma once
namespace crmpi {
// "0.1.0+<git hash>[-dirty]", stamped at build time (cmake/WriteVersion.cmake).
const char* version_string();
}  // namespace crmpi
