// hubctl's console commands, run in-process: the first admin, users, draft / approve /
// cancel for scripts under the same two-person rule, and `audit verify` catching an edit.

#include "hub/hubctl_console.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "core/base/crypto.h"
#include "core/storage/sqlite_db.h"
#include "hub/hubctl.h"
#include "hub/journal/journal.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_signing.h"
#include "tests/unit/hub/console/console_fixture.h"

namespace alerthub::hub::console {
namespace {

using alerthub::testing::TempDir;
using alerthub::testing::write_file;
using nlohmann::json;

class ConsoleCliTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        config_ = (dir_ / "hub.toml").string();
        write_file(dir_ / "token", "0123456789abcdef0123\n");
        write_file(dir_ / "hub.toml",
                   "[journal]\npath = \"journal.db\"\n[ingest]\ntoken_file = \"token\"\n"
                   "[console]\ntown_blocks_file = \"" +
                       testing::town_blocks_path() +
                       "\"\naudit_head_file = \"audit.head\"\n"
                       "player_binary = \"not-installed/signage-player\"\n"
                       "[phrases]\ndir = \"" +
                       (alerthub::testing::project_fixtures_dir() / "../../config/phrases")
                           .lexically_normal()
                           .string() +
                       "\"\n[signing]\nkey_file = \"signing.key\"\n");
        alerthub::testing::write_test_key_file(dir_ / "signing.key");
        write_file(dir_ / "olive.pw", "operator-password-1234\n");
        write_file(dir_ / "april.pw", "approver-password-1234\n");
        ASSERT_EQ(run({"users", "add", "admin", "--role", "admin"}, "admin-password-1234\n"), 0)
            << err_;
        ASSERT_EQ(run({"users", "add", "olive", "--role", "operator", "--password-file",
                       (dir_ / "olive.pw").string()}),
                  0)
            << err_;
        ASSERT_EQ(run({"users", "add", "april", "--role", "approver", "--password-file",
                       (dir_ / "april.pw").string()}),
                  0)
            << err_;
    }

    int run(std::vector<std::string> args, const std::string& stdin_text = "") {
        args.push_back("--config");
        args.push_back(config_);
        std::istringstream in(stdin_text);
        std::ostringstream out, err;
        int status = run_console_command(args, in, out, err);
        out_ = out.str();
        err_ = err.str();
        return status;
    }
    std::vector<std::string> as(const std::string& user) {
        return {"--user", user, "--password-file", (dir_ / (user + ".pw")).string()};
    }
    std::vector<std::string> cat(std::vector<std::string> a, const std::vector<std::string>& b) {
        a.insert(a.end(), b.begin(), b.end());
        return a;
    }

    TempDir dir_;
    std::string config_;
    std::string out_;
    std::string err_;
};

TEST_F(ConsoleCliTest, UsersAreAddedListedAndChanged) {
    ASSERT_EQ(run({"users", "list"}), 0) << err_;
    EXPECT_NE(out_.find("admin\tadmin\tenabled"), std::string::npos) << out_;
    EXPECT_NE(out_.find("olive\toperator\tenabled"), std::string::npos) << out_;
    EXPECT_EQ(run({"users", "add", "bob", "--role", "operator"}, "short\n"), 1);
    EXPECT_NE(err_.find("at least 12"), std::string::npos) << err_;
    EXPECT_EQ(run({"users", "add", "bob"}, "long-enough-password\n"), 2) << "no role";
    ASSERT_EQ(run({"users", "set", "olive", "--disable"}), 0) << err_;
    ASSERT_EQ(run({"users", "list"}), 0);
    EXPECT_NE(out_.find("olive\toperator\tdisabled"), std::string::npos) << out_;
    ASSERT_EQ(run({"users", "passwd", "olive"}, "another-password-99\n"), 0) << err_;
    EXPECT_EQ(run({"users", "frobnicate", "x"}), 2);
}

TEST_F(ConsoleCliTest, AFacilityAccountIsAddedWithTheFacilitiesItMaySet) {
    ASSERT_EQ(run({"users", "add", "konan-school", "--role", "facility", "--facilities",
                   "E1310300007111,stay-konan-1"},
                  "facility-password-123\n"),
              0)
        << err_;
    ASSERT_EQ(run({"users", "list"}), 0);
    EXPECT_NE(out_.find("konan-school\tfacility\tenabled"), std::string::npos) << out_;
    EXPECT_NE(out_.find("\tE1310300007111,stay-konan-1\n"), std::string::npos) << out_;
    ASSERT_EQ(run({"users", "set", "konan-school", "--facilities", "E1310300007111"}), 0) << err_;
    ASSERT_EQ(run({"users", "list"}), 0);
    EXPECT_EQ(out_.find("stay-konan-1"), std::string::npos) << out_;
    // Facilities are for facility accounts only, and ids have a shape.
    EXPECT_EQ(run({"users", "add", "otto", "--role", "operator", "--facilities", "E1"},
                  "operator-password-123\n"),
              1);
    EXPECT_NE(err_.find("only a facility account"), std::string::npos) << err_;
    EXPECT_EQ(run({"users", "set", "konan-school", "--facilities", "bad id"}), 1);
}

