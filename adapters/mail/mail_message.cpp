#include "adapters/mail/mail_message.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <vector>

#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "core/base/utf8.h"
#include "core/protocol/alert_look.h"
#include "core/protocol/alert_text.h"

namespace alerthub::mail {
namespace {

constexpr std::size_t kMaxLine = 76;         // RFC 2047 §2: encoded header lines
constexpr std::size_t kMaxEncodedWord = 75;  // RFC 2047 §2
constexpr std::string_view kWordStart = "=?UTF-8?B?";
constexpr std::string_view kWordEnd = "?=";

// The most whole UTF-8 bytes whose base64 fits in an encoded word of `word_chars`.
std::size_t payload_bytes_for(std::size_t word_chars) {
    std::size_t b64 = word_chars - kWordStart.size() - kWordEnd.size();
    return (b64 / 4) * 3;
}

std::string one_line(std::string_view text) {
    std::string out(text);
    for (auto& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return out;
}

// Encoded words for `text`; the first must fit after `first_used` characters of its line,
// later ones after the folding space.
std::vector<std::string> encode_words(std::string_view text, std::size_t first_used) {
    std::vector<std::string> words;
    std::size_t i = 0;
    do {
        std::size_t used = words.empty() ? first_used : 1;
        std::size_t room = std::min(kMaxEncodedWord, kMaxLine - used);
        std::size_t budget = payload_bytes_for(room);
        std::size_t end = i;
        while (end < text.size()) {
            auto n = utf8_sequence_length(text, end);
            if (end + n - i > budget) break;
            end += n;
        }
        if (end == i && i < text.size()) end = i + utf8_sequence_length(text, i);  // never stall
        words.push_back(std::string(kWordStart) + base64_encode(text.substr(i, end - i)) +
                        std::string(kWordEnd));
        i = end;
    } while (i < text.size());
    return words;
}

std::string join_folded(const std::vector<std::string>& words) {
    std::string out;
    for (auto& w : words) {
        if (!out.empty()) out += "\r\n ";
        out += w;
    }
    return out;
}

std::string to_crlf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 20);
    for (char c : text) {
        if (c == '\r') continue;
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

bool is_atext_safe(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

}  // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string mail_subject(const Alert& a, std::string_view language) {
    return alert_subject(a, language);
}

std::string mail_footer(const SubscriberLinks& links) {
    if (links.unsubscribe.empty()) return {};
    std::string out = "\n\n--\n港区 防災情報メール / Minato City disaster information mail\n";
    out += "配信停止 (Unsubscribe): " + links.unsubscribe + "\n";
    if (!links.preferences.empty())
        out += "地域・言語の変更 (Change areas or language): " + links.preferences + "\n";
    return out;
}

std::string text_to_html(std::string_view text, std::string_view language) {
    std::string out = "<!DOCTYPE html>\n<html lang=\"" + html_escape(language) +
                      "\"><head><meta charset=\"utf-8\"></head>\n<body><p>";
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, 8, "https://") == 0 || text.compare(i, 7, "http://") == 0) {
            auto end = text.find_first_of(" \n\t", i);
            if (end == std::string_view::npos) end = text.size();
            auto url = html_escape(text.substr(i, end - i));
            out += "<a href=\"" + url + "\">" + url + "</a>";
            i = end;
        } else if (text[i] == '\n') {
            out += "<br>\n";
            ++i;
        } else {
            auto end = text.find_first_of("\nh", i + 1);
            if (end == std::string_view::npos) end = text.size();
            out += html_escape(text.substr(i, end - i));
            i = end;
        }
    }
    return out + "</p></body></html>\n";
}

namespace {

struct MailColours {
    std::string background, text;
};

MailColours colours_of(const Alert& a) {
    // An end is calm: the level's colour would read as the order still standing.
    if (a.state == AlertState::kLifted || a.state == AlertState::kCancelled ||
        a.msg_type == MsgType::kCancel)
        return {"#4a5560", "#ffffff"};
    const AlertColours c = alert_colours(a);
    return {css_colour(c.background), css_colour(c.text)};
}

// Japanese first, then the reader's language, else English; nothing more for a Japanese
// reader (as alert_text orders them, so the HTML part is the plain part's twin).
std::vector<std::string> mail_languages(const Alert& a, std::string_view language) {
    auto carries = [&](std::string_view lang) {
        return !text_in_language(a.headline, lang).empty() ||
               !text_in_language(a.instruction, lang).empty();
    };
    std::string second(carries(language) ? language : std::string_view("en"));
    if (!carries("ja")) {
        if (carries(second)) return {second};
        return {a.headline.empty() ? std::string("ja") : a.headline.begin()->first};
    }
    if (second == "ja" || !carries(second)) return {"ja"};
    return {"ja", second};
}

std::string paragraphs(std::string_view text, std::string_view style) {
    std::string out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        auto line = text.substr(start, end - start);
        if (!line.empty()) out += fmt::format("<p style=\"{}\">{}</p>\n", style, html_escape(line));
        start = end + 1;
    }
    return out;
}

}  // namespace

