#include "hub/policy/phrase_bank.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/base/time_format.h"
#include "core/config/config.h"
#include "hub/sources/jma/jmx_parser.h"

namespace alerthub::hub {
namespace {

constexpr std::string_view kJa = "ja";
constexpr std::string_view kEn = "en";
constexpr std::string_view kFallback = "fallback";  // the instruction when the class has none
constexpr std::size_t kAreasShown = 3;

// Which placeholders each kind of text may use; anything else is a typo caught at load.
// {events}: the kinds a ward reading names, in the language; {intensity}, {height},
// {arrival}, {place}: the ward reading's facts (WardReading::facts) of the same name.
const std::set<std::string> kTextFields = {"event",  "areas",   "level",  "max_intensity",
                                           "time",   "family",  "events", "intensity",
                                           "height", "arrival", "place"};
const std::set<std::string> kNameFields = {"family"};
const std::set<std::string> kPlaceFields = {"name", "romaji", "kana"};
const std::set<std::string> kMoreFields = {"areas", "count"};
// The ward's own notices ([staff]): the areas, shelters or facilities, hazard, the shelters
// sentence, and for an end the notice's name.
const std::set<std::string> kStaffFields = {"areas", "shelters", "hazard", "shelter_line",
                                            "event", "name",     "romaji", "kana"};

const std::vector<std::string> kIntensities = {"1", "2", "3", "4", "5-", "5+", "6-", "6+", "7"};
const std::vector<std::string> kFormatKeys = {
    "headline",       "headline_level", "headline_no_areas", "place",
    "list_separator", "more_areas",     "ward_headline",     "ward_lifted"};

using Fields = std::map<std::string, std::string>;

// The names inside {braces}, or an error naming the first bad one.
Result<std::vector<std::string>> placeholders(std::string_view text) {
    std::vector<std::string> out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '}') return make_error(ErrorCode::kInvalidArgument, "unmatched '}'");
        if (text[i] != '{') continue;
        auto close = text.find('}', i);
        if (close == std::string_view::npos)
            return make_error(ErrorCode::kInvalidArgument, "unmatched '{'");
        out.emplace_back(text.substr(i + 1, close - i - 1));
        i = close;
    }
    return out;
}

// Runs of spaces as one, none at either end: a placeholder with nothing to say (a tsunami
// without a height, "{areas}: {event} {height} {arrival}") leaves no gap behind.
std::string collapse_spaces(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
        out += c;
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string fill(std::string_view text, const Fields& fields) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        auto close = text[i] == '{' ? text.find('}', i) : std::string_view::npos;
        if (close == std::string_view::npos) {
            out += text[i];
            continue;
        }
        auto it = fields.find(std::string(text.substr(i + 1, close - i - 1)));
        if (it != fields.end()) out += it->second;
        i = close;
    }
    return collapse_spaces(out);
}

struct Language {
    std::string tag;
    std::string file;
    std::string written_by;
    bool reviewed = false;
    std::string reviewed_by;
    std::map<std::string, std::string> format, intensity, families, names, instructions, headlines;
    std::map<std::string, std::string> staff;  // [staff]: the ward's own notices
};

struct EventEntry {
    std::string ja;
    std::string cls;  // an instruction class, or "by_level"
};

// The type code of an event code: "VPWW53:33" -> "VPWW53".
std::string_view type_of(std::string_view event_code) {
    return event_code.substr(0, event_code.find(':'));
}

}  // namespace

struct PhraseBank::Impl {
    std::map<std::string, std::string> family_of_type;
    std::map<std::string, EventEntry> events;
    std::vector<Language> languages;

    const Language* language(std::string_view tag) const {
        for (const auto& l : languages)
            if (l.tag == tag) return &l;
        return nullptr;
    }

    // The instruction class of an entry for an alert of `level`.
    static std::string class_of(const EventEntry& e, std::optional<int> level) {
        if (e.cls != "by_level") return e.cls;
        return level ? fmt::format("level{}", *level) : std::string(kFallback);
    }

    std::vector<PhraseGap> fill_alert(Alert& a, const JmaAreaTable* places, bool cancel,
                                      const WardReading* reading) const;
};

std::string PhraseGap::describe() const {
    std::string lvl = level ? fmt::format(", level {}", *level) : "";
    if (language.empty())
        return fmt::format("event {}{}: no entry '{}' in events.toml", event_code, lvl, key);
    return fmt::format("event {}{} (key {}): no {} in {}", event_code, lvl, key, what, language);
}

