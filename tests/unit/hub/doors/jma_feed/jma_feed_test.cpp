// The JMA Atom feeds as JMA writes them (../shared/fixtures/jma/feed) and as they must not
// be taken: not XML, another root, DOCTYPE, too big, not UTF-8, entries without a link.
// And the [jma_feed] section of hub.toml.

#include "hub/doors/jma_feed/jma_atom_feed.h"

#include <gtest/gtest.h>

#include "core/base/time_format.h"
#include "core/config/config.h"
#include "hub/hub_config.h"
#include "hub/sources/jma/jmx_parser.h"
#include "tests/support/test_signing.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using alerthub::testing::fixtures_dir;
using alerthub::testing::read_file;

constexpr std::size_t kMax = 1 << 20;

std::string feed_fixture(const char* name) {
    return read_file(fixtures_dir() / "jma/feed" / name);
}

int handled(const AtomFeed& feed) {
    int n = 0;
    for (const auto& e : feed.entries) n += jmx_handles_title(e.title);
    return n;
}

TEST(JmaAtomFeed, ReadsTheRealEarthquakeAndVolcanoFeed) {
    auto feed = parse_jma_atom_feed(feed_fixture("eqvol_20211112.xml"), kMax);
    ASSERT_TRUE(feed.ok()) << feed.error().message;
    EXPECT_TRUE(feed->warnings.empty());
    ASSERT_EQ(feed->entries.size(), 17u);
    ASSERT_TRUE(feed->updated);
    EXPECT_EQ(format_rfc3339_jst(*feed->updated), "2021-11-12T10:49:11+09:00");
    const auto& first = feed->entries.front();
    EXPECT_EQ(first.title, "噴火に関する火山観測報");
    EXPECT_EQ(first.author, "福岡管区気象台　鹿児島地方気象台");
    EXPECT_EQ(first.link,
              "http://www.data.jma.go.jp/developer/xml/data/20211112014833_0_VFVO52_400000.xml");
    EXPECT_EQ(first.id, first.link);
    ASSERT_TRUE(first.updated);
    EXPECT_EQ(format_rfc3339_jst(*first.updated), "2021-11-12T10:48:31+09:00");
    // 15 降灰予報 and a 火山観測報 are not kinds the hub parses; the 震源・震度 report is.
    EXPECT_EQ(handled(*feed), 1);
}

TEST(JmaAtomFeed, ReadsTheRealExtraFeedWithItsRevisionedIds) {
    auto feed = parse_jma_atom_feed(feed_fixture("extra_20240725.xml"), kMax);
    ASSERT_TRUE(feed.ok()) << feed.error().message;
    ASSERT_EQ(feed->entries.size(), 350u);
    const auto& first = feed->entries.front();
    EXPECT_EQ(first.title, "気象特別警報・警報・注意報");
    EXPECT_EQ(first.author, "京都地方気象台");
    // The id carries a "#r1" the link does not: the link is what names the telegram.
    EXPECT_TRUE(first.id.ends_with("#r1"));
    EXPECT_EQ(first.link,
              "https://www.data.jma.go.jp/developer/xml/data/20240725051641_0_VPWW53_260000.xml");
    // Warnings (107 + 107), 土砂災害警戒情報 14, 指定河川洪水予報 13, 記録的短時間大雨情報 2,
    // 竜巻注意情報 2 + 2, 気象特別警報報知 4; 府県気象情報, 熱中症警戒アラート, typhoon
    // information... are not.
    EXPECT_EQ(handled(*feed), 251);
}

TEST(JmaAtomFeed, RefusesWhatIsNotAnAtomFeed) {
    auto reason = [](std::string_view bytes, std::size_t max = kMax) {
        auto r = parse_jma_atom_feed(bytes, max);
        return r.ok() ? std::string("accepted") : r.error().message;
    };
    EXPECT_NE(reason("<html><body>502 Bad Gateway</body></html>").find("not <feed>"),
              std::string::npos);
    EXPECT_NE(reason("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>").find("not well-formed"),
              std::string::npos);
    EXPECT_NE(reason("<feed><entry/></feed>").find("namespace ''"), std::string::npos);
    EXPECT_EQ(reason(""), "empty document");
    EXPECT_NE(reason("<!DOCTYPE feed [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                     "<feed xmlns=\"http://www.w3.org/2005/Atom\">&x;</feed>")
                  .find("DOCTYPE"),
              std::string::npos);
    EXPECT_NE(reason("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>\xff</title></feed>")
                  .find("UTF-8"),
              std::string::npos);
    auto big = parse_jma_atom_feed(feed_fixture("extra_20240725.xml"), 100000);
    ASSERT_FALSE(big.ok());
    EXPECT_EQ(big.error().code, ErrorCode::kResourceExhausted);
}

