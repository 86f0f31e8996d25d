#include "core/protocol/alert.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "core/base/time_format.h"

namespace alerthub {
namespace {

using nlohmann::json;

template <typename E, size_t N>
struct EnumNames {
    std::array<std::pair<E, const char*>, N> names;

    const char* name(E v) const {
        for (auto& [e, n] : names)
            if (e == v) return n;
        return "unknown";
    }
    Result<E> parse(std::string_view field, std::string_view text) const {
        for (auto& [e, n] : names)
            if (text == n) return e;
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("{}: unknown value '{}'", field, text));
    }
};

constexpr EnumNames<AlertState, 4> kStates{{{{AlertState::kActive, "active"},
                                             {AlertState::kCancelled, "cancelled"},
                                             {AlertState::kExpired, "expired"},
                                             {AlertState::kLifted, "lifted"}}}};
constexpr EnumNames<AlertStatus, 3> kStatuses{{{{AlertStatus::kActual, "actual"},
                                                {AlertStatus::kExercise, "exercise"},
                                                {AlertStatus::kTest, "test"}}}};
constexpr EnumNames<MsgType, 3> kMsgTypes{
    {{{MsgType::kAlert, "alert"}, {MsgType::kUpdate, "update"}, {MsgType::kCancel, "cancel"}}}};
constexpr EnumNames<SourceKind, 4> kSourceKinds{{{{SourceKind::kJma, "jma"},
                                                  {SourceKind::kLAlert, "lalert"},
                                                  {SourceKind::kCap, "cap"},
                                                  {SourceKind::kStaff, "staff"}}}};
constexpr EnumNames<Severity, 5> kSeverities{{{{Severity::kExtreme, "extreme"},
                                               {Severity::kSevere, "severe"},
                                               {Severity::kModerate, "moderate"},
                                               {Severity::kMinor, "minor"},
                                               {Severity::kUnknown, "unknown"}}}};
constexpr EnumNames<Urgency, 5> kUrgencies{{{{Urgency::kImmediate, "immediate"},
                                             {Urgency::kExpected, "expected"},
                                             {Urgency::kFuture, "future"},
                                             {Urgency::kPast, "past"},
                                             {Urgency::kUnknown, "unknown"}}}};
constexpr EnumNames<Certainty, 5> kCertainties{{{{Certainty::kObserved, "observed"},
                                                 {Certainty::kLikely, "likely"},
                                                 {Certainty::kPossible, "possible"},
                                                 {Certainty::kUnlikely, "unlikely"},
                                                 {Certainty::kUnknown, "unknown"}}}};

json time_json(const std::optional<WallTime>& t) {
    return t ? json(format_rfc3339_jst(*t)) : json(nullptr);
}

// Decoding helpers: each failure names the field, and the first one wins.
class Reader {
public:
    explicit Reader(const json& j) : j_(j) {}

    std::string str(const char* key, bool required = true) {
        auto it = j_.find(key);
        if (it == j_.end() || it->is_null()) {
            if (required) fail(fmt::format("missing '{}'", key));
            return {};
        }
        if (!it->is_string()) {
            fail(fmt::format("'{}' must be a string", key));
            return {};
        }
        return it->get<std::string>();
    }
    std::optional<WallTime> time(const char* key, bool required = false) {
        auto s = str(key, required);
        if (s.empty()) return std::nullopt;
        auto t = parse_rfc3339(s);
        if (!t) {
            fail(fmt::format("'{}': {}", key, t.error().message));
            return std::nullopt;
        }
        return *t;
    }
    template <typename E, size_t N>
    E enumeration(const char* key, const EnumNames<E, N>& names, E fallback) {
        auto s = str(key, false);
        if (s.empty()) return fallback;
        auto v = names.parse(key, s);
        if (!v) {
            fail(v.error().message);
            return fallback;
        }
        return *v;
    }
    LocalizedText texts(const char* key) {
        LocalizedText out;
        auto it = j_.find(key);
        if (it == j_.end() || it->is_null()) return out;
        if (!it->is_object()) {
            fail(fmt::format("'{}' must be an object of language -> text", key));
            return out;
        }
        for (auto& [lang, text] : it->items()) {
            if (!text.is_string()) {
                fail(fmt::format("'{}.{}' must be a string", key, lang));
                continue;
            }
            out[lang] = text.get<std::string>();
        }
        return out;
    }
    void fail(std::string why) {
        if (error_.empty()) error_ = std::move(why);
    }
    const std::string& error() const { return error_; }

private:
    const json& j_;
    std::string error_;
};

bool valid_alert_id(std::string_view id) {
    if (id.empty() || id.size() > 200) return false;
    return std::all_of(id.begin(), id.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
    });
}

}  // namespace

