// The audit log's hash chain: any edit, deletion or reordering is found.

#include "hub/console/audit_log.h"

#include <gtest/gtest.h>

#include "core/base/crypto.h"
#include "hub/console/console_db.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_support.h"

namespace alerthub::hub::console {
namespace {

class AuditLogTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        auto db = open_console_db((dir_ / "journal.db").string());
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_.emplace(std::move(*db));
        for (int i = 1; i <= 5; ++i)
            ASSERT_TRUE(audit_append(*db_, clock_, "olive", "draft", "draft " + std::to_string(i),
                                     R"({"template":"evac_order"})")
                            .ok());
    }
    AuditVerification verify(std::optional<AuditHead> head = std::nullopt) {
        auto v = audit_verify(*db_, head);
        EXPECT_TRUE(v.ok());
        return *v;
    }
    void exec(const std::string& sql) { ASSERT_TRUE(db_->exec(sql).ok()) << sql; }

    alerthub::testing::TempDir dir_;
    FakeClock clock_;
    std::optional<SqliteDb> db_;
};

TEST_F(AuditLogTest, AnIntactChainVerifies) {
    auto v = verify();
    EXPECT_TRUE(v.ok) << v.problem;
    EXPECT_EQ(v.entries, 5);
    EXPECT_EQ(v.head.seq, 5);
    auto head = audit_head(*db_);
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head->hash, v.head.hash);
    EXPECT_TRUE(verify(v.head).ok);
}

TEST_F(AuditLogTest, TheHashCoversPreviousHashAndCanonicalEntry) {
    auto entries = audit_list(*db_, 10);
    ASSERT_TRUE(entries.ok());
    const AuditEntry& first = entries->back();
    EXPECT_EQ(first.prev_hash, kAuditGenesis);
    EXPECT_EQ(audit_canonical(first),
              R"({"action":"draft","actor":"olive","at":")" + first.at +
                  R"(","detail":"{\"template\":\"evac_order\"}","seq":1,"subject":"draft 1"})");
    EXPECT_EQ(first.hash, sha256_hex(std::string(kAuditGenesis) + "\n" + audit_canonical(first)));
}

TEST_F(AuditLogTest, AnEditedFieldIsFound) {
    for (const char* column : {"actor", "action", "subject", "detail", "at"}) {
        alerthub::testing::TempDir dir;  // a fresh, intact log for each column
        auto db = open_console_db((dir / "journal.db").string());
        ASSERT_TRUE(db.ok());
        for (int i = 1; i <= 5; ++i)
            ASSERT_TRUE(audit_append(*db, clock_, "olive", "draft", "d", "{}").ok());
        ASSERT_TRUE(db->exec(std::string("UPDATE audit_log SET ") + column + " = " + column +
                             " || 'x' WHERE seq = 3")
                        .ok());
        auto v = audit_verify(*db);
        ASSERT_TRUE(v.ok());
        EXPECT_FALSE(v->ok) << column;
        EXPECT_NE(v->problem.find("entry 3"), std::string::npos) << v->problem;
    }
}

TEST_F(AuditLogTest, ARecomputedHashStillBreaksTheNextLink) {
    exec("UPDATE audit_log SET subject = 'forged' WHERE seq = 2");
    auto entries = audit_list(*db_, 10);
    AuditEntry e = entries->at(3);  // seq 2
    ASSERT_EQ(e.seq, 2);
    exec("UPDATE audit_log SET hash = '" + audit_hash(e.prev_hash, e) + "' WHERE seq = 2");
    auto v = verify();
    EXPECT_FALSE(v.ok);
    EXPECT_NE(v.problem.find("entry 3"), std::string::npos) << v.problem;
}

TEST_F(AuditLogTest, ADeletedEntryIsFound) {
    exec("DELETE FROM audit_log WHERE seq = 3");
    auto v = verify();
    EXPECT_FALSE(v.ok);
    EXPECT_NE(v.problem.find("missing"), std::string::npos) << v.problem;
}

TEST_F(AuditLogTest, DeletedNewestEntriesAreFoundAgainstTheRecordedHead) {
    auto head = verify().head;
    exec("DELETE FROM audit_log WHERE seq >= 4");
    EXPECT_TRUE(verify().ok) << "without a recorded head a shortened log looks whole";
    auto v = verify(head);
    EXPECT_FALSE(v.ok);
    EXPECT_NE(v.problem.find("deleted"), std::string::npos) << v.problem;
    // Rewriting the whole log does not match the recorded head either.
    exec("DELETE FROM audit_log");
    for (int i = 1; i <= 5; ++i)
        ASSERT_TRUE(audit_append(*db_, clock_, "mallory", "draft", "x").ok());
    EXPECT_FALSE(verify(head).ok);
}

}  // namespace
}  // namespace alerthub::hub::console
