#pragma once
// The mail a subscriber receives for an alert: its subject (pure functions, so the wording
// is unit-tested) and the RFC 5322 message around the body, which is the channel-neutral
// alert text (core/alert_text.h).

#include <string>
#include <string_view>

#include "core/alert.h"
#include "core/clock.h"

namespace alerthub::mail {

// The alert_prefix and the Japanese headline (English, then the event name, when there is
// none), on one line.
std::string mail_subject(const Alert& alert);

// A header field with `text` as RFC 2047 "=?UTF-8?B?...?=" encoded-words of at most 75
// characters, folded (CRLF + space) so that no line exceeds 76 characters and no UTF-8
// character is split between words. "Subject: =?UTF-8?B?...?=\r\n =?UTF-8?B?...?="
// (no final CRLF). Control characters become spaces.
std::string encode_header(std::string_view name, std::string_view text);

// "From: =?UTF-8?B?...?= <address>", folded like encode_header.
std::string encode_from(std::string_view display_name, std::string_view address);

std::string base64_encode(std::string_view bytes);

// Base64 in lines of at most 76 characters, each ended with CRLF.
std::string base64_lines(std::string_view bytes);

// RFC 5322 date-time in JST: "Thu, 25 Jul 2024 10:30:00 +0900".
std::string format_rfc5322_date(WallTime t);

// "<{job id, made atext-safe}.b{batch}.{hash}@{sender's domain}>": unique per job and
// recipient batch, and the same on every retry, so a receiving system can tell a resend.
std::string make_message_id(std::string_view job_id, int batch, std::string_view from_address);

struct MailEnvelopeHeaders {
    std::string from_address;
    std::string from_name;
    std::string subject;
    std::string date;        // format_rfc5322_date
    std::string message_id;  // make_message_id
    std::string job_id;
};

// The whole message, CRLF line ends: recipients are only in the SMTP envelope, so the To
// header is "undisclosed-recipients:;" and subscribers never see each other.
std::string compose_mail(const MailEnvelopeHeaders& headers, std::string_view body);

}  // namespace alerthub::mail
