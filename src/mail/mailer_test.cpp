// The file mailer, and the SMTP mailer against a small SMTP peer on a loopback port.
#include "mail/mailer.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "util/crypto.h"

using namespace core;

TEST(FileMailer, WritesOneEmlFilePerMessage) {
  util::crypto_init();
  auto dir = std::filesystem::temp_directory_path() / ("mail-test-" + util::random_token(4));
  mail::FileMailer m(dir, "CORE <noreply@core.test>");
  m.send({"a@example.com", "First", "Hello A"});
  m.send({"b@example.com", "Second – with a dash", "Hello B"});
  std::vector<std::string> texts;
  for (auto& e : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(e.path().extension(), ".eml");
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    texts.push_back(ss.str());
  }
  ASSERT_EQ(texts.size(), 2u);
  std::string all = texts[0] + texts[1];
  EXPECT_NE(all.find("To: <a@example.com>"), std::string::npos);
  EXPECT_NE(all.find("Hello B"), std::string::npos);
  EXPECT_NE(all.find("From: CORE <noreply@core.test>"), std::string::npos);
  std::filesystem::remove_all(dir);
}

namespace {
// Speaks just enough SMTP to accept one message, and keeps the transcript.
class SmtpPeer {
 public:
  SmtpPeer() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
    port = socket_.address().port();
    thread_ = std::thread([this] { run(); });
  }
  ~SmtpPeer() { wait(); }
  // Waits for the client to say QUIT (or hang up) and returns everything it sent.
  const std::string& wait() {
    if (thread_.joinable()) thread_.join();
    return transcript;
  }
  int port = 0;

 private:
  std::string transcript;

  void run() {
    Poco::Net::StreamSocket s = socket_.acceptConnection();
    s.setReceiveTimeout(Poco::Timespan(5, 0));
    auto say = [&](const std::string& line) { s.sendBytes(line.data(), static_cast<int>(line.size())); };
    say("220 test ESMTP\r\n");
    std::string buf;
    bool in_data = false;
    char chunk[4096];
    for (;;) {
      int n = s.receiveBytes(chunk, sizeof chunk);
      if (n <= 0) return;
      buf.append(chunk, n);
      transcript.append(chunk, n);
      for (;;) {
        if (in_data) {
          auto end = buf.find("\r\n.\r\n");
          if (end == std::string::npos) break;
          buf.erase(0, end + 5);
          in_data = false;
          say("250 queued\r\n");
          continue;
        }
        auto eol = buf.find("\r\n");
        if (eol == std::string::npos) break;
        std::string line = buf.substr(0, eol);
        buf.erase(0, eol + 2);
        std::string verb = line.substr(0, 4);
        if (verb == "EHLO" || verb == "HELO") say("250 test\r\n");
        else if (verb == "DATA") {
          in_data = true;
          say("354 go ahead\r\n");
        } else if (verb == "QUIT") {
          say("221 bye\r\n");
          return;
        } else say("250 ok\r\n");
      }
    }
  }
  Poco::Net::ServerSocket socket_;
  std::thread thread_;
};
}  // namespace

TEST(SmtpMailer, DeliversTheMessageToTheRelay) {
  SmtpPeer peer;
  mail::SmtpConfig cfg;
  cfg.host = "127.0.0.1";
  cfg.port = static_cast<unsigned short>(peer.port);
  cfg.from = "CORE <noreply@core.test>";
  mail::SmtpMailer m(cfg);
  m.send({"someone@example.com", "Your invitation", "Set your password here: http://localhost/x"});
  const std::string& t = peer.wait();
  EXPECT_NE(t.find("MAIL FROM: <noreply@core.test>"), std::string::npos) << t;
  EXPECT_NE(t.find("RCPT TO: <someone@example.com>"), std::string::npos) << t;
  EXPECT_NE(t.find("Subject: Your invitation"), std::string::npos) << t;
  EXPECT_NE(t.find("Set your password here"), std::string::npos) << t;
  EXPECT_NE(t.find("QUIT"), std::string::npos) << t;
}

TEST(SmtpMailer, AnUnreachableRelayIsAnError) {
  Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
  int port = s.address().port();
  s.close();
  mail::SmtpConfig cfg;
  cfg.host = "127.0.0.1";
  cfg.port = static_cast<unsigned short>(port);
  cfg.from = "noreply@core.test";
  mail::SmtpMailer m(cfg);
  EXPECT_ANY_THROW(m.send({"someone@example.com", "x", "y"}));
}

// A header value with a line break would add headers (a Bcc, a forged body) to the service's mail.
TEST(FileMailer, RefusesHeaderValuesWithLineBreaksAndWritesNothing) {
  util::crypto_init();
  auto dir = std::filesystem::temp_directory_path() / ("mail-test-" + util::random_token(4));
  mail::FileMailer m(dir, "CORE <noreply@core.test>");
  EXPECT_THROW(m.send({"a@example.com\r\nBcc: spy@evil.example", "Hi", "Body"}), std::invalid_argument);
  EXPECT_THROW(m.send({"a@example.com", "Hi\nBcc: spy@evil.example", "Body"}), std::invalid_argument);
  EXPECT_THROW(m.send({"a@example.com", "Hi\r", "Body"}), std::invalid_argument);
  EXPECT_THROW(mail::to_eml("CORE\n<noreply@core.test>", {"a@example.com", "Hi", "Body"}), std::invalid_argument);
  size_t files = 0;
  if (std::filesystem::exists(dir))
    for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 0u);
  m.send({"a@example.com", "Hi", "A body may have\nseveral lines"});
  EXPECT_TRUE(std::filesystem::exists(dir));
  std::filesystem::remove_all(dir);
}

TEST(SmtpMailer, RefusesHeaderValuesWithLineBreaksBeforeConnecting) {
  mail::SmtpConfig cfg;
  cfg.host = "127.0.0.1";
  cfg.port = 1;  // never reached: the message is refused first
  cfg.from = "noreply@core.test";
  mail::SmtpMailer m(cfg);
  EXPECT_THROW(m.send({"someone@example.com\nBcc: spy@evil.example", "x", "y"}), std::invalid_argument);
}
