#include "hub/hubctl.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/alert.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using testing::fixtures_dir;

struct Run {
    int status;
    std::string out, err;
};

Run hubctl(std::vector<std::string> args) {
    std::ostringstream out, err;
    int status = run_hubctl(args, out, err);
    return {status, out.str(), err.str()};
}

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
