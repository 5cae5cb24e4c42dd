// The checkpoint key of `crmpi run` (jobs/pipeline/checkpoints.hpp): the canonical text of the
// configuration tables a stage depends on, and the key over it and the input's identity. What
// must hold (docs/RELIABILITY.md): the same configuration gives the same text whatever the order
// of its keys, tables the stage does not depend on are left out, and the key changes with every
// part of what it covers.
#include <gtest/gtest.h>

#include <string>

#include "jobs/pipeline/checkpoints.hpp"

namespace crmpi {
namespace {

const char* kConfig = R"(input = "/data/q3.h5"
chunk-rows = 4096
[rfm]
segments = ""
as-of = "2024-09-30"
[clv]
models = ["bgnbd", "gg"]
time-unit = "week"
[kmeans]
k = 8
)";

// The same configuration, keys and tables in another order.
const char* kReordered = R"(chunk-rows = 4096
[kmeans]
k = 8
[clv]
time-unit = "week"
models = ["bgnbd", "gg"]
[rfm]
as-of = "2024-09-30"
segments = ""
input = "/data/q3.h5"
)";

TEST(ConfigTablesText, IndependentOfTheOrderOfKeysAndTables) {
  // kReordered's last line puts `input` inside [rfm]: compare the tables without it.
  const std::string reordered = std::string(kReordered).substr(0, std::string(kReordered).rfind("input"));
  EXPECT_EQ(config_tables_text(kConfig, {"rfm", "clv"}), config_tables_text(reordered, {"rfm", "clv"}));
}

TEST(ConfigTablesText, HoldsOnlyTheTablesAskedFor) {
  const std::string text = config_tables_text(kConfig, {"rfm", "clv"});
  EXPECT_NE(text.find("[rfm]"), std::string::npos);
  EXPECT_NE(text.find("2024-09-30"), std::string::npos);
  EXPECT_NE(text.find("bgnbd"), std::string::npos);
  EXPECT_EQ(text.find("[kmeans]"), std::string::npos);  // not asked for
  EXPECT_EQ(text.find("chunk-rows"), std::string::npos);  // top level: changes no result
  EXPECT_EQ(text.find("/data/q3.h5"), std::string::npos);  // the input is keyed by identity, not path
  // A table in the order asked for (rfm's key reads clv's after its own).
  EXPECT_LT(text.find("[rfm]"), text.find("[clv]"));
}

TEST(ConfigTablesText, AChangedValueChangesTheText) {
  std::string changed = kConfig;
  changed.replace(changed.find("2024-09-30"), 10, "2024-06-30");
  EXPECT_NE(config_tables_text(kConfig, {"rfm"}), config_tables_text(changed, {"rfm"}));
  EXPECT_EQ(config_tables_text(kConfig, {"clv"}), config_tables_text(changed, {"clv"}));  // clv does not read [rfm]
}

TEST(CheckpointKey, SixteenHexDigitsThatChangeWithEveryPart) {
  const InputIdentity in{1000, 1'700'000'000'123'456'789, "09cf20661e3d2421"};
  const std::string key = checkpoint_key("rfm", "[rfm]\nas-of = '2024-09-30'\n", in);
  ASSERT_EQ(key.size(), 16u);
  EXPECT_EQ(key.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(key, checkpoint_key("rfm", "[rfm]\nas-of = '2024-09-30'\n", in));  // deterministic
  EXPECT_NE(key, checkpoint_key("clv", "[rfm]\nas-of = '2024-09-30'\n", in));
  EXPECT_NE(key, checkpoint_key("rfm", "[rfm]\nas-of = '2024-06-30'\n", in));
  InputIdentity bytes = in, mtime = in, checksum = in;
  bytes.bytes += 1;
  mtime.mtime_ns += 1;  // a rewrite within the same second
  checksum.checksum = "09cf20661e3d2420";
  for (const InputIdentity& other : {bytes, mtime, checksum})
    EXPECT_NE(key, checkpoint_key("rfm", "[rfm]\nas-of = '2024-09-30'\n", other));
}

}  // namespace
}  // namespace crmpi
