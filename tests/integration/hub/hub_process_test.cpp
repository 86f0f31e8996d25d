// The real binaries as processes: alerthub-hub survives kill -9 between the journal commit
// and the publish (the outbox publishes after the restart), exits cleanly on SIGTERM,
// checks its config; hubctl's exit codes.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/protocol/alert.h"
#include "hub/sources/cap/cap_parser.h"
#include "tests/integration/hub/hub_test_helpers.h"
#include "tests/support/test_signing.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using alerthub::testing::binary_dir;
using alerthub::testing::ChildProcess;
using alerthub::testing::fixtures_dir;
using alerthub::testing::free_port;
using alerthub::testing::MosquittoBroker;
using alerthub::testing::project_fixtures_dir;
using alerthub::testing::read_file;
using alerthub::testing::TempDir;
using alerthub::testing::wait_for;
using alerthub::testing::write_file;
using testing::healthy;
using testing::in_force_until_tomorrow;
using testing::post_cap;
using testing::retained_payload;

constexpr const char* kToken = "process-token-0123456789";

class HubProcessTest : public ::testing::Test {
protected:
    void SetUp() override {
        port_ = free_port();
        write_file(dir_ / "token", std::string(kToken) + "\n");
        write_file(dir_ / "hub.toml", "[mqtt]\nuri = \"" + broker_.uri() +
                                          "\"\nclient_id = \"hub-process\"\n"
                                          "topic_root = \"proc/v1\"\n"
                                          "[journal]\npath = \"journal.db\"\n"
                                          "[spool]\ndir = \"spool\"\npoll_ms = 20\n"
                                          "[ingest]\ntoken_file = \"token\"\nlisten_port = " +
                                          std::to_string(port_) + "\n" + data_config() +
                                          "[signing]\nkey_file = \"signing.key\"\n");
        alerthub::testing::write_test_key_file(dir_ / "signing.key");
    }
    // The repository's phrase bank and JMA area table; the OASIS thunderstorm's county is
    // served too, so that the foreign sample is sent.
    static std::string data_config(std::string_view phrases = "phrases") {
        auto config = project_fixtures_dir().parent_path().parent_path() / "config";
        return "[area]\nextra_codes = [\"SAME:006109\"]\njma_table = \"" +
               (config / "jma/areas_tokyo.tsv").string() + "\"\n[phrases]\ndir = \"" +
               (config / phrases).string() + "\"\n";
    }
    std::unique_ptr<ChildProcess> start_hub() {
        auto hub = std::make_unique<ChildProcess>(
            std::vector<std::string>{(binary_dir() / "alerthub-hub").string(), "--config",
                                     (dir_ / "hub.toml").string(), "--log-level", "debug"},
            dir_ / "hub.log");
        EXPECT_TRUE(wait_for([&] { return healthy(port_) || !hub->running(); }, 10s)) << log();
        return hub;
    }
    std::string log() { return fs::exists(dir_ / "hub.log") ? read_file(dir_ / "hub.log") : ""; }

    // Runs a binary to completion; returns its exit status and combined output.
    std::pair<int, std::string> run(std::vector<std::string> argv) {
        auto out = dir_ / ("run-" + std::to_string(++runs_) + ".log");
        ChildProcess p(std::move(argv), out);
        EXPECT_TRUE(wait_for([&] { return !p.running(); }, 10s));
        int status = p.stop();
        return {status, fs::exists(out) ? read_file(out) : ""};
    }

    MosquittoBroker broker_;
    TempDir dir_;
    int port_ = 0;
    int runs_ = 0;
};

TEST_F(HubProcessTest, AnAcceptedAlertSurvivesKill9BeforeItCouldBePublished) {
    auto hub = start_hub();
    ASSERT_TRUE(hub->running()) << log();
    // The start-up line comes right after the HTTP server answers: wait for it, not race it.
    EXPECT_TRUE(wait_for([&] {
        return log().find("hub started: ingest http://127.0.0.1:" + std::to_string(port_)) !=
               std::string::npos;
    })) << log();

    // No broker: the alert can be committed but not published.
    broker_.stop();
    auto r = post_cap(port_,
                      in_force_until_tomorrow(
                          read_file(project_fixtures_dir() / "cap/minato_evacuation_order.xml")),
                      kToken);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 202) << r->body;
    const std::string id = nlohmann::json::parse(r->body)["alert_id"];
    EXPECT_EQ(id, cap_alert_id("bousai@city.minato.tokyo.jp", "minato-bousai-20250905-0001"));
    hub->kill9();

    broker_.start();
    EXPECT_FALSE(retained_payload(broker_.port(), "proc/v1/alerts/" + id).has_value());
    auto restarted = start_hub();
    ASSERT_TRUE(restarted->running()) << log();
    std::optional<std::string> retained;
    ASSERT_TRUE(wait_for(
        [&] {
            return (retained = retained_payload(broker_.port(), "proc/v1/alerts/" + id))
                .has_value();
        },
        15s))
        << log();
    auto alert = decode_alert(*retained);
    ASSERT_TRUE(alert.ok());
    EXPECT_EQ(alert->version, 1);
    EXPECT_EQ(alert->level, 4);
    // Published signed, with the hub's key: what a player verifies.
    auto verified = alerthub::testing::test_verifier().verify(*retained);
    ASSERT_TRUE(verified.ok()) << verified.error().message;
    EXPECT_EQ(alert->signature, verified->signature);

    // SIGTERM: a clean exit, promptly.
    auto before = std::chrono::steady_clock::now();
    EXPECT_EQ(restarted->stop(), 0) << log();
    EXPECT_LT(std::chrono::steady_clock::now() - before, 3s);
}

