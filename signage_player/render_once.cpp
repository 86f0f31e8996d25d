#include "signage_player/render_once.h"

#include <charconv>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/base/log.h"
#include "core/config/config.h"
#include "signage_player/player_config.h"
#include "signage_player/screen.h"
#include "signage_player/screen_layout.h"
#include "signage_player/sdl_renderer.h"

namespace alerthub::player {
namespace {

// Longer than the epoch's age: the rotation stays on its first language, the one asked for.
constexpr std::chrono::seconds kNoRotation{std::int64_t{1} << 40};
constexpr int kMaxSide = 7680;

bool parse_size(std::string_view text, int& width, int& height) {
    auto x = text.find('x');
    if (x == std::string_view::npos) return false;
    auto number = [](std::string_view s, int& out) {
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return ec == std::errc() && end == s.data() + s.size() && out >= 64 && out <= kMaxSide;
    };
    return number(text.substr(0, x), width) && number(text.substr(x + 1), height);
}

}  // namespace

Status render_alert_png(const Alert& alert, WallTime now, const RenderOnceOptions& options,
                        const std::string& png_path) {
    const DisplayConfig display;  // the player's default fonts
    RendererOptions r;
    r.width = options.width;
    r.height = options.height;
    r.fullscreen = false;
    r.offscreen = true;
    r.font = display.font;
    r.bold_font = display.bold_font;
    r.fallback_fonts = display.fallback_fonts;
    auto renderer = SdlRenderer::create(r);
    if (!renderer) return renderer.error();

    Screen screen = alert.state == AlertState::kActive
                        ? make_alert_screen(alert, {}, now, true, {{options.language}, kNoRotation})
                        : make_idle_screen(options.ward_name, now, true);
    Frame frame = layout_screen(screen, (*renderer)->width(), (*renderer)->height(), **renderer);
    if (int outside = (*renderer)->draw(frame); outside > 0)
        get_logger("player")->warn("{} text lines drawn outside the window", outside);
    auto image = (*renderer)->capture();
    if (!image) return image.error();
    return write_png(*image, png_path);
}

int render_once_main(int argc, char** argv) {
    std::string alert_path, out_path;
    RenderOnceOptions options;
    auto usage = [] {
        std::cerr << "usage: signage-player --render ALERT_JSON --out PNG [--size WxH] "
                     "[--language TAG]\n";
        return kExitConfig;
    };
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (i + 1 >= argc) return usage();
        std::string_view value = argv[++i];
        if (a == "--render") {
            alert_path = value;
        } else if (a == "--out") {
            out_path = value;
        } else if (a == "--language") {
            options.language = value;
        } else if (a == "--size") {
            if (!parse_size(value, options.width, options.height)) {
                std::cerr << "signage-player: --size wants WxH (64..7680 each), not " << value
                          << "\n";
                return kExitConfig;
            }
        } else {
            return usage();
        }
    }
    if (alert_path.empty() || out_path.empty()) return usage();
    init_logging("warn");

    std::ifstream in(alert_path, std::ios::binary);
    std::stringstream json;
    json << in.rdbuf();
    if (!in) {
        std::cerr << "signage-player: cannot read " << alert_path << "\n";
        return kExitConfig;
    }
    auto alert = decode_alert(json.str());
    if (!alert) {
        std::cerr << "signage-player: " << alert_path << ": " << alert.error().message << "\n";
        return kExitConfig;
    }
    SystemClock clock;
    if (auto st = render_alert_png(*alert, clock.now(), options, out_path); !st) {
        std::cerr << "signage-player: " << st.error().message << "\n";
        return 1;
    }
    return 0;
}

}  // namespace alerthub::player
