// The public site (hub/site/): the ward's real shelters (config/shelters, GSI open data),
// facilities by hazard and distance, the pages rendered from the shipped templates
// (config/site), the atomic swap of trees, and the facility status staff set.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "core/base/time_format.h"
#include "core/protocol/site_link.h"
#include "core/storage/sqlite_db.h"
#include "hub/journal/journal.h"
#include "hub/site/facilities.h"
#include "hub/site/facility_status_store.h"
#include "hub/site/site_publisher.h"
#include "hub/site/site_renderer.h"
#include "hub/site/site_tree.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_support.h"

namespace alerthub::hub::site {
namespace {

namespace fs = std::filesystem;
using alerthub::testing::read_file;
using alerthub::testing::TempDir;
using alerthub::testing::write_file;

fs::path config_dir() {
    return alerthub::testing::project_fixtures_dir().parent_path().parent_path() / "config";
}

Facilities ward_facilities() {
    auto f = load_gsi_facilities(
        (config_dir() / "shelters/131032-emergency-sites.geojson").string(),
        (config_dir() / "shelters/131032-designated-shelters.geojson").string());
    EXPECT_TRUE(f) << f.error().message;
    auto stay =
        load_stay_facilities((config_dir() / "shelters/stay_facilities.tsv.example").string());
    EXPECT_TRUE(stay) << stay.error().message;
    f->all.insert(f->all.begin(), stay->begin(), stay->end());
    f->attribution = "出典：国土地理院 指定緊急避難場所・指定避難所データ";
    return *f;
}

// The names of the GSI emergency sites whose 津波 column is "1", read straight from the file.
std::set<std::string> tsunami_site_names() {
    auto doc =
        nlohmann::json::parse(read_file(config_dir() / "shelters/131032-emergency-sites.geojson"));
    std::set<std::string> out;
    for (const auto& f : doc["features"])
        if (f["properties"]["津波"] == "1")
            out.insert(f["properties"]["施設・場所名"].get<std::string>());
    return out;
}

TEST(WardFacilities, TheShippedGsiDataHoldsThe61SitesAnd83SheltersOfMinato) {
    auto f = load_gsi_facilities(
        (config_dir() / "shelters/131032-emergency-sites.geojson").string(),
        (config_dir() / "shelters/131032-designated-shelters.geojson").string());
    ASSERT_TRUE(f) << f.error().message;
    auto count = [&](FacilityKind k) {
        return std::count_if(f->all.begin(), f->all.end(),
                             [&](const Facility& x) { return x.kind == k; });
    };
    EXPECT_EQ(count(FacilityKind::kEmergencySite), 61);
    EXPECT_EQ(count(FacilityKind::kShelter), 83);
    const Facility& first = f->all.front();
    EXPECT_EQ(first.name, "南山小学校");
    EXPECT_EQ(first.address, "東京都港区元麻布3-8-15");
    EXPECT_NEAR(first.lat, 35.657226, 1e-9);
    EXPECT_NEAR(first.lon, 139.731113, 1e-9);
    // 洪水, 崖崩れ…, 高潮, 地震 designated; not 津波.
    EXPECT_EQ(first.hazards, (std::vector<Hazard>{Hazard::kFlood, Hazard::kLandslide,
                                                  Hazard::kStormSurge, Hazard::kEarthquake}));
    EXPECT_TRUE(
        std::any_of(f->all.begin(), f->all.end(), [](const Facility& x) { return x.welfare; }));
}

TEST(WardFacilities, ATsunamiListsOnlyTsunamiSafeSitesNearestFirst) {
    Facilities f = ward_facilities();
    const Place konan{.lat = 35.628471, .lon = 139.740502};
    auto list = suitable_facilities(f, {Hazard::kTsunami}, konan);
    const auto safe = tsunami_site_names();
    ASSERT_FALSE(safe.empty());
    double last = 0;
    for (const auto& s : list) {
        EXPECT_NE(
            std::find(s.facility->hazards.begin(), s.facility->hazards.end(), Hazard::kTsunami),
            s.facility->hazards.end());
        if (s.facility->kind == FacilityKind::kEmergencySite) {
            EXPECT_TRUE(safe.contains(s.facility->name));
        }
        ASSERT_TRUE(s.distance_m);
        EXPECT_GE(*s.distance_m, last);
        last = *s.distance_m;
    }
    auto sites = std::count_if(list.begin(), list.end(), [](const Suitable& s) {
        return s.facility->kind == FacilityKind::kEmergencySite;
    });
    EXPECT_EQ(static_cast<std::size_t>(sites), safe.size());
}

TEST(WardFacilities, HazardsAreReadFromTheAlertsJapaneseEvent) {
    Alert tsunami;
    tsunami.event_name = {{"ja", "大津波警報"}, {"en", "Major tsunami warning"}};
    EXPECT_EQ(hazards_of(tsunami), std::vector<Hazard>{Hazard::kTsunami});
    Alert rain;
    rain.headline = {{"ja", "大雨警報（土砂災害）"}};
    EXPECT_EQ(hazards_of(rain), (std::vector<Hazard>{Hazard::kLandslide, Hazard::kInlandFlood}));
    Alert quake;
    quake.event_name = {{"ja", "震度速報"}};
    EXPECT_EQ(hazards_of(quake), std::vector<Hazard>{Hazard::kEarthquake});
    Alert other;
    other.event_name = {{"ja", "お知らせ"}};
    EXPECT_TRUE(hazards_of(other).empty());
}

TEST(WardFacilities, ABadStayFacilityLineIsReportedWithItsNumberAndReason) {
    TempDir dir;
    write_file(dir / "stay.tsv",
               "# comment\n"
               "id\tname\tname_en\taddress\tlat\tlon\tcapacity\thazards\tnote\n"
               "a\tＡ\t\t港区\t35.6\t139.7\t10\tearthquake\t\n"
               "b\tＢ\t\t港区\tnorth\t139.7\t10\tearthquake\t\n"
               "c\tＣ\t\t港区\t35.6\t139.7\t10\tmeteor\t\n"
               "a\tＡ２\t\t港区\t35.6\t139.7\t\t\t\n");
    auto r = load_stay_facilities((dir / "stay.tsv").string());
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("stay.tsv:4: lat and lon"), std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find("stay.tsv:5: unknown hazard 'meteor'"), std::string::npos);
    EXPECT_NE(r.error().message.find("stay.tsv:6: id 'a' repeated"), std::string::npos);
}

TEST(SiteLink, TheSiteLinkComesFirstAndAScreenLocationNamesItsPage) {
    Alert a;
    a.id = "staff-abc";
    a.links = {{.rel = "shelter_map", .url = "https://example.jp/map", .title = {}}};
    put_site_link(a, "https://bousai.example.jp/");
    put_site_link(a, "https://bousai.example.jp");  // again: still one
    ASSERT_EQ(a.links.size(), 2u);
    EXPECT_EQ(a.links[0].rel, "site");
    EXPECT_EQ(a.links[0].url, "https://bousai.example.jp/a/staff-abc/");
    EXPECT_EQ(site_location_url(*find_site_link(a), "roppongi"),
              "https://bousai.example.jp/a/staff-abc/roppongi.html");
    EXPECT_TRUE(valid_location_key("shinagawa-konan"));
    EXPECT_FALSE(valid_location_key("index"));
    EXPECT_FALSE(valid_location_key("Roppongi"));
    EXPECT_FALSE(valid_location_key("../x"));
}

// ---- pages ----

class SitePages : public ::testing::Test {
protected:
    void SetUp() override {
        auto t = load_site_templates((config_dir() / "site").string());
        ASSERT_TRUE(t) << t.error().message;
        templates_ = std::move(*t);
        facilities_ = ward_facilities();
        auto locations = load_screen_locations((config_dir() / "site/locations.tsv").string());
        ASSERT_TRUE(locations) << locations.error().message;
        input_.locations = *locations;
        input_.facilities = &facilities_;
        input_.cap_sender = "bousai@city.minato.tokyo.jp";
        input_.base_url = "https://bousai.example.jp";
        input_.now = *parse_rfc3339("2026-12-05T18:30:00+09:00");
    }

