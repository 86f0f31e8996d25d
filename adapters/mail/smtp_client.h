#pragma once
// Sending one message over SMTP. Implemented by CurlSmtpClient; tests use fakes or a local
// aiosmtpd.

#include <string>
#include <vector>

#include "core/base/result.h"

namespace alerthub::mail {

struct SmtpMessage {
    std::string from;                     // envelope sender (MAIL FROM)
    std::vector<std::string> recipients;  // envelope recipients (RCPT TO), never in headers
    std::string data;                     // the RFC 5322 message, CRLF line ends
};

struct RejectedRecipient {
    std::string address;
    int code = 0;  // the server's reply to RCPT TO
};

struct SmtpReply {
    int code = 0;                             // the server's last reply code: 250 when accepted
    std::string text;                         // that reply line, or curl's reason
    int accepted = 0;                         // recipients the server took (RCPT 2xx)
    std::vector<RejectedRecipient> rejected;  // refused at RCPT TO, while others were taken
};

class SmtpClient {
public:
    virtual ~SmtpClient() = default;
    // Any reply from the server is a success here (look at `code`); only failures to talk
    // to it at all are errors: kUnavailable (refused, unreachable, dropped), kTimeout.
    virtual Result<SmtpReply> send(const SmtpMessage& message) = 0;
};

}  // namespace alerthub::mail
