// Drafts: compose and checks, the two-person rule, update and cancel chains, reject and
// withdraw, break-glass, training and the preview, published through the real IngestPipeline.

#include "hub/console/drafts.h"

#include <gtest/gtest.h>

#include "core/protocol/alert_text.h"
#include "hub/policy/phrase_bank.h"
#include "tests/unit/hub/console/console_fixture.h"

namespace alerthub::hub::console {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::ConsoleFixture;

class DraftsTest : public ConsoleFixture {
protected:
    void SetUp() override {
        ConsoleFixture::SetUp();
        open_service();
    }
};

TEST_F(DraftsTest, ComposeFillsTheTemplateWithAreasShelterAndHazard) {
    auto texts = drafts().compose(olive(), evac_order_request());
    ASSERT_TRUE(texts.ok()) << texts.error().message;
    EXPECT_EQ(texts->headline.at("ja"), "【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）");
    EXPECT_EQ(texts->instruction.at("ja"),
              "危険な場所から全員避難してください。避難先: 芝浦小学校");
    // Every language of the phrase bank; the blocks romanized or read where the language
    // needs it, the shelter as staff named it.
    EXPECT_EQ(texts->headline.at("en"),
              "[Alert Level 4] Evacuation instructions (storm surge): Shibaura 1-chome, "
              "Shibaura 2-chome");
    EXPECT_EQ(texts->headline.at("ja-x-easy"),
              "【レベル4】みんな 逃げてください（海の 水が 高くなる）: 芝浦一丁目（しばうら "
              "いっちょうめ）、芝浦二丁目（しばうら にちょうめ）");
    EXPECT_EQ(texts->headline.at("zh-Hans"),
              "【警戒级别4】芝浦一丁目、芝浦二丁目：避难指示（风暴潮）");
    for (auto lang : kPhraseLanguages) {
        SCOPED_TRACE(lang);
        EXPECT_FALSE(texts->headline.at(std::string(lang)).empty());
        EXPECT_FALSE(texts->description.at(std::string(lang)).empty());
        EXPECT_NE(texts->instruction.at(std::string(lang)).find("芝浦小学校"), std::string::npos);
    }
    DraftRequest whole_ward;
    whole_ward.template_id = "evac_elderly";
    whole_ward.whole_ward = true;
    auto ward = drafts().compose(olive(), whole_ward);
    ASSERT_TRUE(ward.ok());
    EXPECT_EQ(ward->headline.at("ja"), "【警戒レベル3】港区全域に高齢者等避難");
}

TEST_F(DraftsTest, DraftsAreValidated) {
    // As the API receives them: a wrong shape is refused by the JSON mapping, a wrong value
    // by the checks.
    auto refuse = [&](json body, std::string_view why) {
        auto request = draft_request_from_json(body);
        if (!request) {
            EXPECT_EQ(request.error().code, ErrorCode::kInvalidArgument) << why;
            return;
        }
        auto d = drafts().create(olive(), *request);
        ASSERT_FALSE(d.ok()) << why;
        EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument) << why;
    };
    auto base = evac_order_json();
    auto with = [&](const char* key, json value) {
        json r = base;
        r[key] = value;
        return r;
    };
    refuse(with("template", "nope"), "unknown template");
    refuse(with("template", 3), "template is not text");
    refuse(with("areas", 3), "areas is not a list");
    refuse(with("shelters", {{"a", 1}}), "shelters is not a list of names");
    refuse(with("areas", {"atlantis-1"}), "unknown town block");
    refuse(with("link", "javascript:alert(1)"), "not an http(s) link");
    refuse(with("link", "https://example.org/a b"), "space in link");
    refuse(with("status", "draft"), "bad status");
    refuse(with("hazard", "meteor"), "unknown hazard");
    refuse(with("expires_hours", 1000), "too long");
    refuse(with("headline", {{"ja", ""}}), "empty Japanese headline");
    refuse(with("headline", {{"ja", "x"}, {"klingon", "y"}}), "unknown language");
    refuse(with("headline", {{"ja", std::string("a\x01b")}}), "control character");
    refuse(with("headline", {{"ja", std::string(2001, 'a')}}), "too long text");
    json shelter = {{"template", "shelter_open"}};
    refuse(shelter, "shelter_open without a shelter");
    EXPECT_EQ(drafts().list(olive(), std::nullopt)->size(), 0u);
}

