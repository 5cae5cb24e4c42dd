// Opening an HDF5 file that every rank then reads on its own (POSIX driver, no MPI-IO; see
// h5::open_read_posix), decided collectively: rank 0 checks the path, every rank opens it, and a
// missing, empty or unreadable file fails on all ranks together with rank 0's message. Shared by
// the input (InputFile) and an earlier job's results (ResultsReader).
#pragma once

#include <cstdint>
#include <string>

#include "comm/comm.hpp"
#include "io/h5.hpp"

namespace crmpi {

struct OpenedFile {
  h5::Handle file;
  std::uint64_t bytes = 0;  // the file's size as rank 0 saw it
};

// Collective. `what` names the file in messages ("input", "results"). Missing path or not a
// regular file: NoInputError (66); empty or not HDF5 on some rank: DataError (65).
OpenedFile open_on_all_ranks(const Comm& comm, const std::string& path, const std::string& what);

}  // namespace crmpi
