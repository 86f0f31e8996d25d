#include "signage_player/player_config.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace alerthub::player {
namespace {

Result<PlayerConfig> load(const std::string& toml) {
    auto reader = ConfigReader::parse(toml, "player.toml");
    if (!reader) return reader.error();
    return load_player_config(*reader);
}

TEST(PlayerConfig, DefaultsNeedOnlyADeviceId) {
    auto c = load("[player]\ndevice_id = \"lobby-1\"\n");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->device_id, "lobby-1");
    EXPECT_EQ(c->mqtt.settings.client_id, "player-lobby-1");
    EXPECT_EQ(c->mqtt.topics.root(), "alerthub/v1");
    EXPECT_EQ(c->ward_name, "港区");
    EXPECT_EQ(c->areas, std::vector<std::string>{"131032"});
    EXPECT_EQ(c->display.width, 1920);
    EXPECT_EQ(c->display.height, 1080);
    EXPECT_TRUE(c->display.fullscreen);
    EXPECT_EQ(c->display.font, kDefaultFont);
    EXPECT_EQ(c->display.bold_font, kDefaultBoldFont);
    EXPECT_EQ(c->screenshot_dir, "/var/lib/alerthub/player/screens");
}

TEST(PlayerConfig, ReadsEverySection) {
    auto c = load(
        "[mqtt]\nuri = \"tcp://127.0.0.1:1884\"\nclient_id = \"screen-a\"\ntopic_root = "
        "\"drill/v1\"\n"
        "[player]\ndevice_id = \"tamachi-station-2\"\nward_name = \"Minato\"\n"
        "areas = [\"131032\", \"*\"]\n"
        "[display]\nwidth = 1280\nheight = 720\nfullscreen = false\n"
        "[headless]\nscreenshot_dir = \"/tmp/screens\"\n");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->mqtt.settings.client_id, "screen-a");
    EXPECT_EQ(c->mqtt.topics.alert("x"), "drill/v1/alerts/x");
    EXPECT_EQ(c->ward_name, "Minato");
    EXPECT_EQ(c->areas, (std::vector<std::string>{"131032", "*"}));
    EXPECT_EQ(c->display.width, 1280);
    EXPECT_FALSE(c->display.fullscreen);
    EXPECT_EQ(c->screenshot_dir, "/tmp/screens");
}

TEST(PlayerConfig, ContentSection) {
    auto c = load(
        "[player]\ndevice_id = \"d\"\n[content]\ngroup = \"minato-lobbies\"\n"
        "cache_dir = \"/tmp/cache\"\nmax_cache_mb = 64\nmax_item_mb = 8\n"
        "fetch_timeout_s = 5\n");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->content.group, "minato-lobbies");
    EXPECT_EQ(c->content.cache_dir, "/tmp/cache");
    EXPECT_EQ(c->content.max_cache_mb, 64);
    EXPECT_EQ(c->content.max_item_mb, 8);
    EXPECT_EQ(c->content.fetch_timeout_s, 5);
    auto bad = load(
        "[player]\ndevice_id = \"d\"\n[content]\ngroup = \"a/b\"\n"
        "max_item_mb = 0\n");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("content.group"), std::string::npos);
    EXPECT_NE(bad.error().message.find("content.max_item_mb"), std::string::npos);
    auto none = load("[player]\ndevice_id = \"d\"\n");
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none->content.group, "");  // no content unless configured
}

TEST(PlayerConfig, ReportsEveryProblem) {
    auto c = load(
        "[player]\ndevice_id = \"lobby/1\"\nareas = []\ncolour = \"blue\"\n"
        "[display]\nwidth = 10\nfont = \"/nonexistent/font.ttc\"\n");
    ASSERT_FALSE(c.ok());
    const auto& msg = c.error().message;
    EXPECT_NE(msg.find("player.device_id"), std::string::npos) << msg;
    EXPECT_NE(msg.find("player.areas"), std::string::npos) << msg;
    EXPECT_NE(msg.find("player.colour"), std::string::npos) << msg;
    EXPECT_NE(msg.find("display.width"), std::string::npos) << msg;
    EXPECT_NE(msg.find("/nonexistent/font.ttc"), std::string::npos) << msg;
}

TEST(PlayerConfig, DeviceIdIsRequired) {
    auto c = load("[player]\nward_name = \"港区\"\n");
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("device_id"), std::string::npos);
}

TEST(PlayerConfig, MissingBoldFontIsAnError) {
    auto c = load("[player]\ndevice_id = \"a\"\n[display]\nbold_font = \"/nonexistent/b.ttc\"\n");
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("display.bold_font"), std::string::npos);
}

TEST(PlayerConfig, TheBrokerIdentityIsTheDeviceId) {
    auto same = load("[mqtt]\nusername = \"lobby-1\"\n[player]\ndevice_id = \"lobby-1\"\n");
    ASSERT_TRUE(same.ok()) << same.error().message;
    EXPECT_EQ(same->mqtt.settings.client_id, "lobby-1");
    auto other = load("[mqtt]\nusername = \"lobby-2\"\n[player]\ndevice_id = \"lobby-1\"\n");
    ASSERT_FALSE(other.ok());
    EXPECT_NE(other.error().message.find("player.toml:2: mqtt.username: must be player.device_id"),
              std::string::npos)
        << other.error().message;
}

}  // namespace
}  // namespace alerthub::player