TEST_F(DraftsTest, TwoPersonRuleThenPublishedThroughThePipelineAsStaff) {
    auto id = draft(olive(), evac_order_request());
    // The author cannot approve, whatever their role; an operator approves nobody's.
    EXPECT_EQ(drafts().approve(olive(), id).error().code, ErrorCode::kPermissionDenied);
    auto own = draft(april(), evac_order_request());
    EXPECT_EQ(drafts().approve(april(), own).error().code, ErrorCode::kPermissionDenied);
    auto other_operator = as("olga", Role::kOperator);
    EXPECT_EQ(drafts().approve(other_operator, own).error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(published_, 0);

    auto done = drafts().approve(april(), id);
    ASSERT_TRUE(done.ok()) << done.error().message;
    EXPECT_EQ(done->state, DraftState::kPublished);
    EXPECT_EQ(done->published_version, 1);
    const std::string alert_id = done->alert_id;
    EXPECT_TRUE(alert_id.starts_with("staff-")) << alert_id;
    EXPECT_EQ(last_origin_, "console:april");

    auto versions = journal_->versions(alert_id);
    ASSERT_TRUE(versions.ok());
    ASSERT_EQ(versions->size(), 1u);
    const Alert& a = versions->front().alert;
    EXPECT_EQ(a.source.kind, SourceKind::kStaff);
    EXPECT_EQ(a.status, AlertStatus::kActual);
    EXPECT_EQ(a.level, 4);
    EXPECT_EQ(a.headline.at("ja"), "【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）");
    ASSERT_EQ(a.areas.size(), 2u);
    EXPECT_EQ(a.areas[0].scheme, "town");
    EXPECT_EQ(a.areas[0].code, "shibaura-1");
    ASSERT_EQ(a.links.size(), 1u);
    EXPECT_EQ(a.links[0].url, "https://www.city.minato.tokyo.jp/bousai/");
    // Decided once: a second approval or a rejection finds it published.
    EXPECT_EQ(drafts().reject(andy(), id, "late").error().code, ErrorCode::kAlreadyExists);
    auto again = drafts().approve(andy(), id);
    EXPECT_FALSE(again.ok());
    EXPECT_EQ(journal_->versions(alert_id)->size(), 1u);
}

TEST_F(DraftsTest, UpdateAndCancelFollowTheSameRule) {
    auto id = draft(olive(), evac_order_request());
    auto issued = drafts().approve(april(), id);
    ASSERT_TRUE(issued.ok());
    const std::string alert_id = issued->alert_id;

    DraftRequest update = evac_order_request();
    update.action = "update";
    update.alert_id = alert_id;
    update.areas = {"shibaura-1", "shibaura-2", "shibaura-3"};
    clock_.advance(60s);
    auto up = draft(olive(), update);
    EXPECT_EQ(drafts().approve(olive(), up).error().code, ErrorCode::kPermissionDenied);
    auto updated = drafts().approve(andy(), up);
    ASSERT_TRUE(updated.ok()) << updated.error().message;
    EXPECT_EQ(updated->alert_id, alert_id);
    EXPECT_EQ(updated->published_version, 2);

    clock_.advance(60s);
    auto cancel = draft(olive(), cancel_request(alert_id, "高潮の危険がなくなりました"));
    EXPECT_EQ(published_, 2) << "a cancel draft publishes nothing by itself";
    auto cancelled = drafts().approve(april(), cancel);
    ASSERT_TRUE(cancelled.ok()) << cancelled.error().message;
    EXPECT_EQ(cancelled->published_version, 3);
    auto versions = journal_->versions(alert_id);
    ASSERT_TRUE(versions.ok());
    ASSERT_EQ(versions->size(), 3u);
    // The ward's 解除: the order is over, not withdrawn as issued in error.
    EXPECT_EQ(versions->back().alert.state, AlertState::kLifted);
    EXPECT_EQ(versions->back().alert.msg_type, MsgType::kCancel);
    EXPECT_EQ(versions->at(1).alert.areas.size(), 3u);
    // Each version says what changed in every language: the update names the third block,
    // the cancel that the order is lifted, with no instruction to move.
    const Alert& up_alert = versions->at(1).alert;
    const Alert& lift = versions->back().alert;
    EXPECT_NE(up_alert.headline.at("en").find("Shibaura 3-chome"), std::string::npos);
    EXPECT_EQ(lift.headline.at("en"),
              "Evacuation instructions lifted: Shibaura 1-chome, "
              "Shibaura 2-chome, Shibaura 3-chome");
    EXPECT_EQ(lift.headline.at("ja"), "芝浦一丁目、芝浦二丁目、芝浦三丁目の避難指示を解除しました");
    for (auto lang : kPhraseLanguages) {
        SCOPED_TRACE(lang);
        const std::string tag(lang);
        EXPECT_NE(up_alert.headline.at(tag).find(tag == "ja" || tag.starts_with("zh") ||
                                                         tag == "ja-x-easy"
                                                     ? "芝浦三丁目"
                                                     : "Shibaura 3-chome"),
                  std::string::npos);
        EXPECT_NE(lift.instruction.at(tag), up_alert.instruction.at(tag));
        EXPECT_EQ(lift.instruction.at(tag).find("芝浦小学校"), std::string::npos);
        EXPECT_EQ(lift.event_name.at(tag), up_alert.event_name.at(tag));
    }
    EXPECT_EQ(lift.instruction.at("ja").find("避難してください"), std::string::npos);

    // Nothing more on a cancelled notice.
    EXPECT_EQ(drafts().create(olive(), update).error().code, ErrorCode::kAlreadyExists);
    EXPECT_EQ(drafts().create(olive(), cancel_request("cap-x")).error().code, ErrorCode::kNotFound);
}

// The request an update form sends: the notice's choices, changed, with the texts left to
// the template (the page regenerates them when the choices change).
DraftRequest update_of(const NoticeForUpdate& n) {
    DraftRequest r;
    r.action = "update";
    r.alert_id = n.alert_id;
    r.template_id = n.update.template_id;
    for (const auto& a : n.update.areas) r.areas.push_back(a.code);
    r.whole_ward = n.update.whole_ward;
    r.shelters = n.update.shelters;
    r.hazard = n.update.hazard;
    r.link = n.update.link;
    return r;
}

TEST_F(DraftsTest, AnUpdateSaysSoInEveryLanguageAndNamesTheAreasNow) {
    auto issued = drafts().approve(april(), draft(olive(), evac_order_request()));
    ASSERT_TRUE(issued.ok());
    const std::string alert_id = issued->alert_id;

    // What the form starts from: the version in force, and the same choices and texts
    // marked as an update.
    auto notice = drafts().notice(olive(), alert_id);
    ASSERT_TRUE(notice.ok()) << notice.error().message;
    EXPECT_EQ(notice->version, 1);
    EXPECT_EQ(notice->content.headline.at("ja"),
              "【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）");
    EXPECT_EQ(notice->update.action, DraftAction::kUpdate);
    EXPECT_EQ(notice->update.headline.at("ja"),
              "【更新】【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）");
    EXPECT_EQ(notice->update.headline.at("en"),
              "[UPDATED] [Alert Level 4] Evacuation instructions (storm surge): Shibaura 1-chome, "
              "Shibaura 2-chome");
    EXPECT_EQ(drafts().notice(olive(), "staff-nope").error().code, ErrorCode::kNotFound);

    // Unchanged, it is not an update.
    auto same = drafts().create(olive(), update_of(*notice));
    ASSERT_FALSE(same.ok());
    EXPECT_EQ(same.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(same.error().message.starts_with("更新する内容がありません（第1版と同じです）"))
        << same.error().message;

    // A block added: the texts follow the areas, each language opens with its mark.
    DraftRequest request = update_of(*notice);
    request.areas.push_back("shibaura-3");
    request.idempotency_key = "update-form-1";
    auto composed = drafts().compose(olive(), request);
    ASSERT_TRUE(composed.ok()) << composed.error().message;
    EXPECT_EQ(composed->headline.at("ja"),
              "【更新】【警戒レベル4】芝浦一丁目、芝浦二丁目、芝浦三丁目に避難指示（高潮）");
    auto changes = drafts().changes(olive(), *composed);
    ASSERT_TRUE(changes.ok());
    EXPECT_EQ(changes->base_version, 1);
    ASSERT_EQ(changes->areas_added.size(), 1u);
    EXPECT_EQ(changes->areas_added[0].name, "芝浦三丁目");
    EXPECT_TRUE(changes->areas_removed.empty());
    EXPECT_EQ(changes->level_before, changes->level_after);
    EXPECT_TRUE(changes->shelters_added.empty());
    EXPECT_EQ(changes->texts_changed.at("headline").size(), std::size(kPhraseLanguages));

    bool reused = true;
    auto saved = drafts().create(olive(), request, &reused);
    ASSERT_TRUE(saved.ok()) << saved.error().message;
    EXPECT_FALSE(reused);
    auto again = drafts().create(olive(), request, &reused);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(reused) << "saving an update twice saves it once";
    EXPECT_EQ(again->id, saved->id);

    // The approver's view: what it changes against version 1.
    auto view = drafts().get(april(), saved->id);
    ASSERT_TRUE(view.ok());
    ASSERT_TRUE(view->changes);
    EXPECT_EQ(view->changes->areas_added[0].code, "shibaura-3");
    auto shown = draft_view_json(*view);
    EXPECT_EQ(shown["changes"]["base_version"], 1);
    EXPECT_EQ(shown["changes"]["changed"], true);
    EXPECT_EQ(shown["changes"]["areas_added"][0]["name"], "芝浦三丁目");
    EXPECT_FALSE(shown["changes"].contains("level")) << "only what changes is listed";

    clock_.advance(60s);
    auto published = drafts().approve(april(), saved->id);
    ASSERT_TRUE(published.ok()) << published.error().message;
    EXPECT_EQ(published->published_version, 2);
    auto versions = journal_->versions(alert_id);
    ASSERT_TRUE(versions.ok());
    ASSERT_EQ(versions->size(), 2u);
    const Alert& v2 = versions->back().alert;
    EXPECT_EQ(v2.msg_type, MsgType::kUpdate);
    EXPECT_EQ(v2.version, 2);
    ASSERT_EQ(v2.areas.size(), 3u);
    EXPECT_EQ(v2.areas[2].code, "shibaura-3");
    for (auto lang : kPhraseLanguages) {
        SCOPED_TRACE(lang);
        const std::string tag(lang);
        const std::string mark = update_mark(tag);
        EXPECT_FALSE(mark.empty());
        EXPECT_TRUE(v2.headline.at(tag).starts_with(mark)) << v2.headline.at(tag);
        EXPECT_EQ(v2.headline.at(tag).find(mark, mark.size()), std::string::npos) << "marked once";
    }
    // Once published, its changes are still those against the version it followed.
    auto after = drafts().get(april(), saved->id);
    ASSERT_TRUE(after.ok() && after->changes);
    EXPECT_EQ(after->changes->base_version, 1);
    EXPECT_EQ(after->changes->areas_added.size(), 1u);

    // A second update from the first: the level rises, a block leaves; one mark, even on a
    // headline staff edited without it.
    auto notice2 = drafts().notice(olive(), alert_id);
    ASSERT_TRUE(notice2.ok());
    EXPECT_EQ(notice2->version, 2);
    EXPECT_EQ(notice2->update.headline.at("ja"), v2.headline.at("ja")) << "not marked twice";
    DraftRequest raise = update_of(*notice2);
    raise.template_id = "emergency_safety";
    raise.areas = {"shibaura-2", "shibaura-3"};
    raise.shelters.clear();
    raise.headline = LocalizedText{{"ja", "【警戒レベル5】芝浦二丁目、芝浦三丁目に緊急安全確保"}};
    auto raised = drafts().create(olive(), raise);
    ASSERT_TRUE(raised.ok()) << raised.error().message;
    EXPECT_EQ(raised->content.headline.at("ja"),
              "【更新】【警戒レベル5】芝浦二丁目、芝浦三丁目に緊急安全確保");
    auto raised_view = drafts().get(april(), raised->id);
    ASSERT_TRUE(raised_view.ok() && raised_view->changes);
    const DraftChanges& c = *raised_view->changes;
    EXPECT_EQ(c.base_version, 2);
    EXPECT_EQ(c.level_before, 4);
    EXPECT_EQ(c.level_after, 5);
    EXPECT_EQ(c.template_after, "emergency_safety");
    ASSERT_EQ(c.areas_removed.size(), 1u);
    EXPECT_EQ(c.areas_removed[0].name, "芝浦一丁目");
    EXPECT_TRUE(c.areas_added.empty());
    EXPECT_EQ(c.shelters_removed, std::vector<std::string>{"芝浦小学校"});
    EXPECT_EQ(c.hazard_before, c.hazard_after);
    auto raised_json = draft_changes_json(c);
    EXPECT_EQ(raised_json["level"]["from"], 4);
    EXPECT_EQ(raised_json["level"]["to"], 5);
    EXPECT_EQ(raised_json["template"]["to"], "emergency_safety");

    // The texts-vs-areas check and the whole-ward rule hold for updates too.
    DraftRequest wrong = update_of(*notice2);
    wrong.headline = LocalizedText{{"ja", "【警戒レベル4】港区全域に避難指示"}};
    auto refused = drafts().create(olive(), wrong);
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(refused.error().message.starts_with("文面に「港区全域」とありますが"))
        << refused.error().message;
    DraftRequest empty = update_of(*notice2);
    empty.areas.clear();
    auto no_area = drafts().create(olive(), empty);
    ASSERT_FALSE(no_area.ok());
    EXPECT_TRUE(no_area.error().message.starts_with("対象の町丁目を選んでください"));
}

TEST_F(DraftsTest, EditedTextsReplaceTheirOwnLanguageOnly) {
    // The page sends the three languages it shows; the other six stay the template's.
    DraftRequest request = evac_order_request();
    request.headline =
        LocalizedText{{"ja", "【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮・満潮に注意）"},
                      {"en", "Evacuate now: Shibaura 1-chome, Shibaura 2-chome"}};
    auto d = drafts().create(olive(), request);
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(d->content.headline.size(), std::size(kPhraseLanguages));
    EXPECT_EQ(d->content.headline.at("en"), "Evacuate now: Shibaura 1-chome, Shibaura 2-chome");
    EXPECT_EQ(d->content.headline.at("zh-Hans"),
              "【警戒级别4】芝浦一丁目、芝浦二丁目：避难指示（风暴潮）");
}

TEST_F(DraftsTest, TheWholeWardIsChosenNeverLeftOver) {
    DraftRequest level5;
    level5.template_id = "emergency_safety";
    auto none = drafts().create(olive(), level5);
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(none.error().message.starts_with("対象の町丁目を選んでください"))
        << none.error().message;
    level5.whole_ward = true;
    auto ward = drafts().create(olive(), level5);
    ASSERT_TRUE(ward.ok()) << ward.error().message;
    EXPECT_TRUE(ward->content.whole_ward);
    EXPECT_NE(ward->content.headline.at("ja").find("港区全域"), std::string::npos);
    level5.areas = {"mita-1"};
    EXPECT_EQ(drafts().create(olive(), level5).error().code, ErrorCode::kInvalidArgument)
        << "the whole ward and blocks at once";
}

TEST_F(DraftsTest, TextsThatDisagreeWithTheAreasAreRefused) {
    auto refused = [&](DraftRequest r, std::string_view start) {
        auto d = drafts().create(olive(), r);
        ASSERT_FALSE(d.ok()) << start;
        EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument);
        EXPECT_TRUE(d.error().message.starts_with(start)) << d.error().message;
    };
    DraftRequest mita = evac_order_request();
    mita.areas = {"mita-1"};
    mita.headline = LocalizedText{{"ja", "【警戒レベル4】港区全域に避難指示"}};
    refused(mita, "文面に「港区全域」とありますが、対象は 三田一丁目 だけです");
    // 新橋一丁目 inside 東新橋一丁目 is not 新橋一丁目.
    mita.areas = {"higashishimbashi-1"};
    mita.headline = LocalizedText{{"ja", "東新橋一丁目と芝浦一丁目に避難指示"}};
    refused(mita, "文面が選んでいない町丁目 芝浦一丁目 を名指ししています");
    mita.areas = {"higashishimbashi-1", "shibaura-1", "shibaura-2"};
    refused(mita, "見出しに選んだ町丁目 芝浦二丁目 がありません");
    DraftRequest ward = evac_order_request();
    ward.areas.clear();
    ward.whole_ward = true;
    ward.headline = LocalizedText{{"ja", "芝浦一丁目に避難指示"}};
    refused(ward, "対象は港区全域ですが、文面が 芝浦一丁目 を名指ししています");
    // Texts made by the template for the areas always agree.
    mita.headline.reset();
    EXPECT_TRUE(drafts().create(olive(), mita).ok());
}

TEST_F(DraftsTest, SavingApprovingAndCancellingTwiceDoOnce) {
    DraftRequest request = evac_order_request();
    request.idempotency_key = "form-1";
    bool reused = true;
    auto first = drafts().create(olive(), request, &reused);
    ASSERT_TRUE(first.ok());
    EXPECT_FALSE(reused);
    auto second = drafts().create(olive(), request, &reused);
    ASSERT_TRUE(second.ok());
    EXPECT_TRUE(reused);
    EXPECT_EQ(second->id, first->id);
    // Another user's key is theirs alone.
    auto oscar = drafts().create(as("oscar", Role::kOperator), request, &reused);
    ASSERT_TRUE(oscar.ok());
    EXPECT_NE(oscar->id, first->id);

    auto published = drafts().approve(april(), first->id);
    ASSERT_TRUE(published.ok());
    auto again = drafts().approve(april(), first->id);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->published_version, 1);
    EXPECT_EQ(published_, 1) << "one publication";
    EXPECT_EQ(drafts().approve(andy(), first->id).error().code, ErrorCode::kAlreadyExists);

    auto cancel = drafts().create(olive(), cancel_request(published->alert_id, "解除"), &reused);
    ASSERT_TRUE(cancel.ok());
    auto cancel_again =
        drafts().create(olive(), cancel_request(published->alert_id, "解除"), &reused);
    ASSERT_TRUE(cancel_again.ok());
    EXPECT_TRUE(reused);
    EXPECT_EQ(cancel_again->id, cancel->id);
    ASSERT_TRUE(drafts().approve(april(), cancel->id).ok());
    auto after = drafts().create(olive(), cancel_request(published->alert_id, "解除"));
    ASSERT_FALSE(after.ok());
    EXPECT_EQ(after.error().code, ErrorCode::kAlreadyExists);
    EXPECT_TRUE(after.error().message.starts_with("この情報")) << after.error().message;
}

