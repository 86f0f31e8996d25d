// The staff console over HTTP, served by a real HubApp against a real mosquitto: every
// refusal of the API (no session, missing or wrong CSRF token, not JSON, the author
// approving, an operator approving or managing users, five wrong passwords), the cookie's
// attributes and the security headers, and the whole path of an approved notice to the
// retained MQTT topic, the live board and the public feed.

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/base/crypto.h"
#include "core/mqtt/paho_message_bus.h"
#include "core/protocol/messages.h"
#include "hub/hub_app.h"
#include "hub/hubctl_console.h"
#include "hub/policy/phrase_bank.h"
#include "hub/signing_bus.h"
#include "tests/integration/hub/hub_test_helpers.h"
#include "tests/support/test_signing.h"
#include "tests/support/test_support.h"

namespace alerthub::hub::console {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using alerthub::hub::testing::Observer;
using alerthub::hub::testing::retained_payload;
using alerthub::testing::free_port;
using alerthub::testing::MosquittoBroker;
using alerthub::testing::project_fixtures_dir;
using alerthub::testing::TempDir;
using alerthub::testing::wait_for;
using nlohmann::json;

constexpr const char* kOperatorPassword = "operator-password-1234";
constexpr const char* kApproverPassword = "approver-password-1234";
constexpr const char* kAdminPassword = "admin-password-12345";

fs::path source_dir() {
    return (project_fixtures_dir() / "../..").lexically_normal();
}

// One browser-like client: keeps the session cookie and the CSRF token.
class Client {
public:
    explicit Client(int port) : http_("127.0.0.1", port) {
        http_.set_read_timeout(std::chrono::seconds(30));
    }
    httplib::Result login(const std::string& user, const std::string& password) {
        auto r = http_.Post("/api/v1/login", json{{"user", user}, {"password", password}}.dump(),
                            "application/json");
        if (r && r->status == 200) {
            auto cookie = r->get_header_value("Set-Cookie");
            cookie_ = cookie.substr(0, cookie.find(';'));
            csrf_ = json::parse(r->body)["csrf_token"];
        }
        return r;
    }
    httplib::Result get(const std::string& path) { return http_.Get(path, headers(false)); }
    httplib::Result post(const std::string& path, const json& body, bool with_csrf = true,
                         const std::string& type = "application/json") {
        return http_.Post(path, headers(with_csrf), body.dump(), type);
    }
    std::string& csrf() { return csrf_; }
    std::string& cookie() { return cookie_; }

private:
    httplib::Headers headers(bool with_csrf) {
        httplib::Headers h;
        if (!cookie_.empty()) h.emplace("Cookie", cookie_);
        if (with_csrf) h.emplace("X-CSRF-Token", csrf_);
        return h;
    }
    httplib::Client http_;
    std::string cookie_;
    std::string csrf_;
};

class ConsoleHttpTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        config_.mqtt.settings.uri = broker_.uri();
        config_.mqtt.settings.client_id = "hub-console-test";
        config_.mqtt.settings.keep_alive_s = 5;
        config_.mqtt.topics = Topics("test/v1");
        config_.journal_path = (dir_ / "journal.db").string();
        config_.spool_dir = (dir_ / "spool").string();
        config_.listen_port = free_port();
        config_.ingest_token = "test-token-0123456789abcdef";
        config_.console.enabled = true;
        config_.console.listen_port = 0;
        config_.console.web_dir = (source_dir() / "web/console").string();
        config_.console.town_blocks_file =
            (source_dir() / "config/minato_town_blocks.tsv").string();
        // The shipped phrase bank gives the notices their texts in every language.
        auto bank = PhraseBank::load((source_dir() / "config/phrases").string());
        ASSERT_TRUE(bank.ok()) << bank.error().message;
        config_.console.phrases = std::make_shared<const PhraseBank>(std::move(*bank));
        for (auto [name, role, password] : {std::tuple{"admin", "admin", kAdminPassword},
                                            std::tuple{"olive", "operator", kOperatorPassword},
                                            std::tuple{"april", "approver", kApproverPassword}}) {
            std::istringstream in(std::string(password) + "\n");
            std::ostringstream out, err;
            ASSERT_EQ(run_console_command(
                          {"users", "add", name, "--role", role, "--journal", config_.journal_path},
                          in, out, err),
                      0)
                << err.str();
        }
        bus_ = std::make_unique<PahoMessageBus>(config_.mqtt.settings);
        // As alerthub-hub's main() does: what the hub publishes goes out signed.
        signing_bus_ =
            std::make_unique<SigningMessageBus>(*bus_, alerthub::testing::test_signing_key());
        app_ = std::make_unique<HubApp>(config_, *signing_bus_, clock_);
        auto s = app_->start();
        ASSERT_TRUE(s.ok()) << s.error().message;
        loop_ = std::thread([this] { app_->run([this] { return stop_.load(); }); });
        port_ = app_->console_port();
        ASSERT_GT(port_, 0);
    }
    void TearDown() override {
        stop_ = true;
        if (loop_.joinable()) loop_.join();
        if (app_) app_->stop();
    }

    json draft_request() {
        return {{"template", "evac_order"},
                {"areas", {"konan-1"}},
                {"hazard", "storm_surge"},
                {"shelters", {"港南小学校"}},
                {"link", "https://www.city.minato.tokyo.jp/"}};
    }

    MosquittoBroker broker_;
    TempDir dir_;
    SystemClock clock_;
    HubConfig config_;
    std::unique_ptr<PahoMessageBus> bus_;
    std::unique_ptr<SigningMessageBus> signing_bus_;
    std::unique_ptr<HubApp> app_;
    std::atomic<bool> stop_{false};
    std::thread loop_;
    int port_ = 0;
};