std::string mail_text(const Alert& a, std::string_view language, const SubscriberLinks& links) {
    return alert_text_with_description(a, language) + mail_footer(links);
}

std::string mail_html(const Alert& a, std::string_view language, const SubscriberLinks& links) {
    const MailColours c = colours_of(a);
    const auto languages = mail_languages(a, language);
    const std::string& first = languages.front();
    auto headline = [&](std::string_view lang) {
        auto h = text_in_language(a.headline, lang);
        return h.empty() ? text_in_language(a.event_name, lang) : h;
    };
    // The band names the kind: its 警戒レベル, else its name, in the mail's languages.
    std::vector<std::string> band;
    if (a.level) band.push_back(fmt::format("警戒レベル{} / Alert Level {}", *a.level, *a.level));
    for (const auto& lang : languages)
        if (auto name = text_in_language(a.event_name, lang);
            !name.empty() && std::find(band.begin(), band.end(), name) == band.end())
            band.push_back(name);
    std::string band_text;
    for (const auto& b : band) band_text += (band_text.empty() ? "" : " / ") + b;

    std::string out = "<!DOCTYPE html>\n<html lang=\"" + html_escape(first) +
                      "\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<title>" +
                      html_escape(alert_subject(a, language)) +
                      "</title></head>\n"
                      "<body style=\"margin:0;padding:0;background:#eef0f2;color:#111;"
                      "font-family:'Noto Sans CJK JP','Noto Sans',sans-serif;line-height:1.6\">\n"
                      "<div style=\"max-width:640px;margin:0 auto;background:#ffffff\">\n";
    if (auto drill = drill_notice(a, first); !drill.empty()) {
        std::string notice = drill;
        for (std::size_t i = 1; i < languages.size(); ++i)
            notice += " / " + drill_notice(a, languages[i]);
        out +=
            "<div style=\"background:repeating-linear-gradient(135deg,#ffd400 0 14px,"
            "#111 14px 28px);padding:6px 20px\"><p style=\"margin:0;display:inline-block;"
            "background:#ffd400;color:#000;font-weight:bold;padding:2px 8px\">" +
            html_escape(notice) + "</p></div>\n";
    }
    for (std::size_t i = 0; i < languages.size(); ++i) {
        const std::string& lang = languages[i];
        const std::string instruction = text_in_language(a.instruction, lang);
        const std::string description = text_in_language(a.description, lang);
        if (i == 0) {
            out += fmt::format(
                "<div style=\"background:{};color:{};padding:16px 20px\">\n"
                "<p style=\"margin:0;font-size:14px;font-weight:bold\">{}</p>\n"
                "<h1 style=\"margin:6px 0 0;font-size:24px;line-height:1.35\">{}{}</h1>\n"
                "</div>\n<div lang=\"{}\" style=\"padding:16px 20px\">\n",
                c.background, c.text, html_escape(band_text), html_escape(alert_prefix(a, lang)),
                html_escape(headline(lang)), html_escape(lang));
        } else {
            out += fmt::format(
                "<div lang=\"{}\" style=\"padding:16px 20px;border-top:1px solid #d0d4d8\">\n"
                "<h2 style=\"margin:0 0 8px;font-size:20px;line-height:1.35\">{}{}</h2>\n",
                html_escape(lang), html_escape(alert_prefix(a, lang)), html_escape(headline(lang)));
        }
        if (!instruction.empty())
            out += fmt::format(
                "<div style=\"border-left:8px solid {};background:#f6f7f8;padding:8px 12px;"
                "margin:0 0 12px\">\n{}</div>\n",
                c.background == "#ffffff" ? "#000000" : c.background,
                paragraphs(instruction, "margin:0;font-size:18px;font-weight:bold"));
        out += paragraphs(description, "margin:0 0 8px;font-size:16px");
        if (i == 0) {
            WallTime issued =
                a.source.sent != WallTime{} ? a.source.sent : a.effective.value_or(WallTime{});
            if (issued != WallTime{})
                out += "<p style=\"margin:8px 0 0;color:#444;font-size:14px\">発表: " +
                       html_escape(format_jst_minutes(issued)) + " (JST)</p>\n";
        }
        out += "</div>\n";
    }
    for (const auto& link : a.links) {
        if (link.url.empty()) continue;
        out += "<p style=\"padding:0 20px\"><a href=\"" + html_escape(link.url) +
               "\" style=\"color:#0047b3\">" + html_escape(link.url) + "</a></p>\n";
        break;
    }
    if (!links.unsubscribe.empty()) {
        out +=
            "<div style=\"padding:12px 20px;border-top:1px solid #d0d4d8;color:#444;"
            "font-size:13px\">\n<p style=\"margin:0\">港区 防災情報メール / Minato City "
            "disaster information mail</p>\n";
        out += "<p style=\"margin:0\"><a href=\"" + html_escape(links.unsubscribe) +
               "\">配信停止 (Unsubscribe)</a>";
        if (!links.preferences.empty())
            out += " · <a href=\"" + html_escape(links.preferences) +
                   "\">地域・言語の変更 (Change areas or language)</a>";
        out += "</p>\n</div>\n";
    }
    return out + "</div>\n</body></html>\n";
}

