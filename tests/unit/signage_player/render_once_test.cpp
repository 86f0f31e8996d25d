// The one-shot mode behind the console's signage preview: the real renderer, offscreen,
// draws one alert (or, once cancelled, the idle screen) to a PNG of the asked size.
#include "signage_player/render_once.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/base/time_format.h"
#include "core/config/config.h"
#include "signage_player/screen.h"
#include "signage_player/sdl_renderer.h"
#include "tests/support/test_support.h"

namespace alerthub::player {
namespace {

const WallTime kNow = parse_rfc3339("2026-11-23T10:07:00+09:00").value();

Alert evacuation_order() {
    Alert a;
    a.id = "staff-preview-1";
    a.version = 1;
    a.level = 4;
    a.severity = Severity::kSevere;
    a.source.sent = kNow - std::chrono::minutes(1);
    a.event_name = {{"ja", "避難指示"}, {"en", "Evacuation order"}};
    a.headline = {{"ja", "芝浦一丁目に避難指示"}, {"en", "Evacuation order for Shibaura 1"}};
    a.areas.push_back({"jisx0402", "131032", "港区"});
    return a;
}

// The share of pixels exactly `colour`.
double share_of(const Image& image, Colour colour) {
    std::size_t n = 0;
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x)
            if (image.pixel(x, y) == colour) ++n;
    return static_cast<double>(n) / (static_cast<double>(image.width) * image.height);
}

Image rendered(const Alert& a, const RenderOnceOptions& options, const std::string& path) {
    auto st = render_alert_png(a, kNow, options, path);
    EXPECT_TRUE(st.ok()) << st.error().message;
    auto image = read_image(path);
    EXPECT_TRUE(image.ok()) << (image ? "" : image.error().message);
    return image ? *image : Image{};
}

TEST(RenderOnce, DrawsTheAlertInItsLevelColourAtTheAskedSize) {
    alerthub::testing::TempDir dir;
    RenderOnceOptions options;
    options.width = 640;
    options.height = 360;
    Alert a = evacuation_order();
    Image ja = rendered(a, options, (dir / "ja.png").string());
    EXPECT_EQ(ja.width, 640);
    EXPECT_EQ(ja.height, 360);
    EXPECT_GT(share_of(ja, alert_palette(a).background), 0.3) << "a level-4 takeover";

    options.language = "en";
    Image en = rendered(a, options, (dir / "en.png").string());
    EXPECT_NE(ja.rgb, en.rgb) << "the English texts, not the Japanese ones";
}

TEST(RenderOnce, ACancelledAlertLeavesTheIdleScreen) {
    alerthub::testing::TempDir dir;
    RenderOnceOptions options;
    options.width = 640;
    options.height = 360;
    Alert a = evacuation_order();
    a.state = AlertState::kCancelled;
    Image idle = rendered(a, options, (dir / "idle.png").string());
    EXPECT_GT(share_of(idle, kIdleBackground), 0.3);
    EXPECT_LT(share_of(idle, alert_palette(evacuation_order()).background), 0.01);
}

int run(std::vector<std::string> args) {
    std::vector<char*> argv;
    static char program[] = "signage-player";
    argv.push_back(program);
    for (auto& a : args) argv.push_back(a.data());
    return render_once_main(static_cast<int>(argv.size()), argv.data());
}

TEST(RenderOnce, TheCommandLineRefusesBadUsageAndUnreadableAlerts) {
    alerthub::testing::TempDir dir;
    const auto out = (dir / "out.png").string();
    alerthub::testing::write_file(dir / "alert.json", encode_alert(evacuation_order()));
    alerthub::testing::write_file(dir / "broken.json", "{\"id\": 3");
    EXPECT_EQ(run({"--render", (dir / "alert.json").string()}), kExitConfig) << "no --out";
    EXPECT_EQ(run({"--render", (dir / "alert.json").string(), "--out", out, "--size", "10x10"}),
              kExitConfig);
    EXPECT_EQ(run({"--render", (dir / "missing.json").string(), "--out", out}), kExitConfig);
    EXPECT_EQ(run({"--render", (dir / "broken.json").string(), "--out", out}), kExitConfig);
    EXPECT_FALSE(std::filesystem::exists(out));
    EXPECT_EQ(run({"--render", (dir / "alert.json").string(), "--out", out, "--size", "320x180"}),
              0);
    auto image = read_image(out);
    ASSERT_TRUE(image.ok());
    EXPECT_EQ(image->width, 320);
    EXPECT_EQ(image->height, 180);
}

}  // namespace
}  // namespace alerthub::player