TEST_F(ConsoleHttpTest, TheConsolePageComesWithSecurityHeaders) {
    Client c(port_);
    auto page = c.get("/");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_NE(page->body.find("職員コンソール"), std::string::npos);
    EXPECT_NE(page->get_header_value("Content-Security-Policy").find("default-src 'self'"),
              std::string::npos);
    EXPECT_EQ(page->get_header_value("X-Frame-Options"), "DENY");
    EXPECT_EQ(page->get_header_value("X-Content-Type-Options"), "nosniff");
    auto js = c.get("/app.js");
    ASSERT_TRUE(js);
    EXPECT_EQ(js->status, 200);
    EXPECT_TRUE(js->get_header_value("Content-Type").starts_with("text/javascript"));
}

TEST_F(ConsoleHttpTest, WithoutASessionEverythingIsRefused) {
    Client c(port_);
    for (const char* path : {"/api/v1/session", "/api/v1/board", "/api/v1/drafts", "/api/v1/users",
                             "/api/v1/audit", "/api/v1/reference"}) {
        auto r = c.get(path);
        ASSERT_TRUE(r) << path;
        EXPECT_EQ(r->status, 401) << path;
    }
    auto r = c.post("/api/v1/drafts", draft_request());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    c.cookie() = "alerthub_session=" + std::string(64, 'a');
    r = c.post("/api/v1/drafts", draft_request());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << "a made-up token";
    EXPECT_NE(r->get_header_value("Cache-Control").find("no-store"), std::string::npos);
}

TEST_F(ConsoleHttpTest, TheSessionCookieIsHttpOnlyStrictAndNotSecureWithoutTls) {
    Client c(port_);
    auto r = c.login("olive", kOperatorPassword);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    auto cookie = r->get_header_value("Set-Cookie");
    EXPECT_TRUE(cookie.starts_with("alerthub_session=")) << cookie;
    EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("; Path=/"), std::string::npos) << cookie;
    EXPECT_EQ(cookie.find("Secure"), std::string::npos) << cookie;
    auto body = json::parse(r->body);
    EXPECT_EQ(body["role"], "operator");
    EXPECT_EQ(body["csrf_token"].get<std::string>().size(), 64u);
    EXPECT_EQ(r->body.find(c.cookie().substr(17)), std::string::npos)
        << "the session token is never in a body";
}

