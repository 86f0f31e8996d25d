// The ordinary-content manifest (alerthub.content/1): decoding with per-item rejection, and
// schedule windows in JST at fixed instants.
#include "core/protocol/content_manifest.h"

#include <gtest/gtest.h>

#include "core/base/time_format.h"

namespace alerthub {
namespace {

WallTime at(const char* rfc3339) {
    return parse_rfc3339(rfc3339).value();
}

const std::string kSha(64, 'a');

std::string manifest_with(const std::string& items) {
    return R"({"schema":"alerthub.content/1","group":"lobbies","version":3,"items":[)" + items +
           "]}";
}

TEST(ContentManifest, DecodesImagesAndTextSlides) {
    auto m = decode_content_manifest(manifest_with(
        R"({"id":"welcome","type":"image","url":"https://example.jp/w.png","sha256":")" + kSha +
        R"(","duration_s":15,"title":{"ja":"ようこそ","en":"Welcome"}},
           {"id":"notice","type":"text","title":{"ja":"お知らせ"},"body":{"ja":"本日休館","en":"Closed today"},
            "schedule":[{"days":["mon","fri"],"from":"08:30","to":"17:15"}],
            "valid_until":"2026-12-01T00:00:00+09:00"})"));
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ(m->group, "lobbies");
    EXPECT_EQ(m->version, 3);
    ASSERT_EQ(m->items.size(), 2u);
    EXPECT_TRUE(m->rejected.empty());
    auto& image = m->items[0];
    EXPECT_EQ(image.type, ContentType::kImage);
    EXPECT_EQ(image.url, "https://example.jp/w.png");
    EXPECT_EQ(image.sha256, kSha);
    EXPECT_EQ(image.duration, std::chrono::seconds(15));
    EXPECT_EQ(image.title.at("en"), "Welcome");
    auto& text = m->items[1];
    EXPECT_EQ(text.type, ContentType::kText);
    EXPECT_EQ(text.duration, std::chrono::seconds(10));  // the default
    ASSERT_EQ(text.schedule.size(), 1u);
    EXPECT_EQ(text.schedule[0].days, (1 << 1) | (1 << 5));
    EXPECT_EQ(text.schedule[0].from_minute, 8 * 60 + 30);
    EXPECT_EQ(text.schedule[0].to_minute, 17 * 60 + 15);
    EXPECT_EQ(text.valid_until, at("2026-12-01T00:00:00+09:00"));

    // What encode writes, decode reads back the same.
    auto again = decode_content_manifest(encode_content_manifest(*m));
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(*again, *m);
}

TEST(ContentManifest, ABadItemIsSkippedWithItsReasonAndTheRestKept) {
    auto m = decode_content_manifest(manifest_with(
        R"({"id":"ok","type":"text","body":{"ja":"本文"}},
           {"id":"no-hash","type":"image","url":"https://example.jp/a.png"},
           {"id":"ftp","type":"image","url":"ftp://example.jp/a.png","sha256":")" +
        kSha + R"("},
           {"id":"video","type":"video"},
           {"id":"long","type":"text","body":{"ja":"x"},"duration_s":0},
           {"id":"ok","type":"text","body":{"ja":"二度目"}},
           {"id":"bad window","type":"text","body":{"ja":"x"}},
           {"id":"w","type":"text","body":{"ja":"x"},"schedule":[{"from":"25:00","to":"26:00"}]},
           {"id":42},
           "not an object")"));
    ASSERT_TRUE(m.ok()) << m.error().message;
    ASSERT_EQ(m->items.size(), 1u);
    EXPECT_EQ(m->items[0].id, "ok");
    ASSERT_EQ(m->rejected.size(), 9u);
    EXPECT_EQ(m->rejected[0].id, "no-hash");
    EXPECT_NE(m->rejected[0].reason.find("sha256"), std::string::npos);
    EXPECT_EQ(m->rejected[1].id, "ftp");
    EXPECT_EQ(m->rejected[2].id, "video");
    EXPECT_EQ(m->rejected[3].id, "long");
    EXPECT_NE(m->rejected[4].reason.find("twice"), std::string::npos);
    EXPECT_EQ(m->rejected[5].id, "#7");  // not a usable id: named by position
    EXPECT_EQ(m->rejected[6].id, "w");
    EXPECT_EQ(m->rejected[7].id, "#9");
    EXPECT_EQ(m->rejected[8].id, "#10");
}

TEST(ContentManifest, AWrongEnvelopeIsAnError) {
    for (std::string bad :
         {std::string("not json"), std::string("[]"),
          std::string(R"({"schema":"alerthub.alert/1","group":"g","version":1,"items":[]})"),
          std::string(R"({"schema":"alerthub.content/1","group":"g","version":1})"),
          std::string(R"({"schema":"alerthub.content/1","group":7,"version":1,"items":[]})"),
          std::string(R"({"schema":"alerthub.content/1","group":"g","version":-1,"items":[]})"),
          std::string(R"({"schema":1,"group":"g","version":1,"items":[]})")}) {
        EXPECT_FALSE(decode_content_manifest(bad).ok()) << bad;
    }
    EXPECT_FALSE(decode_content_manifest(std::string(kMaxManifestBytes + 1, ' ')).ok());
}

TEST(ContentSchedule, WindowsAreInJstAndMayRunPastMidnight) {
    ScheduleWindow office{(1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5), 8 * 60 + 30,
                          17 * 60 + 15};
    // 2026-11-23 is a Monday.
    EXPECT_TRUE(window_contains(office, at("2026-11-23T08:30:00+09:00")));
    EXPECT_TRUE(window_contains(office, at("2026-11-23T00:00:00Z")));  // 09:00 JST
    EXPECT_FALSE(window_contains(office, at("2026-11-23T08:29:59+09:00")));
    EXPECT_FALSE(window_contains(office, at("2026-11-23T17:15:00+09:00")));
    EXPECT_FALSE(window_contains(office, at("2026-11-22T10:00:00+09:00")));  // Sunday
    // 2026-11-22T23:30Z is Monday 08:30 in Tokyo although Sunday in UTC.
    EXPECT_TRUE(window_contains(office, at("2026-11-22T23:30:00Z")));

    ScheduleWindow friday_night{1 << 5, 22 * 60, 6 * 60};
    EXPECT_TRUE(window_contains(friday_night, at("2026-11-27T23:00:00+09:00")));   // Fri
    EXPECT_TRUE(window_contains(friday_night, at("2026-11-28T05:59:00+09:00")));   // Sat early
    EXPECT_FALSE(window_contains(friday_night, at("2026-11-28T22:30:00+09:00")));  // Sat night
    EXPECT_FALSE(window_contains(friday_night, at("2026-11-27T05:00:00+09:00")));  // Fri early

    PlaylistItem item;
    item.schedule = {office};
    item.valid_from = at("2026-11-23T09:00:00+09:00");
    EXPECT_FALSE(is_scheduled(item, at("2026-11-23T08:45:00+09:00")));
    EXPECT_TRUE(is_scheduled(item, at("2026-11-23T09:00:00+09:00")));
    item.valid_until = at("2026-11-23T12:00:00+09:00");
    EXPECT_FALSE(is_scheduled(item, at("2026-11-23T12:00:00+09:00")));
    item.schedule.clear();
    item.valid_from.reset();
    EXPECT_TRUE(is_scheduled(item, at("2026-11-22T03:00:00+09:00")));
}

}  // namespace
}  // namespace alerthub
