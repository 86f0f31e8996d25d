// Accounts: passwords, log-in limits and sessions, and who may manage users.

#include "hub/console/accounts.h"

#include <gtest/gtest.h>

#include "hub/console/secrets.h"
#include "tests/unit/hub/console/console_fixture.h"

namespace alerthub::hub::console {
namespace {

using testing::ConsoleFixture;
using testing::kApproverPassword;
using testing::kOperatorPassword;

class AccountsTest : public ConsoleFixture {
protected:
    void SetUp() override {
        ConsoleFixture::SetUp();
        open_service();
    }
};

TEST_F(AccountsTest, PasswordsAreStoredAsArgon2idHashes) {
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

TEST_F(AccountsTest, LoginGivesASessionWithItsCsrfToken) {
    auto login = accounts().login("olive", kOperatorPassword, "127.0.0.1");
    ASSERT_TRUE(login.ok()) << login.error().message;
    EXPECT_EQ(login->token.size(), 64u);
    EXPECT_EQ(login->session.actor.role, Role::kOperator);
    EXPECT_EQ(login->session.csrf_token, Accounts::csrf_token_for(login->token));
    auto session = accounts().session(login->token, "127.0.0.1");
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

TEST_F(AccountsTest, WrongPasswordAndUnknownUserGetTheSameAnswer) {
    auto wrong = accounts().login("olive", "not-the-password", "127.0.0.1");
    auto unknown = accounts().login("nobody", "not-the-password", "127.0.0.1");
    ASSERT_FALSE(wrong.ok());
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(wrong.error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(wrong.error().message, unknown.error().message);
}

TEST_F(AccountsTest, FiveWrongPasswordsLockTheNameEvenForTheRightOne) {
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(accounts().login("olive", "wrong-password!", "10.0.0.1").error().code,
                  ErrorCode::kPermissionDenied);
    auto locked = accounts().login("olive", kOperatorPassword, "10.0.0.2");
    ASSERT_FALSE(locked.ok());
    EXPECT_EQ(locked.error().code, ErrorCode::kRateLimited);
    // Other users are not locked; the lock ends after console.lockout_s.
    EXPECT_TRUE(accounts().login("april", kApproverPassword, "10.0.0.2").ok());
    clock_.advance(std::chrono::seconds(config_.lockout_s + 1));
    EXPECT_TRUE(accounts().login("olive", kOperatorPassword, "10.0.0.2").ok());
}

TEST_F(AccountsTest, ThrottlingGrowsAndEndsAndSaysHowLongInJapanese) {
    for (int i = 0; i < 5; ++i) (void)accounts().login("olive", "wrong-password!", "10.0.0.1");
    std::int64_t retry_after = 0;
    auto first = accounts().login("olive", kOperatorPassword, "10.0.0.2", &retry_after);
    ASSERT_FALSE(first.ok());
    EXPECT_EQ(first.error().code, ErrorCode::kRateLimited);
    EXPECT_EQ(retry_after, 10);
    EXPECT_NE(first.error().message.find("秒後にもう一度お試しください"), std::string::npos)
        << first.error().message;
    // Each further failure doubles the wait, never beyond console.lockout_s.
    std::vector<std::int64_t> waits;
    for (int i = 0; i < 9; ++i) {
        clock_.advance(std::chrono::seconds(retry_after));
        EXPECT_EQ(accounts().login("olive", "wrong-password!", "10.0.0.1").error().code,
                  ErrorCode::kPermissionDenied);
        ASSERT_EQ(
            accounts().login("olive", kOperatorPassword, "10.0.0.2", &retry_after).error().code,
            ErrorCode::kRateLimited);
        waits.push_back(retry_after);
    }
    EXPECT_EQ(waits, (std::vector<std::int64_t>{20, 40, 80, 160, 320, 640, 900, 900, 900}));
    clock_.advance(std::chrono::seconds(retry_after));
    EXPECT_TRUE(accounts().login("olive", kOperatorPassword, "10.0.0.2").ok());
}

TEST_F(AccountsTest, AnAddressIsThrottledForEveryNameItTries) {
    // A script trying many names from one address: four times the per-name allowance.
    for (int i = 0; i < 20; ++i)
        (void)accounts().login("user" + std::to_string(i), "wrong-password!", "10.6.6.6");
    std::int64_t retry_after = 0;
    auto refused = accounts().login("olive", kOperatorPassword, "10.6.6.6", &retry_after);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kRateLimited);
    EXPECT_NE(refused.error().message.find("この端末"), std::string::npos);
    EXPECT_EQ(retry_after, 10);
    // Everyone elsewhere logs in as usual.
    EXPECT_TRUE(accounts().login("olive", kOperatorPassword, "10.0.0.7").ok());
}

TEST_F(AccountsTest, AnAttackerCannotLockOutTheLastApprover) {
    // admin, april and andy may all approve: an attacker hammers every one of their names
    // from one address, so that no approver would be left.
    for (const char* name : {"admin", "april", "andy"})
        for (int i = 0; i < 6; ++i)
            (void)accounts().login(name, "guess-" + std::to_string(i), "10.6.6.6");
    // From the attacker's address (many failures) the names stay throttled, right password too.
    EXPECT_EQ(accounts().login("april", kApproverPassword, "10.6.6.6").error().code,
              ErrorCode::kRateLimited);
    // The real approver, from another address, still gets in (audited as such)...
    auto real = accounts().login("april", kApproverPassword, "10.0.0.20");
    ASSERT_TRUE(real.ok()) << real.error().message;
    EXPECT_EQ(real->session.actor.role, Role::kApprover);
    // ...but a wrong guess from a fresh address is still only a wrong guess, and after as
    // many failures as the name allows that address is held by the name's throttle again.
    for (int i = 0; i < 6; ++i)
        (void)accounts().login("andy", "guess-" + std::to_string(i), "10.7.7.7");
    EXPECT_EQ(accounts().login("andy", kApproverPassword, "10.7.7.7").error().code,
              ErrorCode::kRateLimited);
    // An operator's name has no such exemption: the name's throttle holds everywhere.
    for (int i = 0; i < 5; ++i) (void)accounts().login("olive", "guess", "10.6.6.7");
    EXPECT_EQ(accounts().login("olive", kOperatorPassword, "10.0.0.21").error().code,
              ErrorCode::kRateLimited);
}

TEST_F(AccountsTest, TheApproverExemptionNeedsNoOtherApproverFree) {
    // Only april is hammered: andy and admin can still act, so april's name is throttled
    // everywhere (the two-person rule still has a second person).
    for (int i = 0; i < 5; ++i) (void)accounts().login("april", "guess", "10.6.6.6");
    EXPECT_EQ(accounts().login("april", kApproverPassword, "10.0.0.20").error().code,
              ErrorCode::kRateLimited);
    EXPECT_TRUE(accounts().login("andy", kApproverPassword, "10.0.0.20").ok());
}

TEST_F(AccountsTest, AnAdminCanUnlockAName) {
    for (int i = 0; i < 5; ++i) (void)accounts().login("olive", "wrong-password!", "10.0.0.1");
    ASSERT_EQ(accounts().login("olive", kOperatorPassword, "10.0.0.3").error().code,
              ErrorCode::kRateLimited);
    UserChange unlock;
    unlock.unlock = true;
    ASSERT_TRUE(accounts().change_user(local_, "olive", unlock).ok());
    EXPECT_TRUE(accounts().login("olive", kOperatorPassword, "10.0.0.3").ok());
}

TEST_F(AccountsTest, SessionsEndWhenIdleExpiredLoggedOutOrTheUserChanges) {
    auto a = accounts().login("olive", kOperatorPassword, "127.0.0.1");
    ASSERT_TRUE(a.ok());
    clock_.advance(std::chrono::seconds(config_.session_idle_s - 10));
    ASSERT_TRUE(accounts().session(a->token, "127.0.0.1").ok());  // and refreshed
    clock_.advance(std::chrono::seconds(config_.session_idle_s - 10));
    ASSERT_TRUE(accounts().session(a->token, "127.0.0.1").ok());
    clock_.advance(std::chrono::seconds(config_.session_idle_s + 1));
    EXPECT_FALSE(accounts().session(a->token, "127.0.0.1").ok());

    auto b = accounts().login("olive", kOperatorPassword, "127.0.0.1");
    ASSERT_TRUE(b.ok());
    ASSERT_TRUE(accounts().logout(b->token, "127.0.0.1").ok());
    EXPECT_FALSE(accounts().session(b->token, "127.0.0.1").ok());

    auto c = accounts().login("olive", kOperatorPassword, "127.0.0.1");
    ASSERT_TRUE(c.ok());
    UserChange disable;
    disable.disabled = true;
    ASSERT_TRUE(accounts().change_user(local_, "olive", disable).ok());
    EXPECT_FALSE(accounts().session(c->token, "127.0.0.1").ok());
    EXPECT_FALSE(accounts().login("olive", kOperatorPassword, "127.0.0.1").ok());

    auto d = accounts().login("april", kApproverPassword, "127.0.0.1");
    ASSERT_TRUE(d.ok());
    for (int i = 0; i < 100 && accounts().session(d->token, "127.0.0.1").ok(); ++i)
        clock_.advance(std::chrono::seconds(config_.session_idle_s / 2));
    EXPECT_FALSE(accounts().session(d->token, "127.0.0.1").ok()) << "session_max_s not enforced";
}

TEST_F(AccountsTest, OnlyAdminsManageUsersAndTheLastAdminStays) {
    EXPECT_EQ(accounts().add_user(olive(), "x1", Role::kAdmin, "long-enough-password").error().code,
              ErrorCode::kPermissionDenied);
    EXPECT_EQ(accounts().users(april()).error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(accounts()
                  .add_user(local_, "Bad Name", Role::kOperator, "long-enough-password")
                  .error()
                  .code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(
        accounts().add_user(local_, "olive", Role::kOperator, "long-enough-password").error().code,
        ErrorCode::kAlreadyExists);
    UserChange demote;
    demote.role = Role::kOperator;
    EXPECT_EQ(accounts().change_user(local_, "admin", demote).error().code,
              ErrorCode::kAlreadyExists);
    UserChange promote;
    promote.role = Role::kAdmin;
    ASSERT_TRUE(accounts().change_user(local_, "april", promote).ok());
    EXPECT_TRUE(accounts().change_user(local_, "admin", demote).ok());
    auto list = accounts().users(local_);
    ASSERT_TRUE(list.ok());
    EXPECT_EQ(list->size(), 4u);
}

}  // namespace
}  // namespace alerthub::hub::console