TEST_F(ConsoleHttpTest, StateChangesNeedTheCsrfTokenAndAJsonBody) {
    Client c(port_);
    ASSERT_EQ(c.login("olive", kOperatorPassword)->status, 200);
    auto missing = c.post("/api/v1/drafts", draft_request(), false);
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 403);
    EXPECT_NE(missing->body.find("CSRF"), std::string::npos);
    std::string good = c.csrf();
    c.csrf() = std::string(64, '0');
    auto wrong = c.post("/api/v1/drafts", draft_request());
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 403);
    c.csrf() = good;
    auto form =
        c.post("/api/v1/drafts", draft_request(), true, "application/x-www-form-urlencoded");
    ASSERT_TRUE(form);
    EXPECT_EQ(form->status, 415);
    auto logout = c.post("/api/v1/logout", json::object(), false);
    ASSERT_TRUE(logout);
    EXPECT_EQ(logout->status, 403) << "logging out needs the token too";
    auto ok = c.post("/api/v1/drafts", draft_request());
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 201) << ok->body;
    auto drafts = c.get("/api/v1/drafts");
    EXPECT_EQ(json::parse(drafts->body).size(), 1u) << "only the good request made a draft";
}

TEST_F(ConsoleHttpTest, FiveWrongPasswordsThenEvenTheRightOneIsRefused) {
    Client c(port_);
    httplib::Client raw("127.0.0.1", port_);
    auto typed = raw.Post("/api/v1/login", R"({"user": 1, "password": ["x"]})", "application/json");
    ASSERT_TRUE(typed);
    EXPECT_EQ(typed->status, 400);
    auto not_json = raw.Post("/api/v1/login", "user=olive", "application/x-www-form-urlencoded");
    ASSERT_TRUE(not_json);
    EXPECT_EQ(not_json->status, 415);
    for (int i = 0; i < 5; ++i) {
        auto r = c.login("olive", "wrong-password-" + std::to_string(i));
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 401);
    }
    auto r = c.login("olive", kOperatorPassword);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 429);
    EXPECT_FALSE(r->get_header_value("Retry-After").empty());
    EXPECT_TRUE(r->get_header_value("Set-Cookie").empty());
}

TEST_F(ConsoleHttpTest, RolesAreEnforced) {
    Client olive(port_);
    ASSERT_EQ(olive.login("olive", kOperatorPassword)->status, 200);
    EXPECT_EQ(olive.get("/api/v1/users")->status, 403);
    EXPECT_EQ(olive
                  .post("/api/v1/users",
                        {{"name", "eve"}, {"role", "admin"}, {"password", "eve-password-12345"}})
                  ->status,
              403);
    Client admin(port_);
    ASSERT_EQ(admin.login("admin", kAdminPassword)->status, 200);
    EXPECT_EQ(admin
                  .post("/api/v1/users",
                        {{"name", "eve"}, {"role", "operator"}, {"password", "eve-password-12345"}})
                  ->status,
              201);
    EXPECT_EQ(admin.get("/api/v1/users")->status, 200);
}

