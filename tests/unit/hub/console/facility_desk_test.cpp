// The ward's facilities in the console (FacilityDesk): notices pick them by id and name them
// in every language from the data; a published 避難所開設 / 一時滞在施設開設 opens them and its
// end closes them (unless another notice in force names them or an operator set them since);
// a facility account sets only its own facilities' status, never drafts or approves; every
// change is in site_facility_log and the audit chain. With the shipped GSI data and the
// example stay-facilities file.

#include <algorithm>

#include "hub/console/facility_desk.h"
#include "hub/site/facilities.h"
#include "hub/site/facility_status_store.h"
#include "tests/unit/hub/console/console_fixture.h"

namespace alerthub::hub::console::testing {
namespace {

constexpr const char* kKonanSchool = "E1310300007111";     // 港南小学校 (指定避難所)
constexpr const char* kShibauraSchool = "E1310300028111";  // 芝浦小学校
constexpr const char* kStayKonan = "stay-example-konan";   // the example 一時滞在施設
constexpr const char* kFacilityPassword = "facility-password-1234";

std::filesystem::path config_dir() {
    return (alerthub::testing::project_fixtures_dir() / "../../config").lexically_normal();
}

std::shared_ptr<const site::Facilities> ward_facilities() {
    auto f = site::load_gsi_facilities(
        (config_dir() / "shelters/131032-emergency-sites.geojson").string(),
        (config_dir() / "shelters/131032-designated-shelters.geojson").string());
    EXPECT_TRUE(f) << f.error().message;
    auto stay = site::load_stay_facilities(
        (config_dir() / "shelters/stay_facilities.tsv.example").string());
    EXPECT_TRUE(stay) << stay.error().message;
    f->all.insert(f->all.end(), stay->begin(), stay->end());
    return std::make_shared<const site::Facilities>(std::move(*f));
}

using Said = std::pair<std::string, std::string>;  // state, by
Said said(const char* state, const char* by) {
    return {state, by};
}

class FacilityDeskTest : public ConsoleFixture {
protected:
    void SetUp() override {
        ConsoleFixture::SetUp();
        config_.facilities = ward_facilities();
        open_service();
        ASSERT_TRUE(accounts()
                        .add_user(local_, "fumi", Role::kFacility, kFacilityPassword,
                                  {kKonanSchool, kStayKonan})
                        .ok());
        ASSERT_TRUE(accounts().add_user(local_, "freda", Role::kFacility, kFacilityPassword).ok());
        auto db = SqliteDb::open(journal_path_);
        ASSERT_TRUE(db);
        db_.emplace(std::move(*db));
        auto store = site::FacilityStatusStore::open(*db_);
        ASSERT_TRUE(store);
        store_.emplace(std::move(*store));
    }

    Actor fumi() { return as("fumi", Role::kFacility); }
    FacilityDesk& desk() { return service_->facilities(); }

    DraftRequest opening(const std::string& template_id, std::vector<std::string> ids) {
        DraftRequest r;
        r.template_id = template_id;
        r.whole_ward = true;
        r.facility_ids = std::move(ids);
        return r;
    }
    // Drafted by olive, approved (and published) by april; the notice's alert id.
    std::string publish(const DraftRequest& request) {
        const auto id = draft(olive(), request);
        auto d = drafts().approve(april(), id);
        EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().message);
        return d.ok() ? d->alert_id : "";
    }
    void cancel(const std::string& alert_id) {
        const auto id = draft(olive(), cancel_request(alert_id, "閉鎖"));
        auto d = drafts().approve(april(), id);
        ASSERT_TRUE(d.ok()) << d.error().message;
    }

    // What the site would show of a facility: its state and who said it ("": nothing yet).
    Said status_of(const std::string& id) {
        auto current = store_->current();
        EXPECT_TRUE(current);
        auto it = current->find(id);
        if (it == current->end()) return {"", ""};
        return {std::string(site::facility_state_key(it->second.status.state)), it->second.by};
    }

    std::vector<std::string> audit_actions() {
        auto entries = service_->audit().list(local_, 0, 100);
        EXPECT_TRUE(entries.ok());
        std::vector<std::string> out;
        for (const auto& e : *entries) out.push_back(e.action);
        return out;
    }