PhraseBank::PhraseBank(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PhraseBank::PhraseBank(PhraseBank&&) noexcept = default;
PhraseBank& PhraseBank::operator=(PhraseBank&&) noexcept = default;
PhraseBank::~PhraseBank() = default;

std::string PhraseBank::key_of(std::string_view event_code, std::optional<int> level, bool cancel) {
    if (cancel) return "cancelled";
    if (jmx_is_all_clear(event_code)) return "lifted";
    auto type = type_of(event_code);
    auto kind = event_code.size() > type.size() ? event_code.substr(type.size() + 1) : "";
    // 気象警報 of every generation (VPWW53/54 and the level-based VPWW55-61) share one table of
    // kind codes; the level (read from the telegram) picks the instruction.
    // 気象特別警報報知 (VPNO50) names the same 特別警報 kinds.
    if ((type.starts_with("VPWW") || type == "VPNO50") && !kind.empty())
        return fmt::format("VPWW:{}", kind);
    // 津波情報 (VTSE51) carries the grades of 津波警報・注意報・予報.
    if (type == "VTSE51" && !kind.empty()) return fmt::format("VTSE41:{}", kind);
    // 指定河川洪水予報: the level says which of 氾濫注意/警戒/危険/発生 it is.
    if (type == "VXKO" && level) return fmt::format("VXKO@{}", *level);
    // 震度: the intensity is a placeholder of one phrase ("VXSE53" alone: a distant quake).
    if ((type == "VXSE51" || type == "VXSE53") && !kind.empty()) return fmt::format("{}:int", type);
    return std::string(event_code);
}

Result<PhraseBank> PhraseBank::load(const std::string& dir) {
    std::map<std::string, std::string> files;
    std::vector<std::string> names{"events.toml"};
    for (auto tag : kPhraseLanguages) names.push_back(fmt::format("{}.toml", tag));
    std::string missing;
    for (const auto& name : names) {
        auto path = std::filesystem::path(dir) / name;
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            missing += fmt::format("{}{}: cannot read", missing.empty() ? "" : "\n", path.string());
            continue;
        }
        std::stringstream buf;
        buf << in.rdbuf();
        files[path.string()] = buf.str();
    }
    if (!missing.empty()) return make_error(ErrorCode::kNotFound, missing);
    return parse(files);
}

