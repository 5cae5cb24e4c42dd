// Pseudonymized customer ids for exports that leave the platform (docs/exports.md): a keyed hash,
// HMAC-SHA256 (OpenSSL) of the id's decimal text under a secret key, its first 128 bits as 32
// lowercase hex digits. The same id and key give the same pseudonym in every file, run and rank
// count, so exports of two quarters still join; without the key the ids cannot be recovered by
// trying every id (which a plain hash of a number allows). 128 bits: no two of 10^9 customers
// collide (probability ~10^-21), where 64 bits would be ~3%.
#pragma once

#include <cstdint>
#include <string>

namespace crmpi {

class Pseudonymizer {
 public:
  // The key: every byte of the file (binary or text; nothing stripped). At least kMinKeyBytes.
  static constexpr std::size_t kMinKeyBytes = 16;
  explicit Pseudonymizer(std::string key);  // ConfigError below kMinKeyBytes

  std::string operator()(std::uint64_t customer_id) const;

 private:
  std::string key_;
};

// The key file's bytes. NoInputError (66) when it cannot be read, ConfigError (78) when it is
// shorter than Pseudonymizer::kMinKeyBytes. `warning` is set when others may read it (mode & 077).
std::string read_key_file(const std::string& path, std::string& warning);

}  // namespace crmpi
