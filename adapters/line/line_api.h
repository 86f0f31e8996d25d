#pragma once
// The LINE Messaging API calls the adapter makes: broadcast and multicast (each with an
// X-Line-Retry-Key so that a retry can never deliver twice), reply (the webhook's answers;
// LINE refuses a retry key there) and the monthly quota.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/base/retry_policy.h"
#include "core/http/http_client.h"

namespace alerthub::line {

// What an HTTP answer from a LINE send endpoint means for the job:
//   kAccepted: LINE has the message (2xx, or 409: an earlier request with this key was);
//   kRetry: worth trying again later with the same key (429, 408, 5xx);
//   kFailed: will not succeed by repeating (other 4xx, monthly limit reached).
// The detail is "x-line-request-id=...", or why it failed.
AttemptResult classify_line_response(const HttpResponse& response);

// True when `result` is LINE's "You have reached your monthly limit." (a 429 that no retry
// cures).
bool is_monthly_limit(const AttemptResult& result);

// {"messages":[{"type":"text","text":...}]}
std::string broadcast_body(const std::string& text);

// The month's message quota: `limited` with `limit` messages, of which `used` are spent.
struct LineQuota {
    bool limited = false;
    std::int64_t limit = 0;
    std::int64_t used = 0;
    // What may still be sent this month; meaningless when !limited.
    std::int64_t remaining() const { return limit > used ? limit - used : 0; }
};

class LineApi {
public:
    LineApi(HttpClient& http, std::string api_base, std::string channel_access_token,
            std::chrono::milliseconds timeout);

    // Each as classify_line_response; a transport failure is kRetry. `messages_json` is the
    // JSON array of message objects (line_messages_json).
    AttemptResult broadcast(const std::string& text, const std::string& retry_key);
    AttemptResult broadcast_messages(const std::string& messages_json,
                                     const std::string& retry_key);
    AttemptResult multicast(const std::vector<std::string>& user_ids,
                            const std::string& messages_json, const std::string& retry_key);
    AttemptResult reply(const std::string& reply_token, const std::string& messages_json);
    // GET /v2/bot/message/quota and /quota/consumption.
    Result<LineQuota> quota();

private:
    AttemptResult post(const std::string& path, std::string body, const std::string& retry_key);
    Result<std::string> get(const std::string& path);

    HttpClient& http_;
    std::string base_;
    std::string token_;
    std::chrono::milliseconds timeout_;
};

}  // namespace alerthub::line