    static SiteAlert tsunami_order() {
        Alert a;
        a.id = "staff-tsunami";
        a.version = 1;
        a.level = 4;
        a.severity = Severity::kSevere;
        a.source.kind = SourceKind::kStaff;
        a.source.sent = *parse_rfc3339("2026-12-05T18:00:00+09:00");
        a.expires = *parse_rfc3339("2026-12-06T06:00:00+09:00");
        a.event_name = {{"ja", "避難指示（津波）"},
                        {"en", "Evacuation order (tsunami)"},
                        {"ja-x-easy", "にげて ください（つなみ）"}};
        a.headline = {{"ja", "芝浦・港南に避難指示"},
                      {"en", "Evacuation order for Shibaura and Konan"},
                      {"ja-x-easy", "しばうら と こうなん の ひと は にげて ください"}};
        a.instruction = {{"ja", "直ちに高い場所へ避難してください。"},
                         {"en", "Move to high ground now."},
                         {"ja-x-easy", "すぐ たかい ところ へ にげて ください。"}};
        a.areas = {
            {.scheme = "town", .code = "konan-2", .name = "港南二丁目", .level = std::nullopt}};
        put_site_link(a, "https://bousai.example.jp");
        return {.alert = a, .updated = "2026-12-05T18:01:00+09:00", .earlier = {}};
    }