std::string to_string(AlertState v) {
    return kStates.name(v);
}
std::string to_string(AlertStatus v) {
    return kStatuses.name(v);
}
std::string to_string(MsgType v) {
    return kMsgTypes.name(v);
}
std::string to_string(SourceKind v) {
    return kSourceKinds.name(v);
}
std::string to_string(Severity v) {
    return kSeverities.name(v);
}
std::string to_string(Urgency v) {
    return kUrgencies.name(v);
}
std::string to_string(Certainty v) {
    return kCertainties.name(v);
}

std::string encode_alert(const Alert& a) {
    json areas = json::array();
    for (auto& area : a.areas) {
        json item = {{"scheme", area.scheme}, {"code", area.code}, {"name", area.name}};
        // Only sources with levels per area write the key: every other alert's bytes stay
        // as they were, and older readers ignore it.
        if (area.level) item["level"] = *area.level;
        areas.push_back(std::move(item));
    }
    json polygons = json::array();
    for (auto& p : a.polygons)
        polygons.push_back({{"area_name", p.area_name}, {"points", p.points}});
    json links = json::array();
    for (auto& l : a.links) links.push_back({{"rel", l.rel}, {"url", l.url}, {"title", l.title}});

    json j = {
        {"schema", kAlertSchema},
        {"id", a.id},
        {"version", a.version},
        {"state", kStates.name(a.state)},
        {"status", kStatuses.name(a.status)},
        {"msg_type", kMsgTypes.name(a.msg_type)},
        {"source",
         {{"kind", kSourceKinds.name(a.source.kind)},
          {"sender", a.source.sender},
          {"identifier", a.source.identifier},
          {"sent", format_rfc3339_jst(a.source.sent)},
          {"sha256", a.source.sha256}}},
        {"event", {{"code", a.event_code}, {"name", a.event_name}}},
        {"category", a.category},
        {"level", a.level ? json(*a.level) : json(nullptr)},
        {"severity", kSeverities.name(a.severity)},
        {"urgency", kUrgencies.name(a.urgency)},
        {"certainty", kCertainties.name(a.certainty)},
        {"effective", time_json(a.effective)},
        {"onset", time_json(a.onset)},
        {"expires", time_json(a.expires)},
        {"headline", a.headline},
        {"description", a.description},
        {"instruction", a.instruction},
        {"areas", areas},
        {"polygons", polygons},
        {"links", links},
        {"signature", a.signature},
    };
    return j.dump();
}

