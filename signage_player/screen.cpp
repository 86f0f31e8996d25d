#include "signage_player/screen.h"

#include <fmt/format.h>

#include <array>
#include <chrono>

#include "core/alert_text.h"
#include "core/time_format.h"

namespace alerthub::player {
namespace {

constexpr Colour kWhite{255, 255, 255};
constexpr Colour kBlack{0, 0, 0};

std::string connection_line(bool online) {
    return online ? "● 接続中 / Online" : "○ 未接続 / Offline";
}

// More than a screen can show legibly; the cap also bounds the work of laying out a
// hostile or broken payload (the layout marks anything it cannot fit with "…").
constexpr std::size_t kMaxTextBytes = 8000;

std::string capped(std::string text) {
    if (text.size() <= kMaxTextBytes) return text;
    size_t cut = kMaxTextBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text.resize(cut);
    return text + "…";
}

std::string text_in(const LocalizedText& text, std::string_view lang) {
    return capped(text_in_language(text, lang));
}

// Japanese and English, each only when the alert carries it: we never translate at
// display time. Without either, whatever language it has goes in the first slot.
std::pair<std::string, std::string> ja_and_en(const LocalizedText& text) {
    std::string ja = text_in(text, "ja");
    if (ja.empty()) ja = text_in(text, "ja-x-easy");
    std::string en = text_in(text, "en");
    if (ja.empty() && en.empty()) ja = capped(pick_text(text, {}));
    if (ja == en) en.clear();
    return {ja, en};
}

}  // namespace

Palette alert_palette(const Alert& alert) {
    if (alert.level) {
        switch (*alert.level) {
            case 5:
                return {{12, 0, 12}, kWhite};
            case 4:
                return {{170, 0, 170}, kWhite};
            case 3:
                return {{255, 40, 0}, kWhite};
            case 2:
                return {{242, 231, 0}, kBlack};
            default:
                return {{255, 255, 255}, kBlack};
        }
    }
    switch (alert.severity) {
        case Severity::kExtreme:
            return {{90, 0, 0}, kWhite};
        case Severity::kSevere:
            return {{215, 0, 15}, kWhite};
        case Severity::kModerate:
            return {{255, 180, 0}, kBlack};
        case Severity::kMinor:
            return {{244, 244, 244}, kBlack};
        case Severity::kUnknown:
            break;
    }
    return {{64, 72, 80}, kWhite};
}

std::string band_label(const Alert& alert) {
    if (alert.level) return fmt::format("警戒レベル{} / Level {}", *alert.level, *alert.level);
    switch (alert.severity) {
        case Severity::kExtreme:
            return "緊急 / EXTREME";
        case Severity::kSevere:
            return "警報 / WARNING";
        case Severity::kModerate:
            return "注意報 / ADVISORY";
        case Severity::kMinor:
        case Severity::kUnknown:
            break;
    }
    return "情報 / INFORMATION";
}

std::string format_jst_date(WallTime t) {
    using namespace std::chrono;
    static constexpr std::array<const char*, 7> kWeekdays = {"日", "月", "火", "水",
                                                             "木", "金", "土"};
    auto day = floor<days>(t + hours(9));
    year_month_day ymd{day};
    return fmt::format("{}年{}月{}日（{}）", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       kWeekdays[weekday(day).c_encoding()]);
}

Screen make_idle_screen(const std::string& ward_name, WallTime now, bool online) {
    Screen s;
    s.kind = ScreenKind::kIdle;
    s.background = kIdleBackground;
    s.text = {235, 240, 250};
    s.online = online;
    s.connection = connection_line(online);
    s.ward_name = ward_name;
    s.title = "防災情報 / Disaster information";
    s.clock = format_jst_hhmm(now);
    s.date = format_jst_date(now);
    // Offline we cannot know that nothing is in force, so we do not claim it.
    s.note = online ? "現在、発表中の情報はありません / No alerts in effect"
                    : "最新の情報を受信できていません / Not receiving updates";
    return s;
}

Screen make_alert_screen(const Alert& alert, int others, WallTime now, bool online) {
    Screen s;
    s.kind = ScreenKind::kAlert;
    auto palette = alert_palette(alert);
    s.background = palette.background;
    s.text = palette.text;
    // The band is the inverse of the page: it stands out on every level colour.
    s.band_background = palette.text;
    s.band_text = palette.background;
    s.online = online;
    s.connection = connection_line(online);
    s.alert_id = alert.id;
    s.version = alert.version;
    s.band = band_label(alert);
    if (alert.status == AlertStatus::kExercise)
        s.drill_band = "訓練 EXERCISE　これは訓練です / This is an exercise";
    else if (alert.status == AlertStatus::kTest)
        s.drill_band = "試験 TEST　これは試験です / This is a test";

    auto [event_ja, event_en] = ja_and_en(alert.event_name);
    s.event_name = event_en.empty()   ? event_ja
                   : event_ja.empty() ? event_en
                                      : event_ja + " / " + event_en;
    std::tie(s.headline_ja, s.headline_en) = ja_and_en(alert.headline);
    std::tie(s.description_ja, s.description_en) = ja_and_en(alert.description);
    std::tie(s.instruction_ja, s.instruction_en) = ja_and_en(alert.instruction);

    if (alert.source.sent != WallTime{})
        s.issued = "発表 " + format_jst_minutes(alert.source.sent) + " JST";
    else if (alert.effective)
        s.issued = "発表 " + format_jst_minutes(*alert.effective) + " JST";
    s.now_line = "現在 " + format_jst_hhmm(now);
    if (others > 0)
        s.others_line = fmt::format("ほかに {} 件の情報があります / {} more alert{} in effect",
                                    others, others, others == 1 ? "" : "s");
    return s;
}

}  // namespace alerthub::player
