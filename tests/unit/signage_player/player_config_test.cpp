#include "signage_player/player_config.h"

#include <gtest/gtest.h>

#include "tests/support/test_signing.h"
#include "tests/support/test_support.h"

namespace alerthub::player {
namespace {

std::string shipped_town_blocks() {
    return (testing::project_fixtures_dir().parent_path().parent_path() / "config" /
            "minato_town_blocks.tsv")
        .string();
}

Result<PlayerConfig> load_exactly(const std::string& toml) {
    auto reader = ConfigReader::parse(toml, "player.toml");
    if (!reader) return reader.error();
    return load_player_config(*reader);
}

// Every player needs the hub's public key and the town-block table; tests that are about
// something else get the test key and the table in config/ (the default,
// /etc/alerthub/minato_town_blocks.tsv, is not installed where tests run).
Result<PlayerConfig> load(std::string toml) {
    if (toml.find("town_blocks_file") == std::string::npos) {
        auto player = toml.find("[player]\n");
        if (player != std::string::npos)
            toml.insert(player + 9, "town_blocks_file = \"" + shipped_town_blocks() + "\"\n");
    }
    if (toml.find("[signing]") == std::string::npos)
        toml +=
            "[signing]\npublic_keys = [\"" + alerthub::testing::test_public_key_line() + "\"]\n";
    return load_exactly(toml);
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
    EXPECT_EQ(PlayerConfig().town_blocks_file, "/etc/alerthub/minato_town_blocks.tsv");
}

TEST(PlayerConfig, TheTownBlockTableMustLoadUnlessTurnedOff) {
    auto good = load("[player]\ndevice_id = \"d\"\n");
    ASSERT_TRUE(good.ok()) << good.error().message;
    EXPECT_EQ(good->town_blocks_file, shipped_town_blocks());

    auto missing =
        load("[player]\ndevice_id = \"d\"\ntown_blocks_file = \"/nonexistent/blocks.tsv\"\n");
    ASSERT_FALSE(missing.ok());
    const auto& msg = missing.error().message;
    EXPECT_NE(msg.find("player.town_blocks_file"), std::string::npos) << msg;
    EXPECT_NE(msg.find("/nonexistent/blocks.tsv"), std::string::npos) << msg;
    EXPECT_NE(msg.find("area codes only"), std::string::npos) << msg;

    alerthub::testing::TempDir dir;
    auto bad_file = dir.path() / "blocks.tsv";
    alerthub::testing::write_file(bad_file, "shiba-1\t芝一丁目\n");
    auto bad =
        load("[player]\ndevice_id = \"d\"\ntown_blocks_file = \"" + bad_file.string() + "\"\n");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("line 1"), std::string::npos) << bad.error().message;

    auto off = load("[player]\ndevice_id = \"d\"\ntown_blocks_file = \"\"\n");
    ASSERT_TRUE(off.ok()) << off.error().message;
    EXPECT_EQ(off->town_blocks_file, "");
}

TEST(PlayerConfig, TheHubsPublicKeysAreRequiredOneOrTwo) {
    auto none = load_exactly("[player]\ndevice_id = \"d\"\n");
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.error().message.find("signing.public_keys: required"), std::string::npos);

    auto line = [](const char* kid) {
        return "\"" + format_public_key(public_key_of(generate_signing_key(kid))) + "\"";
    };
    auto two = load("[player]\ndevice_id = \"d\"\n[signing]\npublic_keys = [" + line("old") + ", " +
                    line("new") + "]\n");
    ASSERT_TRUE(two.ok()) << two.error().message;
    EXPECT_EQ(two->signing.keys().size(), 2u);
    EXPECT_EQ(two->signing.keys()[1].kid, "new");

    auto three = load("[player]\ndevice_id = \"d\"\n[signing]\npublic_keys = [" + line("a") + ", " +
                      line("b") + ", " + line("c") + "]\n");
    EXPECT_FALSE(three.ok());
    auto secret = format_signing_key(generate_signing_key("k"));
    secret.pop_back();  // the newline
    auto pasted =
        load("[player]\ndevice_id = \"d\"\n[signing]\npublic_keys = [\"" + secret + "\"]\n");
    ASSERT_FALSE(pasted.ok());
    EXPECT_NE(pasted.error().message.find("SECRET"), std::string::npos);
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
