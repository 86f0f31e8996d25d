#pragma once
// A ConsoleService on a temporary journal whose publisher is the hub's real IngestPipeline
// on the same file (what HubApp does through its owner thread), with a FakeClock, four
// users and a typical notice request.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/base/clock.h"
#include "core/base/crypto.h"
#include "hub/console/console_json.h"
#include "hub/console/console_service.h"
#include "hub/ingest/ingest_pipeline.h"
#include "hub/journal/journal.h"
#include "hub/policy/phrase_bank.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_support.h"

namespace alerthub::hub::console::testing {

using nlohmann::json;

inline constexpr const char* kAdminPassword = "admin-password-1234";
inline constexpr const char* kOperatorPassword = "operator-password-1234";
inline constexpr const char* kApproverPassword = "approver-password-1234";

// The shipped phrase bank (config/phrases), which gives the notices their texts.
inline std::shared_ptr<const PhraseBank> shipped_phrases() {
    auto bank = PhraseBank::load(
        (alerthub::testing::project_fixtures_dir() / "../../config/phrases").lexically_normal());
    EXPECT_TRUE(bank.ok()) << bank.error().message;
    return bank.ok() ? std::make_shared<const PhraseBank>(std::move(*bank)) : nullptr;
}

inline std::string town_blocks_path() {
    return (alerthub::testing::project_fixtures_dir() / "../../config/minato_town_blocks.tsv")
        .lexically_normal()
        .string();
}

class ConsoleFixture : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        // Wall time matters: the journal orders versions by their CAP <sent>.
        clock_.set(std::chrono::system_clock::now());
        journal_path_ = (dir_ / "journal.db").string();
        auto journal = Journal::open(journal_path_, {Topics("test/v1"), {"line", "mail"}}, clock_);
        ASSERT_TRUE(journal.ok()) << journal.error().message;
        journal_.emplace(std::move(*journal));
        pipeline_ = std::make_unique<IngestPipeline>(*journal_, 1048576, nullptr);
        config_.town_blocks_file = town_blocks_path();
        config_.phrases = shipped_phrases();
        config_.lockout_s = 900;
        config_.max_failed_logins = 5;
    }

    // Opens the service with config_ (change it first if needed) and, the first time, four
    // users: admin, olive (operator), april and andy (approvers).
    void open_service(bool add_users = true) {
        auto service = ConsoleService::open(journal_path_, config_, clock_,
                                            [this](std::string cap, std::string origin) {
                                                ++published_;
                                                last_origin_ = origin;
                                                last_cap_ = cap;
                                                if (fail_next_publish_) {
                                                    fail_next_publish_ = false;
                                                    IngestReport r;
                                                    r.kind = IngestOutcome::kFailed;
                                                    r.reason = "journal locked (injected)";
                                                    return r;
                                                }
                                                return pipeline_->submit_staff(cap, origin);
                                            });
        ASSERT_TRUE(service.ok()) << service.error().message;
        service_ = std::move(*service);
        if (!add_users) return;
        Accounts& accounts = service_->accounts();
        ASSERT_TRUE(accounts.add_user(local_, "admin", Role::kAdmin, kAdminPassword).ok());
        ASSERT_TRUE(accounts.add_user(local_, "olive", Role::kOperator, kOperatorPassword).ok());
        ASSERT_TRUE(accounts.add_user(local_, "april", Role::kApprover, kApproverPassword).ok());
        ASSERT_TRUE(accounts.add_user(local_, "andy", Role::kApprover, kApproverPassword).ok());
    }

    void open_service_again() { open_service(false); }

    Actor as(const std::string& user, Role role) { return {user, role, "test"}; }
    Actor olive() { return as("olive", Role::kOperator); }
    Actor april() { return as("april", Role::kApprover); }
    Actor andy() { return as("andy", Role::kApprover); }

    Accounts& accounts() { return service_->accounts(); }
    Drafts& drafts() { return service_->drafts(); }

    // 避難指示 for two blocks of Shibaura, as the compose form sends it.
    json evac_order_json() {
        return {{"template", "evac_order"},
                {"areas", {"shibaura-1", "shibaura-2"}},
                {"shelters", {"芝浦小学校"}},
                {"hazard", "storm_surge"},
                {"link", "https://www.city.minato.tokyo.jp/bousai/"}};
    }
    DraftRequest evac_order_request() {
        DraftRequest r;
        r.template_id = "evac_order";
        r.areas = {"shibaura-1", "shibaura-2"};
        r.shelters = {"芝浦小学校"};
        r.hazard = "storm_surge";
        r.link = "https://www.city.minato.tokyo.jp/bousai/";
        return r;
    }
    DraftRequest cancel_request(const std::string& alert_id, const std::string& reason = "") {
        DraftRequest r;
        r.action = "cancel";
        r.alert_id = alert_id;
        r.reason = reason;
        return r;
    }

    std::int64_t draft(const Actor& who, const DraftRequest& request) {
        auto d = drafts().create(who, request);
        EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().message);
        return d.ok() ? d->id : 0;
    }

    alerthub::testing::TempDir dir_;
    FakeClock clock_;
    std::string journal_path_;
    std::optional<Journal> journal_;
    std::unique_ptr<IngestPipeline> pipeline_;
    ConsoleConfig config_;
    std::unique_ptr<ConsoleService> service_;
    Actor local_{"local:test", Role::kAdmin, "hubctl"};
    int published_ = 0;
    std::string last_origin_;
    std::string last_cap_;
    bool fail_next_publish_ = false;
};

}  // namespace alerthub::hub::console::testing