TEST(JmaAtomFeed, LeavesOutEntriesWithoutALinkAndKeepsThoseWithoutATime) {
    auto feed = parse_jma_atom_feed(
        R"(<feed xmlns="http://www.w3.org/2005/Atom">
  <entry><title>震度速報</title><id>a</id><updated>2024-07-25T05:16:40Z</updated></entry>
  <entry><title>震度速報</title><id>b</id><updated>yesterday</updated>
    <link rel="alternate" href=" https://example.jp/b.xml "/></entry>
</feed>)",
        kMax);
    ASSERT_TRUE(feed.ok()) << feed.error().message;
    ASSERT_EQ(feed->entries.size(), 1u);
    EXPECT_EQ(feed->entries[0].link, "https://example.jp/b.xml");
    EXPECT_FALSE(feed->entries[0].updated);
    EXPECT_FALSE(feed->updated);
    ASSERT_EQ(feed->warnings.size(), 2u);
    EXPECT_NE(feed->warnings[0].find("has no link"), std::string::npos);
    EXPECT_NE(feed->warnings[1].find("not a time"), std::string::npos);
}

Result<HubConfig> config_from(const std::string& jma_feed_section) {
    alerthub::testing::TempDir dir;
    alerthub::testing::write_file(dir / "token", "0123456789abcdef0123");
    alerthub::testing::write_test_key_file(dir / "signing.key");
    auto reader = ConfigReader::parse(
        "[ingest]\ntoken_file = \"" + (dir / "token").string() + "\"\n[signing]\nkey_file = \"" +
            (dir / "signing.key").string() + "\"\n[jma_feed]\n" + jma_feed_section,
        "hub.toml");
    EXPECT_TRUE(reader.ok());
    return load_hub_config(*reader);
}

TEST(JmaFeedConfig, IsOffByDefaultAndReadsEveryKey) {
    auto defaults = config_from("");
    ASSERT_TRUE(defaults.ok()) << defaults.error().message;
    EXPECT_FALSE(defaults->jma_feed.enabled);
    EXPECT_EQ(defaults->jma_feed.base_url, "https://www.data.jma.go.jp/developer/xml/feed/");
    EXPECT_EQ(defaults->jma_feed.feeds, (std::vector<std::string>{"regular", "extra", "eqvol"}));

    auto c = config_from(
        "enabled = true\nbase_url = \"http://127.0.0.1:8081/feed\"\nfeeds = [\"eqvol\"]\n"
        "interval_s = 30\ntimeout_s = 5\nmax_feed_bytes = 100000\ncatch_up_after_s = 300\n"
        "retry_initial_s = 2\nretry_max_s = 120\nmax_attempts = 4\nkeep_days = 7\n");
    ASSERT_TRUE(c.ok()) << c.error().message;
    const auto& f = c->jma_feed;
    EXPECT_TRUE(f.enabled);
    EXPECT_EQ(f.base_url, "http://127.0.0.1:8081/feed/");
    EXPECT_EQ(f.feeds, std::vector<std::string>{"eqvol"});
    EXPECT_EQ(f.interval_s, 30);
    EXPECT_EQ(f.timeout_s, 5);
    EXPECT_EQ(f.max_feed_bytes, 100000u);
    EXPECT_EQ(f.catch_up_after_s, 300);
    EXPECT_EQ(f.retry_initial_s, 2);
    EXPECT_EQ(f.retry_max_s, 120);
    EXPECT_EQ(f.max_attempts, 4);
    EXPECT_EQ(f.keep_days, 7);
}

TEST(JmaFeedConfig, ReportsEveryProblem) {
    auto c = config_from(
        "enabled = true\nbase_url = \"ftp://example.jp/\"\nfeeds = [\"extra\", \"Extra.xml\", "
        "\"extra\"]\ninterval_s = 1\nretry_initial_s = 60\nretry_max_s = 10\nfeeds_typo = 1\n");
    ASSERT_FALSE(c.ok());
    const auto& m = c.error().message;
    for (const char* part :
         {"jma_feed.base_url", "'Extra.xml' is not a feed name", "'extra' is listed twice",
          "jma_feed.interval_s", "jma_feed.retry_max_s", "feeds_typo"})
        EXPECT_NE(m.find(part), std::string::npos) << part << " in:\n" << m;
}

}  // namespace
}  // namespace alerthub::hub
