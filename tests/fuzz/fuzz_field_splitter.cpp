// libFuzzer target: the delimited-record splitter (kernels/ingest/field_splitter.hpp), with its
// single-pass path for simple lines (simple_fields.hpp) checked against the general path on every
// record: same status, same fields, same next record. Also the header test on each record.
// Input: byte 0 picks the dialect, byte 1 the expected column count (0..7), the rest is the text.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "kernels/ingest/field_splitter.hpp"
#include "kernels/ingest/header_check.hpp"

using crmpi::ingest::Dialect;
using crmpi::ingest::FieldSplitter;
using crmpi::ingest::SplitStatus;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  static const Dialect kDialects[] = {Dialect::comma(), Dialect::tab(), Dialect::semicolon(), Dialect::whitespace(),
                                      Dialect{.delimiter = ',', .quoting = false},
                                      Dialect{.delimiter = ',', .allow_quoted_newlines = true}};
  const Dialect dialect = kDialects[data[0] % std::size(kDialects)];
  const std::size_t columns = data[1] % 8;
  const std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);
  FieldSplitter fast(dialect, columns), general(dialect, columns);
  general.set_simple_fast_path(false);
  for (std::size_t pos = 0; pos < text.size();) {
    const SplitStatus a = fast.split(text, pos, /*at_eof=*/true);
    const SplitStatus b = general.split(text, pos, /*at_eof=*/true);
    if (a != b || fast.next_pos() != general.next_pos() || fast.raw() != general.raw()) __builtin_trap();
    if (a == SplitStatus::kNeedMore) __builtin_trap();  // at_eof: every record is complete
    const auto fa = fast.fields(), fb = general.fields();
    if (a == SplitStatus::kOk || a == SplitStatus::kWrongColumnCount) {
      if (fa.size() != fb.size()) __builtin_trap();
      for (std::size_t i = 0; i < fa.size(); ++i)
        if (fa[i] != fb[i]) __builtin_trap();
      (void)crmpi::ingest::header_looks_like_data(fa);
    }
    if (fast.next_pos() <= pos) __builtin_trap();  // no progress: the reader would loop forever
    pos = fast.next_pos();
  }
  return 0;
}