    std::optional<SqliteDb> db_;
    std::optional<site::FacilityStatusStore> store_;
};

TEST_F(FacilityDeskTest, ANoticeNamesItsFacilitiesByIdInEveryLanguageFromTheData) {
    auto d = drafts().create(olive(),
                             opening("stay_facility_open", {kStayKonan, kKonanSchool, kStayKonan}));
    ASSERT_TRUE(d.ok()) << d.error().message;
    ASSERT_EQ(d->content.facilities.size(), 2u);  // a repeated id counts once
    EXPECT_EQ(d->content.facilities[0].name, "（例）品川駅港南口 一時滞在施設");
    EXPECT_EQ(d->content.facilities[0].kind, "stay");
    const auto& h = d->content.headline;
    EXPECT_NE(h.at("ja").find("（例）品川駅港南口 一時滞在施設"), std::string::npos) << h.at("ja");
    EXPECT_NE(h.at("ja").find("港南小学校"), std::string::npos);
    // English (and the other Latin-script languages) take name_en; a GSI shelter has none.
    EXPECT_NE(h.at("en").find("(Example) Shinagawa Konan stay facility"), std::string::npos)
        << h.at("en");
    EXPECT_NE(h.at("en").find("港南小学校"), std::string::npos);
    EXPECT_EQ(h.at("en").find("（例）"), std::string::npos);
    EXPECT_NE(d->content.description.at("vi").find("(Example) Shinagawa Konan"), std::string::npos);
    EXPECT_NE(d->content.description.at("ko").find("（例）品川駅港南口"), std::string::npos);

    // An id the data does not have is refused, in Japanese first; typed names still work.
    auto unknown = drafts().create(olive(), opening("shelter_open", {"E131039999"}));
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(
        unknown.error().message.starts_with("施設「E131039999」は区の施設一覧にありません"));
    DraftRequest typed = opening("shelter_open", {});
    typed.shelters = {"臨時避難所（港区役所）"};
    EXPECT_TRUE(drafts().create(olive(), typed).ok());
}

TEST_F(FacilityDeskTest, APublishedOpeningOpensItsFacilitiesAndItsCancelClosesThem) {
    const auto alert_id = publish(opening("shelter_open", {kKonanSchool, kShibauraSchool}));
    ASSERT_FALSE(alert_id.empty());
    EXPECT_EQ(status_of(kKonanSchool), said("open", "console:april"));
    EXPECT_EQ(status_of(kShibauraSchool).first, "open");
    auto log = store_->log(10);
    ASSERT_TRUE(log);
    EXPECT_EQ(log->size(), 2u);
    auto actions = audit_actions();
    EXPECT_EQ(std::count(actions.begin(), actions.end(), "facility_status"), 2);

    cancel(alert_id);
    EXPECT_EQ(status_of(kKonanSchool), said("closed", "console:april"));
    EXPECT_EQ(status_of(kShibauraSchool).first, "closed");
    EXPECT_EQ(store_->log(10)->size(), 4u);
    auto verified = service_->audit().verify(std::nullopt);
    ASSERT_TRUE(verified.ok());
    EXPECT_TRUE(verified->ok) << verified->problem;
}

TEST_F(FacilityDeskTest, AnEndClosesOnlyWhatNoOtherNoticeNamesAndNoOperatorSetSince) {
    const auto first = publish(opening("shelter_open", {kKonanSchool, kShibauraSchool}));
    const auto second = publish(opening("stay_facility_open", {kShibauraSchool, kStayKonan}));
    // The operator at 港南小学校 says it is full after the notice opened it.
    ASSERT_TRUE(desk().set_status(fumi(), {kKonanSchool, "full", 120}).ok());

    cancel(first);
    EXPECT_EQ(status_of(kKonanSchool), said("full", "facility:fumi"));
    EXPECT_EQ(status_of(kShibauraSchool).first, "open");  // the second notice still names it

    cancel(second);
    EXPECT_EQ(status_of(kShibauraSchool).first, "closed");
    EXPECT_EQ(status_of(kStayKonan).first, "closed");
    EXPECT_EQ(status_of(kKonanSchool).first, "full");
}

TEST_F(FacilityDeskTest, AnUpdateOpensWhatItAddsAndClosesWhatItDrops) {
    const auto alert_id = publish(opening("shelter_open", {kKonanSchool}));
    DraftRequest update = opening("shelter_open", {kShibauraSchool});
    update.action = "update";
    update.alert_id = alert_id;
    publish(update);
    EXPECT_EQ(status_of(kKonanSchool).first, "closed");
    EXPECT_EQ(status_of(kShibauraSchool).first, "open");
    // Other templates name shelters without opening them.
    DraftRequest order = evac_order_request();
    order.shelters.clear();
    order.facility_ids = {kStayKonan};
    publish(order);
    EXPECT_EQ(status_of(kStayKonan).first, "");
}

TEST_F(FacilityDeskTest, AFacilityAccountSetsOnlyItsOwnFacilitiesWithAReasonForEveryRefusal) {
    auto set = desk().set_status(fumi(), {kStayKonan, "full", 1200});
    ASSERT_TRUE(set.ok()) << set.error().message;
    EXPECT_EQ(set->status->status.state, site::FacilityState::kFull);
    EXPECT_EQ(set->status->status.taken_in, 1200);
    EXPECT_EQ(status_of(kStayKonan), said("full", "facility:fumi"));
    auto log = store_->log(1);
    ASSERT_TRUE(log);
    EXPECT_EQ((*log)[0].by, "facility:fumi");
    EXPECT_EQ(audit_actions().front(), "facility_status");

    auto refused = [&](const Actor& who, FacilityStatusRequest r, ErrorCode code,
                       std::string_view japanese) {
        auto result = desk().set_status(who, r);
        ASSERT_FALSE(result.ok()) << r.facility_id;
        EXPECT_EQ(result.error().code, code) << result.error().message;
        EXPECT_TRUE(result.error().message.starts_with(japanese)) << result.error().message;
    };
    refused(fumi(), {kShibauraSchool, "open", 3}, ErrorCode::kPermissionDenied,
            "「芝浦小学校」はあなたの担当施設ではありません");
    refused(fumi(), {"no-such-place", "open", 3}, ErrorCode::kNotFound,
            "施設「no-such-place」は区の施設一覧にありません");
    refused(fumi(), {kStayKonan, "half-full", 3}, ErrorCode::kInvalidArgument,
            "状況は 開設 (open)・満員 (full)・閉鎖 (closed) のどれかです");
    refused(fumi(), {kStayKonan, "open", -1}, ErrorCode::kInvalidArgument, "受入人数は0から");
    refused(fumi(), {kStayKonan, "open", kMaxTakenIn + 1}, ErrorCode::kInvalidArgument,
            "受入人数は0から");
    refused(olive(), {kStayKonan, "open", 3}, ErrorCode::kPermissionDenied,
            "施設の状況を変えられるのは施設担当と管理者です");
    // Nothing refused was written.
    EXPECT_EQ(store_->log(10)->size(), 1u);

    // Without assigned facilities an account sets any; an admin too.
    EXPECT_TRUE(desk().set_status(as("freda", Role::kFacility), {kShibauraSchool, "open", 3}).ok());
    EXPECT_TRUE(desk().set_status(as("admin", Role::kAdmin), {kKonanSchool, "closed", 0}).ok());

    // The list shows an account its own facilities, with their status.
    auto mine = desk().list(fumi());
    ASSERT_TRUE(mine.ok());
    ASSERT_EQ(mine->size(), 2u);
    std::vector<std::string> ids = {(*mine)[0].facility->id, (*mine)[1].facility->id};
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, (std::vector<std::string>{kKonanSchool, kStayKonan}));
    auto all = desk().list(as("freda", Role::kFacility));
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->size(), config_.facilities->all.size());
}

