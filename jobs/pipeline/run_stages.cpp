#include "jobs/pipeline/run_stages.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "jobs/common/log.hpp"
#include "jobs/common/stop_signal.hpp"
#include "jobs/pipeline/checkpoints.hpp"

namespace crmpi {

namespace {

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

bool contains(const std::vector<const Stage*>& v, const Stage* s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

StageRunSummary run_stages(const JobContext& ctx, const CommonConfig& common, const std::vector<Stage*>& stages,
                           const StageRunOptions& options) {
  Stopwatch total;
  OpenedInput in = open_input(ctx, common);
  const StageInput input{ctx, common, *in.file, in.slice, in.customers};

  // 1. One pass over the orders: validation, with every stage's accumulation riding on it.
  OrderPassHooks hooks;
  for (const Stage* s : stages) {
    const OrderColumns c = s->extra_order_columns();
    hooks.extra.order_id |= c.order_id;
    hooks.extra.channel |= c.channel;
    hooks.extra.item_offset |= c.item_offset;
  }
  Progress progress(ctx.comm, "read", in.slice.orders(), "orders");
  hooks.begin = [&](const SliceCustomers&) {
    for (Stage* s : stages) s->begin_pass(input);
  };
  hooks.chunk = [&](const OrderChunk& chunk) {
    for (Stage* s : stages) s->consume(chunk);
    progress.update(chunk.order_begin + chunk.size - in.slice.order_begin);
  };
  const CommMeter pass_comm;
  validate_input(ctx, common, in, &hooks);
  pass_comm.log(ctx.comm, "read pass");
  // The order offsets serve the pass alone; the ids stay lent to the stages' results.
  std::vector<std::uint64_t>().swap(in.customers.order_offset);

  // The checkpoints' keys: the input as validated, each stage's configuration.
  const Checkpoints checkpoints(ctx.comm, common.out);
  InputIdentity identity;
  if (options.checkpoints) identity = input_identity(ctx.comm, common.input, in.report.checksum_hex());
  auto key_of = [&](const Stage* s) {
    const std::string name(s->name());
    return checkpoint_key(name, options.checkpoint_config ? options.checkpoint_config(name) : "", identity);
  };

  // 2. Each stage's distributed work, in order (or its checkpoint, when resuming).
  StageRunSummary summary;
  std::vector<const Stage*> done, resumed;
  for (Stage* s : stages) {
    const std::string name(s->name());
    std::string key;
    if (options.checkpoints) {
      // A changed input first: a run stopped by a signal must not leave checkpoints to resume from
      // as if the input were the one validated.
      check_input_unchanged(ctx.comm, common.input, identity, "before the " + name + " stage");
      if (stops_allowed() && stop_requested(ctx.comm))
        throw CollectiveError(static_cast<ExitCode>(kStoppedExitCode),
                              "stopped by a signal before the " + name + " stage; the stages before it are saved in " +
                                  common.out + "/checkpoints/: `crmpi run --resume` with the same options continues");
      key = key_of(s);
      if (options.resume) {
        if (const auto found = checkpoints.find(name, key)) {
          if (found->skipped) {
            spdlog::warn("run: skipping {} (as its checkpoint says): {}", name, found->reason);
            summary.skipped.push_back(found->reason);
            continue;
          }
          Stopwatch sw;
          checkpoints.load(*s, input);
          spdlog::info("run: {} resumed from {} (key {}) in {:.2f}s", name, checkpoints.dir(name), key, sw.seconds());
          done.push_back(s);
          resumed.push_back(s);
          summary.ran.push_back(name);
          summary.resumed.push_back(name);
          continue;
        }
        spdlog::info("run: {} has no checkpoint with key {}: computing it", name, key);
      }
    }
    const CommMeter stage_comm;
    const std::optional<std::string> skipped = s->compute(input, EarlierStages(done));
    stage_comm.log(ctx.comm, name);
    if (options.checkpoints) allow_stops(true);  // this run has made progress (stop_signal.hpp)
    if (skipped) {
      if (options.skip_is_error) throw CollectiveError(DataError(*skipped));
      spdlog::warn("run: skipping {}: {}", s->name(), *skipped);
      summary.skipped.push_back(*skipped);
      if (options.checkpoints) checkpoints.save_skipped(name, key, *skipped);
      continue;
    }
    done.push_back(s);
    summary.ran.push_back(name);
    if (options.checkpoints) {
      // Its key says "computed from the input as validated": so it must have been, reads included.
      check_input_unchanged(ctx.comm, common.input, identity, "during the " + name + " stage");
      Stopwatch sw;
      checkpoints.save(*s, input, key);
      spdlog::info("run: {} checkpoint written to {} in {:.2f}s", name, checkpoints.dir(name), sw.seconds());
    }
  }

  // 3. One results.h5 and csv/ folder, committed atomically. A resumed stage's part is copied from
  // its checkpoint: the datasets its write() gave then, which a computed stage's write() gives now.
  const CommMeter write_comm;
  Stopwatch write_time;
  OutputSet out(ctx.comm, common.out);
  const std::string results_path = out.temp_path("results.h5");
  try {
    ResultsFile results(ctx.comm, results_path);
    for (const Stage* s : done)
      if (!contains(resumed, s)) {
        // Each stage's part timed: the write is collective (parallel HDF5 through MPI-IO), and
        // its cost per dataset grows with the ranks (docs/scaling.md).
        Stopwatch sw;
        s->write(input, results, out);
        spdlog::info("results write: {} in {:.2f}s", s->name(), sw.seconds());
        fault_point(ctx.comm, "results-write");
      }
    results.write_provenance(make_provenance(ctx, in));
    if (options.record_stages) {
      results.write_attr_string(results_schema::root::kStagesRun, join(summary.ran, ","));
      results.write_attr_string(results_schema::root::kStagesSkipped, join(summary.skipped, "; "));
    }
  } catch (const CollectiveError&) {
    throw;
  } catch (const IoError& e) {
    throw write_failure(results_path, e.what());  // e.g. the disk is full (docs/RELIABILITY.md)
  }
  for (const Stage* s : resumed) {
    checkpoints.copy_csv(std::string(s->name()), out);
    checkpoints.copy_groups(std::string(s->name()), results_path);
  }
  for (const Stage* s : done) s->retire_outputs(out);  // resumed ones too (stage.hpp)
  // Outputs derived from the complete results.h5 (resumed stages copied in) join the commit.
  if (options.before_commit) options.before_commit(results_path, out);
  if (options.checkpoints) check_input_unchanged(ctx.comm, common.input, identity, "before the commit");
  out.commit();
  spdlog::info("results write: results.h5 and csv/ committed in {:.2f}s", write_time.seconds());
  write_comm.log(ctx.comm, "results write");
  log_memory_use(ctx.comm, ctx.command.c_str(), ctx.baseline_rss, slice_bytes(in.slice));

  // 4. What each stage tells the user (a resumed stage said it when it ran).
  for (const Stage* s : done)
    if (!contains(resumed, s)) s->report(input);
  if (!summary.resumed.empty()) spdlog::info("run: resumed from checkpoints: {}", join(summary.resumed, ", "));
  summary.currency = in.file->currency();
  summary.seconds = total.seconds();
  return summary;
}

}  // namespace crmpi