TEST_F(ConsoleHttpTest, DraftThenAnotherUserApprovesThenItIsOnMqttTheBoardAndTheFeed) {
    Client olive(port_);
    ASSERT_EQ(olive.login("olive", kOperatorPassword)->status, 200);
    auto created = olive.post("/api/v1/drafts", draft_request());
    ASSERT_EQ(created->status, 201) << created->body;
    const auto id = std::to_string(json::parse(created->body)["id"].get<int>());

    // The author may not approve (whatever the role), an operator approves nobody's.
    auto own = olive.post("/api/v1/drafts/" + id + "/approve", json::object());
    ASSERT_TRUE(own);
    EXPECT_EQ(own->status, 403);

    Client april(port_);
    ASSERT_EQ(april.login("april", kApproverPassword)->status, 200);
    auto own_draft = april.post("/api/v1/drafts", draft_request());
    const auto own_id = std::to_string(json::parse(own_draft->body)["id"].get<int>());
    auto self = april.post("/api/v1/drafts/" + own_id + "/approve", json::object());
    EXPECT_EQ(self->status, 403);
    EXPECT_NE(self->body.find("two-person rule"), std::string::npos) << self->body;

    auto preview = april.get("/api/v1/drafts/" + id);
    ASSERT_EQ(preview->status, 200);
    EXPECT_EQ(json::parse(preview->body)["preview"]["level"], 4);

    auto approved = april.post("/api/v1/drafts/" + id + "/approve", json::object());
    ASSERT_EQ(approved->status, 200) << approved->body;
    auto published = json::parse(approved->body);
    EXPECT_EQ(published["state"], "published");
    const std::string alert_id = published["alert_id"];

    std::optional<std::string> retained;
    ASSERT_TRUE(wait_for(
        [&] {
            return (retained = retained_payload(broker_.port(), "test/v1/alerts/" + alert_id))
                .has_value();
        },
        15s));
    auto alert = decode_alert(*retained);
    ASSERT_TRUE(alert.ok());
    EXPECT_EQ(alert->source.kind, SourceKind::kStaff);
    EXPECT_EQ(alert->level, 4);

    auto board = json::parse(olive.get("/api/v1/board")->body);
    ASSERT_EQ(board["alerts"].size(), 1u) << board.dump();
    EXPECT_EQ(board["alerts"][0]["id"], alert_id);
    EXPECT_EQ(board["pending_drafts"], 1);

    Client anonymous(port_);
    auto feed = anonymous.get("/feed/alerts.atom");
    ASSERT_EQ(feed->status, 200);
    EXPECT_NE(feed->body.find(alert_id), std::string::npos);
    auto cap = anonymous.get("/feed/cap/" + alert_id + ".xml");
    ASSERT_EQ(cap->status, 200);
    EXPECT_NE(cap->body.find("<status>Actual</status>"), std::string::npos);

    // Cancel: a draft again, approved by someone else.
    auto cancel = olive.post("/api/v1/drafts", {{"action", "cancel"}, {"alert_id", alert_id}});
    ASSERT_EQ(cancel->status, 201) << cancel->body;
    const auto cancel_id = std::to_string(json::parse(cancel->body)["id"].get<int>());
    EXPECT_EQ(olive.post("/api/v1/drafts/" + cancel_id + "/approve", json::object())->status, 403);
    ASSERT_EQ(april.post("/api/v1/drafts/" + cancel_id + "/approve", json::object())->status, 200);
    ASSERT_TRUE(wait_for(
        [&] {
            auto p = retained_payload(broker_.port(), "test/v1/alerts/" + alert_id);
            auto a = p ? decode_alert(*p) : Result<Alert>(make_error(ErrorCode::kNotFound, ""));
            return a.ok() && a->state == AlertState::kLifted;
        },
        15s));

    auto audit = json::parse(april.get("/api/v1/audit/verify")->body);
    EXPECT_EQ(audit["ok"], true) << audit.dump();
}

