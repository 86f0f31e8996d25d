#include "signage_player/screen.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <set>

#include "core/base/time_format.h"
#include "core/base/utf8.h"
#include "core/protocol/alert_text.h"
#include "core/protocol/site_link.h"

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
    text.resize(utf8_prefix(text, kMaxTextBytes).size());
    return text + "…";
}

std::string text_in(const LocalizedText& text, std::string_view lang) {
    return capped(text_in_language(text, lang));
}

// One field in `lang`. A field the alert lacks in that language is shown in Japanese, else
// English, else whatever it has: an instruction in another language beats none. We never
// translate at display time.
std::string field_in(const LocalizedText& text, std::string_view lang) {
    std::string exact = text_in(text, lang);
    if (!exact.empty()) return exact;
    if (lang == "ja-x-easy") {
        if (auto ja = text_in(text, "ja"); !ja.empty()) return ja;
    }
    return capped(pick_text(text, {"ja", "en"}));
}

bool has_language(const Alert& a, const std::string& lang) {
    for (const LocalizedText* t : {&a.headline, &a.instruction, &a.event_name, &a.description}) {
        auto it = t->find(lang);
        if (it != t->end() && !it->second.empty()) return true;
    }
    return false;
}

std::string japanese_part(const std::string& bilingual) {
    return bilingual.substr(0, bilingual.find(" / "));
}

// How the list of other alerts names an alert, and in which language: its event name in
// Japanese, else English, else any; else its headline in the same order.
struct ListedName {
    std::string language;
    std::string text;
};
ListedName listed_name(const Alert& a) {
    for (const LocalizedText* t : {&a.event_name, &a.headline}) {
        for (std::string_view lang : {"ja", "en"})
            if (auto text = text_in_language(*t, lang); !text.empty())
                return {std::string(lang), text};
        for (const auto& [lang, text] : *t)
            if (!text.empty()) return {lang, text};
    }
    return {"ja", ""};
}

// One line per further alert: "警戒レベル3 高齢者等避難", drills marked, and a replay marked as
// its headlines are, in the name's language (【再送】, [REPLAY], [재전송]): the name alone would
// pass it off as news. A staff notice's band already is its name ("一時滞在施設開設"): not said
// twice.
std::string other_alert_line(const Alert& a) {
    auto [lang, name] = listed_name(a);
    const std::string mark = replay_mark(lang);
    std::string line;
    if (a.status == AlertStatus::kExercise) line = "［訓練］";
    if (a.status == AlertStatus::kTest) line = "［試験］";
    if (is_marked_replay(a)) line += mark;
    const std::string band = japanese_part(band_label(a));
    line += band;
    if (name.starts_with(mark)) name.erase(0, mark.size());
    if (!name.empty() && name != band) line += " " + capped(name);
    return line;
}

std::string link_title(const AlertLink& link) {
    std::string ja = text_in_language(link.title, "ja");
    std::string en = text_in_language(link.title, "en");
    if (!ja.empty() && !en.empty() && ja != en) return ja + " / " + en;
    if (!ja.empty() || !en.empty()) return ja.empty() ? en : ja;
    if (link.rel == "shelter_map") return "避難所マップ / Shelter map";
    if (link.rel == "stay_facility") return "一時滞在施設 / Temporary stay facilities";
    return "詳しい情報 / More information";
}

// Where the rest of a description cut on screen can be read: the alert's link, shown as
// the QR code. In the page's language where we have the sentence, else Japanese and English.
std::string full_text_note(std::string_view lang) {
    static constexpr std::pair<std::string_view, std::string_view> kNotes[] = {
        {"ja", "（続きはQRコードのリンク先でご覧ください）"},
        {"ja-x-easy", "（つづきは QRコードで みてください）"},
        {"en", "(Full text: scan the QR code)"},
        {"zh-Hans", "（全文请扫描二维码查看）"},
        {"zh-Hant", "（全文請掃描QR碼查看）"},
        {"ko", "(전문은 QR 코드에서 확인하세요)"},
    };
    for (auto& [tag, note] : kNotes)
        if (tag == lang) return std::string(note);
    return "（続きはQRコード / Full text: QR code）";
}

bool is_http_url(const std::string& url) {
    return url.starts_with("https://") || url.starts_with("http://");
}

}  // namespace

