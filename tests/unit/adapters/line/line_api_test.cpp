#include "adapters/line/line_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace alerthub::line {
namespace {

HttpResponse response(int status, std::string body = "{}", HttpHeaders headers = {}) {
    headers.emplace_back("x-line-request-id", "rid-1");
    return HttpResponse{status, std::move(headers), std::move(body)};
}

TEST(ClassifyLineResponse, SuccessRecordsTheRequestId) {
    auto r = classify_line_response(response(200));
    EXPECT_EQ(r.kind, AttemptKind::kAccepted);
    EXPECT_EQ(r.detail, "x-line-request-id=rid-1");
}

TEST(ClassifyLineResponse, ConflictIsAcceptedAndNamesTheOriginalRequest) {
    auto r =
        classify_line_response(response(409, R"({"message":"The retry key is already accepted"})",
                                        {{"x-line-accepted-request-id", "orig-7"}}));
    EXPECT_EQ(r.kind, AttemptKind::kAccepted);
    EXPECT_NE(r.detail.find("x-line-accepted-request-id=orig-7"), std::string::npos);
}

TEST(ClassifyLineResponse, RetriesRateLimitServerErrorsAndRequestTimeout) {
    for (int status : {429, 500, 502, 503, 504, 408})
        EXPECT_EQ(classify_line_response(response(status)).kind, AttemptKind::kRetry) << status;
}

TEST(ClassifyLineResponse, MonthlyLimitIsPermanent) {
    auto r = classify_line_response(
        response(429, R"({"message":"You have reached your monthly limit."})"));
    EXPECT_EQ(r.kind, AttemptKind::kFailed);
    EXPECT_EQ(r.detail.rfind("monthly message limit reached: HTTP 429", 0), 0u);
}

TEST(ClassifyLineResponse, OtherClientErrorsFailWithLinesMessageAndDetails) {
    for (int status : {400, 401, 403, 404, 413})
        EXPECT_EQ(classify_line_response(response(status)).kind, AttemptKind::kFailed) << status;
    auto r = classify_line_response(response(
        400,
        R"j({"message":"The request body has 1 error(s)","details":[{"message":"Length must be between 0 and 5000","property":"messages[0].text"}]})j"));
    EXPECT_EQ(r.detail,
              "HTTP 400: The request body has 1 error(s) [messages[0].text: Length must be "
              "between 0 and 5000] (x-line-request-id=rid-1)");
    // A body that is not LINE's JSON still gives a readable reason.
    auto html = classify_line_response(response(403, "<html>Forbidden</html>"));
    EXPECT_NE(html.detail.find("<html>Forbidden</html>"), std::string::npos);
}

TEST(BroadcastBody, IsOneTextMessage) {
    auto j = nlohmann::json::parse(broadcast_body("【緊急】避難指示\n\"quoted\""));
    EXPECT_EQ(j, nlohmann::json::parse(
                     R"({"messages":[{"type":"text","text":"【緊急】避難指示\n\"quoted\""}]})"));
}

TEST(BroadcastBody, InvalidUtf8DoesNotThrow) {
    auto body = broadcast_body(std::string("ok\xff", 3));
    EXPECT_FALSE(nlohmann::json::parse(body)["messages"][0]["text"].get<std::string>().empty());
}

}  // namespace
}  // namespace alerthub::line