// An update over HTTP: the notice as in force and the update to start from, the changes as
// the officer chooses and on the draft, then version 2 on MQTT, an update, marked 【更新】.
TEST_F(ConsoleHttpTest, AnUpdateStartsFromTheNoticeInForceAndSaysWhatChanges) {
    Client olive(port_);
    ASSERT_EQ(olive.login("olive", kOperatorPassword)->status, 200);
    Client april(port_);
    ASSERT_EQ(april.login("april", kApproverPassword)->status, 200);
    auto created = olive.post("/api/v1/drafts", draft_request());
    ASSERT_EQ(created->status, 201) << created->body;
    const auto id = std::to_string(json::parse(created->body)["id"].get<int>());
    auto approved = april.post("/api/v1/drafts/" + id + "/approve", json::object());
    ASSERT_EQ(approved->status, 200) << approved->body;
    const std::string alert_id = json::parse(approved->body)["alert_id"];

    auto missing = olive.get("/api/v1/notices/staff-000000000000000000000000");
    EXPECT_EQ(missing->status, 404);
    EXPECT_TRUE(json::parse(missing->body)["error"].get<std::string>().starts_with("この情報"));
    auto notice = olive.get("/api/v1/notices/" + alert_id);
    ASSERT_EQ(notice->status, 200) << notice->body;
    auto n = json::parse(notice->body);
    EXPECT_EQ(n["version"], 1);
    EXPECT_EQ(n["content"]["areas"][0]["code"], "konan-1");
    EXPECT_EQ(n["update"]["action"], "update");
    EXPECT_EQ(n["update"]["alert_id"], alert_id);
    EXPECT_TRUE(
        n["update"]["headline"]["ja"].get<std::string>().starts_with("【更新】【警戒レベル4】"));

    // The form's request: the notice's choices, one block more.
    json update = draft_request();
    update["action"] = "update";
    update["alert_id"] = alert_id;
    update["areas"] = {"konan-1", "konan-2"};
    update["idempotency_key"] = "http-update-1";
    auto composed = olive.post("/api/v1/compose", update);
    ASSERT_EQ(composed->status, 200) << composed->body;
    auto c = json::parse(composed->body);
    EXPECT_EQ(c["changes"]["base_version"], 1);
    EXPECT_EQ(c["changes"]["areas_added"][0]["name"], "港南二丁目");
    EXPECT_EQ(c["changes"]["changed"], true);
    EXPECT_NE(c["headline"]["ja"].get<std::string>().find("港南二丁目"), std::string::npos);
    auto saved = olive.post("/api/v1/drafts", update);
    ASSERT_EQ(saved->status, 201) << saved->body;
    auto again = olive.post("/api/v1/drafts", update);
    ASSERT_EQ(again->status, 200) << "the same update saved once";
    const auto update_id = std::to_string(json::parse(saved->body)["id"].get<int>());
    EXPECT_EQ(json::parse(again->body)["id"], json::parse(saved->body)["id"]);
    auto view = json::parse(april.get("/api/v1/drafts/" + update_id)->body);
    EXPECT_EQ(view["changes"]["areas_added"][0]["code"], "konan-2");
    EXPECT_NE(view["channel_texts"]["en"]["line_text"].get<std::string>().find("[UPDATED] "),
              std::string::npos);

    ASSERT_EQ(april.post("/api/v1/drafts/" + update_id + "/approve", json::object())->status, 200);
    std::optional<Alert> v2;
    ASSERT_TRUE(wait_for(
        [&] {
            auto p = retained_payload(broker_.port(), "test/v1/alerts/" + alert_id);
            auto a = p ? decode_alert(*p) : Result<Alert>(make_error(ErrorCode::kNotFound, ""));
            if (a.ok() && a->version == 2) v2 = *a;
            return v2.has_value();
        },
        15s));
    EXPECT_EQ(v2->msg_type, MsgType::kUpdate);
    ASSERT_EQ(v2->areas.size(), 2u);
    EXPECT_EQ(v2->areas[1].code, "konan-2");
    EXPECT_TRUE(v2->headline.at("ja").starts_with("【更新】"));
    EXPECT_TRUE(v2->headline.at("en").starts_with("[UPDATED] "));
    auto cap = olive.get("/feed/cap/" + alert_id + ".xml");
    ASSERT_EQ(cap->status, 200);
    EXPECT_NE(cap->body.find("<msgType>Update</msgType>"), std::string::npos);
}

