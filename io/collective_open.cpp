#include "io/collective_open.hpp"

#include <filesystem>
#include <system_error>

#include "kernels/common/errors.hpp"

namespace crmpi {

OpenedFile open_on_all_ranks(const Comm& comm, const std::string& path, const std::string& what) {
  OpenedFile out;
  // Rank 0 decides whether the file is there, so all ranks fail (or not) together.
  int state = 0;  // 0 ok, 1 missing, 2 not a regular file
  if (comm.is_root()) {
    std::error_code ec;
    const auto st = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(st))
      state = 1;
    else if (!std::filesystem::is_regular_file(st))
      state = 2;
    else
      out.bytes = std::filesystem::file_size(path, ec);
  }
  comm.bcast(state);
  comm.bcast(out.bytes);
  if (state == 1) throw NoInputError(what + " file '" + path + "' does not exist");
  if (state == 2) throw NoInputError(what + " '" + path + "' is not a regular file");
  if (out.bytes == 0) throw DataError(what + " file '" + path + "' is empty (0 bytes)");
  std::string open_error;
  try {
    out.file = h5::open_read_posix(path);
  } catch (const Error& e) {
    open_error = e.what();
  }
  if (comm.allreduce_or(!open_error.empty())) {
    comm.bcast(open_error);  // rank 0's message (every rank reads the same file)
    throw DataError(open_error.empty() ? "cannot open '" + path + "' as HDF5 on some ranks" : open_error);
  }
  return out;
}

}  // namespace crmpi
