#include "jobs/common/log.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include "kernels/common/errors.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>

namespace crmpi {

void setup_logging(const Comm& comm, const std::string& level) {
  auto logger = spdlog::stderr_color_mt("crmpi");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern(comm.is_root() ? "[%H:%M:%S.%e] %^%l%$ %v" : fmt::format("[%H:%M:%S.%e] [rank {}] %^%l%$ %v", comm.rank()));
  const auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off")
    throw ConfigError("unknown log level '" + level + "' (trace, debug, info, warn, error, off)");
  spdlog::set_level(comm.is_root() ? lvl : std::max(lvl, spdlog::level::warn));
}

std::string human_count(double v) {
  if (v >= 1e9) return fmt::format("{:.2f}G", v / 1e9);
  if (v >= 1e6) return fmt::format("{:.2f}M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.1f}k", v / 1e3);
  return fmt::format("{:.0f}", v);
}

Progress::Progress(const Comm& comm, std::string stage, std::uint64_t total, std::string unit, double interval_s)
    : log_(comm.is_root()),
      stage_(std::move(stage)),
      unit_(std::move(unit)),
      total_(total),
      interval_(interval_s),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

double Progress::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::update(std::uint64_t done, std::uint64_t work_units, const char* work_name) {
  if (!log_) return;
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_).count() < interval_ && done < total_) return;
  last_ = now;
  const double t = std::max(1e-9, seconds());
  const double frac = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const double eta = frac > 0 ? t * (1 - frac) / frac : 0.0;
  std::string rate = work_name ? fmt::format("{} {}/s per rank", human_count(static_cast<double>(work_units) / t), work_name)
                               : fmt::format("{} {}/s per rank", human_count(static_cast<double>(done) / t), unit_);
  spdlog::info("{}: {:.0f}% ({}/{} {} on rank 0), {}, ETA {:.0f}s", stage_, 100 * frac,
               human_count(static_cast<double>(done)), human_count(static_cast<double>(total_)), unit_, rate, eta);
}

}  // namespace crmpi

namespace crmpi {

std::uint64_t peak_rss_bytes() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<std::uint64_t>(ru.ru_maxrss) * 1024;
}

std::uint64_t current_rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

void log_memory_use(const Comm& comm, const char* stage, std::uint64_t baseline_rss, std::uint64_t slice_bytes) {
  const std::uint64_t peak = peak_rss_bytes();
  const std::uint64_t above = peak > baseline_rss ? peak - baseline_rss : 0;
  struct Row {
    std::uint64_t above, peak, slice;
  };
  const auto rows = comm.allgather(Row{above, peak, slice_bytes});
  const double mib = 1024.0 * 1024.0;
  auto describe = [&](const Row& w) {
    std::string s = fmt::format("peak RSS {:.1f} MiB, {:.1f} MiB above the {:.1f} MiB baseline",
                                static_cast<double>(w.peak) / mib, static_cast<double>(w.above) / mib,
                                static_cast<double>(w.peak - w.above) / mib);
    if (w.slice > 0)
      s += fmt::format("; its slice of the data is {:.1f} MiB (ratio {:.2f})", static_cast<double>(w.slice) / mib,
                       static_cast<double>(w.above) / static_cast<double>(w.slice));
    return s;
  };
  std::size_t worst = 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    spdlog::info("{}: memory on rank {}: {}", stage, r, describe(rows[r]));
    if (rows[r].above > rows[worst].above) worst = r;
  }
  if (rows.size() > 1) spdlog::info("{}: memory on rank {} (largest): {}", stage, worst, describe(rows[worst]));
}

}  // namespace crmpi

namespace crmpi {

void CommMeter::log(const Comm& comm, const std::string& what) const {
  const CommTraffic& now = Comm::traffic();  // before the reductions below, which it must not count
  const std::uint64_t bytes = now.bytes - start_.bytes, calls = now.calls - start_.calls;
  const double seconds = now.seconds - start_.seconds;
  const std::uint64_t max_bytes = comm.allreduce_max(bytes);
  const double max_seconds = comm.allreduce_max(seconds);
  if (!comm.is_root()) return;
  const auto mib = [](std::uint64_t b) { return static_cast<double>(b) / (1024.0 * 1024.0); };
  if (comm.size() == 1)
    spdlog::info("{}: communication: {} calls, {:.3f} MiB sent, {:.3f}s in MPI", what, calls, mib(bytes), seconds);
  else
    spdlog::info("{}: communication: rank 0 sent {:.3f} MiB in {} calls, {:.3f}s in MPI; the largest rank {:.3f} MiB, "
                 "{:.3f}s in MPI",
                 what, mib(bytes), calls, seconds, mib(max_bytes), max_seconds);
}

}  // namespace crmpi
