#include "schemes/postcode_lookup.h"
#include "util/gate.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/URI.h>

#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace core::schemes {

PostcodesIoLookup::PostcodesIoLookup(std::string base_url, int timeout_seconds)
    : base_url_(std::move(base_url)), timeout_(timeout_seconds) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

std::optional<PostcodeResult> PostcodesIoLookup::lookup(const std::string& postcode) {
  util::Gate::Outside waiting_on_api;  // other requests go ahead meanwhile (util/gate.h)
  try {
    std::string compact;
    for (char c : postcode)
      if (c != ' ') compact += c;
    Poco::URI uri(base_url_ + "/postcodes/" + compact);
    std::unique_ptr<Poco::Net::HTTPClientSession> s;
    if (uri.getScheme() == "https") s = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort());
    else s = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    s->setTimeout(Poco::Timespan(timeout_, 0));
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Accept", "application/json");
    s->sendRequest(req);
    Poco::Net::HTTPResponse res;
    std::istream& in = s->receiveResponse(res);
    std::ostringstream body;
    body << in.rdbuf();
    if (res.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) return std::nullopt;
    auto j = nlohmann::json::parse(body.str(), nullptr, false);
    if (j.is_discarded() || !j.contains("result") || !j["result"].is_object()) return std::nullopt;
    const auto& r = j["result"];
    PostcodeResult out;
    out.postcode = r.value("postcode", postcode);
    out.la_name = r.value("admin_district", "");
    if (r.contains("codes") && r["codes"].is_object()) out.la_code = r["codes"].value("admin_district", "");
    if (out.la_code.empty()) return std::nullopt;
    return out;
  } catch (const std::exception& e) {
    std::cerr << "postcode lookup failed: " << e.what() << std::endl;
    return std::nullopt;
  }
}

std::unique_ptr<PostcodeLookup> postcode_lookup_from_env() {
  const char* kind = std::getenv("CORE_POSTCODE_LOOKUP");
  const char* url = std::getenv("CORE_POSTCODE_API_URL");
  if (kind && std::string(kind) == "postcodes_io" && url && *url) return std::make_unique<PostcodesIoLookup>(url);
  return std::make_unique<NoPostcodeLookup>();
}

}  // namespace core::schemes
