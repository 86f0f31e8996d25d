#pragma once
// What is on screen, as plain data: the idle screen or one alert with every text and
// colour already chosen. Built by pure functions, compared to decide whether to redraw,
// laid out by screen_layout and drawn by the SDL renderer.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/protocol/alert.h"
#include "core/protocol/alert_look.h"
#include "signage_player/facility_panel.h"
#include "signage_player/qr_code.h"

namespace alerthub::player {

struct Colour {
    std::uint8_t r = 0;
    std::uint8_t g = 0;
    std::uint8_t b = 0;
    bool operator==(const Colour&) const = default;
};

// WCAG 2.x relative luminance (0 black .. 1 white) and contrast ratio (1 .. 21).
double relative_luminance(Colour c);
double contrast_ratio(Colour a, Colour b);
// WCAG AA for normal text; every text colour on every background we draw meets it.
inline constexpr double kMinContrast = 4.5;

// Ordinary content from the playlist, shown when no alert takes the whole screen (and in
// the content area of the L-shape and banner layouts). Without one, a clock panel.
struct ContentItem {
    std::string image_path;  // PNG or JPEG; when empty the item is a text slide
    std::string title;
    std::string body;
    bool operator==(const ContentItem&) const = default;
};

enum class ScreenKind { kIdle, kAlert };

// How much of the screen an alert takes, by urgency (alert_layout()).
enum class AlertLayout {
    kTakeover,  // the whole screen
    kLShape,    // a column on the right and a bar at the bottom around the content
    kBanner,    // a bar at the bottom under the content
};

struct Screen {
    ScreenKind kind = ScreenKind::kIdle;
    Colour background;
    Colour text;
    std::string connection;  // "● 接続中 / Online" or "○ 未接続 / Offline"
    bool online = false;
    // A warning about the data itself (e.g. shown from the state file, not confirmed),
    // set by the player loop; drawn on its own strip when not empty.
    std::string stale_note;
    std::optional<ContentItem> content;

    // Idle (also the clock panel in the content area).
    std::string ward_name;
    std::string title;  // "防災情報 / Disaster information"
    std::string clock;  // "10:05" JST
    std::string date;   // "2026年11月23日（月）"
    std::string note;   // "現在、発表中の情報はありません / No alerts in effect"

    // Alert.
    std::string alert_id;
    std::int64_t version = 0;
    AlertLayout layout = AlertLayout::kTakeover;
    Colour band_background;
    Colour band_text;
    std::string band;        // "警戒レベル4 / Level 4", "警報 / WARNING"
    std::string level;       // "4" for the level badge, empty without a 警戒レベル
    std::string drill_band;  // "訓練 EXERCISE ..." or "試験 TEST ...", empty for actual
    std::string drill_mark;  // "訓練 EXERCISE" / "試験 TEST" for the alert panel itself
    // The alert's own texts in one language at a time, rotating (see ScreenOptions).
    std::string language;        // tag of the texts below: "ja", "en", "zh-Hans", ...
    std::string language_label;  // "English 2/5"; empty when there is only one language
    std::string event_name;
    std::string headline;
    // Only in the page's own language (never Japanese on the English page); a takeover
    // draws it when it fits at a readable size, else cut, pointing at `description_more`.
    std::string description;
    std::string instruction;
    std::string description_more;  // "全文はQRコードのリンク先 / ...": the full text's place
    std::string issued;            // "発表 2026-11-23 10:05 JST"
    std::string now_line;          // "現在 10:07"
    // The other alerts in force, most urgent first (at most kMaxOthersListed, then a count).
    std::string others_line;  // "ほかに 2 件の情報があります / 2 more alerts in effect"
    std::vector<std::string> others;
    // The alert's link (shelter map, temporary-stay facility) as a QR code with its URL.
    std::string link_url;
    std::string link_title;  // "避難所マップ / Shelter map"
    QrCode qr;               // empty when there is no link or it could not be encoded
    // The nearest open facilities (facility_panel.h), set by the player loop under an alert
    // about where to go: beneath the texts of a takeover, in the content area otherwise.
    std::optional<FacilityPanel> facilities;

