// ConsoleService: log-in limits and sessions, roles, the two-person rule, publication
// through the real IngestPipeline, update and cancel chains, break-glass, training, and
// the audit log of all of it.

#include "hub/console/console_service.h"

#include <gtest/gtest.h>

#include "core/base/time_format.h"
#include "hub/console/secrets.h"
#include "tests/unit/hub/console/console_fixture.h"

namespace alerthub::hub::console {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::ConsoleFixture;
using testing::kApproverPassword;
using testing::kOperatorPassword;

class ConsoleServiceTest : public ConsoleFixture {
protected:
    void SetUp() override {
        ConsoleFixture::SetUp();
        open_service();
    }

    std::vector<std::string> audit_actions() {
        auto entries = service_->audit(local_, 0, 500);
        EXPECT_TRUE(entries.ok());
        std::vector<std::string> out;
        for (auto it = entries->rbegin(); it != entries->rend(); ++it)
            out.push_back((*it)["action"].get<std::string>());
        return out;
    }
};

TEST_F(ConsoleServiceTest, PasswordsAreStoredAsArgon2idHashes) {
    auto hash = hash_password("correct horse battery");
    ASSERT_TRUE(hash.ok());
    EXPECT_TRUE(hash->starts_with("$argon2id$"));
    EXPECT_TRUE(verify_password("correct horse battery", *hash));
    EXPECT_FALSE(verify_password("correct horse batterz", *hash));
    EXPECT_FALSE(verify_password("x", "not a hash"));
    EXPECT_FALSE(check_password_rules("short").ok());
    EXPECT_EQ(random_token_hex(32).size(), 64u);
    EXPECT_NE(random_token_hex(), random_token_hex());
}

TEST_F(ConsoleServiceTest, LoginGivesASessionWithItsCsrfToken) {
    auto login = service_->login("olive", kOperatorPassword, "127.0.0.1");
    ASSERT_TRUE(login.ok()) << login.error().message;
    EXPECT_EQ(login->token.size(), 64u);
    EXPECT_EQ(login->session.actor.role, Role::kOperator);
    EXPECT_EQ(login->session.csrf_token, ConsoleService::csrf_token_for(login->token));
    auto session = service_->session(login->token, "127.0.0.1");
    ASSERT_TRUE(session.ok());
    EXPECT_EQ(session->actor.user, "olive");
    // The token itself is nowhere in the database: only its hash.
    auto db = SqliteDb::open(journal_path_);
    ASSERT_TRUE(db.ok());
    auto q = db->prepare("SELECT COUNT(*) FROM console_sessions WHERE token_sha256 = ?");
    ASSERT_TRUE(q.ok());
    q->bind(1, login->token);
    ASSERT_TRUE(q->step().ok());
    EXPECT_EQ(q->column_int(0), 0);
}

TEST_F(ConsoleServiceTest, WrongPasswordAndUnknownUserGetTheSameAnswer) {
    auto wrong = service_->login("olive", "not-the-password", "127.0.0.1");
    auto unknown = service_->login("nobody", "not-the-password", "127.0.0.1");
    ASSERT_FALSE(wrong.ok());
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(wrong.error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(wrong.error().message, unknown.error().message);
}

TEST_F(ConsoleServiceTest, FiveWrongPasswordsLockTheNameEvenForTheRightOne) {
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(service_->login("olive", "wrong-password!", "10.0.0.1").error().code,
                  ErrorCode::kPermissionDenied);
    auto locked = service_->login("olive", kOperatorPassword, "10.0.0.2");
    ASSERT_FALSE(locked.ok());
    EXPECT_EQ(locked.error().code, ErrorCode::kRateLimited);
    // Other users are not locked; the lock ends after console.lockout_s.
    EXPECT_TRUE(service_->login("april", kApproverPassword, "10.0.0.2").ok());
    clock_.advance(std::chrono::seconds(config_.lockout_s + 1));
    EXPECT_TRUE(service_->login("olive", kOperatorPassword, "10.0.0.2").ok());
}

TEST_F(ConsoleServiceTest, AnAdminCanUnlockAName) {
    for (int i = 0; i < 5; ++i) (void)service_->login("olive", "wrong-password!", "10.0.0.1");
    ASSERT_EQ(service_->login("olive", kOperatorPassword, "10.0.0.3").error().code,
              ErrorCode::kRateLimited);
    ConsoleService::UserChange unlock;
    unlock.unlock = true;
    ASSERT_TRUE(service_->change_user(local_, "olive", unlock).ok());
    EXPECT_TRUE(service_->login("olive", kOperatorPassword, "10.0.0.3").ok());
}

TEST_F(ConsoleServiceTest, SessionsEndWhenIdleExpiredLoggedOutOrTheUserChanges) {
    auto a = service_->login("olive", kOperatorPassword, "127.0.0.1");
    ASSERT_TRUE(a.ok());
    clock_.advance(std::chrono::seconds(config_.session_idle_s - 10));
    ASSERT_TRUE(service_->session(a->token, "127.0.0.1").ok());  // and refreshed
    clock_.advance(std::chrono::seconds(config_.session_idle_s - 10));
    ASSERT_TRUE(service_->session(a->token, "127.0.0.1").ok());
    clock_.advance(std::chrono::seconds(config_.session_idle_s + 1));
    EXPECT_FALSE(service_->session(a->token, "127.0.0.1").ok());

    auto b = service_->login("olive", kOperatorPassword, "127.0.0.1");
    ASSERT_TRUE(b.ok());
    ASSERT_TRUE(service_->logout(b->token, "127.0.0.1").ok());
    EXPECT_FALSE(service_->session(b->token, "127.0.0.1").ok());

    auto c = service_->login("olive", kOperatorPassword, "127.0.0.1");
    ASSERT_TRUE(c.ok());
    ConsoleService::UserChange disable;
    disable.disabled = true;
    ASSERT_TRUE(service_->change_user(local_, "olive", disable).ok());
    EXPECT_FALSE(service_->session(c->token, "127.0.0.1").ok());
    EXPECT_FALSE(service_->login("olive", kOperatorPassword, "127.0.0.1").ok());

    auto d = service_->login("april", kApproverPassword, "127.0.0.1");
    ASSERT_TRUE(d.ok());
    for (int i = 0; i < 100 && service_->session(d->token, "127.0.0.1").ok(); ++i)
        clock_.advance(std::chrono::seconds(config_.session_idle_s / 2));
    EXPECT_FALSE(service_->session(d->token, "127.0.0.1").ok()) << "session_max_s not enforced";
}

TEST_F(ConsoleServiceTest, OnlyAdminsManageUsersAndTheLastAdminStays) {
    EXPECT_EQ(service_->add_user(olive(), "x1", Role::kAdmin, "long-enough-password").error().code,
              ErrorCode::kPermissionDenied);
    EXPECT_EQ(service_->users(april()).error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(service_->add_user(local_, "Bad Name", Role::kOperator, "long-enough-password")
                  .error()
                  .code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(
        service_->add_user(local_, "olive", Role::kOperator, "long-enough-password").error().code,
        ErrorCode::kAlreadyExists);
    ConsoleService::UserChange demote;
    demote.role = Role::kOperator;
    EXPECT_EQ(service_->change_user(local_, "admin", demote).error().code,
              ErrorCode::kAlreadyExists);
    ConsoleService::UserChange promote;
    promote.role = Role::kAdmin;
    ASSERT_TRUE(service_->change_user(local_, "april", promote).ok());
    EXPECT_TRUE(service_->change_user(local_, "admin", demote).ok());
    auto list = service_->users(local_);
    ASSERT_TRUE(list.ok());
    EXPECT_EQ(list->size(), 4u);
}

TEST_F(ConsoleServiceTest, ComposeFillsTheTemplateWithAreasShelterAndHazard) {
    auto texts = service_->compose(olive(), evac_order_request());
    ASSERT_TRUE(texts.ok()) << texts.error().message;
    EXPECT_EQ((*texts)["headline"]["ja"],
              "【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）");
    EXPECT_EQ((*texts)["instruction"]["ja"],
              "危険な場所から全員避難してください。避難先: 芝浦小学校");
    EXPECT_EQ((*texts)["headline"]["en"],
              "[Alert Level 4] Evacuation instructions (storm surge): 芝浦一丁目、芝浦二丁目");
    EXPECT_TRUE((*texts)["headline"].contains("ja-x-easy"));
    json whole_ward = {{"template", "evac_elderly"}};
    auto ward = service_->compose(olive(), whole_ward);
    ASSERT_TRUE(ward.ok());
    EXPECT_EQ((*ward)["headline"]["ja"], "【警戒レベル3】港区全域に高齢者等避難");
}

TEST_F(ConsoleServiceTest, DraftsAreValidated) {
    auto refuse = [&](json request, std::string_view why) {
        auto d = service_->create_draft(olive(), request);
        ASSERT_FALSE(d.ok()) << why;
        EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument) << why;
    };
    auto base = evac_order_request();
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
    EXPECT_EQ(service_->drafts(olive(), "")->size(), 0u);
}

TEST_F(ConsoleServiceTest, TwoPersonRuleThenPublishedThroughThePipelineAsStaff) {
    auto id = draft(olive(), evac_order_request());
    // The author cannot approve, whatever their role; an operator approves nobody's.
    EXPECT_EQ(service_->approve(olive(), id).error().code, ErrorCode::kPermissionDenied);
    auto own = draft(april(), evac_order_request());
    EXPECT_EQ(service_->approve(april(), own).error().code, ErrorCode::kPermissionDenied);
    auto other_operator = as("olga", Role::kOperator);
    EXPECT_EQ(service_->approve(other_operator, own).error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(published_, 0);

    auto done = service_->approve(april(), id);
    ASSERT_TRUE(done.ok()) << done.error().message;
    EXPECT_EQ((*done)["state"], "published");
    EXPECT_EQ((*done)["published_version"], 1);
    const std::string alert_id = (*done)["alert_id"];
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
    EXPECT_EQ(service_->reject(andy(), id, "late").error().code, ErrorCode::kAlreadyExists);
    auto again = service_->approve(andy(), id);
    EXPECT_FALSE(again.ok());
    EXPECT_EQ(journal_->versions(alert_id)->size(), 1u);
}

TEST_F(ConsoleServiceTest, UpdateAndCancelFollowTheSameRule) {
    auto id = draft(olive(), evac_order_request());
    auto issued = service_->approve(april(), id);
    ASSERT_TRUE(issued.ok());
    const std::string alert_id = (*issued)["alert_id"];

    json update = evac_order_request();
    update["action"] = "update";
    update["alert_id"] = alert_id;
    update["areas"] = {"shibaura-1", "shibaura-2", "shibaura-3"};
    clock_.advance(60s);
    auto up = draft(olive(), update);
    EXPECT_EQ(service_->approve(olive(), up).error().code, ErrorCode::kPermissionDenied);
    auto updated = service_->approve(andy(), up);
    ASSERT_TRUE(updated.ok()) << updated.error().message;
    EXPECT_EQ((*updated)["alert_id"], alert_id);
    EXPECT_EQ((*updated)["published_version"], 2);

    clock_.advance(60s);
    auto cancel = draft(
        olive(),
        {{"action", "cancel"}, {"alert_id", alert_id}, {"reason", "高潮の危険がなくなりました"}});
    EXPECT_EQ(published_, 2) << "a cancel draft publishes nothing by itself";
    auto cancelled = service_->approve(april(), cancel);
    ASSERT_TRUE(cancelled.ok()) << cancelled.error().message;
    EXPECT_EQ((*cancelled)["published_version"], 3);
    auto versions = journal_->versions(alert_id);
    ASSERT_TRUE(versions.ok());
    ASSERT_EQ(versions->size(), 3u);
    EXPECT_EQ(versions->back().alert.state, AlertState::kCancelled);
    EXPECT_EQ(versions->back().alert.msg_type, MsgType::kCancel);
    EXPECT_EQ(versions->at(1).alert.areas.size(), 3u);

    // Nothing more on a cancelled notice.
    EXPECT_EQ(service_->create_draft(olive(), update).error().code, ErrorCode::kAlreadyExists);
    EXPECT_EQ(
        service_->create_draft(olive(), {{"action", "cancel"}, {"alert_id", "cap-x"}}).error().code,
        ErrorCode::kNotFound);
}

TEST_F(ConsoleServiceTest, RejectAndWithdraw) {
    auto a = draft(olive(), evac_order_request());
    auto b = draft(olive(), evac_order_request());
    EXPECT_EQ(service_->reject(as("olga", Role::kOperator), a, "").error().code,
              ErrorCode::kPermissionDenied);
    auto rejected = service_->reject(april(), a, "地域が違う");
    ASSERT_TRUE(rejected.ok());
    EXPECT_EQ((*rejected)["state"], "rejected");
    auto withdrawn = service_->reject(olive(), b, "");
    ASSERT_TRUE(withdrawn.ok());
    EXPECT_EQ((*withdrawn)["state"], "withdrawn");
    EXPECT_EQ(service_->approve(april(), a).error().code, ErrorCode::kAlreadyExists);
    EXPECT_EQ(published_, 0);
}

TEST_F(ConsoleServiceTest, BreakGlassOnlyWhenConfiguredOnlyLevel5AndAudited) {
    json level5 = {{"template", "emergency_safety"}, {"areas", {"konan-1"}}};
    auto id = draft(olive(), level5);
    EXPECT_EQ(service_->break_glass(olive(), id, "堤防決壊のため単独で発信").error().code,
              ErrorCode::kPermissionDenied);

    config_.break_glass_level5 = true;
    open_service_again();
    auto id5 = draft(olive(), level5);
    EXPECT_EQ(service_->break_glass(olive(), id5, "short").error().code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(service_->break_glass(april(), id5, "堤防決壊のため単独で発信します").error().code,
              ErrorCode::kPermissionDenied)
        << "break-glass is for the author";
    auto level4 = draft(olive(), evac_order_request());
    EXPECT_EQ(service_->break_glass(olive(), level4, "堤防決壊のため単独で発信します").error().code,
              ErrorCode::kPermissionDenied);
    auto done = service_->break_glass(olive(), id5, "堤防決壊のため単独で発信します");
    ASSERT_TRUE(done.ok()) << done.error().message;
    EXPECT_EQ((*done)["state"], "published");
    EXPECT_EQ((*done)["break_glass_reason"], "堤防決壊のため単独で発信します");
    auto entries = service_->audit(local_, 0, 10);
    ASSERT_TRUE(entries.ok());
    bool found = false;
    for (const auto& e : *entries)
        if (e["action"] == "break_glass") {
            found = true;
            EXPECT_EQ(e["actor"], "olive");
            EXPECT_EQ(e["detail"]["reason"], "堤防決壊のため単独で発信します");
        }
    EXPECT_TRUE(found);
}

TEST_F(ConsoleServiceTest, TrainingMakesEveryNoticeAnExercise) {
    config_.training = true;
    open_service_again();
    json request = evac_order_request();
    request["status"] = "actual";
    auto id = draft(olive(), request);
    auto done = service_->approve(april(), id);
    ASSERT_TRUE(done.ok());
    auto versions = journal_->versions((*done)["alert_id"].get<std::string>());
    ASSERT_TRUE(versions.ok());
    EXPECT_EQ(versions->front().alert.status, AlertStatus::kExercise);
    EXPECT_TRUE(last_cap_.find("<status>Exercise</status>") != std::string::npos);
}

TEST_F(ConsoleServiceTest, AFailedPublicationIsRetriedWithTheSameDocument) {
    auto id = draft(olive(), evac_order_request());
    fail_next_publish_ = true;
    auto first = service_->approve(april(), id);
    ASSERT_FALSE(first.ok());
    EXPECT_EQ(first.error().code, ErrorCode::kUnavailable);
    const std::string document = last_cap_;
    EXPECT_EQ((*service_->draft(april(), id))["state"], "approved");
    auto second = service_->approve(andy(), id);
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_EQ(last_cap_, document);
    EXPECT_EQ((*second)["state"], "published");
}

TEST_F(ConsoleServiceTest, PreviewIsWhatThePipelineWillRead) {
    auto id = draft(olive(), evac_order_request());
    auto d = service_->draft(april(), id);
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE(d->contains("preview")) << d->dump();
    const auto& p = (*d)["preview"];
    EXPECT_EQ(p["headline"]["ja"], "【警戒レベル4】芝浦一丁目、芝浦二丁目に避難指示（高潮）");
    EXPECT_EQ(p["level"], 4);
    EXPECT_EQ(p["source"]["kind"], "staff");
}

TEST_F(ConsoleServiceTest, EveryActionIsInTheAuditLogAndTheChainVerifies) {
    (void)service_->login("olive", "wrong-password!", "127.0.0.1");
    auto login = service_->login("olive", kOperatorPassword, "127.0.0.1");
    ASSERT_TRUE(login.ok());
    auto id = draft(olive(), evac_order_request());
    ASSERT_TRUE(service_->approve(april(), id).ok());
    ASSERT_TRUE(service_->logout(login->token, "127.0.0.1").ok());
    auto actions = audit_actions();
    std::vector<std::string> expected = {"user_add",     "user_add", "user_add", "user_add",
                                         "login_failed", "login",    "draft",    "approve",
                                         "publish",      "logout"};
    EXPECT_EQ(actions, expected);
    auto v = service_->verify_audit(std::nullopt);
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->ok) << v->problem;
    EXPECT_EQ(v->entries, 10);
    // No secret reaches the log.
    auto entries = service_->audit(local_, 0, 100);
    for (const auto& e : *entries) {
        EXPECT_EQ(e.dump().find(kOperatorPassword), std::string::npos);
        EXPECT_EQ(e.dump().find(login->token), std::string::npos);
    }
}

TEST_F(ConsoleServiceTest, BoardAndFeedShowThePublishedNotice) {
    auto id = draft(olive(), evac_order_request());
    auto done = service_->approve(april(), id);
    ASSERT_TRUE(done.ok());
    const std::string alert_id = (*done)["alert_id"];
    DisplayAck ack;
    ack.device_id = "shiba-lobby-1";
    ack.alert_id = alert_id;
    ack.version = 1;
    ack.displayed_at = clock_.now();
    ASSERT_TRUE(journal_->record_display_ack(ack).ok());
    auto board = service_->board(olive());
    ASSERT_TRUE(board.ok()) << board.error().message;
    ASSERT_EQ((*board)["alerts"].size(), 1u);
    const auto& a = (*board)["alerts"][0];
    EXPECT_EQ(a["id"], alert_id);
    EXPECT_EQ(a["state"], "active");
    EXPECT_EQ(a["version"], 1);
    EXPECT_EQ(a["staff"], true);
    EXPECT_EQ(a["acks"]["shiba-lobby-1"]["version"], 1);
    EXPECT_EQ((*board)["feeds"][0]["source"], "console");

    auto feed = service_->atom_feed();
    ASSERT_TRUE(feed.ok());
    EXPECT_NE(feed->find(alert_id), std::string::npos);
    EXPECT_NE(feed->find("避難指示"), std::string::npos);
    auto cap = service_->cap_document(alert_id);
    ASSERT_TRUE(cap.ok());
    EXPECT_NE(cap->find("<msgType>Alert</msgType>"), std::string::npos);
    EXPECT_EQ(service_->cap_document("staff-unknown").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace alerthub::hub::console