    static SiteAlert cancelled_notice() {
        Alert a;
        a.id = "staff-cancelled";
        a.version = 2;
        a.state = AlertState::kCancelled;
        a.msg_type = MsgType::kCancel;
        a.severity = Severity::kModerate;
        a.source.sent = *parse_rfc3339("2026-12-05T17:00:00+09:00");
        a.headline = {{"ja", "誤って発表した避難所開設のお知らせ"}};
        Alert first = a;
        first.version = 1;
        return {.alert = a, .updated = "2026-12-05T17:10:00+09:00", .earlier = {first}};
    }

    fs::path render() {
        auto stats = render_site(templates_, input_, out_.path().string());
        EXPECT_TRUE(stats) << stats.error().message;
        return out_.path();
    }

    SiteTemplates templates_;
    Facilities facilities_;
    SiteInput input_;
    TempDir out_;
};

TEST_F(SitePages, AnAlertHasAPagePerLanguageWithItsLevelTimesInJstAndTsunamiSafeSitesOnly) {
    input_.alerts = {tsunami_order()};
    auto root = render();
    auto ja = read_file(root / "a/staff-tsunami/index.html");
    EXPECT_NE(ja.find("<html lang=\"ja\">"), std::string::npos);
    EXPECT_NE(ja.find("芝浦・港南に避難指示"), std::string::npos);
    EXPECT_NE(ja.find("警戒レベル 4"), std::string::npos);
    EXPECT_NE(ja.find("background:#aa00aa;color:#ffffff"), std::string::npos);
    EXPECT_NE(ja.find("2026-12-05 18:00 JST"), std::string::npos);  // issued
    EXPECT_NE(ja.find("2026-12-05 18:01 JST"), std::string::npos);  // updated
    EXPECT_NE(ja.find("直ちに高い場所へ避難してください。"), std::string::npos);
    EXPECT_NE(ja.find("港南二丁目"), std::string::npos);
    EXPECT_NE(ja.find("出典：国土地理院 指定緊急避難場所・指定避難所データ"), std::string::npos);
    EXPECT_NE(ja.find("href=\"index.en.html\""), std::string::npos);
    EXPECT_NE(ja.find("href=\"index.ja-x-easy.html\""), std::string::npos);
    // 南山小学校 is not designated for tsunamis.
    EXPECT_EQ(ja.find("南山小学校"), std::string::npos);
    EXPECT_NE(ja.find("https://maps.gsi.go.jp/#17/"), std::string::npos);

    auto en = read_file(root / "a/staff-tsunami/index.en.html");
    EXPECT_NE(en.find("<html lang=\"en\">"), std::string::npos);
    EXPECT_NE(en.find("Move to high ground now."), std::string::npos);
    EXPECT_NE(en.find("Level 4"), std::string::npos);
    EXPECT_TRUE(fs::exists(root / "a/staff-tsunami/index.html.gz"));  // for gzip_static
    auto easy = read_file(root / "a/staff-tsunami/index.ja-x-easy.html");
    EXPECT_NE(easy.find("<html lang=\"ja-x-easy\">"), std::string::npos);
    EXPECT_NE(easy.find("すぐ たかい ところ へ にげて ください。"), std::string::npos);
    // The page-weight budget: an alert page under 30 KB.
    for (const auto& entry : fs::recursive_directory_iterator(root / "a"))
        if (entry.is_regular_file()) {
            EXPECT_LT(entry.file_size(), 30u * 1024) << entry.path();
        }
}

TEST_F(SitePages, AScreensLocationPageListsTheFacilitiesNearestToThatScreenFirst) {
    input_.alerts = {tsunami_order()};
    auto root = render();
    auto konan = read_file(root / "a/staff-tsunami/shinagawa-konan.html");
    auto roppongi = read_file(root / "a/staff-tsunami/roppongi.html");
    EXPECT_NE(konan.find("品川駅港南口"), std::string::npos);
    EXPECT_NE(roppongi.find("六本木駅"), std::string::npos);
    auto first_facility = [](const std::string& html) {
        std::smatch m;
        std::regex_search(html, m,
                          std::regex("<li class=\"fac\">\\s*<h3 lang=\"ja\">([^<]+)</h3>"));
        return m[1].str();
    };
    // The nearest tsunami-safe site differs between the two screens, and each is truly the
    // nearest to its screen.
    EXPECT_NE(first_facility(konan), first_facility(roppongi));
    auto nearest = suitable_facilities(facilities_, {Hazard::kTsunami},
                                       Place{.lat = 35.628471, .lon = 139.740502});
    EXPECT_EQ(first_facility(konan), nearest.front().facility->name);
    EXPECT_NE(konan.find("m</p>"), std::string::npos);  // distances shown
}

TEST_F(SitePages, TheIndexListsTheMostUrgentFirst) {
    SiteAlert report = tsunami_order();  // newer, but a report without a level
    report.alert.id = "jma-quake";
    report.alert.level = std::nullopt;
    report.alert.severity = Severity::kMinor;
    report.alert.headline = {{"ja", "東京都２３区 震度3"}};
    input_.alerts = {report, tsunami_order()};  // the journal's order: newest first
    auto index = read_file(render() / "index.html");
    const auto order = index.find("芝浦・港南に避難指示");
    const auto quake = index.find("東京都２３区 震度3");
    ASSERT_NE(order, std::string::npos);
    ASSERT_NE(quake, std::string::npos);
    EXPECT_LT(order, quake) << "the レベル4 order above the 震度3 report";
}

TEST_F(SitePages, ACancelledOrExpiredAlertIsShownAsSuchAndStaysListed) {
    SiteAlert expired = tsunami_order();
    expired.alert.expires = *parse_rfc3339("2026-12-05T18:20:00+09:00");
    input_.alerts = {expired, cancelled_notice()};
    auto root = render();
    auto cancelled = read_file(root / "a/staff-cancelled/index.html");
    EXPECT_NE(cancelled.find("この情報は取り消されました。"), std::string::npos);
    EXPECT_NE(cancelled.find("【取消】"), std::string::npos);
    auto gone = read_file(root / "a/staff-tsunami/index.html");
    EXPECT_NE(gone.find("有効期限が過ぎました。"), std::string::npos);
    auto index = read_file(root / "index.html");
    EXPECT_NE(index.find("現在、発表中の情報はありません。"), std::string::npos);
    EXPECT_NE(index.find("終了した情報"), std::string::npos);
    EXPECT_NE(index.find("a/staff-cancelled/index.html"), std::string::npos);
    EXPECT_NE(index.find("a/staff-tsunami/index.html"), std::string::npos);
    // The CAP feed beside the pages: the cancel references the version before.
    auto cap = read_file(root / "feed/cap/staff-cancelled.xml");
    EXPECT_NE(cap.find("<msgType>Cancel</msgType>"), std::string::npos);
    EXPECT_NE(cap.find("staff-cancelled-v1"), std::string::npos);
    auto atom = read_file(root / "feed/alerts.atom");
    EXPECT_NE(atom.find("https://bousai.example.jp/feed/cap/staff-cancelled.xml"),
              std::string::npos);
}

TEST_F(SitePages, TheFacilitiesPagesListEveryKindAndOnePagePerHazard) {
    auto root = render();
    auto all = read_file(root / "facilities.html");
    EXPECT_NE(all.find("南山小学校"), std::string::npos);
    EXPECT_NE(all.find("（例）品川駅港南口 一時滞在施設"), std::string::npos);
    EXPECT_NE(all.find("指定避難所"), std::string::npos);
    auto tsunami = read_file(root / "facilities-tsunami.html");
    EXPECT_EQ(tsunami.find("南山小学校"), std::string::npos);
    for (const auto& name : tsunami_site_names())
        EXPECT_NE(tsunami.find(name), std::string::npos) << name;
    EXPECT_TRUE(fs::exists(root / "site.css"));
}

TEST_F(SitePages, WhatStaffSayOfAFacilityIsOnThePages) {
    input_.alerts = {tsunami_order()};
    input_.status["stay-example-konan"] = {.state = FacilityState::kOpen,
                                           .taken_in = 120,
                                           .updated = *parse_rfc3339("2026-12-05T18:25:00+09:00")};
    auto root = render();
    auto all = read_file(root / "facilities.html");
    EXPECT_NE(all.find("開設中 (18:25) · 受入 120 · 収容人数 1200"), std::string::npos);
}

TEST_F(SitePages, UnchangedAlertPagesAreLinkedFromTheTreeBeforeAndChangedOnesRendered) {
    input_.alerts = {tsunami_order()};
    TempDir first, second, third;
    RenderCache cache;
    auto a = render_site(templates_, input_, first.path().string(), &cache);
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->reused, 0);
    input_.alerts.push_back(cancelled_notice());
    auto b = render_site(templates_, input_, second.path().string(), &cache);
    ASSERT_TRUE(b) << b.error().message;
    EXPECT_GT(b->reused, 15);  // the tsunami order's pages and CAP, the facilities pages
    const auto page = "a/staff-tsunami/shinagawa-konan.en.html";
    EXPECT_EQ(read_file(second / page), read_file(first / page));
    EXPECT_TRUE(fs::exists(second / "a/staff-cancelled/index.html"));
    // A facility's status changes every page that lists facilities.
    input_.status_version = 1;
    const auto nearest = suitable_facilities(facilities_, {Hazard::kTsunami},
                                             Place{.lat = 35.628471, .lon = 139.740502});
    input_.status[nearest.front().facility->id] = {
        .state = FacilityState::kFull, .taken_in = 1200, .updated = input_.now};
    auto c = render_site(templates_, input_, third.path().string(), &cache);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->reused, 0);
    EXPECT_NE(read_file(third / "a/staff-tsunami/shinagawa-konan.html").find("満員"),
              std::string::npos);
}

