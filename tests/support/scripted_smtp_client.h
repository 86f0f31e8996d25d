#pragma once
// A fake SmtpClient for unit tests: answers from a script or per recipient, and records
// every message. Thread-safe (the mail channel sends from several threads).

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/mail/smtp_client.h"

namespace alerthub::mail {

// Answers from a script (default: everyone accepted); records every message.
class ScriptedSmtpClient final : public SmtpClient {
public:
    Result<SmtpReply> send(const SmtpMessage& message) override {
        std::lock_guard lock(mu_);
        sent_.push_back(message);
        if (auto it = by_recipient_.find(message.recipients.at(0)); it != by_recipient_.end()) {
            SmtpReply r{it->second, std::to_string(it->second) + " scripted", 0, {}};
            if (it->second < 300) r.accepted = 1;
            return r;
        }
        if (script_.empty()) {
            SmtpReply ok{250, "250 OK", static_cast<int>(message.recipients.size()), {}};
            return ok;
        }
        auto next = std::move(script_.front());
        script_.pop_front();
        return next;
    }
    void reply(int code, std::string text, int accepted = 0,
               std::vector<RejectedRecipient> rejected = {}) {
        std::lock_guard lock(mu_);
        script_.push_back(SmtpReply{code, std::move(text), accepted, std::move(rejected)});
    }
    void refuse_connection() {
        std::lock_guard lock(mu_);
        script_.push_back(make_error(ErrorCode::kUnavailable,
                                     "curl_easy_perform smtp://127.0.0.1:25: Couldn't connect"));
    }
    // Every mail to `address` gets `code` (RCPT refused when it is 4xx/5xx).
    void answer(const std::string& address, int code) {
        std::lock_guard lock(mu_);
        by_recipient_[address] = code;
    }
    std::vector<SmtpMessage> sent() const {
        std::lock_guard lock(mu_);
        return sent_;
    }

private:
    mutable std::mutex mu_;
    std::deque<Result<SmtpReply>> script_;
    std::map<std::string, int> by_recipient_;
    std::vector<SmtpMessage> sent_;
};

}  // namespace alerthub::mail