TEST_F(ConsoleCliTest, DraftApproveAndCancelForScripts) {
    write_file(dir_ / "req.json",
               R"({"template":"evac_order","areas":["konan-1"],"hazard":"storm_surge"})");
    ASSERT_EQ(run(cat({"draft", (dir_ / "req.json").string()}, as("olive"))), 0) << err_;
    auto id = std::to_string(json::parse(out_)["id"].get<int>());

    EXPECT_EQ(run(cat({"approve", id}, as("olive"))), 1);
    EXPECT_NE(err_.find("only an approver"), std::string::npos) << err_;
    ASSERT_EQ(run(cat({"draft", (dir_ / "req.json").string()}, as("april"))), 0) << err_;
    auto own = std::to_string(json::parse(out_)["id"].get<int>());
    EXPECT_EQ(run(cat({"approve", own}, as("april"))), 1);
    EXPECT_NE(err_.find("two-person rule"), std::string::npos) << err_;
    EXPECT_EQ(run({"approve", id, "--user", "april"}, "wrong-password-123\n"), 1);
    EXPECT_NE(err_.find("wrong user name or password"), std::string::npos) << err_;

    ASSERT_EQ(run(cat({"approve", id}, as("april"))), 0) << err_;
    auto published = json::parse(out_);
    EXPECT_EQ(published["state"], "published");
    const std::string alert_id = published["alert_id"];

    // What the console shows: the draft with its channel texts, and the live board.
    ASSERT_EQ(run({"drafts", "show", id}), 0) << err_;
    auto shown = json::parse(out_);
    EXPECT_EQ(shown["preview"]["level"], 4);
    EXPECT_TRUE(
        shown["channel_texts"]["ja"]["mail_subject"].get<std::string>().starts_with("【緊急】"))
        << out_;
    EXPECT_EQ(run({"drafts", "show", id, "--png", (dir_ / "screen.png").string()}), 1);
    EXPECT_NE(err_.find("not-installed/signage-player is not installed"), std::string::npos)
        << err_;
    EXPECT_EQ(run({"drafts", "show", "x"}), 2);
    ASSERT_EQ(run({"board"}), 0) << err_;
    EXPECT_EQ(json::parse(out_)["alerts"][0]["id"], alert_id) << out_;

    ASSERT_EQ(run(cat({"cancel", alert_id, "--reason", "解除"}, as("olive"))), 0) << err_;
    auto cancel_id = std::to_string(json::parse(out_)["id"].get<int>());
    ASSERT_EQ(run(cat({"approve", cancel_id}, as("april"))), 0) << err_;
    EXPECT_EQ(json::parse(out_)["published_version"], 2);

    // What hubctl journaled is what the running hub's outbox publishes.
    FakeClock clock;
    auto journal = Journal::open((dir_ / "journal.db").string(),
                                 {Topics("alerthub/v1"), {"line", "mail"}}, clock);
    ASSERT_TRUE(journal.ok());
    auto versions = journal->versions(alert_id);
    ASSERT_TRUE(versions.ok());
    ASSERT_EQ(versions->size(), 2u);
    EXPECT_EQ(versions->back().alert.state, AlertState::kLifted);  // the ward's 解除
    EXPECT_GT(*journal->unpublished_count(), 0);

    ASSERT_EQ(run({"drafts", "--state", "published"}), 0);
    EXPECT_EQ(json::parse(out_).size(), 2u);
    ASSERT_EQ(run({"drafts", "--state", "pending"}), 0);
    EXPECT_EQ(json::parse(out_).size(), 1u) << "april's own draft waits for someone else";
}

TEST_F(ConsoleCliTest, AuditVerifyFindsAnEditAndADeletedTail) {
    ASSERT_EQ(run({"audit", "verify"}), 0) << err_;
    EXPECT_NE(out_.find("audit log ok: 3 entries"), std::string::npos) << out_;
    ASSERT_EQ(run({"audit", "list"}), 0);
    EXPECT_NE(out_.find("\"user_add\""), std::string::npos);

    auto db = SqliteDb::open((dir_ / "journal.db").string());
    ASSERT_TRUE(db.ok());
    // Deleting the newest entry: the head file the console keeps still names it.
    ASSERT_TRUE(db->exec("DELETE FROM audit_log WHERE seq = 3").ok());
    EXPECT_EQ(run({"audit", "verify"}), 1);
    EXPECT_NE(out_.find("BROKEN"), std::string::npos) << out_;

    ASSERT_EQ(run({"users", "add", "carol", "--role", "operator"}, "carol-password-123\n"), 0);
    ASSERT_EQ(run({"audit", "verify"}), 0) << out_;
    ASSERT_TRUE(db->exec("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").ok());
    EXPECT_EQ(run({"audit", "verify"}), 1);
    EXPECT_NE(out_.find("entry 2"), std::string::npos) << out_;
}

TEST_F(ConsoleCliTest, HubctlDispatchesAndDocumentsTheCommands) {
    std::ostringstream out, err;
    EXPECT_EQ(run_hubctl({"--help"}, out, err), 0);
    EXPECT_NE(out.str().find("hubctl users add"), std::string::npos);
    EXPECT_NE(out.str().find("hubctl audit verify"), std::string::npos);
    EXPECT_NE(out.str().find("hubctl board"), std::string::npos);
    EXPECT_TRUE(is_console_command("board"));
    EXPECT_TRUE(is_console_command("approve"));
    EXPECT_FALSE(is_console_command("normalize"));
}

}  // namespace
}  // namespace alerthub::hub::console
