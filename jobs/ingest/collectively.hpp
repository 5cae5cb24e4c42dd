// Turning a failure that may happen on some ranks only into one every rank raises together.
#pragma once

#include <string>

#include "comm/comm.hpp"
#include "jobs/common/job_common.hpp"

namespace crmpi::ingest_job {

// Runs fn on every rank; if any rank throws a crmpi::Error, every rank throws the same
// CollectiveError (the lowest failing rank's message and code), so no rank waits in a collective.
// fn itself must not enter a collective after a rank may have thrown: the others would wait there.
template <class Fn>
void collectively(const Comm& comm, Fn&& fn) {
  int code = 0;
  std::string msg;
  try {
    fn();
  } catch (const CollectiveError&) {
    throw;
  } catch (const Error& e) {
    code = e.exit_code();
    msg = e.what();
  }
  if (comm.allreduce_max(code) == 0) return;
  const auto codes = comm.allgather(code);
  const auto msgs = comm.allgather_strings(msg);
  for (std::size_t r = 0; r < codes.size(); ++r)
    if (codes[r] != 0) throw CollectiveError(static_cast<ExitCode>(codes[r]), msgs[r]);
}

}  // namespace crmpi::ingest_job
