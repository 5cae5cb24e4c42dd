// CollectiveError, apart from job_common.hpp (which includes HDF5 and the option parser), so that
// code built without them (jobs/kmeans/distributed.cpp under bench/smpi) can throw it too.
#pragma once

#include "kernels/common/errors.hpp"

namespace crmpi {

// Errors that every rank raises together (same config, same collective verdict): the job ends
// cleanly with the error's exit code and rank 0 prints the message once.
struct CollectiveError : Error {
  using Error::Error;
  explicit CollectiveError(const Error& e) : Error(e.code(), e.what()) {}
};

}  // namespace crmpi
