// Errors that end a crmpi job, each with the exit code it maps to (sysexits.h numbering), so a
// scheduler or script can tell bad data from a bad configuration from an I/O failure.
#pragma once

#include <stdexcept>
#include <string>

namespace crmpi {

enum class ExitCode : int {
  kOk = 0,
  kUsage = 64,      // EX_USAGE: bad command line
  kDataErr = 65,    // EX_DATAERR: input data is invalid
  kNoInput = 66,    // EX_NOINPUT: input file missing or unreadable
  kUnavailable = 69,  // EX_UNAVAILABLE: a program or file crmpi needs is missing (the report's Python)
  kSoftware = 70,   // EX_SOFTWARE: internal error (a bug)
  kIoErr = 74,      // EX_IOERR: I/O failed while reading or writing
  kConfig = 78,     // EX_CONFIG: impossible or unknown configuration
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }
  int exit_code() const { return static_cast<int>(code_); }

 private:
  ExitCode code_;
};

struct DataError : Error {
  explicit DataError(const std::string& m) : Error(ExitCode::kDataErr, m) {}
};
struct NoInputError : Error {
  explicit NoInputError(const std::string& m) : Error(ExitCode::kNoInput, m) {}
};
struct IoError : Error {
  explicit IoError(const std::string& m) : Error(ExitCode::kIoErr, m) {}
};
struct ConfigError : Error {
  explicit ConfigError(const std::string& m) : Error(ExitCode::kConfig, m) {}
};

}  // namespace crmpi
