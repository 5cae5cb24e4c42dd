// The shape every analysis stage follows (rfm, clv; next kmeans, rules, insights), so that one
// runner (jobs/pipeline/run_stages.hpp) can run any list of them over one read of the input:
//
//   1. begin_pass / consume: the stage's share of the single streaming pass over the orders
//      (validation's pass: the orders are read once per job, whatever the number of stages);
//   2. compute: the distributed work on what the pass gathered, and on earlier stages' results;
//   3. write: its part of results.h5 (layout: io/results_schema.hpp) and its CSV files;
//   4. report: what it tells the user once the outputs are committed.
//
// A stage holds its typed config (parsed and checked before any rank reads data) and its result
// for this rank's customer slice. Each stage's folder under jobs/ has the config, the compute and
// the writer; the stage class ties them together.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "comm/comm.hpp"
#include "io/input_file.hpp"
#include "io/order_chunks.hpp"
#include "io/output.hpp"
#include "io/results_file.hpp"
#include "io/validate.hpp"
#include "jobs/common/carry.hpp"
#include "jobs/common/job_common.hpp"

namespace crmpi {

class Stage;

// What every stage may read: the job, the input and this rank's slice of it.
struct StageInput {
  const JobContext& ctx;
  const CommonConfig& common;
  InputFile& file;
  const Slice& slice;
  // Filled when the pass begins. The ids and signup days stay for the whole job (results may keep
  // spans of them); the order offsets only for the pass.
  const SliceCustomers& customers;
  const Comm& comm() const { return ctx.comm; }
};

// The stages that ran before this one in the same job, for stages that build on their results.
class EarlierStages {
 public:
  explicit EarlierStages(const std::vector<const Stage*>& done) : done_(done) {}
  // The earlier stage of that type that ran (was not skipped), or nullptr.
  template <class S>
  const S* find() const {
    for (const Stage* s : done_)
      if (const auto* t = dynamic_cast<const S*>(s)) return t;
    return nullptr;
  }

 private:
  const std::vector<const Stage*>& done_;
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view name() const = 0;

  // The single pass over the orders. `begin_pass` runs before the first chunk; `consume` sees every
  // chunk of the rank's orders, in order (chunks end on customer boundaries; io/order_chunks.hpp).
  // A stage that needs no orders keeps the defaults.
  virtual OrderColumns extra_order_columns() const { return {}; }
  virtual void begin_pass(const StageInput&) {}
  virtual void consume(const OrderChunk&) {}

  // After the pass, once the whole input validated: the stage's distributed work. Returns the
  // reason when this input cannot support the stage (it is then skipped: nothing is written).
  virtual std::optional<std::string> compute(const StageInput& in, const EarlierStages& earlier) = 0;
  // Its datasets in results.h5 and its files in the output's csv/ folder. Collective.
  virtual void write(const StageInput& in, ResultsFile& results, OutputSet& out) const = 0;
  // The files of an earlier run in the output folder that the stage, as configured, does not
  // write and that would not describe these results (OutputSet::retire: removed at commit).
  // Called whether the stage ran or was resumed from its checkpoint (which copies only what it
  // wrote), so that a resumed run leaves no stale file either.
  virtual void retire_outputs(OutputSet&) const {}
  // After the outputs are committed (every rank calls it; logs on rank 0).
  virtual void report(const StageInput&) const {}

  // Checkpoints (`crmpi run`, jobs/pipeline/checkpoints.hpp). save_carry: beside the stage's
  // results, what later stages and the run's summary read of its result (collective); load_carry:
  // in place of compute when the checkpoint matches, the same fields back for this rank's slice.
  // A stage that nothing reads after it keeps the defaults.
  virtual void save_carry(const StageInput&, CarryWriter&) const {}
  virtual void load_carry(const StageInput&, const CarryReader&) {}
};

}  // namespace crmpi