TEST_F(FacilityDeskTest, AFacilityAccountNeitherComposesNorApprovesNorRejects) {
    auto composed = drafts().compose(fumi(), opening("shelter_open", {kKonanSchool}));
    ASSERT_FALSE(composed.ok());
    EXPECT_EQ(composed.error().code, ErrorCode::kPermissionDenied);
    EXPECT_TRUE(composed.error().message.starts_with("施設担当は発信文を作れません"));
    auto created = drafts().create(fumi(), opening("shelter_open", {kKonanSchool}));
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.error().code, ErrorCode::kPermissionDenied);

    const auto id = draft(olive(), opening("shelter_open", {kKonanSchool}));
    auto approved = drafts().approve(fumi(), id);
    ASSERT_FALSE(approved.ok());
    EXPECT_EQ(approved.error().code, ErrorCode::kPermissionDenied);
    auto rejected = drafts().reject(fumi(), id, "");
    ASSERT_FALSE(rejected.ok());
    EXPECT_EQ(rejected.error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(published_, 0);
    EXPECT_EQ(status_of(kKonanSchool).first, "");

    // Facilities belong to a facility account only.
    auto operator_with =
        accounts().add_user(local_, "otto", Role::kOperator, kOperatorPassword, {kKonanSchool});
    ASSERT_FALSE(operator_with.ok());
    EXPECT_EQ(operator_with.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace alerthub::hub::console::testing
