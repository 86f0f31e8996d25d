#pragma once
// The one LINE Messaging API call the adapter makes: a broadcast text message, with the
// job's X-Line-Retry-Key so that a retry can never deliver twice.

#include <chrono>
#include <string>

#include "core/http_client.h"
#include "core/retry_policy.h"

namespace alerthub::line {

// What an HTTP answer from a LINE send endpoint means for the job:
//   kAccepted: LINE has the message (2xx, or 409: an earlier request with this key was);
//   kRetry: worth trying again later with the same key (429, 408, 5xx);
//   kFailed: will not succeed by repeating (other 4xx, monthly limit reached).
// The detail is "x-line-request-id=...", or why it failed.
AttemptResult classify_line_response(const HttpResponse& response);

// {"messages":[{"type":"text","text":...}]}
std::string broadcast_body(const std::string& text);

class LineApi {
public:
    LineApi(HttpClient& http, std::string api_base, std::string channel_access_token,
            std::chrono::milliseconds timeout);

    // As classify_line_response; a transport failure is kRetry.
    AttemptResult broadcast(const std::string& text, const std::string& retry_key);

private:
    HttpClient& http_;
    std::string url_;
    std::string token_;
    std::chrono::milliseconds timeout_;
};

}  // namespace alerthub::line
