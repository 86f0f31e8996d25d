#include "core/protocol/content_manifest.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <set>

#include "core/base/time_format.h"

namespace alerthub {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 7> kDayNames = {"sun", "mon", "tue", "wed",
                                                       "thu", "fri", "sat"};
constexpr std::int64_t kMaxDurationS = 3600;

struct JstMoment {
    int weekday = 0;  // 0 = Sunday
    int minute = 0;   // of the day
};

JstMoment jst_moment(WallTime t) {
    using namespace std::chrono;
    auto local = t + hours(9);
    auto day = floor<days>(local);
    return {static_cast<int>(weekday(day).c_encoding()),
            static_cast<int>(duration_cast<minutes>(local - day).count())};
}

// json::value() throws when the key holds another type; hostile input must not.
std::string string_field(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool on_day(std::uint8_t days, int weekday) {
    return (days >> weekday) & 1;
}

// "08:30" -> 510; "24:00" is accepted as the end of a day.
std::optional<int> parse_hhmm(const json& j) {
    if (!j.is_string()) return std::nullopt;
    auto s = j.get<std::string>();
    if (s.size() != 5 || s[2] != ':') return std::nullopt;
    for (size_t i : {0, 1, 3, 4})
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    int h = (s[0] - '0') * 10 + (s[1] - '0');
    int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
    return h * 60 + m;
}

std::string format_hhmm(int minute) {
    return fmt::format("{:02}:{:02}", minute / 60, minute % 60);
}

bool valid_item_id(std::string_view id) {
    if (id.empty() || id.size() > 100) return false;
    for (char c : id) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == ':' || c == '-';
        if (!ok) return false;
    }
    return true;
}

bool valid_sha256(std::string_view hex) {
    if (hex.size() != 64) return false;
    for (char c : hex)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

Result<LocalizedText> localized(const json& item, const char* key) {
    LocalizedText out;
    auto it = item.find(key);
    if (it == item.end() || it->is_null()) return out;
    if (!it->is_object())
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("'{}' must be an object of language -> text", key));
    for (auto& [lang, text] : it->items()) {
        if (!text.is_string())
            return make_error(ErrorCode::kInvalidArgument,
                              fmt::format("'{}.{}' must be a string", key, lang));
        out[lang] = text.get<std::string>();
    }
    return out;
}

Result<std::optional<WallTime>> optional_time(const json& item, const char* key) {
    auto it = item.find(key);
    if (it == item.end() || it->is_null()) return std::optional<WallTime>();
    auto t = it->is_string() ? parse_rfc3339(it->get<std::string>())
                             : Result<WallTime>(make_error(ErrorCode::kInvalidArgument, ""));
    if (!t)
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("'{}' must be an RFC 3339 time", key));
    return std::optional<WallTime>(*t);
}

Result<ScheduleWindow> decode_window(const json& w) {
    auto bad = [](std::string why) { return make_error(ErrorCode::kInvalidArgument, why); };
    if (!w.is_object()) return bad("a schedule window must be an object");
    ScheduleWindow out;
    if (auto days = w.find("days"); days != w.end() && !days->is_null()) {
        if (!days->is_array() || days->empty())
            return bad("'days' must be a non-empty array of sun..sat");
        out.days = 0;
        for (auto& d : *days) {
            auto name = d.is_string() ? d.get<std::string>() : std::string();
            auto pos = std::find(kDayNames.begin(), kDayNames.end(), name);
            if (pos == kDayNames.end()) return bad("'days' must name days as sun..sat");
            out.days |= static_cast<std::uint8_t>(1u << (pos - kDayNames.begin()));
        }
    }
    int from = w.contains("from") ? parse_hhmm(w["from"]).value_or(-1) : -1;
    int to = w.contains("to") ? parse_hhmm(w["to"]).value_or(-1) : -1;
    if (from < 0 || to < 0 || from == 24 * 60)
        return bad("'from' and 'to' must be \"HH:MM\" (JST)");
    out.from_minute = from;
    out.to_minute = to % (24 * 60);
    return out;
}

Result<PlaylistItem> decode_item(const json& j) {
    auto bad = [](std::string why) { return make_error(ErrorCode::kInvalidArgument, why); };
    PlaylistItem item;
    item.id = string_field(j, "id");
    if (!valid_item_id(item.id)) return bad("'id' must match [A-Za-z0-9._:-]{1,100}");
    std::string type = string_field(j, "type");
    if (type == "image") {
        item.type = ContentType::kImage;
        item.url = string_field(j, "url");
        if (!item.url.starts_with("http://") && !item.url.starts_with("https://"))
            return bad("an image needs an http:// or https:// 'url'");
        item.sha256 = string_field(j, "sha256");
        if (!valid_sha256(item.sha256))
            return bad("an image needs 'sha256': 64 lower-case hex digits");
    } else if (type == "text") {
        item.type = ContentType::kText;
    } else {
        return bad("'type' must be \"image\" or \"text\"");
    }
    auto title = localized(j, "title");
    if (!title) return title.error();
    item.title = std::move(*title);
    auto body = localized(j, "body");
    if (!body) return body.error();
    item.body = std::move(*body);
    if (item.type == ContentType::kText && item.title.empty() && item.body.empty())
        return bad("a text slide needs a 'title' or a 'body'");
    if (auto d = j.find("duration_s"); d != j.end() && !d->is_null()) {
        if (!d->is_number_integer() || d->get<std::int64_t>() < 1 ||
            d->get<std::int64_t>() > kMaxDurationS)
            return bad(fmt::format("'duration_s' must be an integer 1 .. {}", kMaxDurationS));
        item.duration = std::chrono::seconds(d->get<std::int64_t>());
    }
    if (auto s = j.find("schedule"); s != j.end() && !s->is_null()) {
        if (!s->is_array()) return bad("'schedule' must be an array of windows");
        for (auto& w : *s) {
            auto window = decode_window(w);
            if (!window) return window.error();
            item.schedule.push_back(*window);
        }
    }
    auto from = optional_time(j, "valid_from");
    if (!from) return from.error();
    auto until = optional_time(j, "valid_until");
    if (!until) return until.error();
    item.valid_from = *from;
    item.valid_until = *until;
    return item;
}

