// The JSON forms of the console's typed requests and results (the HTTP API and hubctl).

#include "hub/console/console_json.h"

#include <gtest/gtest.h>

namespace alerthub::hub::console {
namespace {

using nlohmann::json;

TEST(ConsoleJsonTest, DraftContentIsStoredAndReadBackUnchanged) {
    DraftContent issue;
    issue.template_id = "evac_order";
    issue.areas = {{"shibaura-1", "芝浦一丁目"}};
    issue.shelters = {"芝浦小学校"};
    issue.hazard = "storm_surge";
    issue.expires_hours = 6;
    issue.headline = {{"ja", "避難指示"}, {"en", ""}};
    const auto text = draft_content_text(issue);
    // An issue has no alert id yet, and only a cancel has a note.
    EXPECT_EQ(text, R"({"action":"issue","areas":[{"code":"shibaura-1","name":"芝浦一丁目"}],)"
                    R"("description":{},"expires_hours":6,"hazard":"storm_surge",)"
                    R"("headline":{"en":"","ja":"避難指示"},"instruction":{},"link":"",)"
                    R"("shelters":["芝浦小学校"],"status":"actual","template":"evac_order",)"
                    R"("whole_ward":false})");
    EXPECT_EQ(draft_content_text(draft_content_from_text(text)), text);

    DraftContent cancel = issue;
    cancel.action = DraftAction::kCancel;
    cancel.alert_id = "staff-1";
    cancel.note = "";
    const auto cancel_text = draft_content_text(cancel);
    EXPECT_NE(cancel_text.find(R"("alert_id":"staff-1")"), std::string::npos);
    EXPECT_NE(cancel_text.find(R"("note":"")"), std::string::npos);
    EXPECT_EQ(draft_content_text(draft_content_from_text(cancel_text)), cancel_text);
}

TEST(ConsoleJsonTest, ADraftRequestOfTheWrongShapeIsRefused) {
    EXPECT_FALSE(draft_request_from_json(json::array()).ok());
    auto wrong = [](json body) {
        auto r = draft_request_from_json(body);
        return r.ok() ? ErrorCode::kInternal : r.error().code;
    };
    EXPECT_EQ(wrong({{"template", 3}}), ErrorCode::kInvalidArgument);
    EXPECT_EQ(wrong({{"areas", "shibaura-1"}}), ErrorCode::kInvalidArgument);
    EXPECT_EQ(wrong({{"shelters", {1}}}), ErrorCode::kInvalidArgument);
    EXPECT_EQ(wrong({{"expires_hours", 1.5}}), ErrorCode::kInvalidArgument);
    EXPECT_EQ(wrong({{"headline", {{"ja", 1}}}}), ErrorCode::kInvalidArgument);

    auto r = draft_request_from_json({{"template", "evac_order"},
                                      {"areas", {"shibaura-1"}},
                                      {"expires_hours", 3},
                                      {"headline", {{"ja", "見出し"}}}});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->action, "issue");
    EXPECT_EQ(r->template_id, "evac_order");
    EXPECT_EQ(r->status, std::nullopt) << "an update keeps its notice's status";
    EXPECT_EQ(r->areas, std::vector<std::string>{"shibaura-1"});
    EXPECT_EQ(r->expires_hours, 3);
    ASSERT_TRUE(r->headline);
    EXPECT_EQ(r->headline->at("ja"), "見出し");
    EXPECT_FALSE(r->instruction) << "not given: the template's";

    // A cancel reads only what a cancel takes.
    auto cancel = draft_request_from_json(
        {{"action", "cancel"}, {"alert_id", "staff-1"}, {"reason", "解除"}, {"areas", 3}});
    ASSERT_TRUE(cancel.ok());
    EXPECT_EQ(cancel->alert_id, "staff-1");
    EXPECT_EQ(cancel->reason, "解除");
}

}  // namespace
}  // namespace alerthub::hub::console
