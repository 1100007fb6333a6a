#include "raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <stdexcept>

namespace core::test {

std::string RawResponse::header(const std::string& n) const {
  auto it = headers.find(n);
  return it == headers.end() ? "" : it->second;
}

RawConnection::RawConnection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    throw std::runtime_error("cannot connect to the test server");
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

namespace {
// Waits for data up to the deadline; appends it. False when the time is up.
enum class Got { Data, Closed, Timeout };
Got receive_some(int fd, std::string& into, std::chrono::steady_clock::time_point until) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count();
  if (left <= 0) return Got::Timeout;
  pollfd p{fd, POLLIN, 0};
  int r = ::poll(&p, 1, static_cast<int>(left));
  if (r == 0) return Got::Timeout;
  if (r < 0) return errno == EINTR ? Got::Data : Got::Closed;
  char buf[65536];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  if (n <= 0) return Got::Closed;  // EOF or reset
  into.append(buf, static_cast<size_t>(n));
  return Got::Data;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The length of the first whole response in bytes, or 0 when it is not all there yet.
size_t first_response_size(const std::string& b) {
  size_t end = b.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  std::string head = lower(b.substr(0, end));
  size_t len = 0, at = head.find("\r\ncontent-length:");
  if (at != std::string::npos) len = std::strtoull(head.c_str() + at + 17, nullptr, 10);
  size_t total = end + 4 + len;  // (not for answers to HEAD, whose length names a body not sent)
  return b.size() >= total ? total : 0;
}
}  // namespace

std::string RawConnection::read_until_close(std::chrono::milliseconds wait) {
  auto until = std::chrono::steady_clock::now() + wait;
  std::string out = std::move(pending_);
  pending_.clear();
  for (;;) {
    Got g = receive_some(fd_, out, until);
    if (g == Got::Closed) closed_ = true;
    if (g != Got::Data) return out;
  }
}

std::string RawConnection::read_response(std::chrono::milliseconds wait) {
  auto until = std::chrono::steady_clock::now() + wait;
  std::string buf = std::move(pending_);
  pending_.clear();
  for (;;) {
    if (size_t n = first_response_size(buf)) {
      pending_ = buf.substr(n);
      return buf.substr(0, n);
    }
    Got g = receive_some(fd_, buf, until);
    if (g == Got::Closed) closed_ = true;
    if (g != Got::Data) return buf;
  }
}

std::vector<RawResponse> parse_responses(const std::string& bytes) {
  std::vector<RawResponse> out;
  std::string rest = bytes;
  while (size_t n = first_response_size(rest)) {
    RawResponse r;
    size_t end = rest.find("\r\n\r\n");
    std::string head = rest.substr(0, end);
    if (head.rfind("HTTP/1.", 0) == 0 && head.size() >= 12) r.status = std::atoi(head.c_str() + 9);
    size_t line = head.find("\r\n");
    while (line != std::string::npos) {
      size_t next = head.find("\r\n", line + 2);
      std::string field = head.substr(line + 2, next == std::string::npos ? std::string::npos : next - line - 2);
      size_t colon = field.find(':');
      if (colon != std::string::npos) {
        std::string v = field.substr(colon + 1);
        v.erase(0, v.find_first_not_of(' '));
        r.headers[lower(field.substr(0, colon))] = v;
      }
      line = next;
    }
    r.body = rest.substr(end + 4, n - end - 4);
    out.push_back(std::move(r));
    rest = rest.substr(n);
  }
  return out;
}

RawResponse raw_request(int port, const std::string& bytes) {
  RawConnection c(port);
  c.send(bytes);
  auto all = parse_responses(c.read_response());
  return all.empty() ? RawResponse{} : all.front();
}

std::string raw_get(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
}

}  // namespace core::test