Result<PhraseBank> PhraseBank::parse(const std::map<std::string, std::string>& files) {
    auto impl = std::make_unique<Impl>();
    std::vector<std::string> errors;
    auto file_named =
        [&](std::string_view name) -> const std::pair<const std::string, std::string>* {
        for (const auto& f : files)
            if (std::filesystem::path(f.first).filename() == name) return &f;
        return nullptr;
    };
    auto check_template = [&](ConfigReader& c, const std::string& key, const std::string& text,
                              const std::set<std::string>& allowed) {
        auto names = placeholders(text);
        if (!names) {
            c.error(key, names.error().message);
            return;
        }
        for (const auto& n : *names)
            if (!allowed.count(n)) c.error(key, fmt::format("unknown placeholder {{{}}}", n));
    };
    auto string_table = [&](ConfigReader& c, const std::string& table,
                            const std::set<std::string>* allowed) {
        std::map<std::string, std::string> out;
        for (const auto& k : c.table_keys(table)) {
            auto key = table + "." + k;
            auto v = c.get_string(key, "");
            if (v.empty()) {
                c.error(key, "must be a non-empty string");
                continue;
            }
            if (allowed) check_template(c, key, v, *allowed);
            out[k] = std::move(v);
        }
        return out;
    };

    // events.toml
    const auto* events_file = file_named("events.toml");
    if (!events_file) return make_error(ErrorCode::kInvalidArgument, "events.toml is missing");
    {
        auto c = ConfigReader::parse(events_file->second, events_file->first);
        if (!c) return c.error();
        impl->family_of_type = string_table(*c, "families", nullptr);
        for (const auto& k : c->table_keys("events")) {
            auto key = "events." + k;
            EventEntry e{c->get_string(key + ".ja", ""), c->get_string(key + ".class", "")};
            if (e.ja.empty()) c->error(key, "needs ja (the Japanese name, for the people editing)");
            if (e.cls.empty()) c->error(key, "needs class (an instruction class or by_level)");
            impl->events[k] = std::move(e);
        }
        if (impl->family_of_type.empty()) c->error("families", "must map type codes to families");
        if (impl->events.empty()) c->error("events", "must list the events");
        if (auto s = c->finish(); !s) errors.push_back(s.error().message);
    }
    std::set<std::string> families;
    for (const auto& [type, family] : impl->family_of_type) families.insert(family);

    // <language>.toml
    for (auto tag : kPhraseLanguages) {
        auto name = fmt::format("{}.toml", tag);
        const auto* file = file_named(name);
        if (!file) {
            errors.push_back(fmt::format("{} is missing", name));
            continue;
        }
        auto c = ConfigReader::parse(file->second, file->first);
        if (!c) {
            errors.push_back(c.error().message);
            continue;
        }
        Language l;
        l.tag = std::string(tag);
        l.file = file->first;
        if (c->require_string("meta.language") != tag)
            c->error("meta.language", fmt::format("must be \"{}\" (the file's name)", tag));
        l.written_by = c->require_string("meta.written_by");
        if (!c->has("meta.reviewed")) c->error("meta", "meta.reviewed (true or false) is required");
        l.reviewed = c->get_bool("meta.reviewed", false);
        l.reviewed_by = c->get_string("meta.reviewed_by", "");
        if (l.reviewed && l.reviewed_by.empty())
            c->error("meta.reviewed_by", "name who reviewed it when reviewed = true");
        c->get_string("meta.notes", "");
        l.instructions = string_table(*c, "instructions", &kTextFields);
        if (!l.instructions.count(std::string(kFallback)))
            c->error("instructions", "needs a fallback instruction");
        if (tag != kJa) {
            for (const auto& k : kFormatKeys) {
                auto key = "format." + k;
                auto v = c->require_string(key);
                const auto* allowed = k == "place"        ? &kPlaceFields
                                      : k == "more_areas" ? &kMoreFields
                                                          : &kTextFields;
                if (k != "list_separator") check_template(*c, key, v, *allowed);
                l.format[k] = v;
            }
            l.intensity = string_table(*c, "intensity", nullptr);
            for (const auto& i : kIntensities)
                if (!l.intensity.count(i))
                    c->error("intensity", fmt::format("needs intensity \"{}\"", i));
            l.families = string_table(*c, "families", nullptr);
            for (const auto& f : families)
                if (!l.families.count(f))
                    c->error("families", fmt::format("needs family \"{}\"", f));
            l.names = string_table(*c, "names", &kNameFields);
            l.headlines = string_table(*c, "headlines", &kTextFields);
            for (const auto& [k, v] : l.names)
                if (!impl->events.count(k))
                    c->error("names." + k, "is not an event of events.toml");
        }
        l.staff = string_table(*c, "staff", &kStaffFields);
        for (const auto& k : staff_phrase_keys())
            if (!l.staff.count(k)) c->error("staff", fmt::format("needs \"{}\"", k));
        for (const auto& [k, v] : l.staff) {
            const auto& keys = staff_phrase_keys();
            if (std::find(keys.begin(), keys.end(), k) == keys.end())
                c->error("staff." + k, "is not a phrase of the ward's notices");
            else if (k == "place")
                check_template(*c, "staff.place", v, kPlaceFields);
        }
        if (auto s = c->finish(); !s) errors.push_back(s.error().message);
        impl->languages.push_back(std::move(l));
    }
    // An instruction class nobody defines is a typo in events.toml. (Which levels by_level
    // events need depends on the telegrams: check() reports a missing one.)
    for (const auto& [key, e] : impl->events) {
        if (e.cls == "by_level") continue;
        bool defined = false;
        for (const auto& l : impl->languages) defined |= l.instructions.count(e.cls) > 0;
        if (!defined)
            errors.push_back(
                fmt::format("events.toml: events.{}: class '{}' has no instruction in any language",
                            key, e.cls));
    }
    if (!errors.empty()) {
        std::string all;
        for (const auto& e : errors) all += (all.empty() ? "" : "\n") + e;
        return make_error(ErrorCode::kInvalidArgument, all);
    }
    return PhraseBank(std::move(impl));
}

const std::vector<std::string>& staff_phrase_keys() {
    static const std::vector<std::string> kKeys = [] {
        std::vector<std::string> keys = {"whole_ward",         "place",
                                         "list_separator",     "hazard",
                                         "shelter_line",       "lifted_headline",
                                         "lifted_description", "lifted_instruction",
                                         "ended_headline",     "ended_description",
                                         "ended_instruction"};
        for (const auto* h : {"flood", "inland_flood", "storm_surge", "landslide", "tsunami"})
            keys.push_back(fmt::format("hazard_{}", h));
        for (const auto* t : {"evac_elderly", "evac_order", "emergency_safety", "shelter_open",
                              "stay_facility_open"})
            for (const auto* field : {"name", "headline", "description", "instruction"})
                keys.push_back(fmt::format("{}_{}", t, field));
        keys.push_back("free_name");
        return keys;
    }();
    return kKeys;
}

