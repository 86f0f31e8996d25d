// The ward's facilities over the console's HTTP API, served by a real HubApp with its public
// site against a real mosquitto: a published 避難所開設 opens the shelters it names and its
// cancel closes them, a facility account sets its facility from the operator page's API (and
// nothing else), and the site's facilities page shows each change within a second.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/base/crypto.h"
#include "core/mqtt/paho_message_bus.h"
#include "hub/console/console_service.h"
#include "hub/hub_app.h"
#include "hub/policy/phrase_bank.h"
#include "hub/signing_bus.h"
#include "hub/site/facility_status_store.h"
#include "hub/site/site_publisher.h"
#include "tests/support/test_signing.h"
#include "tests/support/test_support.h"

namespace alerthub::hub::console {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using alerthub::testing::free_port;
using alerthub::testing::MosquittoBroker;
using alerthub::testing::project_fixtures_dir;
using alerthub::testing::read_file;
using alerthub::testing::TempDir;
using alerthub::testing::wait_for;
using nlohmann::json;

constexpr const char* kPassword = "a-password-for-this-test";
constexpr const char* kKonanSchool = "E1310300007111";  // 港南小学校 (指定避難所)
constexpr const char* kStayKonan = "stay-example-konan";

fs::path source_dir() {
    return (project_fixtures_dir() / "../..").lexically_normal();
}

// A browser-like client: the session cookie and the CSRF token.
class Client {
public:
    explicit Client(int port) : http_("127.0.0.1", port) { http_.set_read_timeout(30s); }
    int login(const std::string& user) {
        auto r = http_.Post("/api/v1/login", json{{"user", user}, {"password", kPassword}}.dump(),
                            "application/json");
        if (!r) return 0;
        if (r->status == 200) {
            auto cookie = r->get_header_value("Set-Cookie");
            cookie_ = cookie.substr(0, cookie.find(';'));
            csrf_ = json::parse(r->body)["csrf_token"];
        }
        return r->status;
    }
    httplib::Result get(const std::string& path) { return http_.Get(path, headers()); }
    httplib::Result post(const std::string& path, const json& body) {
        return http_.Post(path, headers(), body.dump(), "application/json");
    }

private:
    httplib::Headers headers() { return {{"Cookie", cookie_}, {"X-CSRF-Token", csrf_}}; }
    httplib::Client http_;
    std::string cookie_;
    std::string csrf_;
};

class FacilityHttpTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        config_.mqtt.settings.uri = broker_.uri();
        config_.mqtt.settings.client_id = "hub-facility-test";
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
        auto bank = PhraseBank::load((source_dir() / "config/phrases").string());
        ASSERT_TRUE(bank.ok()) << bank.error().message;
        config_.console.phrases = std::make_shared<const PhraseBank>(std::move(*bank));
        // The public site with the ward's shelters and the example stay facilities, as
        // load_hub_data gives them to the site and the console.
        auto& site = config_.site;
        site.enabled = true;
        site.dir = (dir_ / "site").string();
        site.base_url = "https://bousai.example.jp";
        site.templates_dir = (source_dir() / "config/site").string();
        site.emergency_sites_file =
            (source_dir() / "config/shelters/131032-emergency-sites.geojson").string();
        site.shelters_file =
            (source_dir() / "config/shelters/131032-designated-shelters.geojson").string();
        site.stay_facilities_file =
            (source_dir() / "config/shelters/stay_facilities.tsv.example").string();
        auto data = site::load_site_data(site);
        ASSERT_TRUE(data) << data.error().message;
        config_.site_data = std::make_shared<const site::SiteData>(std::move(*data));
        config_.console.facilities = std::shared_ptr<const site::Facilities>(
            config_.site_data, &config_.site_data->facilities);