TEST_F(ConsoleHttpTest, LogoutEndsTheSession) {
    Client c(port_);
    ASSERT_EQ(c.login("olive", kOperatorPassword)->status, 200);
    EXPECT_EQ(c.get("/api/v1/session")->status, 200);
    auto out = c.post("/api/v1/logout", json::object());
    ASSERT_EQ(out->status, 200);
    EXPECT_NE(out->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
    EXPECT_EQ(c.get("/api/v1/session")->status, 401);
}

// The width and height in a PNG's IHDR chunk; {0, 0} when it is not a PNG.
std::pair<int, int> png_size(const std::string& png) {
    if (png.size() < 24 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return {0, 0};
    auto be32 = [&](std::size_t at) {
        int v = 0;
        for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(png[at + i]);
        return v;
    };
    return {be32(16), be32(20)};
}

TEST_F(ConsoleHttpTest, ThePreviewShowsTheSignageScreenDrawnByThePlayerAndTheLineAndMailTexts) {
    Client olive(port_);
    ASSERT_EQ(olive.login("olive", kOperatorPassword)->status, 200);
    auto request = draft_request();
    request["status"] = "exercise";
    auto created = olive.post("/api/v1/drafts", request);
    ASSERT_EQ(created->status, 201) << created->body;
    const auto id = std::to_string(json::parse(created->body)["id"].get<int>());

    auto draft = json::parse(olive.get("/api/v1/drafts/" + id)->body);
    const auto& ja = draft["channel_texts"]["ja"];
    EXPECT_TRUE(ja["mail_subject"].get<std::string>().starts_with("【訓練】")) << ja.dump();
    EXPECT_NE(ja["mail_subject"].get<std::string>().find("避難指示"), std::string::npos);
    EXPECT_TRUE(ja["line_text"].get<std::string>().starts_with("【訓練】")) << ja.dump();
    EXPECT_NE(ja["line_text"].get<std::string>().find("https://www.city.minato.tokyo.jp/"),
              std::string::npos)
        << "the link is in the text";
    // An English subject says it is an exercise in English.
    EXPECT_TRUE(
        draft["channel_texts"]["en"]["mail_subject"].get<std::string>().starts_with("[EXERCISE]"))
        << draft["channel_texts"]["en"].dump();

    auto png = olive.get("/api/v1/drafts/" + id + "/preview.png");
    ASSERT_TRUE(png);
    ASSERT_EQ(png->status, 200) << png->body;
    EXPECT_EQ(png->get_header_value("Content-Type"), "image/png");
    EXPECT_EQ(png_size(png->body), std::make_pair(1920, 1080));
    auto english = olive.get("/api/v1/drafts/" + id + "/preview.png?lang=en");
    ASSERT_EQ(english->status, 200) << english->body;
    EXPECT_NE(english->body, png->body) << "drawn with the English texts";

    EXPECT_EQ(olive.get("/api/v1/drafts/" + id + "/preview.png?lang=ja%20x")->status, 422);
    EXPECT_EQ(olive.get("/api/v1/drafts/999/preview.png")->status, 404);
    EXPECT_EQ(Client(port_).get("/api/v1/drafts/" + id + "/preview.png")->status, 401);
}

class ConsoleWithoutPlayerTest : public ConsoleHttpTest {
protected:
    void SetUp() override {
        config_.console.player_binary = (dir_ / "not-installed/signage-player").string();
        ConsoleHttpTest::SetUp();
    }
};

TEST_F(ConsoleWithoutPlayerTest, ThePreviewSaysThePlayerIsMissingAndTheRestWorks) {
    Client olive(port_);
    ASSERT_EQ(olive.login("olive", kOperatorPassword)->status, 200);
    auto created = olive.post("/api/v1/drafts", draft_request());
    const auto id = std::to_string(json::parse(created->body)["id"].get<int>());
    auto png = olive.get("/api/v1/drafts/" + id + "/preview.png");
    ASSERT_TRUE(png);
    EXPECT_EQ(png->status, 503);
    EXPECT_NE(json::parse(png->body)["error"].get<std::string>().find("not installed"),
              std::string::npos)
        << png->body;
    auto draft = olive.get("/api/v1/drafts/" + id);
    ASSERT_EQ(draft->status, 200);
    EXPECT_TRUE(json::parse(draft->body)["channel_texts"].contains("ja"));
}

TEST_F(ConsoleHttpTest, TheBoardCountsScreensAndFetchesAScreenshotFromARealPlayer) {
    using alerthub::testing::ChildProcess;
    alerthub::testing::write_file(
        dir_ / "player.toml",
        "[mqtt]\nuri = \"" + broker_.uri() +
            "\"\ntopic_root = \"test/v1\"\nclient_id = \"lobby-1\"\n[player]\ndevice_id = "
            "\"lobby-1\"\nareas = [\"131032\"]\ntown_blocks_file = \"" +
            (source_dir() / "config/minato_town_blocks.tsv").string() +
            "\"\n[display]\nwidth = 640\nheight = 360\n"
            "fullscreen = false\n[headless]\nscreenshot_dir = \"" +
            (dir_ / "screens").string() + "\"\n[signing]\npublic_keys = [\"" +
            alerthub::testing::test_public_key_line() + "\"]\n");
    ChildProcess player({(alerthub::testing::binary_dir() / "signage-player").string(), "--config",
                         (dir_ / "player.toml").string(), "--headless"},
                        dir_ / "player.log");
    // A second screen that went offline before the notice: it can only be behind.
    Observer device(broker_.uri(), "test/v1/none");
    ASSERT_TRUE(wait_for([&] { return device.bus().connected(); }, 10s));
    DeviceStatus hall;
    hall.device_id = "hall-2";
    hall.online = false;
    hall.updated = clock_.now();
    ASSERT_TRUE(
        device.bus()
            .publish({"test/v1/devices/hall-2/status", encode_device_status(hall), true}, 5s)
            .ok());
    // A third screen, in 台場, that the order for 港南一丁目 does not target: not counted.
    DeviceStatus daiba;
    daiba.device_id = "daiba-3";
    daiba.online = true;
    daiba.areas = {"daiba-1"};
    daiba.updated = clock_.now();
    ASSERT_TRUE(
        device.bus()
            .publish({"test/v1/devices/daiba-3/status", encode_device_status(daiba), true}, 5s)
            .ok());

    Client olive(port_), april(port_);
    ASSERT_EQ(olive.login("olive", kOperatorPassword)->status, 200);
    ASSERT_EQ(april.login("april", kApproverPassword)->status, 200);
    // An order for one block (konan-1): the ward's screen (131032) shows it (issue 11).
    auto request = draft_request();
    auto created = olive.post("/api/v1/drafts", request);
    const auto id = std::to_string(json::parse(created->body)["id"].get<int>());
    ASSERT_EQ(april.post("/api/v1/drafts/" + id + "/approve", json::object())->status, 200);

    json screens;
    EXPECT_TRUE(wait_for(
        [&] {
            auto board = json::parse(olive.get("/api/v1/board")->body);
            if (board["alerts"].empty()) return false;
            screens = board["alerts"][0]["screens"];
            return screens["latest"] == 1 && screens["total"] == 2 && screens["known"] == 3;
        },
        20s))
        << screens.dump() << alerthub::testing::read_file(dir_ / "player.log");
    ASSERT_EQ(screens["not_latest"].size(), 1u) << screens.dump();
    EXPECT_EQ(screens["not_latest"][0]["device_id"], "hall-2");
    EXPECT_TRUE(screens["not_latest"][0]["version"].is_null());
    EXPECT_EQ(screens["not_latest"][0]["online"], false);
    EXPECT_FALSE(screens["not_latest"][0]["last_seen"].get<std::string>().empty());

    auto asked = olive.post("/api/v1/devices/lobby-1/screenshot", json::object());
    ASSERT_EQ(asked->status, 200) << asked->body;
    const std::string request_id = json::parse(asked->body)["request_id"];
    const std::string url = "/api/v1/devices/lobby-1/screenshots/" + request_id + ".png";
    std::string png, type;
    EXPECT_TRUE(wait_for(
        [&] {
            auto r = olive.get(url);
            if (!r || r->status != 200) return false;
            png = r->body;
            type = r->get_header_value("Content-Type");
            return true;
        },
        20s))
        << alerthub::testing::read_file(dir_ / "player.log");
    EXPECT_EQ(type, "image/png");
    EXPECT_EQ(png_size(png), std::make_pair(640, 360));
    EXPECT_EQ(olive.get("/api/v1/devices/hall-2/screenshots/" + request_id + ".png")->status, 404)
        << "an answer belongs to the device asked";
    EXPECT_EQ(Client(port_).get(url)->status, 401);
    EXPECT_EQ(Client(port_).post("/api/v1/devices/lobby-1/screenshot", json::object())->status,
              401);
}

}  // namespace
}  // namespace alerthub::hub::console
