#include "jobs/pipeline/run_stages.hpp"

#include <spdlog/spdlog.h>

#include "jobs/common/log.hpp"

namespace crmpi {

namespace {

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

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
  validate_input(ctx, common, in, &hooks);
  // The order offsets serve the pass alone; the ids stay lent to the stages' results.
  std::vector<std::uint64_t>().swap(in.customers.order_offset);

  // 2. Each stage's distributed work, in order.
  StageRunSummary summary;
  std::vector<const Stage*> done;
  for (Stage* s : stages) {
    const std::optional<std::string> skipped = s->compute(input, EarlierStages(done));
    if (skipped) {
      if (options.skip_is_error) throw CollectiveError(DataError(*skipped));
      spdlog::warn("run: skipping {}: {}", s->name(), *skipped);
      summary.skipped.push_back(*skipped);
      continue;
    }
    done.push_back(s);
    summary.ran.emplace_back(s->name());
  }

  // 3. One results.h5 and csv/ folder, committed atomically.
  OutputSet out(ctx.comm, common.out);
  const std::string results_path = out.temp_path("results.h5");
  {
    ResultsFile results(ctx.comm, results_path);
    for (const Stage* s : done) s->write(input, results, out);
    results.write_provenance(make_provenance(ctx, in));
    if (options.record_stages) {
      results.write_attr_string(results_schema::root::kStagesRun, join(summary.ran, ","));
      results.write_attr_string(results_schema::root::kStagesSkipped, join(summary.skipped, "; "));
    }
  }
  if (options.before_commit) options.before_commit(results_path, out);
  out.commit();
  log_memory_use(ctx.comm, ctx.command.c_str(), ctx.baseline_rss, slice_bytes(in.slice));

  // 4. What each stage tells the user.
  for (const Stage* s : done) s->report(input);
  summary.currency = in.file->currency();
  summary.seconds = total.seconds();
  return summary;
}

}  // namespace crmpi