std::optional<std::string> PhraseBank::staff_phrase(std::string_view language,
                                                    std::string_view key) const {
    const Language* l = impl_->language(language);
    if (!l) return std::nullopt;
    auto it = l->staff.find(std::string(key));
    if (it == l->staff.end()) return std::nullopt;
    return it->second;
}

std::vector<PhraseBank::LanguageInfo> PhraseBank::languages() const {
    std::vector<LanguageInfo> out;
    for (const auto& l : impl_->languages)
        out.push_back({l.tag, l.written_by, l.reviewed, l.reviewed_by});
    return out;
}

namespace {

std::string place_name(const Language& l, const AlertArea& area, const JmaAreaTable* places) {
    const JmaArea* known = places && area.scheme == "jma" ? places->find(area.code) : nullptr;
    const auto& tmpl = l.format.at("place");
    Fields f{{"name", area.name}};
    if (known) f = {{"name", area.name}, {"romaji", known->romaji}, {"kana", known->kana}};
    // A template that needs a reading we do not have shows the Japanese name alone.
    auto needed = placeholders(tmpl);
    for (const auto& n : needed ? *needed : std::vector<std::string>{})
        if (f[n].empty()) return area.name;
    return fill(tmpl, f);
}

std::string area_list(const Language& l, const std::vector<AlertArea>& areas,
                      const JmaAreaTable* places) {
    // A place given in two schemes (a ward reading's jma and jisx0402 areas) is one place:
    // shown once, in the first form (JMA's, which has the reading).
    std::vector<const AlertArea*> distinct;
    std::set<std::string> seen;
    for (const auto& a : areas)
        if (seen.insert(a.name.empty() ? a.scheme + ":" + a.code : a.name).second)
            distinct.push_back(&a);
    std::string out;
    for (size_t i = 0; i < distinct.size() && i < kAreasShown; ++i) {
        if (i) out += l.format.at("list_separator");
        out += place_name(l, *distinct[i], places);
    }
    if (distinct.size() > kAreasShown)
        out = fill(l.format.at("more_areas"),
                   {{"areas", out}, {"count", std::to_string(distinct.size() - kAreasShown)}});
    return out;
}

// "VXSE53:5+" -> "5+".
std::string intensity_of(std::string_view event_code) {
    auto colon = event_code.find(':');
    return colon == std::string_view::npos ? "" : std::string(event_code.substr(colon + 1));
}

}  // namespace

