// Which content item plays: manifest order, durations, schedule windows (JST) and images
// that are not in the cache yet, all at injected instants.
#include "signage_player/playlist.h"

#include <gtest/gtest.h>

#include <set>

#include "core/base/time_format.h"

namespace alerthub::player {
namespace {

using namespace std::chrono_literals;

const WallTime kMonday10 = parse_rfc3339("2026-11-23T10:00:00+09:00").value();
const SteadyTime kT0 = SteadyTime{} + 1000h;

PlaylistItem text(std::string id, std::chrono::seconds duration = 10s) {
    PlaylistItem item;
    item.id = std::move(id);
    item.type = ContentType::kText;
    item.body = {{"ja", "本文 " + item.id}};
    item.duration = duration;
    return item;
}

PlaylistItem image(std::string id, std::string sha) {
    PlaylistItem item;
    item.id = std::move(id);
    item.type = ContentType::kImage;
    item.url = "http://127.0.0.1/" + item.id + ".png";
    item.sha256 = std::move(sha);
    item.title = {{"ja", "ポスター"}, {"en", "Poster"}};
    return item;
}

ContentManifest manifest(std::vector<PlaylistItem> items, std::int64_t version = 1) {
    ContentManifest m;
    m.group = "lobbies";
    m.version = version;
    m.items = std::move(items);
    return m;
}

class PlaylistTest : public ::testing::Test {
protected:
    std::string step(std::chrono::seconds later) {
        steady_ += later;
        wall_ += later;
        auto* item = playlist_.advance(
            wall_, steady_, [&](const PlaylistItem& i) { return ready_.contains(i.sha256); });
        return item ? item->id : "";
    }
    Playlist playlist_;
    std::set<std::string> ready_;
    WallTime wall_ = kMonday10;
    SteadyTime steady_ = kT0;
};

TEST_F(PlaylistTest, ItemsPlayInOrderEachForItsDuration) {
    playlist_.set_manifest(manifest({text("a", 5s), text("b", 20s), text("c", 5s)}));
    EXPECT_EQ(step(0s), "a");
    EXPECT_EQ(playlist_.next_switch(), kT0 + 5s);
    EXPECT_EQ(step(4s), "a");
    EXPECT_EQ(step(1s), "b");
    EXPECT_EQ(step(19s), "b");
    EXPECT_EQ(step(1s), "c");
    EXPECT_EQ(step(5s), "a");  // and round again
}

TEST_F(PlaylistTest, ImagesNotInTheCacheAreSkippedUntilTheyAre) {
    playlist_.set_manifest(manifest({image("poster", "sha-p"), text("notice")}));
    EXPECT_EQ(step(0s), "notice");
    ready_.insert("sha-p");
    EXPECT_EQ(step(10s), "poster");
    ready_.clear();  // e.g. the file failed its check on a re-read
    EXPECT_EQ(step(1s), "notice");
}

TEST_F(PlaylistTest, NothingPlayableMeansNoContent) {
    EXPECT_EQ(step(0s), "");
    EXPECT_FALSE(playlist_.next_switch().has_value());
    playlist_.set_manifest(manifest({image("poster", "sha-p")}));
    EXPECT_EQ(step(0s), "");
    playlist_.set_manifest(manifest({}));
    EXPECT_EQ(step(0s), "");
}

TEST_F(PlaylistTest, ScheduleWindowsDecideWhatPlays) {
    auto lunch = text("lunch", 10s);
    lunch.schedule = {{0x7f, 12 * 60, 13 * 60}};
    auto weekend = text("weekend", 10s);
    weekend.schedule = {{(1 << 0) | (1 << 6), 0, 0}};  // Sat and Sun, all day
    auto always = text("always", 10s);
    playlist_.set_manifest(manifest({lunch, weekend, always}));
    EXPECT_EQ(step(0s), "always");  // Monday 10:00
    EXPECT_EQ(step(10s), "always");
    EXPECT_EQ(step(2h), "lunch");  // 12:00:10
    EXPECT_EQ(step(10s), "always");
    EXPECT_EQ(step(10s), "lunch");
    EXPECT_EQ(step(1h), "always");  // 13:00:30: lunch is over
    EXPECT_EQ(step(10s), "always");
    // Saturday 2026-11-28 10:00.
    wall_ = parse_rfc3339("2026-11-28T10:00:00+09:00").value();
    EXPECT_EQ(step(10s), "weekend");
}

TEST_F(PlaylistTest, ANewVersionKeepsTheItemOnScreen) {
    playlist_.set_manifest(manifest({text("a"), text("b"), text("c")}));
    EXPECT_EQ(step(0s), "a");
    EXPECT_EQ(step(10s), "b");
    playlist_.set_manifest(manifest({text("x"), text("b"), text("c")}, 2));
    EXPECT_EQ(step(1s), "b");
    EXPECT_EQ(step(10s), "c");
    playlist_.set_manifest(manifest({text("x"), text("y")}, 3));  // c is gone
    EXPECT_EQ(step(1s), "x");
    playlist_.set_manifest(std::nullopt);
    EXPECT_EQ(step(1s), "");
}

TEST(PlaylistContent, JapaneseFirstThenEnglish) {
    auto item = make_content_item(image("poster", "sha"), "/cache/sha.media");
    EXPECT_EQ(item.image_path, "/cache/sha.media");
    EXPECT_EQ(item.title, "ポスター / Poster");
    auto slide = text("t");
    slide.title = {{"en", "Closed"}};
    slide.body = {{"ja", "休館"}, {"en", "Closed today"}};
    auto t = make_content_item(slide, "/ignored");
    EXPECT_EQ(t.image_path, "");
    EXPECT_EQ(t.title, "Closed");
    EXPECT_EQ(t.body, "休館\nClosed today");
    slide.body = {{"ko", "휴관"}};
    EXPECT_EQ(make_content_item(slide, "").body, "휴관");
}

}  // namespace
}  // namespace alerthub::player
