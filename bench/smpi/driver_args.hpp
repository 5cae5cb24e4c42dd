// The command line the SMPI drivers share (rfm_, clv_, kmeans_ and rules_scaling): --mode weak|strong,
// --customers N, --seed S, --chunk C, plus what a driver adds. Every rank parses the same
// arguments, so a UsageError ends every rank the same way.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace crmpi::smpi_bench {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Fills o.weak, o.customers, o.seed and o.chunk; another flag goes to extra(o, flag, number),
// which returns false when it does not know it (number() reads the flag's numeric value).
template <class Options, class Extra>
Options parse_driver_args(int argc, char** argv, Options o, const std::string& usage_text, Extra extra) {
  auto usage = [&](const std::string& msg) { throw UsageError(msg + "\n" + usage_text); };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value after " + a);
      return argv[++i];
    };
    auto number = [&]() -> std::uint64_t {
      const std::string v = value();
      char* end = nullptr;
      const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0') usage("not a number: " + v);
      return n;
    };
    if (a == "--mode") {
      const std::string m = value();
      if (m != "weak" && m != "strong") usage("--mode must be weak or strong");
      o.weak = m == "weak";
    } else if (a == "--customers") {
      o.customers = number();
    } else if (a == "--seed") {
      o.seed = number();
    } else if (a == "--chunk") {
      o.chunk = std::max<std::uint64_t>(1, number());
    } else if (!extra(o, a, number)) {
      usage("unknown argument " + a);
    }
  }
  return o;
}

}  // namespace crmpi::smpi_bench
