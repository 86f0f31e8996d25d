// The console's audit log through ConsoleAudit: every action, and a chain that verifies.

#include "hub/console/console_audit.h"

#include <gtest/gtest.h>

#include "tests/unit/hub/console/console_fixture.h"

namespace alerthub::hub::console {
namespace {

using nlohmann::json;
using testing::ConsoleFixture;
using testing::kOperatorPassword;

class ConsoleAuditTest : public ConsoleFixture {
protected:
    void SetUp() override {
        ConsoleFixture::SetUp();
        open_service();
    }

    std::vector<std::string> audit_actions() {
        auto entries = service_->audit().list(local_, 0, 500);
        EXPECT_TRUE(entries.ok());
        std::vector<std::string> out;
        for (auto it = entries->rbegin(); it != entries->rend(); ++it) out.push_back(it->action);
        return out;
    }
};

TEST_F(ConsoleAuditTest, EveryActionIsInTheAuditLogAndTheChainVerifies) {
    (void)accounts().login("olive", "wrong-password!", "127.0.0.1");
    auto login = accounts().login("olive", kOperatorPassword, "127.0.0.1");
    ASSERT_TRUE(login.ok());
    auto id = draft(olive(), evac_order_request());
    ASSERT_TRUE(drafts().approve(april(), id).ok());
    ASSERT_TRUE(accounts().logout(login->token, "127.0.0.1").ok());
    auto actions = audit_actions();
    std::vector<std::string> expected = {"user_add",     "user_add", "user_add", "user_add",
                                         "login_failed", "login",    "draft",    "approve",
                                         "publish",      "logout"};
    EXPECT_EQ(actions, expected);
    auto v = service_->audit().verify(std::nullopt);
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->ok) << v->problem;
    EXPECT_EQ(v->entries, 10);
    // No secret reaches the log.
    auto entries = service_->audit().list(local_, 0, 100);
    for (const auto& e : *entries) {
        const auto text = audit_entry_json(e).dump();
        EXPECT_EQ(text.find(kOperatorPassword), std::string::npos);
        EXPECT_EQ(text.find(login->token), std::string::npos);
    }
}

}  // namespace
}  // namespace alerthub::hub::console
