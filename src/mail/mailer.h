// Email. In development and tests the file mailer writes each message as an .eml file under
// var/mail/ (CORE_MAIL_DIR); in production the SMTP mailer sends through a relay.
// Configured from the environment: CORE_MAILER=file|smtp, CORE_MAIL_DIR, CORE_MAIL_FROM,
// CORE_SMTP_HOST, CORE_SMTP_PORT, CORE_SMTP_USER, CORE_SMTP_PASSWORD, CORE_SMTP_TLS=1.
#pragma once
#include <filesystem>
#include <memory>
#include <string>

namespace core::mail {

struct Email {
  std::string to, subject, body;
};

// Every mailer refuses (std::invalid_argument) a message whose From, To or Subject holds a CR or LF.
class Mailer {
 public:
  virtual ~Mailer() = default;
  virtual void send(const Email& e) = 0;
};

class FileMailer : public Mailer {
 public:
  FileMailer(std::filesystem::path dir, std::string from);
  void send(const Email& e) override;

 private:
  std::filesystem::path dir_;
  std::string from_;
};

struct SmtpConfig {
  std::string host = "localhost";
  unsigned short port = 25;
  std::string user, password, from;
  bool tls = false;  // STARTTLS
};

class SmtpMailer : public Mailer {
 public:
  explicit SmtpMailer(SmtpConfig c) : c_(std::move(c)) {}
  void send(const Email& e) override;

 private:
  SmtpConfig c_;
};

std::unique_ptr<Mailer> mailer_from_env();
// RFC 5322 text of a message (used by the file mailer and its tests).
std::string to_eml(const std::string& from, const Email& e);

}  // namespace core::mail
