#include "io/pseudonym.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include <array>
#include <fstream>
#include <iterator>

#include "kernels/common/errors.hpp"

namespace crmpi {

Pseudonymizer::Pseudonymizer(std::string key) : key_(std::move(key)) {
  if (key_.size() < kMinKeyBytes)
    throw ConfigError("the pseudonymization key has " + std::to_string(key_.size()) +
                      " bytes; it needs at least " + std::to_string(kMinKeyBytes) +
                      " (e.g. head -c 32 /dev/urandom > KEYFILE)");
}

std::string Pseudonymizer::operator()(std::uint64_t customer_id) const {
  const std::string text = std::to_string(customer_id);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
            reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac.data(), &len) ||
      len < 16)
    throw Error(ExitCode::kSoftware, "HMAC-SHA256 failed (OpenSSL)");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(32, '0');
  for (std::size_t i = 0; i < 16; ++i) {
    out[2 * i] = kHex[mac[i] >> 4];
    out[2 * i + 1] = kHex[mac[i] & 15];
  }
  return out;
}

std::string read_key_file(const std::string& path, std::string& warning) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NoInputError("cannot read the pseudonymization key file '" + path + "'");
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw NoInputError("cannot read the pseudonymization key file '" + path + "'");
  if (key.size() < Pseudonymizer::kMinKeyBytes)
    throw ConfigError("the pseudonymization key file '" + path + "' has " + std::to_string(key.size()) +
                      " bytes; it needs at least " + std::to_string(Pseudonymizer::kMinKeyBytes) +
                      " (e.g. head -c 32 /dev/urandom > KEYFILE)");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077))
    warning = "the pseudonymization key file '" + path + "' may be read by other users (mode " +
              std::to_string((st.st_mode >> 6) & 7) + std::to_string((st.st_mode >> 3) & 7) +
              std::to_string(st.st_mode & 7) + "); chmod 600 it";
  return key;
}

}  // namespace crmpi
