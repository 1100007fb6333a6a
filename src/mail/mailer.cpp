#include "mail/mailer.h"

#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/Context.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "util/crypto.h"
#include "util/gate.h"
#include "util/time.h"

namespace core::mail {

static std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// A last line of defence: a header value with a line break in it would add headers (a Bcc, a
// second body) to the service's own mail. Every value is checked where it is typed in already.
static void check_headers(const std::string& from, const Email& e) {
  for (auto [name, value] : {std::pair{"From", &from}, std::pair{"To", &e.to}, std::pair{"Subject", &e.subject}})
    if (value->find_first_of("\r\n") != std::string::npos)
      throw std::invalid_argument(std::string("email ") + name + " header contains a line break");
}

std::string to_eml(const std::string& from, const Email& e) {
  check_headers(from, e);
  Poco::Net::MailMessage m;
  m.setSender(from);
  m.addRecipient(Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, e.to));
  m.setSubject(Poco::Net::MailMessage::encodeWord(e.subject, "UTF-8"));
  m.setContentType("text/plain; charset=UTF-8");
  m.setContent(e.body, Poco::Net::MailMessage::ENCODING_8BIT);
  std::ostringstream out;
  m.write(out);
  return out.str();
}

FileMailer::FileMailer(std::filesystem::path dir, std::string from) : dir_(std::move(dir)), from_(std::move(from)) {}

void FileMailer::send(const Email& e) {
  static std::atomic<unsigned> seq{0};
  std::string text = to_eml(from_, e);  // first: a refused message leaves no file behind
  std::filesystem::create_directories(dir_);
  std::string stamp = util::now_iso();
  for (auto& ch : stamp)
    if (ch == ':') ch = '-';
  // The sequence number is zero-padded so that names sort in the order the messages were sent.
  std::string n = std::to_string(++seq);
  auto name = stamp + "-" + std::string(n.size() < 10 ? 10 - n.size() : 0, '0') + n + "-" + util::random_token(4) + ".eml";
  auto tmp = dir_ / ("." + name + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
  }
  std::filesystem::rename(tmp, dir_ / name);  // readers never see a half-written file
}

void SmtpMailer::send(const Email& e) {
  check_headers(c_.from, e);
  util::Gate::Outside waiting_on_smtp;  // other requests go ahead meanwhile (util/gate.h)
  Poco::Net::MailMessage m;
  m.setSender(c_.from);
  m.addRecipient(Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, e.to));
  m.setSubject(Poco::Net::MailMessage::encodeWord(e.subject, "UTF-8"));
  m.setContentType("text/plain; charset=UTF-8");
  m.setContent(e.body, Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE);
  if (c_.tls) {
    Poco::Net::SecureSMTPClientSession s(c_.host, c_.port);
    s.login();
    Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                                         Poco::Net::Context::VERIFY_RELAXED, 9, true);
    s.startTLS(ctx);
    if (!c_.user.empty()) s.login(Poco::Net::SMTPClientSession::AUTH_LOGIN, c_.user, c_.password);
    s.sendMessage(m);
    s.close();
  } else {
    Poco::Net::SMTPClientSession s(c_.host, c_.port);
    if (c_.user.empty()) s.login();
    else s.login(Poco::Net::SMTPClientSession::AUTH_LOGIN, c_.user, c_.password);
    s.sendMessage(m);
    s.close();
  }
}

std::unique_ptr<Mailer> mailer_from_env() {
  std::string from = env_or("CORE_MAIL_FROM", "CORE <noreply@core.localhost>");
  if (env_or("CORE_MAILER", "file") == "smtp") {
    SmtpConfig c;
    c.host = env_or("CORE_SMTP_HOST", "localhost");
    c.port = static_cast<unsigned short>(std::atoi(env_or("CORE_SMTP_PORT", "25").c_str()));
    c.user = env_or("CORE_SMTP_USER", "");
    c.password = env_or("CORE_SMTP_PASSWORD", "");
    c.tls = env_or("CORE_SMTP_TLS", "0") == "1";
    c.from = from;
    return std::make_unique<SmtpMailer>(c);
  }
  return std::make_unique<FileMailer>(env_or("CORE_MAIL_DIR", "var/mail"), from);
}

}  // namespace core::mail