std::vector<PhraseGap> PhraseBank::Impl::fill_alert(Alert& a, const JmaAreaTable* places,
                                                    bool cancel, const WardReading* reading) const {
    // A reading that tells the ward something (in force, or its lift) is said from the
    // ward's kinds and facts; anything else reads as the telegram did.
    if (reading && reading->verdict != WardVerdict::kInForce &&
        reading->verdict != WardVerdict::kNothingInForce)
        reading = nullptr;
    const bool ward_lift = reading && reading->verdict == WardVerdict::kNothingInForce;
    std::vector<PhraseGap> gaps;
    const std::string key = key_of(a.event_code, a.level, cancel);
    const std::string type(type_of(a.event_code));
    auto fam = family_of_type.find(type);
    const std::string family = fam == family_of_type.end() ? "" : fam->second;
    auto entry = events.find(key);
    if (entry == events.end()) gaps.push_back({a.event_code, a.level, key, "", "event"});
    const std::string cls =
        entry == events.end() ? std::string(kFallback) : class_of(entry->second, a.level);

    for (const auto& l : languages) {
        auto instruction = l.instructions.find(cls);
        const bool fallback_language = l.tag == kJa || l.tag == kEn;
        if (instruction == l.instructions.end()) {
            if (entry != events.end())
                gaps.push_back({a.event_code, a.level, key, l.tag, "instruction"});
            if (fallback_language) instruction = l.instructions.find(std::string(kFallback));
        }
        if (l.tag == kJa) {  // the name and headline are the telegram's
            if (instruction != l.instructions.end()) a.instruction[l.tag] = instruction->second;
            continue;
        }
        Fields f{{"areas", area_list(l, a.areas, places)},
                 {"level", a.level ? std::to_string(*a.level) : ""},
                 {"time", a.effective ? format_jst_hhmm(*a.effective) : ""},
                 {"family", family.empty() ? "" : l.families.at(family)}};
        auto intensity = l.intensity.find(intensity_of(a.event_code));
        f["max_intensity"] = intensity == l.intensity.end() ? "" : intensity->second;
        std::string ward_events;
        bool events_missing = false;
        if (reading) {
            // Facts fill the placeholders of their name; an intensity in the language's words.
            for (const auto& [name, value] : reading->facts) {
                auto local = name == "intensity" ? l.intensity.find(value) : l.intensity.end();
                f[name] = local == l.intensity.end() ? value : local->second;
            }
            // The place the facts are for (東京湾内湾, 東京都２３区), with its reading.
            if (auto place = reading->facts.find("place"); place != reading->facts.end())
                f["place"] = place_name(l, {"jma", reading->place_code, place->second}, places);
            std::vector<std::string> kind_names;
            for (const auto& code : reading->kinds) {
                const auto kind_key = key_of(code, a.level, false);
                auto kind_name = l.names.find(kind_key);
                if (kind_name == l.names.end()) {
                    gaps.push_back({code, a.level, kind_key, l.tag, "name"});
                    events_missing = true;
                    continue;
                }
                kind_names.push_back(fill(kind_name->second, f));
            }
            for (const auto& n : kind_names)
                ward_events += (ward_events.empty() ? "" : l.format.at("list_separator")) + n;
            if (ward_events.empty()) ward_events = f["family"];
            f["events"] = ward_events;
        }

        auto name = entry == events.end() ? l.names.end() : l.names.find(key);
        std::string event_name;
        if (reading && !ward_lift && !events_missing && !ward_events.empty()) {
            event_name = ward_events;
        } else if (name != l.names.end()) {
            event_name = fill(name->second, f);
        } else {
            if (entry != events.end()) gaps.push_back({a.event_code, a.level, key, l.tag, "name"});
            if (!fallback_language) continue;  // never half a phrase: the channels fall back
            event_name = f["family"].empty() ? a.event_name[std::string(kEn)] : f["family"];
            instruction = l.instructions.find(std::string(kFallback));
        }
        f["event"] = event_name;
        // A class's headline for a ward reading ("ward_quake": the ward's intensity) before
        // its telegram-wide one ("quake": the telegram's maximum).
        auto headline = reading ? l.headlines.find("ward_" + cls) : l.headlines.end();
        if (headline == l.headlines.end()) headline = l.headlines.find(cls);
        std::string tmpl = headline != l.headlines.end() ? headline->second
                           : reading && !events_missing
                               ? l.format.at(ward_lift ? "ward_lifted" : "ward_headline")
                           : a.areas.empty() ? l.format.at("headline_no_areas")
                           : a.level         ? l.format.at("headline_level")
                                             : l.format.at("headline");
        a.event_name[l.tag] = event_name;
        a.headline[l.tag] = fill(tmpl, f);
        if (instruction != l.instructions.end())
            a.instruction[l.tag] = fill(instruction->second, f);
        else
            a.instruction.erase(l.tag);
    }
    return gaps;
}

std::vector<PhraseGap> PhraseBank::apply(Alert& alert, const JmaAreaTable* places,
                                         const WardReading* reading) const {
    if (alert.source.kind != SourceKind::kJma) return {};
    return impl_->fill_alert(alert, places, alert.msg_type == MsgType::kCancel, reading);
}

std::vector<KnownEvent> jmx_known_events() {
    std::vector<KnownEvent> out;
    for (auto& e : jmx_event_codes()) out.push_back({std::move(e.code), e.level, false});
    for (auto& type : jmx_type_codes()) out.push_back({std::move(type), std::nullopt, true});
    return out;
}

std::vector<PhraseGap> PhraseBank::check(const std::vector<KnownEvent>& events) const {
    std::vector<PhraseGap> gaps;
    for (const auto& e : events) {
        Alert a;
        a.source.kind = SourceKind::kJma;
        a.event_code = e.event_code;
        a.level = e.level;
        a.event_name["en"] = e.event_code;
        auto g = impl_->fill_alert(a, nullptr, e.cancel, nullptr);
        gaps.insert(gaps.end(), g.begin(), g.end());
    }
    return gaps;
}

}  // namespace alerthub::hub
