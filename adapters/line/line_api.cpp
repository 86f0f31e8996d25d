#include "adapters/line/line_api.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace alerthub::line {
namespace {

using nlohmann::json;

constexpr std::string_view kMonthlyLimit = "You have reached your monthly limit.";
constexpr std::string_view kMonthlyLimitDetail = "monthly message limit reached: ";

// LINE's error body: {"message": "...", "details": [{"message": "...", "property": "..."}]}.
struct LineError {
    std::string message;
    std::string summary;  // message plus details, for logs and receipts
};

LineError parse_error(const std::string& body) {
    LineError e;
    json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
        e.summary = body.substr(0, 200);
        return e;
    }
    if (auto it = j.find("message"); it != j.end() && it->is_string()) e.message = *it;
    e.summary = e.message;
    if (auto it = j.find("details"); it != j.end() && it->is_array()) {
        for (auto& d : *it) {
            if (!d.is_object()) continue;
            auto property = d.value("property", std::string());
            auto message = d.value("message", std::string());
            e.summary += fmt::format(" [{}{}{}]", property, property.empty() ? "" : ": ", message);
        }
    }
    return e;
}

std::string request_id(const HttpResponse& r) {
    auto id = r.header("x-line-request-id");
    return id.empty() ? "unknown" : id;
}

}  // namespace

AttemptResult classify_line_response(const HttpResponse& r) {
    if (r.status >= 200 && r.status < 300)
        return {AttemptKind::kAccepted, "x-line-request-id=" + request_id(r)};
    if (r.status == 409) {
        // The retry key was accepted by an earlier request (one whose answer we lost).
        auto original = r.header("x-line-accepted-request-id");
        return {AttemptKind::kAccepted,
                fmt::format("409 retry key already accepted; x-line-accepted-request-id={}",
                            original.empty() ? "unknown" : original)};
    }
    auto error = parse_error(r.body);
    auto detail = fmt::format("HTTP {}: {} (x-line-request-id={})", r.status,
                              error.summary.empty() ? "no message" : error.summary, request_id(r));
    if (r.status == 429) {
        // The monthly quota does not come back by retrying; say so instead of looping.
        if (error.message == kMonthlyLimit)
            return {AttemptKind::kFailed, std::string(kMonthlyLimitDetail) + detail};
        return {AttemptKind::kRetry, detail};
    }
    if (r.status >= 500 || r.status == 408) return {AttemptKind::kRetry, detail};
    return {AttemptKind::kFailed, detail};
}

bool is_monthly_limit(const AttemptResult& result) {
    return result.kind == AttemptKind::kFailed && result.detail.rfind(kMonthlyLimitDetail, 0) == 0;
}

std::string broadcast_body(const std::string& text) {
    json body = {{"messages", json::array({{{"type", "text"}, {"text", text}}})}};
    // Invalid UTF-8 must not throw: it is replaced, and LINE shows U+FFFD.
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

LineApi::LineApi(HttpClient& http, std::string api_base, std::string channel_access_token,
                 std::chrono::milliseconds timeout)
    : http_(http),
      base_(std::move(api_base)),
      token_(std::move(channel_access_token)),
      timeout_(timeout) {}

AttemptResult LineApi::post(const std::string& path, std::string body,
                            const std::string& retry_key) {
    HttpRequest req;
    req.method = "POST";
    req.url = base_ + path;
    req.headers = {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/json"}};
    if (!retry_key.empty()) req.headers.emplace_back("X-Line-Retry-Key", retry_key);
    req.body = std::move(body);
    req.timeout = timeout_;
    auto resp = http_.send(req);
    if (!resp) return {AttemptKind::kRetry, resp.error().message};
    return classify_line_response(*resp);
}

AttemptResult LineApi::broadcast(const std::string& text, const std::string& retry_key) {
    return post("/v2/bot/message/broadcast", broadcast_body(text), retry_key);
}

AttemptResult LineApi::broadcast_messages(const std::string& messages_json,
                                          const std::string& retry_key) {
    return post("/v2/bot/message/broadcast", R"({"messages":)" + messages_json + "}", retry_key);
}

AttemptResult LineApi::multicast(const std::vector<std::string>& user_ids,
                                 const std::string& messages_json, const std::string& retry_key) {
    std::string body =
        R"({"to":)" + json(user_ids).dump() + R"(,"messages":)" + messages_json + "}";
    return post("/v2/bot/message/multicast", std::move(body), retry_key);
}

AttemptResult LineApi::reply(const std::string& reply_token, const std::string& messages_json) {
    std::string body =
        R"({"replyToken":)" + json(reply_token).dump() + R"(,"messages":)" + messages_json + "}";
    return post("/v2/bot/message/reply", std::move(body), /*retry_key=*/"");
}

Result<std::string> LineApi::get(const std::string& path) {
    HttpRequest req;
    req.method = "GET";
    req.url = base_ + path;
    req.headers = {{"Authorization", "Bearer " + token_}};
    req.timeout = timeout_;
    auto resp = http_.send(req);
    if (!resp) return resp.error();
    if (resp->status != 200)
        return make_error(ErrorCode::kUnavailable,
                          fmt::format("GET {}: HTTP {}", path, resp->status));
    return resp->body;
}

Result<LineQuota> LineApi::quota() {
    auto quota = get("/v2/bot/message/quota");
    if (!quota) return quota.error();
    auto consumption = get("/v2/bot/message/quota/consumption");
    if (!consumption) return consumption.error();
    json q = json::parse(*quota, nullptr, false);
    json c = json::parse(*consumption, nullptr, false);
    if (!q.is_object() || !q.contains("type") || !q["type"].is_string() || !c.is_object() ||
        !c.contains("totalUsage") || !c["totalUsage"].is_number_integer())
        return make_error(ErrorCode::kInvalidArgument, "quota: unexpected answer from LINE");
    LineQuota out;
    out.limited = q["type"] == "limited";
    if (out.limited) {
        if (!q.contains("value") || !q["value"].is_number_integer())
            return make_error(ErrorCode::kInvalidArgument, "quota: 'limited' without a value");
        out.limit = q["value"].get<std::int64_t>();
    }
    out.used = c["totalUsage"].get<std::int64_t>();
    return out;
}

}  // namespace alerthub::line
