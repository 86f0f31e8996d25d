// Backups that restore (issue 16): `hubctl backup` copies the journal while the hub runs and
// documents keep arriving over HTTP; `hubctl restore` puts the copy in a fresh hub's place,
// which starts on it with every alert version, user, draft and audit entry of the moment of
// the backup, and an audit log that verifies.

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "core/base/crypto.h"
#include "core/config/config.h"
#include "core/storage/sqlite_db.h"
#include "hub/hubctl.h"
#include "hub/hubctl_console.h"
#include "tests/integration/hub/hub_app_fixture.h"
#include "tests/integration/hub/hub_test_helpers.h"
#include "tests/support/test_signing.h"
#include "tests/support/test_support.h"
#include "tests/unit/hub/console/console_fixture.h"

namespace alerthub::hub {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using alerthub::testing::free_port;
using alerthub::testing::project_fixtures_dir;
using alerthub::testing::read_file;
using alerthub::testing::TempDir;
using alerthub::testing::wait_for;
using alerthub::testing::write_file;
using nlohmann::json;

constexpr const char* kToken = "backup-test-token-0123456789";

struct CliRun {
    int status;
    std::string out, err;
};

// What a journal file holds, as sets of keys, read straight from its tables.
struct Contents {
    std::set<std::string> versions;  // "alert_id vN"
    std::set<std::string> users, drafts, audit;
};

Contents read_contents(const std::string& path) {
    Contents c;
    auto db = SqliteDb::open(path);
    if (!db.ok()) {
        ADD_FAILURE() << db.error().message;
        return c;
    }
    auto collect = [&](std::string_view sql, std::set<std::string>& into) {
        auto q = db->prepare(sql);
        ASSERT_TRUE(q.ok()) << q.error().message;
        while (true) {
            auto row = q->step();
            ASSERT_TRUE(row.ok()) << row.error().message;
            if (!*row) break;
            into.insert(q->column_text(0));
        }
    };
    collect("SELECT alert_id || ' v' || version FROM alert_versions", c.versions);
    collect("SELECT name || ' ' || role FROM console_users", c.users);
    collect("SELECT id || ' ' || state FROM console_drafts", c.drafts);
    collect("SELECT seq || ' ' || hash FROM audit_log", c.audit);
    return c;
}

class HubBackupTest : public testing::HubAppFixture {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        port_ = free_port();
        write_file(dir_ / "token", std::string(kToken) + "\n");
        alerthub::testing::write_test_key_file(dir_ / "signing.key");
        write_file(dir_ / "olive.pw", "operator-password-1234\n");
        write_file(dir_ / "april.pw", "approver-password-1234\n");
        write_file(dir_ / "hub.toml",
                   "[mqtt]\nuri = \"" + broker_.uri() +
                       "\"\nclient_id = \"hub-backup-test\"\ntopic_root = \"test/v1\"\n"
                       "[journal]\npath = \"journal.db\"\n[spool]\ndir = \"spool\"\n"
                       "[ingest]\ntoken_file = \"token\"\nlisten_port = " +
                       std::to_string(port_) + "\n[console]\ntown_blocks_file = \"" +
                       console::testing::town_blocks_path() +
                       "\"\nplayer_binary = \"not-installed/signage-player\"\n"
                       "[signing]\nkey_file = \"signing.key\"\n[phrases]\ndir = \"" +
                       (alerthub::testing::project_fixtures_dir() / "../../config/phrases")
                           .lexically_normal()
                           .string() +
                       "\"\n");
    }
    CliRun hubctl(std::vector<std::string> args, const std::string& stdin_text = "",
                  const std::string& config_option = "--config", std::string config = "") {
        if (config.empty()) config = (dir_ / "hub.toml").string();
        args.push_back(config_option);
        args.push_back(config);
        std::ostringstream out, err;
        int status;
        if (console::is_console_command(args.front())) {
            std::istringstream in(stdin_text);
            status = console::run_console_command(args, in, out, err);
        } else {
            status = run_hubctl(args, out, err);
        }
        return {status, out.str(), err.str()};
    }
    std::vector<std::string> as(const std::string& user) {
        return {"--user", user, "--password-file", (dir_ / (user + ".pw")).string()};
    }

    // The hub as alerthub-hub would run from `config_file`.
    void start_hub_from(const fs::path& config_file) {
        auto reader = ConfigReader::load(config_file.string());
        ASSERT_TRUE(reader.ok()) << reader.error().message;
        auto config = load_hub_config(*reader);
        ASSERT_TRUE(config.ok()) << config.error().message;
        config_ = std::move(*config);
        start_hub();
    }

    int port_ = 0;
};

