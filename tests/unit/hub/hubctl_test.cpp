#include "hub/hubctl.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/protocol/alert.h"
#include "tests/support/test_support.h"
#include "tests/unit/hub/hubctl_run.h"

namespace alerthub::hub {
namespace {

using testing::fixtures_dir;

TEST(HubctlTest, NormalizePrintsOneCanonicalAlertPerLine) {
    auto good = (fixtures_dir() / "cap/spec/Oasis_ThunderstormWarning.xml").string();
    auto amber = (fixtures_dir() / "cap/spec/Oasis_AmberAlert.xml").string();
    auto r = hubctl({"normalize", good, amber});
    EXPECT_EQ(r.status, kHubctlOk) << r.err;
    std::istringstream lines(r.out);
    std::string line;
    std::vector<Alert> alerts;
    while (std::getline(lines, line)) {
        auto a = decode_alert(line);
        ASSERT_TRUE(a.ok()) << a.error().message;
        alerts.push_back(*a);
    }
    ASSERT_EQ(alerts.size(), 2u);
    EXPECT_EQ(alerts[0].source.identifier, "KSTO1055887203");
    EXPECT_EQ(alerts[0].version, 1);
    EXPECT_EQ(alerts[1].headline.at("es"), "Alerta Amber en el condado de Los \xC3\x81ngeles");
}

TEST(HubctlTest, RejectedFilesAreReportedAndSetTheExitStatus) {
    auto good = (fixtures_dir() / "cap/spec/Oasis_ThunderstormWarning.xml").string();
    auto bad = (fixtures_dir() / "cap/invalid/xee.cap").string();
    auto r = hubctl({"normalize", bad, good, "/nonexistent.xml"});
    EXPECT_EQ(r.status, kHubctlRejected);
    EXPECT_NE(r.err.find(bad + ": rejected: <!DOCTYPE> is not allowed"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("/nonexistent.xml: cannot read"), std::string::npos);
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1);  // the good one still printed

    auto small = hubctl({"normalize", "--max-bytes", "100", good});
    EXPECT_EQ(small.status, kHubctlRejected);
    EXPECT_NE(small.err.find("over the limit of 100 bytes"), std::string::npos);
}

TEST(HubctlTest, NormalizeWithThePhraseBankAndAreasShowsLanguagesAndRouting) {
    const auto config = testing::project_fixtures_dir().parent_path().parent_path() / "config";
    auto tokyo = (fixtures_dir() / "jma/warning/15_13_01_161226_VPWW53.xml").string();
    auto shimane = (fixtures_dir() / "jma/warning/15_17_01_250630_VPWW55.xml").string();
    auto r = hubctl({"normalize", "--phrases", (config / "phrases").string(), "--areas",
                     (config / "jma/areas_tokyo.tsv").string(), tokyo, shimane});
    EXPECT_EQ(r.status, kHubctlOk) << r.err;
    std::istringstream lines(r.out);
    std::string line;
    ASSERT_TRUE(std::getline(lines, line));
    auto a = decode_alert(line);
    ASSERT_TRUE(a.ok()) << a.error().message;
    for (const char* lang : {"en", "zh-Hans", "zh-Hant", "ko", "vi", "ne", "pt", "ja-x-easy"})
        EXPECT_FALSE(a->headline[lang].empty()) << lang;
    // 港区 is among the Tokyo telegram's areas; the Shimane one is journaled only.
    EXPECT_NE(r.err.find(tokyo + ": sent: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(shimane + ": journaled only: "), std::string::npos) << r.err;
    // Beside the telegram's own summary (its 特別警報 is 小笠原村's), what 港区 gets: its own
    // item's 暴風警報 and 波浪警報, no level, in Japanese and in English.
    EXPECT_NE(r.err.find(tokyo + ": telegram: VPWW53:33, level レベル5: 【特別警報"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find(tokyo + ": ward: verdict: in force\n"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(tokyo + ": ward: reach: screens, LINE and mail\n"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find(tokyo + ": ward: level: none\n"), std::string::npos) << r.err;
    auto ja_at = r.err.find(tokyo + ": ward: headline ja: ");
    ASSERT_NE(ja_at, std::string::npos) << r.err;
    const auto ja = r.err.substr(ja_at, r.err.find('\n', ja_at) - ja_at);
    EXPECT_NE(ja.find("暴風警報"), std::string::npos) << ja;
    EXPECT_EQ(ja.find("特別警報"), std::string::npos) << ja;
    EXPECT_NE(r.err.find(tokyo + ": ward: headline en: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(shimane + ": ward: verdict: not named\n"), std::string::npos) << r.err;

    EXPECT_EQ(hubctl({"normalize", "--phrases", "/nonexistent", tokyo}).status, kHubctlUsage);
    EXPECT_EQ(hubctl({"normalize", "--areas"}).status, kHubctlUsage);
}

TEST(HubctlTest, UsageErrorsExitWithTwo) {
    EXPECT_EQ(hubctl({}).status, kHubctlUsage);
    EXPECT_EQ(hubctl({"normalize"}).status, kHubctlUsage);
    EXPECT_EQ(hubctl({"frobnicate"}).status, kHubctlUsage);
    EXPECT_EQ(hubctl({"normalize", "--bogus", "x"}).status, kHubctlUsage);
    EXPECT_EQ(hubctl({"normalize", "--max-bytes", "lots", "x"}).status, kHubctlUsage);
    auto v = hubctl({"--version"});
    EXPECT_EQ(v.status, kHubctlOk);
    EXPECT_EQ(v.out, std::string("hubctl ") + ALERTHUB_VERSION + "\n");
    auto help = hubctl({"--help"});
    EXPECT_EQ(help.status, kHubctlOk);
    EXPECT_NE(help.out.find("usage: hubctl normalize"), std::string::npos);
}

}  // namespace
}  // namespace alerthub::hub
