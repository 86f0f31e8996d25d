#include "adapters/mail/curl_smtp_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

namespace alerthub::mail {
namespace {

// Renamed from the misspelt CURLOPT_MAIL_RCPT_ALLLOWFAILS in curl 8.2.0; Debian 12 has 7.88.
#if LIBCURL_VERSION_NUM >= 0x080200
constexpr CURLoption kRcptAllowFails = CURLOPT_MAIL_RCPT_ALLOWFAILS;
#else
constexpr CURLoption kRcptAllowFails = CURLOPT_MAIL_RCPT_ALLLOWFAILS;
#endif

// One send's state, seen by curl's callbacks.
struct Transfer {
    std::string_view data;
    std::size_t offset = 0;
    std::string last_command;  // the SMTP command the next final reply answers
    std::string last_reply;    // the last final reply line ("250 OK")
    std::string last_refusal;  // the last RCPT TO refusal ("550 5.1.1 No such user")
    SmtpReply reply;
    const std::function<bool()>* abort_requested = nullptr;
};

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    size_t n = std::min(size * count, t->data.size() - t->offset);
    std::memcpy(buffer, t->data.data() + t->offset, n);
    t->offset += n;
    return n;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    return s;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
    return true;
}

// libcurl reports no per-recipient result with ALLOWFAILS; the protocol trace has it. No
// pipelining in libcurl's SMTP, so each final reply answers the command sent before it.
int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string_view text(data, size);
    if (type == CURLINFO_HEADER_OUT) {
        t->last_command = std::string(trim(text));
        return 0;
    }
    if (type != CURLINFO_HEADER_IN) return 0;
    while (!text.empty()) {
        auto eol = text.find('\n');
        auto line = trim(text.substr(0, eol));
        text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
        bool final_line = line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                          std::isdigit(static_cast<unsigned char>(line[1])) &&
                          std::isdigit(static_cast<unsigned char>(line[2])) &&
                          (line.size() == 3 || line[3] == ' ');
        if (!final_line) continue;
        t->last_reply = std::string(line);
        if (starts_with_nocase(t->last_command, "RCPT TO:")) {
            auto open = t->last_command.find('<');
            auto close = t->last_command.find('>', open);
            std::string address = open == std::string::npos || close == std::string::npos
                                      ? t->last_command.substr(8)
                                      : t->last_command.substr(open + 1, close - open - 1);
            if (line[0] == '2') {
                ++t->reply.accepted;
            } else {
                t->reply.rejected.push_back(
                    {address, std::atoi(std::string(line.substr(0, 3)).c_str())});
                t->last_refusal = std::string(line);
            }
            t->last_command.clear();
        }
    }
    return 0;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(user);
    return t->abort_requested && *t->abort_requested && (*t->abort_requested)() ? 1 : 0;
}

}  // namespace

Status curl_global_setup() {
    if (auto rc = curl_global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK)
        return make_error(ErrorCode::kInternal,
                          fmt::format("curl_global_init: {}", curl_easy_strerror(rc)));
    return {};
}

struct CurlSmtpClient::Handle {
    CURL* curl = curl_easy_init();
    ~Handle() {
        if (curl) curl_easy_cleanup(curl);  // sends QUIT on a cached connection
    }
};

CurlSmtpClient::CurlSmtpClient(SmtpSettings settings, std::function<bool()> abort_requested)
    : settings_(std::move(settings)),
      abort_requested_(std::move(abort_requested)),
      handle_(std::make_unique<Handle>()) {}

CurlSmtpClient::~CurlSmtpClient() = default;

Result<SmtpReply> CurlSmtpClient::send(const SmtpMessage& message) {
    CURL* c = handle_->curl;
    if (!c) return make_error(ErrorCode::kInternal, "curl_easy_init failed");
    Transfer t;
    t.data = message.data;
    t.abort_requested = &abort_requested_;

    // libcurl does not copy the recipient list: it lives until the transfer is over.
    curl_slist* rcpt = nullptr;
    for (auto& r : message.recipients) rcpt = curl_slist_append(rcpt, ("<" + r + ">").c_str());
    std::string from = "<" + message.from + ">";

    curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, kRcptAllowFails, 1L);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &t);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.data.size()));
    if (!settings_.username.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, settings_.username.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    long use_ssl = settings_.starttls == StartTls::kRequire ? CURLUSESSL_ALL
                   : settings_.starttls == StartTls::kTry   ? CURLUSESSL_TRY
                                                            : CURLUSESSL_NONE;
    curl_easy_setopt(c, CURLOPT_USE_SSL, use_ssl);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<long>(settings_.timeout.count(), 5000)));
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);  // feeds on_debug only, nothing is printed
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);

    CURLcode rc = curl_easy_perform(c);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, nullptr);
    curl_slist_free_all(rcpt);

    // The code of this transfer's own last reply: CURLINFO_RESPONSE_CODE can still hold an
    // earlier transfer's 5xx when a reused connection dies before the server answers, and a
    // dead connection must be retried, not taken for a refusal.
    long code = 0;
    if (t.last_reply.size() >= 3 && std::isdigit(static_cast<unsigned char>(t.last_reply[0])))
        code = std::strtol(t.last_reply.substr(0, 3).c_str(), nullptr, 10);
    if (rc == CURLE_OK) {
        t.reply.code = code ? static_cast<int>(code) : 250;
        t.reply.text = t.last_reply;
        return t.reply;
    }
    if (t.reply.accepted == 0 && !t.reply.rejected.empty()) {
        // Every RCPT refused: curl says QUIT (its 221 is the last reply) and fails the
        // transfer; the refusal is the answer.
        t.reply.code = t.reply.rejected.back().code;
        t.reply.text = t.last_refusal;
        return t.reply;
    }
    if (code >= 400) {  // the server said no: its reply decides retry or not
        t.reply.code = static_cast<int>(code);
        t.reply.text =
            fmt::format("{} ({})", t.last_reply.empty() ? std::to_string(code) : t.last_reply,
                        curl_easy_strerror(rc));
        return t.reply;
    }
    auto error = rc == CURLE_OPERATION_TIMEDOUT ? ErrorCode::kTimeout : ErrorCode::kUnavailable;
    return make_error(error, fmt::format("curl_easy_perform {}: {}", settings_.url,
                                         rc == CURLE_ABORTED_BY_CALLBACK ? "aborted for shutdown"
                                                                         : curl_easy_strerror(rc)));
}

}  // namespace alerthub::mail
