// A raw TCP client for tests against the real server on a loopback port: it sends bytes exactly
// as given (paths like "/static//etc/passwd" reach the server as typed, as with curl
// --path-as-is), and reads back whatever the server answers, to the byte.
#pragma once
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace core::test {

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& lower_name) const;
};

class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  // False when the server has closed the connection (the bytes could not be sent).
  bool send(const std::string& bytes);
  // Everything received until the server closes the connection or `wait` passes.
  std::string read_until_close(std::chrono::milliseconds wait = std::chrono::seconds(10));
  // Reads until one whole response has arrived (or the connection closes, or `wait` passes).
  std::string read_response(std::chrono::milliseconds wait = std::chrono::seconds(10));
  // Whether the server closed the connection: read_until_close() ended by the close, not by time.
  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
  std::string pending_;
};

// Splits received bytes into the responses they hold (Content-Length framed).
std::vector<RawResponse> parse_responses(const std::string& bytes);

// One request on a fresh connection; the first response, or status 0 when there was none.
RawResponse raw_request(int port, const std::string& bytes);
// "GET <target> HTTP/1.1" with Host and Connection: close.
std::string raw_get(const std::string& target);

}  // namespace core::test
