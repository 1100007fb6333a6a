// Finding a postcode's local authority. Two providers: "none" (the user picks the local
// authority) and a client for a postcodes.io-style JSON API (GET {base}/postcodes/{postcode}).
// Chosen by CORE_POSTCODE_LOOKUP=none|postcodes_io and CORE_POSTCODE_API_URL.
// The service works fully with "none".
#pragma once
#include <memory>
#include <optional>
#include <string>

namespace core::schemes {

struct PostcodeResult {
  std::string postcode, la_code, la_name;
};

class PostcodeLookup {
 public:
  virtual ~PostcodeLookup() = default;
  // nullopt when the postcode is unknown, or the service cannot be reached (never throws).
  virtual std::optional<PostcodeResult> lookup(const std::string& normalised_postcode) = 0;
};

class NoPostcodeLookup : public PostcodeLookup {
 public:
  std::optional<PostcodeResult> lookup(const std::string&) override { return std::nullopt; }
};

class PostcodesIoLookup : public PostcodeLookup {
 public:
  explicit PostcodesIoLookup(std::string base_url, int timeout_seconds = 3);
  std::optional<PostcodeResult> lookup(const std::string& normalised_postcode) override;

 private:
  std::string base_url_;
  int timeout_;
};

std::unique_ptr<PostcodeLookup> postcode_lookup_from_env();

}  // namespace core::schemes