TEST(SiteTemplatesLoad, ABrokenTemplateIsRefusedWithItsFileName) {
    TempDir dir;
    for (const auto& entry : fs::directory_iterator(config_dir() / "site"))
        fs::copy_file(entry.path(), dir / entry.path().filename().string());
    write_file(dir / "alert.mustache", "{{#open}} never closed");
    auto t = load_site_templates(dir.path().string());
    ASSERT_FALSE(t);
    EXPECT_NE(t.error().message.find("alert.mustache"), std::string::npos) << t.error().message;
}

TEST(SiteTreeSwap, CurrentPointsAtTheNewestTreeAndOlderTreesGo) {
    TempDir dir;
    SiteTree tree((dir / "site").string());
    ASSERT_TRUE(tree.prepare());
    std::vector<std::string> made;
    for (int i = 0; i < 4; ++i) {
        auto t = tree.begin();
        ASSERT_TRUE(t) << t.error().message;
        write_file(fs::path(*t) / "index.html", std::to_string(i));
        ASSERT_TRUE(tree.commit(*t));
        tree.remove_old();
        tree.empty_trash();
        made.push_back(*t);
        EXPECT_EQ(read_file(fs::path(tree.current()) / "index.html"), std::to_string(i));
    }
    EXPECT_TRUE(fs::is_symlink(tree.current()));
    EXPECT_TRUE(fs::exists(made[3]));
    EXPECT_TRUE(fs::exists(made[2]));  // a reader may still be in it
    EXPECT_FALSE(fs::exists(made[1]));
    EXPECT_FALSE(fs::exists(made[0]));
}