Result<Alert> decode_alert(std::string_view text) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object())
        return make_error(ErrorCode::kInvalidArgument, "alert: not a JSON object");
    Reader r(j);
    if (r.str("schema") != kAlertSchema)
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("alert: schema must be '{}'", kAlertSchema));
    Alert a;
    a.id = r.str("id");
    if (!r.error().empty() || !valid_alert_id(a.id))
        return make_error(ErrorCode::kInvalidArgument, "alert: missing or invalid 'id'");
    auto version = j.find("version");
    if (version == j.end() || !version->is_number_integer() || version->get<std::int64_t>() < 1)
        return make_error(ErrorCode::kInvalidArgument, "alert: 'version' must be an integer >= 1");
    a.version = version->get<std::int64_t>();
    a.state = r.enumeration("state", kStates, AlertState::kActive);
    a.status = r.enumeration("status", kStatuses, AlertStatus::kActual);
    a.msg_type = r.enumeration("msg_type", kMsgTypes, MsgType::kAlert);

    auto src = j.find("source");
    if (src == j.end() || !src->is_object())
        return make_error(ErrorCode::kInvalidArgument, "alert: missing 'source'");
    Reader s(*src);
    a.source.kind = s.enumeration("kind", kSourceKinds, SourceKind::kCap);
    a.source.sender = s.str("sender");
    a.source.identifier = s.str("identifier");
    a.source.sent = s.time("sent", true).value_or(WallTime{});
    a.source.sha256 = s.str("sha256", false);
    if (!s.error().empty())
        return make_error(ErrorCode::kInvalidArgument, "alert: source: " + s.error());

    if (auto ev = j.find("event"); ev != j.end() && ev->is_object()) {
        Reader e(*ev);
        a.event_code = e.str("code", false);
        a.event_name = e.texts("name");
        if (!e.error().empty()) r.fail("event: " + e.error());
    }
    a.category = r.str("category", false);
    if (auto lv = j.find("level"); lv != j.end() && !lv->is_null()) {
        if (!lv->is_number_integer() || lv->get<int>() < 1 || lv->get<int>() > 5)
            r.fail("'level' must be null or an integer 1-5");
        else
            a.level = lv->get<int>();
    }
    a.severity = r.enumeration("severity", kSeverities, Severity::kUnknown);
    a.urgency = r.enumeration("urgency", kUrgencies, Urgency::kUnknown);
    a.certainty = r.enumeration("certainty", kCertainties, Certainty::kUnknown);
    a.effective = r.time("effective");
    a.onset = r.time("onset");
    a.expires = r.time("expires");
    a.headline = r.texts("headline");
    a.description = r.texts("description");
    a.instruction = r.texts("instruction");

    auto list = [&](const char* key) -> const json* {
        auto it = j.find(key);
        if (it == j.end() || it->is_null()) return nullptr;
        if (!it->is_array()) {
            r.fail(fmt::format("'{}' must be an array", key));
            return nullptr;
        }
        return &*it;
    };
    if (auto* areas = list("areas")) {
        for (auto& item : *areas) {
            if (!item.is_object()) {
                r.fail("'areas' items must be objects");
                break;
            }
            Reader ar(item);
            a.areas.push_back(
                {ar.str("scheme", false), ar.str("code", false), ar.str("name", false)});
            if (auto lv = item.find("level"); lv != item.end() && !lv->is_null()) {
                if (!lv->is_number_integer() || lv->get<int>() < 1 || lv->get<int>() > 5)
                    ar.fail("'level' must be null or an integer 1-5");
                else
                    a.areas.back().level = lv->get<int>();
            }
            if (!ar.error().empty()) r.fail("areas: " + ar.error());
        }
    }
    if (auto* polygons = list("polygons")) {
        for (auto& item : *polygons) {
            if (!item.is_object()) {
                r.fail("'polygons' items must be objects");
                break;
            }
            Reader pr(item);
            a.polygons.push_back({pr.str("area_name", false), pr.str("points")});
            if (!pr.error().empty()) r.fail("polygons: " + pr.error());
        }
    }
    if (auto* links = list("links")) {
        for (auto& item : *links) {
            if (!item.is_object()) {
                r.fail("'links' items must be objects");
                break;
            }
            Reader lr(item);
            a.links.push_back({lr.str("rel", false), lr.str("url"), lr.texts("title")});
            if (!lr.error().empty()) r.fail("links: " + lr.error());
        }
    }
    a.signature = r.str("signature", false);
    if (!r.error().empty()) return make_error(ErrorCode::kInvalidArgument, "alert: " + r.error());
    return a;
}

std::string pick_text(const LocalizedText& text,
                      std::initializer_list<std::string_view> preferred) {
    for (auto lang : preferred) {
        auto it = text.find(std::string(lang));
        if (it != text.end() && !it->second.empty()) return it->second;
    }
    for (auto& [lang, t] : text)
        if (!t.empty()) return t;
    return {};
}

int severity_rank(std::optional<int> level, Severity severity) {
    int score = 0;
    switch (severity) {
        case Severity::kExtreme:
            score = 4;
            break;
        case Severity::kSevere:
            score = 3;
            break;
        case Severity::kModerate:
            score = 2;
            break;
        case Severity::kMinor:
            score = 1;
            break;
        case Severity::kUnknown:
            score = 0;
            break;
    }
    return level.value_or(0) * 10 + score;
}

int urgency_rank(const Alert& a) {
    int urgency = 0;
    switch (a.urgency) {
        case Urgency::kImmediate:
            urgency = 3;
            break;
        case Urgency::kExpected:
            urgency = 2;
            break;
        case Urgency::kFuture:
            urgency = 1;
            break;
        default:
            urgency = 0;
            break;
    }
    return severity_rank(a.level, a.severity) * 10 + urgency;
}

}  // namespace alerthub