        bus_ = std::make_unique<PahoMessageBus>(config_.mqtt.settings);
        signing_bus_ =
            std::make_unique<SigningMessageBus>(*bus_, alerthub::testing::test_signing_key());
        app_ = std::make_unique<HubApp>(config_, *signing_bus_, clock_);
        auto s = app_->start();
        ASSERT_TRUE(s.ok()) << s.error().message;
        loop_ = std::thread([this] { app_->run([this] { return stop_.load(); }); });
        port_ = app_->console_port();
        ASSERT_GT(port_, 0);
        // The first admin comes from hubctl; the rest from the admin's page.
        auto service = ConsoleService::open(config_.journal_path, config_.console, clock_, nullptr);
        ASSERT_TRUE(service.ok()) << service.error().message;
        ASSERT_TRUE(
            (*service)
                ->accounts()
                .add_user({"local:test", Role::kAdmin, "hubctl"}, "admin", Role::kAdmin, kPassword)
                .ok());
        admin_ = std::make_unique<Client>(port_);
        ASSERT_EQ(admin_->login("admin"), 200);
        for (auto [name, role] : {std::pair{"olive", "operator"}, std::pair{"april", "approver"}}) {
            auto r = admin_->post("/api/v1/users",
                                  {{"name", name}, {"role", role}, {"password", kPassword}});
            ASSERT_EQ(r->status, 201) << r->body;
        }
    }
    void TearDown() override {
        stop_ = true;
        if (loop_.joinable()) loop_.join();
        if (app_) app_->stop();
    }

    // What facilities.html says of the facilities of that name (an emergency site and a
    // shelter may share one): the class of each one's status line ("s-open"), and the line.
    std::vector<std::pair<std::string, std::string>> site_says(const std::string& name) {
        const auto page = read_file(fs::path(config_.site.dir) / "current/facilities.html");
        std::vector<std::pair<std::string, std::string>> out;
        const std::string head = "<p class=\"status ";
        for (auto at = page.find(">" + name + "</h3>"); at != std::string::npos;
             at = page.find(">" + name + "</h3>", at + 1)) {
            auto status = page.find(head, at);
            if (status == std::string::npos) break;
            status += head.size();
            out.emplace_back(page.substr(status, page.find('"', status) - status),
                             page.substr(status, page.find("</p>", status) - status));
        }
        return out;
    }
    std::string site_status(const std::string& name) {
        std::string out;
        for (const auto& [state, line] : site_says(name)) out += (out.empty() ? "" : " ") + state;
        return out;
    }
    std::string site_line(const std::string& name, const std::string& state) {
        for (const auto& [s, line] : site_says(name))
            if (s == state) return line;
        return "";
    }
    // Waits up to a second (the promise to residents) for the site to show `state`.
    bool site_shows(const std::string& name, const std::string& state) {
        const auto start = std::chrono::steady_clock::now();
        bool shown = wait_for(
            "the site shows " + name + " " + state, [&] { return !site_line(name, state).empty(); },
            1000ms);
        elapsed_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
        return shown;
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
    std::unique_ptr<Client> admin_;
    std::int64_t elapsed_ms_ = 0;
};

TEST_F(FacilityHttpTest, APublishedShelterOpeningOpensItsSheltersOnTheSiteAndItsCancelClosesThem) {
    // An emergency site and a shelter of that name, neither said anything of yet.
    ASSERT_EQ(site_status("港南小学校"), "s-unknown s-unknown");
    Client olive(port_), april(port_);
    ASSERT_EQ(olive.login("olive"), 200);
    ASSERT_EQ(april.login("april"), 200);
    // The compose form lists the ward's facilities with their kind and hazards.
    auto list = json::parse(olive.get("/api/v1/facilities")->body);
    ASSERT_EQ(list.size(), config_.site_data->facilities.all.size());
    auto konan = std::find_if(list.begin(), list.end(),
                              [](const json& f) { return f["id"] == kKonanSchool; });
    ASSERT_NE(konan, list.end());
    EXPECT_EQ((*konan)["name"], "港南小学校");
    EXPECT_EQ((*konan)["kind"], "shelter");
    EXPECT_EQ((*konan)["state"], "closed");

    auto d = olive.post("/api/v1/drafts", {{"template", "shelter_open"},
                                           {"areas", {"konan-1", "konan-2"}},
                                           {"facilities", {kKonanSchool}}});
    ASSERT_EQ(d->status, 201) << d->body;
    auto draft = json::parse(d->body);
    EXPECT_EQ(draft["content"]["facilities"][0]["name"], "港南小学校");
    EXPECT_NE(draft["content"]["headline"]["ja"].get<std::string>().find("港南小学校"),
              std::string::npos);
    auto published = april.post(fmt::format("/api/v1/drafts/{}/approve", draft["id"].get<int>()),
                                json::object());
    ASSERT_EQ(published->status, 200) << published->body;
    const std::string alert_id = json::parse(published->body)["alert_id"];

    ASSERT_TRUE(site_shows("港南小学校", "s-open")) << site_status("港南小学校");
    EXPECT_NE(site_status("港南小学校").find("s-unknown"), std::string::npos)
        << "the emergency site of that name is another facility";
    std::cout << "open on the site " << elapsed_ms_ << " ms after the approval's answer\n";
    auto after = json::parse(olive.get("/api/v1/facilities")->body);
    for (const auto& f : after)
        if (f["id"] == kKonanSchool) {
            EXPECT_EQ(f["state"], "open");
            EXPECT_EQ(f["updated_by"], "console:april");
            EXPECT_TRUE(f["updated"].get<std::string>().ends_with("+09:00"));
        }
    // In the audit chain, with the notice that opened it.
    auto audit = json::parse(admin_->get("/api/v1/audit?limit=20")->body);
    auto entry = std::find_if(audit.begin(), audit.end(),
                              [](const json& e) { return e["action"] == "facility_status"; });
    ASSERT_NE(entry, audit.end());
    EXPECT_EQ((*entry)["subject"], std::string("facility ") + kKonanSchool);
    EXPECT_EQ((*entry)["detail"]["state"], "open");

    auto cancel = olive.post("/api/v1/drafts", {{"action", "cancel"}, {"alert_id", alert_id}});
    ASSERT_EQ(cancel->status, 201) << cancel->body;
    auto lifted = april.post(
        fmt::format("/api/v1/drafts/{}/approve", json::parse(cancel->body)["id"].get<int>()),
        json::object());
    ASSERT_EQ(lifted->status, 200) << lifted->body;
    ASSERT_TRUE(site_shows("港南小学校", "s-closed")) << site_status("港南小学校");
    std::cout << "closed on the site " << elapsed_ms_ << " ms after the cancel's answer\n";
}