TEST(FacilityStatus, EveryChangeIsKeptWithWhoSaidIt) {
    TempDir dir;
    auto db = SqliteDb::open((dir / "j.db").string());
    ASSERT_TRUE(db);
    auto store = FacilityStatusStore::open(*db);
    ASSERT_TRUE(store);
    const WallTime at = *parse_rfc3339("2026-12-05T18:25:00+09:00");
    ASSERT_TRUE(store->set(
        {.facility_id = "f1", .state = FacilityState::kOpen, .taken_in = 5, .by = "op:tanaka"},
        at));
    ASSERT_TRUE(store->set(
        {.facility_id = "f1", .state = FacilityState::kFull, .taken_in = 300, .by = "op:tanaka"},
        at));
    EXPECT_FALSE(store->set(
        {.facility_id = "f1", .state = FacilityState::kOpen, .taken_in = -1, .by = "x"}, at));
    auto all = store->all();
    ASSERT_TRUE(all);
    EXPECT_EQ(all->at("f1").state, FacilityState::kFull);
    EXPECT_EQ(all->at("f1").taken_in, 300);
    auto log = store->log(10);
    ASSERT_TRUE(log);
    ASSERT_EQ(log->size(), 2u);
    EXPECT_EQ((*log)[0].state, "full");
    EXPECT_EQ((*log)[1].state, "open");
    EXPECT_EQ((*log)[1].by, "op:tanaka");
}

}  // namespace
}  // namespace alerthub::hub::site