    bool operator==(const Screen&) const = default;
};

// The drill band's colour: used by nothing else, so it cannot be mistaken for a level.
inline constexpr Colour kDrillBandColour{0, 170, 200};
inline constexpr Colour kDrillTextColour{0, 0, 0};
inline constexpr Colour kIdleBackground{11, 30, 60};
inline constexpr Colour kIdleText{235, 240, 250};
// The "stale" strip: amber with black text, unlike any level colour paired with black.
inline constexpr Colour kStaleBackground{255, 196, 0};
inline constexpr Colour kStaleText{0, 0, 0};
inline constexpr std::size_t kMaxOthersListed = 3;

// The default order of the language rotation; the alert's further languages follow.
inline const std::vector<std::string> kDefaultLanguages = {"ja", "en", "zh-Hans", "ko",
                                                           "ja-x-easy"};

struct ScreenOptions {
    std::vector<std::string> languages = kDefaultLanguages;
    // How long each language stays.
    std::chrono::seconds language_period{10};
    // When the alert came on screen (LanguageRotation): its first period is the first
    // language (Japanese), whatever the clock says. Screens that receive an alert together
    // switch together (within the delivery time, well under a second on the LAN). Left at
    // the epoch (one-frame previews, tests) the rotation simply follows the clock.
    WallTime rotation_started{};
    // [player] location: the QR code of an alert that links the public site leads to this
    // location's page of it (nearest facilities first); empty: the alert's own page.
    std::string location{};
};

// Which of `count` languages is shown at `now` for a rotation started at `started`: 0 for
// the first period, then each in turn. A `now` before `started` (the clock stepped back)
// counts as the first period.
std::size_t rotation_index(WallTime started, WallTime now, std::chrono::seconds period,
                           std::size_t count);

// When the alert on screen started its language rotation. A new alert starts it again at
// Japanese: another id, or a version that changes what the screen says (texts, level,
// severity, status, links); a version that changes nothing shown (a later expiry) keeps it.
struct LanguageRotation {
    std::string alert_id;
    std::string shown;  // what the alert shows (shown_content), to tell a change
    WallTime started{};

    void follow(const Alert& alert, WallTime now);
};

// The parts of an alert the screen shows, as one string to compare.
std::string shown_content(const Alert& alert);

// Background and text colour for an alert: by 警戒レベル, else by severity.
struct Palette {
    Colour background;
    Colour text;
};
Palette alert_palette(const Alert& alert);

// Takeover for 警戒レベル 4-5 or extreme severity, and for severe alerts without a level;
// L-shape for level 3 (or moderate without a level); a banner for the rest.
AlertLayout alert_layout(const Alert& alert);

// "警戒レベル4 / Level 4", or from severity "緊急 / EXTREME" ... "情報 / INFORMATION".
std::string band_label(const Alert& alert);

// The languages the alert's texts rotate through: `preferred` in order where the alert
// has text in it, then the alert's other languages in tag order.
std::vector<std::string> rotation_languages(const Alert& alert,
                                            const std::vector<std::string>& preferred);

// The link worth a QR code: the public site's page of the alert (rel "site"), then a
// shelter map, then a temporary-stay facility, then any other http(s) link; nullptr when
// there is none.
const AlertLink* qr_link(const Alert& alert);

// "2026年11月23日（月）" for `t` in JST.
std::string format_jst_date(WallTime t);

Screen make_idle_screen(const std::string& ward_name, WallTime now, bool online,
                        const ContentItem* content = nullptr);
// `others`: the further alerts in force for this player, most urgent first.
Screen make_alert_screen(const Alert& alert, const std::vector<const Alert*>& others, WallTime now,
                         bool online, const ScreenOptions& options = {},
                         const ContentItem* content = nullptr);

}  // namespace alerthub::player