TEST_F(HubProcessTest, SpoolFileDroppedIntoTheRunningBinaryIsPublished) {
    auto hub = start_hub();
    ASSERT_TRUE(hub->running()) << log();
    write_file(dir_ / "spool/incoming/storm.xml.tmp",
               read_file(fixtures_dir() / "cap/spec/Oasis_ThunderstormWarning.xml"));
    fs::rename(dir_ / "spool/incoming/storm.xml.tmp", dir_ / "spool/incoming/storm.xml");
    const std::string id = cap_alert_id("KSTO@NWS.NOAA.GOV", "KSTO1055887203");
    std::optional<std::string> retained;
    ASSERT_TRUE(wait_for(
        [&] {
            return (retained = retained_payload(broker_.port(), "proc/v1/alerts/" + id))
                .has_value();
        },
        10s))
        << log();
    EXPECT_EQ(decode_alert(*retained)->severity, Severity::kSevere);
    EXPECT_TRUE(fs::exists(dir_ / "spool/done/storm.xml"));
}

TEST_F(HubProcessTest, CheckConfigAcceptsAGoodFileAndRejectsABadOneWith78) {
    auto hub_bin = (binary_dir() / "alerthub-hub").string();
    auto [ok_status, ok_out] =
        run({hub_bin, "--config", (dir_ / "hub.toml").string(), "--check-config"});
    EXPECT_EQ(ok_status, 0) << ok_out;
    write_file(dir_ / "bad.toml", "[ingest]\nlisten_port = 0\ntypo = 1\n");
    auto [bad_status, bad_out] =
        run({hub_bin, "--config", (dir_ / "bad.toml").string(), "--check-config"});
    EXPECT_EQ(bad_status, 78);
    EXPECT_NE(bad_out.find("a token is required"), std::string::npos) << bad_out;
    EXPECT_NE(bad_out.find("unknown key 'ingest.typo'"), std::string::npos) << bad_out;
    EXPECT_NE(bad_out.find("listen_port"), std::string::npos) << bad_out;

    // The phrase bank and area table are checked too: a missing bank is a config error.
    write_file(dir_ / "nobank.toml", "[ingest]\ntoken_file = \"token\"\n" +
                                         data_config("no-such-folder") +
                                         "[signing]\nkey_file = \"signing.key\"\n");
    auto [nobank_status, nobank_out] =
        run({hub_bin, "--config", (dir_ / "nobank.toml").string(), "--check-config"});
    EXPECT_EQ(nobank_status, 78);
    EXPECT_NE(nobank_out.find("no-such-folder/events.toml: cannot read"), std::string::npos)
        << nobank_out;
}

TEST_F(HubProcessTest, HubctlNormalizeExitCodes) {
    auto hubctl = (binary_dir() / "hubctl").string();
    auto good = (fixtures_dir() / "cap/spec/Oasis_ThunderstormWarning.xml").string();
    auto bad = (fixtures_dir() / "cap/invalid/xee.cap").string();

    auto [good_status, good_out] = run({hubctl, "normalize", good});
    EXPECT_EQ(good_status, 0) << good_out;
    auto alert = decode_alert(good_out.substr(0, good_out.find('\n')));
    ASSERT_TRUE(alert.ok()) << good_out;
    EXPECT_EQ(alert->id, cap_alert_id("KSTO@NWS.NOAA.GOV", "KSTO1055887203"));

    auto [bad_status, bad_out] = run({hubctl, "normalize", bad});
    EXPECT_EQ(bad_status, 1);
    EXPECT_NE(bad_out.find(bad + ": rejected: <!DOCTYPE> is not allowed"), std::string::npos)
        << bad_out;

    auto [usage_status, usage_out] = run({hubctl, "normalize"});
    EXPECT_EQ(usage_status, 2);
    EXPECT_NE(usage_out.find("usage: hubctl"), std::string::npos);
}

}  // namespace
}  // namespace alerthub::hub