TEST_F(HubBackupTest, ABackupTakenUnderLoadRestoresIntoAFreshHub) {
    ASSERT_NO_FATAL_FAILURE(start_hub_from(dir_ / "hub.toml"));
    // Staff and their work: three users, a published notice, a rejected one (each step is
    // in the audit log).
    ASSERT_EQ(hubctl({"users", "add", "admin", "--role", "admin"}, "admin-password-1234\n").status,
              0);
    for (const std::string user : {"olive", "april"}) {
        auto r = hubctl({"users", "add", user, "--role", user == "olive" ? "operator" : "approver",
                         "--password-file", (dir_ / (user + ".pw")).string()});
        ASSERT_EQ(r.status, 0) << r.err;
    }
    write_file(dir_ / "req.json",
               R"({"template":"evac_order","areas":["konan-1"],"hazard":"storm_surge"})");
    std::vector<std::string> draft_ids;
    for (int i = 0; i < 2; ++i) {
        auto args = as("olive");
        args.insert(args.begin(), {"draft", (dir_ / "req.json").string()});
        auto r = hubctl(args);
        ASSERT_EQ(r.status, 0) << r.err;
        draft_ids.push_back(std::to_string(json::parse(r.out)["id"].get<int>()));
    }
    auto approve = as("april");
    approve.insert(approve.begin(), {"approve", draft_ids[0]});
    ASSERT_EQ(hubctl(approve).status, 0);
    auto reject = as("april");
    reject.insert(reject.begin(), {"reject", draft_ids[1], "--reason", "wrong area"});
    ASSERT_EQ(hubctl(reject).status, 0);

    // Load: documents arrive over HTTP, each a new alert, before, during and after the backup.
    const std::string cap = read_file(project_fixtures_dir() / "cap/minato_evacuation_order.xml");
    std::atomic<int> acknowledged{0};
    std::atomic<bool> load_stop{false};
    std::thread load([&] {
        for (int n = 0; !load_stop; ++n) {
            std::string doc = cap;
            auto at = doc.find("minato-bousai-20250905-0001");
            doc.replace(at, 27, "minato-bousai-load-" + std::to_string(n));
            auto r = testing::post_cap(port_, doc, kToken);
            if (r && r->status == 202) acknowledged = n + 1;
        }
    });
    ASSERT_TRUE(wait_for([&] { return acknowledged >= 20; }, 30s));
    const int acknowledged_before = acknowledged;
    const Contents before = read_contents(config_.journal_path);
    auto backup = hubctl({"backup", (dir_ / "backups").string()});
    const int acknowledged_after = acknowledged;
    ASSERT_EQ(backup.status, 0) << backup.err;
    ASSERT_TRUE(wait_for([&] { return acknowledged >= acknowledged_after + 10; }, 30s));
    load_stop = true;
    load.join();

    const std::string file = backup.out.substr(0, backup.out.find('\n'));
    EXPECT_TRUE(file.starts_with((dir_ / "backups/journal-").string())) << file;
    EXPECT_TRUE(file.ends_with(".db")) << file;
    EXPECT_FALSE(fs::exists(file + "-wal")) << "a backup is one self-contained file";

    // A fresh hub, elsewhere: the backup restored into its empty place, then started.
    TempDir fresh;
    const std::string restored = (fresh / "journal.db").string();
    auto r = hubctl({"restore", file}, "", "--journal", restored);
    ASSERT_EQ(r.status, 0) << r.err;
    {
        JournalSettings settings{Topics("test/v1"), {"line", "mail"}};
        auto journal = Journal::open(restored, settings, system_clock_);
        ASSERT_TRUE(journal.ok()) << journal.error().message;
    }
    const Contents after = read_contents(restored);
    // Everything acknowledged before the backup began is in it; nothing newer than what was
    // acknowledged when it ended (one document may have been in flight).
    for (const auto& v : before.versions) EXPECT_TRUE(after.versions.count(v)) << v;
    EXPECT_GE(after.versions.size(), before.versions.size());
    EXPECT_LE(
        after.versions.size(),
        before.versions.size() + static_cast<size_t>(acknowledged_after - acknowledged_before) + 1);
    EXPECT_GE(before.versions.size(), static_cast<size_t>(acknowledged_before));
    EXPECT_EQ(after.users, before.users);
    EXPECT_EQ(after.users.size(), 3u);
    EXPECT_EQ(after.drafts, before.drafts);
    EXPECT_EQ(after.drafts.size(), 2u);
    EXPECT_EQ(after.audit, before.audit);
    EXPECT_GE(after.audit.size(), 7u);

    auto verify = hubctl({"audit", "verify"}, "", "--journal", restored);
    EXPECT_EQ(verify.status, 0) << verify.out << verify.err;
    EXPECT_NE(verify.out.find("audit log ok: " + std::to_string(before.audit.size()) + " entries"),
              std::string::npos)
        << verify.out;
    auto users = hubctl({"users", "list"}, "", "--journal", restored);
    EXPECT_NE(users.out.find("olive\toperator\tenabled"), std::string::npos) << users.out;

    // The restored journal runs a hub: a document it holds comes back as a duplicate.
    stop_hub();
    for (const char* name : {"token", "signing.key"}) fs::copy_file(dir_ / name, fresh / name);
    std::string toml = read_file(dir_ / "hub.toml");
    port_ = free_port();
    toml.replace(toml.find("listen_port = "),
                 toml.find('\n', toml.find("listen_port = ")) - toml.find("listen_port = "),
                 "listen_port = " + std::to_string(port_));
    write_file(fresh / "hub.toml", toml);
    ASSERT_NO_FATAL_FAILURE(start_hub_from(fresh / "hub.toml"));
    EXPECT_EQ(config_.journal_path, restored);
    std::string doc = cap;
    doc.replace(doc.find("minato-bousai-20250905-0001"), 27, "minato-bousai-load-0");
    auto again = testing::post_cap(port_, doc, kToken);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 202) << again->body;
    EXPECT_EQ(json::parse(again->body)["duplicate"], true) << again->body;
}

TEST_F(HubBackupTest, RestoreRefusesAFileThatIsNotASoundDatabase) {
    write_file(dir_ / "not-a-backup.db", "this is not SQLite");
    auto r = hubctl({"restore", (dir_ / "not-a-backup.db").string()}, "", "--journal",
                    (dir_ / "journal.db").string());
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("not-a-backup.db"), std::string::npos) << r.err;
    auto missing =
        hubctl({"backup", (dir_ / "out").string()}, "", "--journal", (dir_ / "absent.db").string());
    EXPECT_EQ(missing.status, 1);
    EXPECT_NE(missing.err.find("no such database file"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace alerthub::hub
