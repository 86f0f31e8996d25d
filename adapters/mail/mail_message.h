#pragma once
// The mail a subscriber receives for an alert: its subject (pure functions, so the wording
// is unit-tested) and the RFC 5322 message around the body, which is the channel-neutral
// alert text (core/protocol/alert_text.h).

#include <string>
#include <string_view>

#include "core/base/clock.h"
#include "core/protocol/alert.h"

namespace alerthub::mail {

// core's alert_subject (shared with the staff console's preview): the alert_prefix and the
// headline in `language` (else Japanese, else English, else the event name), on one line.
std::string mail_subject(const Alert& alert, std::string_view language = "ja");

// The links every subscriber's mail ends with; empty for staff copies.
struct SubscriberLinks {
    std::string unsubscribe;  // also the List-Unsubscribe target
    std::string preferences;
};
// "--", then where to stop or change the mails, Japanese first, then English.
std::string mail_footer(const SubscriberLinks& links);

// &, <, >, " and ' as HTML character references.
std::string html_escape(std::string_view text);

// `text` as a small HTML document: escaped, line breaks kept, URLs clickable.
std::string text_to_html(std::string_view text, std::string_view language);

// The text/plain part of an alert's mail: alert_text_with_description (Japanese first, then
// the reader's language or English; each with its instruction, then its description, so an
// order's mail says what the ward ordered) and the footer.
std::string mail_text(const Alert& alert, std::string_view language, const SubscriberLinks& links);

// The text/html part, the plain part's twin: a heading band in the alert's 警戒レベル colour
// (the Cabinet Office colours: 5 black, 4 purple, 3 red, 2 yellow; by severity without a
// level; grey once lifted or cancelled) naming its kind, the headline as <h1>, then the
// instruction first and set off, the description, the time in JST; the same for the second
// language; the link; the footer. Inline styles only (mail programs drop <style>), escaped.
std::string mail_html(const Alert& alert, std::string_view language, const SubscriberLinks& links);

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

// "<{job id, made atext-safe}.r{seq}.{hash}@{sender's domain}>": unique per job and
// recipient, and the same on every retry, so a receiving system can tell a resend.
std::string make_message_id(std::string_view job_id, int seq, std::string_view from_address);

struct MailEnvelopeHeaders {
    std::string from_address;
    std::string from_name;
    std::string to_address;  // empty: "undisclosed-recipients:;"
    std::string subject;
    std::string date;        // format_rfc5322_date
    std::string message_id;  // make_message_id
    std::string job_id;      // X-Alerthub-Job; empty: none
    // RFC 8058 one-click unsubscribe URL (https in production); empty: no List-Unsubscribe.
    std::string list_unsubscribe;
};

// The whole message, CRLF line ends: multipart/alternative with a text/plain and a
// text/html part, each UTF-8 in base64. Each mail goes to one recipient (To: that address),
// so subscribers never see each other.
std::string compose_mail(const MailEnvelopeHeaders& headers, std::string_view text,
                         std::string_view html);

}  // namespace alerthub::mail
