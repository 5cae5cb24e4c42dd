// Pseudonymizer (io/pseudonym.hpp): HMAC-SHA256 of the id's decimal text, first 16 bytes in hex.
// Expected values computed independently with Python's hmac module:
//   hmac.new(key, str(id).encode(), hashlib.sha256).hexdigest()[:32]
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "io/pseudonym.hpp"
#include "kernels/common/errors.hpp"

using crmpi::Pseudonymizer;

namespace {
const std::string kKey = "0123456789abcdef0123456789abcdef";
}

TEST(Pseudonymizer, MatchesPythonHmac) {
  const Pseudonymizer p(kKey);
  EXPECT_EQ(p(0), "adb18d2a79fb97e5f5af13a942fab107");
  EXPECT_EQ(p(12345), "35186ad4e0c9a34ac0fbfbc6d10fd09b");
  EXPECT_EQ(p(18446744073709551615ULL), "1ac286f03f63aed78bc7e0667967a0e8");
  std::string binary;
  for (char c = 0; c < 16; ++c) binary += c;  // bytes 0..15: a binary key, NUL included
  EXPECT_EQ(Pseudonymizer(binary)(42), "6174f5393f8fe29f35687cff7bdab8ea");
}

TEST(Pseudonymizer, KeyTooShortIsAConfigError) {
  try {
    Pseudonymizer("fifteen bytes!!");
    FAIL() << "a 15-byte key was accepted";
  } catch (const crmpi::Error& e) {
    EXPECT_EQ(e.exit_code(), 78);
    EXPECT_NE(std::string(e.what()).find("at least 16"), std::string::npos) << e.what();
  }
}

TEST(Pseudonymizer, KeyFile) {
  const auto dir = std::filesystem::temp_directory_path() / ("crmpi-key-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "key").string();
  std::string warning;
  try {
    crmpi::read_key_file(path, warning);
    FAIL() << "a missing key file was accepted";
  } catch (const crmpi::Error& e) {
    EXPECT_EQ(e.exit_code(), 66);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  std::ofstream(path, std::ios::binary) << "short\n";
  try {
    crmpi::read_key_file(path, warning);
    FAIL() << "a 6-byte key file was accepted";
  } catch (const crmpi::Error& e) {
    EXPECT_EQ(e.exit_code(), 78);
  }
  std::ofstream(path, std::ios::binary) << kKey;  // every byte counts: no newline stripped
  std::filesystem::permissions(path,
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(crmpi::read_key_file(path, warning), kKey);
  EXPECT_TRUE(warning.empty()) << warning;
  std::filesystem::permissions(path, std::filesystem::perms::others_read, std::filesystem::perm_options::add);
  crmpi::read_key_file(path, warning);
  EXPECT_NE(warning.find("chmod 600"), std::string::npos) << warning;
  std::filesystem::remove_all(dir);
}
