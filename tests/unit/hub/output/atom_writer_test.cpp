// The Atom feed writer: the document the console serves at /feed/alerts.atom.

#include "hub/output/atom_writer.h"

#include <gtest/gtest.h>

namespace alerthub::hub {
namespace {

TEST(AtomWriterTest, WritesTheFeedAndItsEntries) {
    AtomFeed feed;
    feed.id = "urn:alerthub:feed:minato";
    feed.title = "港区 & 防災";
    feed.updated = "2026-01-01T09:00:00+09:00";
    feed.author = "minato";
    feed.self_href = "https://example.org/feed/alerts.atom";
    AtomEntry e;
    e.id = "urn:alerthub:alert:a1:v2";
    e.title = "【警戒レベル4】避難指示";
    e.updated = "2026-01-01T09:00:00+09:00";
    e.published = "2026-01-01T08:59:00+09:00";
    e.categories = {"active", "actual"};
    e.link_type = "application/cap+xml";
    e.link_href = "https://example.org/feed/cap/a1.xml";
    feed.entries.push_back(e);
    EXPECT_EQ(write_atom(feed),
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ja\">\n"
              "  <id>urn:alerthub:feed:minato</id>\n"
              "  <title>港区 &amp; 防災</title>\n"
              "  <updated>2026-01-01T09:00:00+09:00</updated>\n"
              "  <author>\n"
              "    <name>minato</name>\n"
              "  </author>\n"
              "  <link rel=\"self\" href=\"https://example.org/feed/alerts.atom\" />\n"
              "  <entry>\n"
              "    <id>urn:alerthub:alert:a1:v2</id>\n"
              "    <title>【警戒レベル4】避難指示</title>\n"
              "    <updated>2026-01-01T09:00:00+09:00</updated>\n"
              "    <published>2026-01-01T08:59:00+09:00</published>\n"
              "    <category term=\"active\" />\n"
              "    <category term=\"actual\" />\n"
              "    <link rel=\"alternate\" type=\"application/cap+xml\" "
              "href=\"https://example.org/feed/cap/a1.xml\" />\n"
              "  </entry>\n"
              "</feed>\n");
}

TEST(AtomWriterTest, ASummaryOnlyWhenThereIsOne) {
    AtomFeed feed;
    feed.entries.push_back({});
    EXPECT_EQ(write_atom(feed).find("<summary"), std::string::npos);
    feed.entries.front().summary = "高台へ避難してください";
    EXPECT_NE(write_atom(feed).find("<summary>高台へ避難してください</summary>"),
              std::string::npos);
}

}  // namespace
}  // namespace alerthub::hub