TEST_F(DraftsTest, RejectAndWithdraw) {
    auto a = draft(olive(), evac_order_request());
    auto b = draft(olive(), evac_order_request());
    EXPECT_EQ(drafts().reject(as("olga", Role::kOperator), a, "").error().code,
              ErrorCode::kPermissionDenied);
    auto rejected = drafts().reject(april(), a, "地域が違う");
    ASSERT_TRUE(rejected.ok());
    EXPECT_EQ(rejected->state, DraftState::kRejected);
    auto withdrawn = drafts().reject(olive(), b, "");
    ASSERT_TRUE(withdrawn.ok());
    EXPECT_EQ(withdrawn->state, DraftState::kWithdrawn);
    EXPECT_EQ(drafts().approve(april(), a).error().code, ErrorCode::kAlreadyExists);
    EXPECT_EQ(published_, 0);
}

TEST_F(DraftsTest, BreakGlassOnlyWhenConfiguredOnlyLevel5AndAudited) {
    DraftRequest level5;
    level5.template_id = "emergency_safety";
    level5.areas = {"konan-1"};
    auto id = draft(olive(), level5);
    EXPECT_EQ(drafts().break_glass(olive(), id, "堤防決壊のため単独で発信").error().code,
              ErrorCode::kPermissionDenied);

    config_.break_glass_level5 = true;
    open_service_again();
    auto id5 = draft(olive(), level5);
    EXPECT_EQ(drafts().break_glass(olive(), id5, "short").error().code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(drafts().break_glass(april(), id5, "堤防決壊のため単独で発信します").error().code,
              ErrorCode::kPermissionDenied)
        << "break-glass is for the author";
    auto level4 = draft(olive(), evac_order_request());
    EXPECT_EQ(drafts().break_glass(olive(), level4, "堤防決壊のため単独で発信します").error().code,
              ErrorCode::kPermissionDenied);
    auto done = drafts().break_glass(olive(), id5, "堤防決壊のため単独で発信します");
    ASSERT_TRUE(done.ok()) << done.error().message;
    EXPECT_EQ(done->state, DraftState::kPublished);
    EXPECT_EQ(done->break_glass_reason, "堤防決壊のため単独で発信します");
    auto entries = service_->audit().list(local_, 0, 10);
    ASSERT_TRUE(entries.ok());
    bool found = false;
    for (const auto& e : *entries)
        if (e.action == "break_glass") {
            found = true;
            EXPECT_EQ(e.actor, "olive");
            EXPECT_EQ(json::parse(e.detail)["reason"], "堤防決壊のため単独で発信します");
        }
    EXPECT_TRUE(found);
}

TEST_F(DraftsTest, TrainingMakesEveryNoticeAnExercise) {
    config_.training = true;
    open_service_again();
    DraftRequest request = evac_order_request();
    request.status = "actual";
    auto id = draft(olive(), request);
    auto done = drafts().approve(april(), id);
    ASSERT_TRUE(done.ok());
    auto versions = journal_->versions(done->alert_id);
    ASSERT_TRUE(versions.ok());
    EXPECT_EQ(versions->front().alert.status, AlertStatus::kExercise);
    EXPECT_TRUE(last_cap_.find("<status>Exercise</status>") != std::string::npos);
}

TEST_F(DraftsTest, PreviewIsWhatThePipelineWillRead) {
    auto id = draft(olive(), evac_order_request());
    auto d = drafts().get(april(), id);
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE(d->preview) << d->preview_error.value_or("");
    const Alert& p = *d->preview;
    EXPECT_EQ(p.headline.at("ja"), "【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）");
    EXPECT_EQ(p.level, 4);
    EXPECT_EQ(p.source.kind, SourceKind::kStaff);
    EXPECT_TRUE(d->channel_texts.contains("ja"));
    // And as the API shows it.
    auto shown = draft_view_json(*d);
    EXPECT_EQ(shown["preview"]["source"]["kind"], "staff");
    EXPECT_EQ(shown["preview"]["level"], 4);
}

}  // namespace
}  // namespace alerthub::hub::console