double relative_luminance(Colour c) {
    auto linear = [](std::uint8_t v) {
        double s = v / 255.0;
        return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b);
}

double contrast_ratio(Colour a, Colour b) {
    double la = relative_luminance(a);
    double lb = relative_luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

Palette alert_palette(const Alert& alert) {
    const AlertColours c = alert_colours(alert);
    auto colour = [](Rgb v) { return Colour{v.r, v.g, v.b}; };
    return {colour(c.background), colour(c.text)};
}

AlertLayout alert_layout(const Alert& alert) {
    if (alert.severity == Severity::kExtreme) return AlertLayout::kTakeover;
    if (alert.level) {
        if (*alert.level >= 4) return AlertLayout::kTakeover;
        return *alert.level == 3 ? AlertLayout::kLShape : AlertLayout::kBanner;
    }
    switch (alert.severity) {
        case Severity::kSevere:
            return AlertLayout::kTakeover;
        case Severity::kModerate:
            return AlertLayout::kLShape;
        default:
            return AlertLayout::kBanner;
    }
}

std::string band_label(const Alert& alert) {
    if (alert.level) return fmt::format("警戒レベル{} / Level {}", *alert.level, *alert.level);
    // The ward's own notices without a 警戒レベル (避難所開設, 一時滞在施設開設, お知らせ) are
    // named for what they are: JMA's severity words (注意報 / ADVISORY) would misname them.
    if (alert.source.kind == SourceKind::kStaff || alert.event_code.starts_with("alerthub:")) {
        const std::string ja = text_in_language(alert.event_name, "ja");
        const std::string en = text_in_language(alert.event_name, "en");
        if (!ja.empty()) return en.empty() ? ja : ja + " / " + en;
    }
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

std::vector<std::string> rotation_languages(const Alert& alert,
                                            const std::vector<std::string>& preferred) {
    std::vector<std::string> out;
    for (auto& lang : preferred)
        if (has_language(alert, lang) && std::find(out.begin(), out.end(), lang) == out.end())
            out.push_back(lang);
    std::set<std::string> rest;  // the alert's other languages, in tag order
    for (const LocalizedText* t :
         {&alert.headline, &alert.instruction, &alert.event_name, &alert.description})
        for (auto& [lang, text] : *t)
            if (!text.empty() && std::find(out.begin(), out.end(), lang) == out.end())
                rest.insert(lang);
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
}

std::size_t rotation_index(WallTime started, WallTime now, std::chrono::seconds period,
                           std::size_t count) {
    if (count == 0 || now <= started) return 0;
    auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - started).count();
    auto step = std::max<std::int64_t>(1, period.count());
    return static_cast<std::size_t>(elapsed / step) % count;
}

std::string shown_content(const Alert& alert) {
    // Unit and record separators cannot occur in the texts' meaning; they keep fields apart.
    std::string out = fmt::format("{}\x1f{}\x1f{}\x1f{}", alert.level.value_or(0),
                                  static_cast<int>(alert.severity), static_cast<int>(alert.status),
                                  static_cast<int>(alert.state));
    for (const LocalizedText* t :
         {&alert.event_name, &alert.headline, &alert.description, &alert.instruction}) {
        out += '\x1e';
        for (auto& [lang, text] : *t) out += lang + '\x1f' + text + '\x1f';
    }
    for (auto& link : alert.links) {
        out += '\x1e' + link.rel + '\x1f' + link.url;
        for (auto& [lang, text] : link.title) out += '\x1f' + lang + '\x1f' + text;
    }
    return out;
}

void LanguageRotation::follow(const Alert& alert, WallTime now) {
    std::string content = shown_content(alert);
    if (alert.id == alert_id && content == shown) return;
    alert_id = alert.id;
    shown = std::move(content);
    started = now;
}

const AlertLink* qr_link(const Alert& alert) {
    for (std::string_view rel : {kSiteLinkRel, std::string_view("shelter_map"),
                                 std::string_view("stay_facility"), std::string_view("")}) {
        for (auto& link : alert.links)
            if (is_http_url(link.url) && (rel.empty() || link.rel == rel)) return &link;
    }
    return nullptr;
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

Screen make_idle_screen(const std::string& ward_name, WallTime now, bool online,
                        const ContentItem* content) {
    Screen s;
    s.kind = ScreenKind::kIdle;
    s.background = kIdleBackground;
    s.text = kIdleText;
    s.online = online;
    s.connection = connection_line(online);
    if (content) s.content = *content;
    s.ward_name = ward_name;
    s.title = "防災情報 / Disaster information";
    s.clock = format_jst_hhmm(now);
    s.date = format_jst_date(now);
    // Offline we cannot know that nothing is in force, so we do not claim it.
    s.note = online ? "現在、発表中の情報はありません / No alerts in effect"
                    : "最新の情報を受信できていません / Not receiving updates";
    return s;
}

Screen make_alert_screen(const Alert& alert, const std::vector<const Alert*>& others, WallTime now,
                         bool online, const ScreenOptions& options, const ContentItem* content) {
    // The content area and clock panel of L-shape and banner come from the idle screen.
    Screen s = make_idle_screen("", now, online, content);
    s.kind = ScreenKind::kAlert;
    s.layout = alert_layout(alert);
    auto palette = alert_palette(alert);
    s.background = palette.background;
    s.text = palette.text;
    // The band is the inverse of the page: it stands out on every level colour.
    s.band_background = palette.text;
    s.band_text = palette.background;
    s.alert_id = alert.id;
    s.version = alert.version;
    s.band = band_label(alert);
    if (alert.level) s.level = std::to_string(*alert.level);
    auto languages = rotation_languages(alert, options.languages);
    s.language = "ja";
    if (!languages.empty()) {
        auto index = rotation_index(options.rotation_started, now, options.language_period,
                                    languages.size());
        s.language = languages[index];
        if (languages.size() > 1)
            s.language_label =
                fmt::format("{} {}/{}", language_name(s.language), index + 1, languages.size());
    }
    if (alert.status == AlertStatus::kExercise || alert.status == AlertStatus::kTest) {
        // Japanese and English always, and the page's own language when it is another: a
        // Korean page of a drill says so in Korean.
        const bool exercise = alert.status == AlertStatus::kExercise;
        s.drill_mark = exercise ? "訓練 EXERCISE" : "試験 TEST";
        s.drill_band =
            s.drill_mark + "　" + drill_notice(alert, "ja") + " / " + drill_notice(alert, "en");
        if (s.language != "ja" && s.language != "en")
            s.drill_band += " / " + drill_notice(alert, s.language);
    }
    s.event_name = field_in(alert.event_name, s.language);
    s.headline = field_in(alert.headline, s.language);
    // An update says so on screens too, in the page's language (a console notice's headlines
    // already open with the same mark): the reader looks again at what changed.
    if (alert.msg_type == MsgType::kUpdate && !s.headline.starts_with(update_mark(s.language)))
        s.headline = update_mark(s.language) + s.headline;
    // The body only in the page's own language: a Japanese telegram body on the English
    // page says nothing to its reader and pushes out what does.
    s.description = text_in(alert.description, s.language);
    s.instruction = field_in(alert.instruction, s.language);

    if (alert.source.sent != WallTime{})
        s.issued = "発表 " + format_jst_minutes(alert.source.sent) + " JST";
    else if (alert.effective)
        s.issued = "発表 " + format_jst_minutes(*alert.effective) + " JST";
    s.now_line = "現在 " + format_jst_hhmm(now);
    if (!others.empty()) {
        auto n = others.size();
        s.others_line = fmt::format("ほかに {} 件の情報があります / {} more alert{} in effect", n,
                                    n, n == 1 ? "" : "s");
        for (std::size_t i = 0; i < n && i < kMaxOthersListed; ++i)
            s.others.push_back(other_alert_line(*others[i]));
        if (n > kMaxOthersListed)
            s.others.push_back(
                fmt::format("ほか {} 件 / {} more", n - kMaxOthersListed, n - kMaxOthersListed));
    }
    if (const AlertLink* link = qr_link(alert)) {
        // The site's page for where this screen stands lists the facilities nearest to it.
        const std::string url = link->rel == kSiteLinkRel && !options.location.empty()
                                    ? site_location_url(*link, options.location)
                                    : link->url;
        s.link_url = capped(url);
        s.link_title = link_title(*link);
        if (auto qr = encode_qr(url)) s.qr = std::move(*qr);
        s.description_more = full_text_note(s.language);
    }
    return s;
}

}  // namespace alerthub::player