std::string encode_header(std::string_view name, std::string_view text) {
    std::string prefix = std::string(name) + ": ";
    if (text.empty()) return prefix;  // an encoded word may not be empty
    return prefix + join_folded(encode_words(one_line(text), prefix.size()));
}

std::string encode_from(std::string_view display_name, std::string_view address) {
    if (display_name.empty()) return "From: <" + std::string(address) + ">";
    std::string out = encode_header("From", display_name);
    std::string addr = "<" + std::string(address) + ">";
    auto last_line =
        out.size() - (out.rfind("\r\n") == std::string::npos ? 0 : out.rfind("\r\n") + 2);
    out += (last_line + 1 + addr.size() <= kMaxLine) ? " " + addr : "\r\n " + addr;
    return out;
}

std::string base64_encode(std::string_view in) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                     (static_cast<unsigned char>(in[i + 1]) << 8) |
                     static_cast<unsigned char>(in[i + 2]);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (i + 1 == in.size()) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                     (static_cast<unsigned char>(in[i + 1]) << 8);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

std::string base64_lines(std::string_view bytes) {
    auto b64 = base64_encode(bytes);
    std::string out;
    for (std::size_t i = 0; i < b64.size(); i += kMaxLine) out += b64.substr(i, kMaxLine) + "\r\n";
    return out;
}

std::string format_rfc5322_date(WallTime t) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    auto jst = std::chrono::floor<std::chrono::seconds>(t) + std::chrono::hours(9);
    std::time_t secs = std::chrono::system_clock::to_time_t(jst);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    return fmt::format("{}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} +0900", kDays[tm.tm_wday],
                       tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                       tm.tm_sec);
}

std::string make_message_id(std::string_view job_id, int seq, std::string_view from_address) {
    std::string left;
    for (char c : job_id) {
        if (is_atext_safe(c))
            left += c;
        else if (!left.empty() && left.back() != '.')
            left += '.';
    }
    while (!left.empty() && left.back() == '.') left.pop_back();
    if (left.empty()) left = "alerthub";
    // The hash keeps ids apart that differ only in characters dropped above.
    auto hash = sha256_hex(job_id).substr(0, 12);
    auto at = from_address.rfind('@');
    std::string domain = at == std::string_view::npos ? "alerthub.invalid"
                                                      : std::string(from_address.substr(at + 1));
    return fmt::format("<{}.r{}.{}@{}>", left, seq, hash, domain);
}

std::string compose_mail(const MailEnvelopeHeaders& h, std::string_view text,
                         std::string_view html) {
    // Base64 lines never contain "=_", so the boundary cannot occur in a part.
    auto boundary = "=_alerthub_" + sha256_hex(h.message_id).substr(0, 24);
    std::string m;
    m.reserve(text.size() * 3 + html.size() * 2 + 1024);
    m += encode_from(h.from_name, h.from_address) + "\r\n";
    m += (h.to_address.empty() ? std::string("To: undisclosed-recipients:;")
                               : "To: <" + h.to_address + ">") +
         "\r\n";
    m += encode_header("Subject", h.subject) + "\r\n";
    m += "Date: " + h.date + "\r\n";
    m += "Message-ID: " + h.message_id + "\r\n";
    m += "MIME-Version: 1.0\r\n";
    m += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n";
    m += "Auto-Submitted: auto-generated\r\n";  // RFC 3834: no vacation replies
    if (!h.list_unsubscribe.empty()) {
        // RFC 2369 and RFC 8058: mail programs offer a one-click unsubscribe button.
        // Folded before the URL: long, but never split (RFC 5322 allows 998 characters).
        m += "List-Unsubscribe:\r\n <" + h.list_unsubscribe + ">\r\n";
        m += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
    }
    if (!h.job_id.empty()) {
        bool ascii = std::all_of(h.job_id.begin(), h.job_id.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
        m += (ascii ? "X-Alerthub-Job: " + one_line(h.job_id)
                    : encode_header("X-Alerthub-Job", h.job_id)) +
             "\r\n";
    }
    m += "\r\n";
    for (auto [type, body] : {std::pair{"text/plain", text}, std::pair{"text/html", html}}) {
        m += "--" + boundary + "\r\n";
        m += fmt::format("Content-Type: {}; charset=UTF-8\r\n", type);
        m += "Content-Transfer-Encoding: base64\r\n\r\n";
        m += base64_lines(to_crlf(body));
    }
    m += "--" + boundary + "--\r\n";
    return m;
}

}  // namespace alerthub::mail