json encode_localized(const LocalizedText& text) {
    json out = json::object();
    for (auto& [lang, value] : text) out[lang] = value;
    return out;
}

}  // namespace

bool window_contains(const ScheduleWindow& w, WallTime t) {
    auto now = jst_moment(t);
    if (w.from_minute < w.to_minute)
        return on_day(w.days, now.weekday) && now.minute >= w.from_minute &&
               now.minute < w.to_minute;
    // Past midnight: the evening part on the start day, the morning part on the next.
    int yesterday = (now.weekday + 6) % 7;
    return (on_day(w.days, now.weekday) && now.minute >= w.from_minute) ||
           (on_day(w.days, yesterday) && now.minute < w.to_minute);
}

bool is_scheduled(const PlaylistItem& item, WallTime t) {
    if (item.valid_from && t < *item.valid_from) return false;
    if (item.valid_until && t >= *item.valid_until) return false;
    if (item.schedule.empty()) return true;
    for (auto& w : item.schedule)
        if (window_contains(w, t)) return true;
    return false;
}

std::string encode_content_manifest(const ContentManifest& m) {
    json items = json::array();
    for (auto& item : m.items) {
        json j = {{"id", item.id},
                  {"type", item.type == ContentType::kImage ? "image" : "text"},
                  {"duration_s", item.duration.count()}};
        if (item.type == ContentType::kImage) {
            j["url"] = item.url;
            j["sha256"] = item.sha256;
        }
        if (!item.title.empty()) j["title"] = encode_localized(item.title);
        if (!item.body.empty()) j["body"] = encode_localized(item.body);
        if (!item.schedule.empty()) {
            json windows = json::array();
            for (auto& w : item.schedule) {
                json days = json::array();
                for (int d = 0; d < 7; ++d)
                    if (on_day(w.days, d)) days.push_back(kDayNames[d]);
                windows.push_back({{"days", days},
                                   {"from", format_hhmm(w.from_minute)},
                                   {"to", format_hhmm(w.to_minute)}});
            }
            j["schedule"] = windows;
        }
        if (item.valid_from) j["valid_from"] = format_rfc3339_jst(*item.valid_from);
        if (item.valid_until) j["valid_until"] = format_rfc3339_jst(*item.valid_until);
        items.push_back(std::move(j));
    }
    json j = {{"schema", kContentSchema},
              {"group", m.group},
              {"version", m.version},
              {"items", std::move(items)}};
    return j.dump();
}

Result<ContentManifest> decode_content_manifest(std::string_view text) {
    auto bad = [](std::string why) {
        return make_error(ErrorCode::kInvalidArgument, fmt::format("{}: {}", kContentSchema, why));
    };
    if (text.size() > kMaxManifestBytes)
        return bad(fmt::format("larger than {} bytes", kMaxManifestBytes));
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
    if (string_field(j, "schema") != kContentSchema) return bad("wrong or missing schema tag");
    ContentManifest m;
    auto group = j.find("group");
    if (group == j.end() || !group->is_string()) return bad("'group' must be a string");
    m.group = group->get<std::string>();
    auto version = j.find("version");
    if (version == j.end() || !version->is_number_integer() || version->get<std::int64_t>() < 0)
        return bad("'version' must be a non-negative integer");
    m.version = version->get<std::int64_t>();
    auto items = j.find("items");
    if (items == j.end() || !items->is_array()) return bad("'items' must be an array");
    if (items->size() > kMaxManifestItems)
        return bad(fmt::format("more than {} items", kMaxManifestItems));
    std::set<std::string> ids;
    int position = 0;
    for (auto& entry : *items) {
        ++position;
        std::string given = entry.is_object() ? string_field(entry, "id") : "";
        // Only a well-formed id goes into logs and the status as given.
        if (!valid_item_id(given)) given = fmt::format("#{}", position);
        if (!entry.is_object()) {
            m.rejected.push_back({given, "an item must be an object"});
            continue;
        }
        auto item = decode_item(entry);
        if (!item) {
            m.rejected.push_back({given, item.error().message});
        } else if (!ids.insert(item->id).second) {
            m.rejected.push_back({given, "the same 'id' appears twice"});
        } else {
            m.items.push_back(std::move(*item));
        }
    }
    return m;
}

}  // namespace alerthub