TEST_F(FacilityHttpTest, AFacilityAccountSetsItsFacilityAndNothingElse) {
    auto made = admin_->post("/api/v1/users", {{"name", "fumi"},
                                               {"role", "facility"},
                                               {"password", kPassword},
                                               {"facilities", {kStayKonan}}});
    ASSERT_EQ(made->status, 201) << made->body;
    Client fumi(port_);
    ASSERT_EQ(fumi.login("fumi"), 200);
    auto mine = json::parse(fumi.get("/api/v1/facilities")->body);
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_EQ(mine[0]["id"], kStayKonan);
    EXPECT_EQ(mine[0]["name_en"], "(Example) Shinagawa Konan stay facility");

    auto set = fumi.post(std::string("/api/v1/facilities/") + kStayKonan + "/status",
                         {{"state", "full"}, {"taken_in", 120}});
    ASSERT_EQ(set->status, 200) << set->body;
    EXPECT_EQ(json::parse(set->body)["updated_by"], "facility:fumi");
    ASSERT_TRUE(site_shows("（例）品川駅港南口 一時滞在施設", "s-full"));
    std::cout << "full on the site " << elapsed_ms_ << " ms after the answer\n";
    EXPECT_NE(site_line("（例）品川駅港南口 一時滞在施設", "s-full").find("受入 120"),
              std::string::npos)
        << site_line("（例）品川駅港南口 一時滞在施設", "s-full");

    // Refusals, each with its reason in Japanese first.
    auto refused = [&](const std::string& path, const json& body, int status,
                       const std::string& japanese) {
        auto r = path.starts_with("GET ") ? fumi.get(path.substr(4)) : fumi.post(path, body);
        ASSERT_TRUE(r) << path;
        EXPECT_EQ(r->status, status) << path << " " << r->body;
        EXPECT_TRUE(json::parse(r->body)["error"].get<std::string>().starts_with(japanese))
            << r->body;
    };
    const std::string status_path = std::string("/api/v1/facilities/") + kStayKonan + "/status";
    refused(std::string("/api/v1/facilities/") + kKonanSchool + "/status",
            {{"state", "open"}, {"taken_in", 1}}, 403,
            "「港南小学校」はあなたの担当施設ではありません");
    refused("/api/v1/facilities/no-such-place/status", {{"state", "open"}}, 404,
            "施設「no-such-place」は区の施設一覧にありません");
    refused(status_path, {{"state", "busy"}, {"taken_in", 1}}, 422, "状況は 開設 (open)");
    refused(status_path, {{"state", "open"}, {"taken_in", -5}}, 422, "受入人数は0から");
    refused(status_path, {{"state", "open"}, {"taken_in", "many"}}, 422, "受入人数は整数です");
    // A facility account neither composes nor approves nor reads the console.
    refused("/api/v1/drafts", {{"template", "shelter_open"}, {"whole_ward", true}}, 403,
            "施設担当は施設の状況だけを変えられます");
    refused("/api/v1/compose", {{"template", "shelter_open"}, {"whole_ward", true}}, 403,
            "施設担当は");
    refused("/api/v1/drafts/1/approve", json::object(), 403, "施設担当は");
    refused("GET /api/v1/board", json::object(), 403, "施設担当は");
    refused("GET /api/v1/drafts", json::object(), 403, "施設担当は");
    refused("GET /api/v1/drafts/1/preview.png", json::object(), 403, "施設担当は");
    // The operator page itself is served beside the console.
    auto page = fumi.get("/facility.html");
    ASSERT_EQ(page->status, 200);
    EXPECT_NE(page->body.find("施設の状況"), std::string::npos);
    // Only the good change was written.
    auto store = SqliteDb::open(config_.journal_path);
    ASSERT_TRUE(store);
    auto log = site::FacilityStatusStore::open(*store)->log(10);
    ASSERT_TRUE(log);
    ASSERT_EQ(log->size(), 1u);
    EXPECT_EQ((*log)[0].by, "facility:fumi");
    EXPECT_EQ((*log)[0].taken_in, 120);
}

}  // namespace
}  // namespace alerthub::hub::console
