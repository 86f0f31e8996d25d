#pragma once
// What is on screen, as plain data: the idle screen or one alert with every text and
// colour already chosen. Built by pure functions, compared to decide whether to redraw,
// laid out by screen_layout and drawn by the SDL renderer.

#include <cstdint>
#include <string>
#include <vector>

#include "core/alert.h"
#include "core/clock.h"

namespace alerthub::player {

struct Colour {
    std::uint8_t r = 0;
    std::uint8_t g = 0;
    std::uint8_t b = 0;
    bool operator==(const Colour&) const = default;
};

enum class ScreenKind { kIdle, kAlert };

struct Screen {
    ScreenKind kind = ScreenKind::kIdle;
    Colour background;
    Colour text;
    std::string connection;  // "● 接続中 / Online" or "○ 未接続 / Offline"
    bool online = false;

    // Idle.
    std::string ward_name;
    std::string title;  // "防災情報 / Disaster information"
    std::string clock;  // "10:05" JST
    std::string date;   // "2026年11月23日（月）"
    std::string note;   // "現在、発表中の情報はありません / No alerts in effect"

    // Alert.
    std::string alert_id;
    std::int64_t version = 0;
    Colour band_background;
    Colour band_text;
    std::string band;        // "警戒レベル4 / Level 4", "警報 / WARNING"
    std::string drill_band;  // "訓練 EXERCISE ..." or "試験 TEST ...", empty for actual
    std::string event_name;  // "大雨警報 / Heavy rain warning"
    std::string headline_ja;
    std::string headline_en;
    std::string description_ja;
    std::string description_en;
    std::string instruction_ja;
    std::string instruction_en;
    std::string issued;       // "発表 2026-11-23 10:05 JST"
    std::string now_line;     // "現在 10:07"
    std::string others_line;  // "ほかに 2 件の情報があります / 2 more alerts in effect"

    bool operator==(const Screen&) const = default;
};

// The drill band's colour: used by nothing else, so it cannot be mistaken for a level.
inline constexpr Colour kDrillBandColour{0, 170, 200};
inline constexpr Colour kIdleBackground{11, 30, 60};

// Background and text colour for an alert: by 警戒レベル, else by severity.
struct Palette {
    Colour background;
    Colour text;
};
Palette alert_palette(const Alert& alert);

// "警戒レベル4 / Level 4", or from severity "緊急 / EXTREME" ... "情報 / INFORMATION".
std::string band_label(const Alert& alert);

// "2026年11月23日（月）" for `t` in JST.
std::string format_jst_date(WallTime t);

Screen make_idle_screen(const std::string& ward_name, WallTime now, bool online);
// `others`: how many further alerts are in force for this player.
Screen make_alert_screen(const Alert& alert, int others, WallTime now, bool online);

}  // namespace alerthub::player