namespace alerthub::hub::site {
namespace {

// The publisher over a real journal file, with the shipped publish hook (scripts/site-publish)
// copying each tree to a local target folder.
TEST(SitePublisherHook, EachNewTreeIsPublishedToTheTargetAndStatusChangesAreNoticed) {
    TempDir dir;
    FakeClock clock;
    auto journal =
        Journal::open((dir / "journal.db").string(), JournalSettings{Topics("t"), {"line"}}, clock);
    ASSERT_TRUE(journal) << journal.error().message;
    SiteConfig config;
    config.enabled = true;
    config.dir = (dir / "site").string();
    config.templates_dir = (config_dir() / "site").string();
    config.emergency_sites_file =
        (config_dir() / "shelters/131032-emergency-sites.geojson").string();
    config.shelters_file = (config_dir() / "shelters/131032-designated-shelters.geojson").string();
    const fs::path target = dir / "mirror";
    config.publish_hook = (config_dir().parent_path() / "scripts/site-publish").string() + " '" +
                          target.string() + "'";
    auto data = load_site_data(config);
    ASSERT_TRUE(data) << data.error().message;
    SitePublisher publisher(config, std::move(*data), (dir / "journal.db").string(), clock);
    ASSERT_TRUE(publisher.start());
    EXPECT_TRUE(fs::exists(target / "current/index.html"));
    EXPECT_TRUE(fs::exists(target / "current/facilities.html"));
    EXPECT_EQ(read_file(target / "current/index.html"), read_file(dir / "site/current/index.html"));

    // Another process (hubctl, the operator page) says a site is open: the thread notices.
    auto db = SqliteDb::open((dir / "journal.db").string());
    ASSERT_TRUE(db);
    auto store = FacilityStatusStore::open(*db);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->set({.facility_id = "E1310300001201",
                            .state = FacilityState::kOpen,
                            .taken_in = 7,
                            .by = "test"},
                           clock.now()));
    EXPECT_TRUE(alerthub::testing::wait_for(
        "the status on the mirror",
        [&] {
            auto page = read_file(target / "current/facilities.html");
            return page.find("受入 7") != std::string::npos;
        },
        std::chrono::milliseconds(1000)));
    publisher.stop();
}

}  // namespace
}  // namespace alerthub::hub::site
