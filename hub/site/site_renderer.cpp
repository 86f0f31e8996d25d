#include "hub/site/site_renderer.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <set>
#include <sstream>

#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "core/base/tsv.h"
#include "core/protocol/alert_look.h"
#include "core/protocol/alert_text.h"
#include "core/protocol/site_link.h"
#include "hub/output/atom_writer.h"
#include "hub/output/cap_writer.h"
#include "hub/site/gzip.h"

namespace alerthub::hub::site {
namespace {

namespace fs = std::filesystem;
namespace mu = kainjow::mustache;

// The pages' templates and the partials they share; each must exist in the folder.
constexpr std::array<std::string_view, 6> kTemplateNames = {"alert", "index", "facilities",
                                                            "head",  "foot",  "facility_list"};
// How many suitable facilities an alert page lists before "all facilities".
constexpr std::size_t kFacilitiesOnAlertPage = 12;
// The languages whose words labels.tsv has; others read the English ones.
constexpr std::array<std::string_view, 3> kLabelLanguages = {"ja", "ja-x-easy", "en"};

Result<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::kNotFound, fmt::format("{}: cannot open", path.string()));
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Data lines of a tab-separated file with a fixed header ('#' comments, blank lines skipped).
Result<std::vector<std::pair<int, std::vector<std::string>>>> read_table(
    const std::string& path, const std::vector<std::string>& header) {
    auto text = read_file(path);
    if (!text) return text.error();
    std::vector<std::pair<int, std::vector<std::string>>> rows;
    bool header_seen = false;
    std::string problems;
    for (const auto& row : tsv_rows(*text)) {
        const int number = row.line;
        std::vector<std::string> cols(row.fields.begin(), row.fields.end());
        if (!header_seen) {
            std::string expected;
            for (const auto& h : header) expected += (expected.empty() ? "" : " ") + h;
            if (cols != header)
                return make_error(ErrorCode::kInvalidArgument,
                                  fmt::format("{}:{}: the header must be the tab-separated "
                                              "columns: {}",
                                              path, number, expected));
            header_seen = true;
            continue;
        }
        if (cols.size() != header.size()) {
            problems +=
                fmt::format("{}{}:{}: {} columns, expected {}", problems.empty() ? "" : "\n", path,
                            number, cols.size(), header.size());
            continue;
        }
        rows.emplace_back(number, std::move(cols));
    }
    if (!header_seen) return make_error(ErrorCode::kInvalidArgument, path + ": no header line");
    if (!problems.empty()) return make_error(ErrorCode::kInvalidArgument, problems);
    return rows;
}

std::optional<double> to_double(const std::string& s) {
    double v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

// ---- what the templates see ----

struct Colours {
    std::string background;
    std::string text;
};

// The screens' palette (core/protocol/alert_look.h), as CSS.
Colours colours_of(const Alert& a) {
    const AlertColours c = alert_colours(a);
    return {css_colour(c.background), css_colour(c.text)};
}

// Japanese first, then やさしい日本語 and English, then the rest in tag order.
std::vector<std::string> languages_of(const Alert& a) {
    std::set<std::string> tags;
    for (const LocalizedText* t : {&a.headline, &a.event_name, &a.instruction, &a.description})
        for (const auto& [lang, text] : *t)
            if (!text.empty()) tags.insert(lang);
    std::vector<std::string> out;
    for (std::string_view first : {"ja", "ja-x-easy", "en"})
        if (tags.erase(std::string(first))) out.emplace_back(first);
    out.insert(out.end(), tags.begin(), tags.end());
    if (out.empty()) out.emplace_back("ja");
    return out;
}

// The text in `lang`, else English, else Japanese, with the language it is really in.
struct InLanguage {
    std::string text;
    std::string lang;
};
InLanguage in_language(const LocalizedText& text, const std::string& lang) {
    for (const std::string& l : {lang, std::string("en"), std::string("ja")})
        if (auto t = text_in_language(text, l); !t.empty()) return {t, l};
    if (!text.empty()) return {text.begin()->second, text.begin()->first};
    return {"", lang};
}

// A page's file name in its alert's folder: "index.html" / "index.en.html" and
// "<location>.html" / "<location>.en.html".
std::string page_name(std::string_view stem, std::string_view lang) {
    return lang == "ja" ? fmt::format("{}.html", stem) : fmt::format("{}.{}.html", stem, lang);
}

std::string facilities_page(std::string_view hazard_key_or_empty) {
    return hazard_key_or_empty.empty() ? "facilities.html"
                                       : fmt::format("facilities-{}.html", hazard_key_or_empty);
}

// An alert that says nothing more about its end is expired once past its expiry.
AlertState effective_state(const Alert& a, WallTime now) {
    if (a.state == AlertState::kActive && a.expires && *a.expires <= now)
        return AlertState::kExpired;
    return a.state;
}

std::string jst(std::optional<WallTime> t) {
    return t ? format_jst_minutes(*t) + " JST" : std::string();
}

std::string distance_text(double metres) {
    if (metres < 1000) return fmt::format("{} m", static_cast<int>(metres / 10 + 0.5) * 10);
    return fmt::format("{:.1f} km", metres / 1000);
}

mu::data paragraphs(const std::string& text) {
    mu::data list{mu::data::type::list};
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) list << mu::data("text", line);
    return list;
}

class PageBuilder {
public:
    PageBuilder(const SiteTemplates& templates, const SiteInput& input)
        : templates_(templates), input_(input) {
        for (const auto& name : kTemplateNames)
            compiled_.emplace(std::string(name),
                              mu::mustache(templates.templates.at(std::string(name))));
    }

    // The words of the pages in `lang` (English where labels.tsv has none).
    mu::data labels(const std::string& lang) const {
        mu::data t;
        for (const auto& [key, by_lang] : templates_.labels) {
            auto it = by_lang.find(lang);
            if (it == by_lang.end() || it->second.empty()) it = by_lang.find("en");
            t.set(key, it == by_lang.end() ? key : it->second);
        }
        return t;
    }

    mu::data base(const std::string& lang, const std::string& root,
                  const std::string& title) const {
        mu::data d;
        d.set("lang", lang);
        d.set("root", root);
        d.set("title", title);
        d.set("ward_name", input_.ward_name);
        d.set("t", labels(lang));
        d.set("attribution", input_.facilities ? input_.facilities->attribution : "");
        d.set("generated", format_jst_minutes(input_.now) + " JST");
        for (const auto& name : {"head", "foot", "facility_list"}) {
            const std::string& text = templates_.templates.at(name);
            d.set(name, mu::partial([&text] { return text; }));
        }
        return d;
    }

    Result<std::string> render(const std::string& name, const mu::data& d) {
        auto& m = compiled_.at(name);
        std::string out = m.render(d);
        if (!m.error_message().empty())
            return make_error(ErrorCode::kInvalidArgument,
                              fmt::format("template {}: {}", name, m.error_message()));
        return out;
    }

    std::string state_label(const std::string& lang, const std::optional<FacilityStatus>& s) const {
        const char* key = !s                                 ? "status_unknown"
                          : s->state == FacilityState::kOpen ? "status_open"
                          : s->state == FacilityState::kFull ? "status_full"
                                                             : "status_closed";
        return label(key, lang);
    }

    std::string label(const std::string& key, const std::string& lang) const {
        auto it = templates_.labels.find(key);
        if (it == templates_.labels.end()) return key;
        auto l = it->second.find(lang);
        if (l == it->second.end() || l->second.empty()) l = it->second.find("en");
        return l == it->second.end() ? key : l->second;
    }

    mu::data facility_item(const Suitable& s, const std::string& lang) const {
        const Facility& f = *s.facility;
        mu::data d;
        const bool english = lang != "ja" && lang != "ja-x-easy";
        d.set("name", english && !f.name_en.empty() ? f.name_en : f.name);
        if (english && !f.name_en.empty())
            d.set("name_lang", "en");
        else
            d.set("name_lang", "ja");
        d.set("address", f.address);
        d.set("map_url", gsi_map_url(f.lat, f.lon));
        d.set("kind", std::string(facility_kind_key(f.kind)));
        d.set("kind_label", label(fmt::format("kind_{}", facility_kind_key(f.kind)), lang));
        if (s.distance_m) d.set("distance", distance_text(*s.distance_m));
        std::optional<FacilityStatus> status;
        if (auto it = input_.status.find(f.id); it != input_.status.end()) status = it->second;
        d.set("status", status ? std::string(facility_state_key(status->state)) : "unknown");
        d.set("status_label", state_label(lang, status));
        if (status) {
            d.set("status_updated", format_jst_hhmm(status->updated));
            if (status->taken_in > 0) d.set("taken_in", std::to_string(status->taken_in));
        }
        if (f.capacity > 0) d.set("capacity", std::to_string(f.capacity));
        if (f.welfare) d.set("welfare", true);
        std::string hazards;
        for (Hazard h : f.hazards)
            hazards += (hazards.empty() ? "" : "・") +
                       label(fmt::format("hazard_{}", hazard_key(h)), lang);
        if (!hazards.empty()) d.set("hazards", hazards);
        if (!f.note.empty()) d.set("note", f.note);
        return d;
    }

    mu::data facility_list(const std::vector<Suitable>& list, const std::string& lang,
                           std::size_t limit) const {
        mu::data items{mu::data::type::list};
        std::size_t n = 0;
        for (const auto& s : list) {
            if (n++ == limit) break;
            items << facility_item(s, lang);
        }
        return items;
    }

private:
    const SiteTemplates& templates_;
    const SiteInput& input_;
    std::map<std::string, mu::mustache> compiled_;
};

class TreeWriter {
public:
    explicit TreeWriter(fs::path dir) : dir_(std::move(dir)) {}
    // A relative symlink at `relative` to `target` (an absolute or cwd-relative path).
    Status symlink(const std::string& relative, const fs::path& target) {
        std::string link = relative;
        while (link.ends_with('/')) link.pop_back();
        const fs::path at = dir_ / link;
        std::error_code ec;
        fs::create_directories(at.parent_path(), ec);
        fs::create_symlink(fs::relative(target, at.parent_path(), ec), at, ec);
        if (ec)
            return make_error(ErrorCode::kInternal,
                              fmt::format("{}: {}", at.string(), ec.message()));
        return {};
    }
    void count(const SiteStats& other) {
        stats_.files += other.files;
        stats_.bytes += other.bytes;
    }
    Status write(const std::string& relative, std::string_view bytes) {
        fs::path path = dir_ / relative;
        std::error_code ec;
        fs::create_directories(path.parent_path(), ec);
        if (ec)
            return make_error(ErrorCode::kInternal,
                              fmt::format("{}: {}", path.parent_path().string(), ec.message()));
        if (auto s = write_file(path, bytes); !s) return s;
        ++stats_.files;
        stats_.bytes += bytes.size();
        // Beside it, gzipped, for nginx's gzip_static (config/nginx/site.conf).
        auto packed = gzip_bytes(bytes);
        if (!packed)
            return make_error(packed.error().code, path.string() + ": " + packed.error().message);
        return write_file(path.string() + ".gz", *packed);
    }
    // Hard-links `relative` (a file or a folder's files) from `from`; false when it is
    // not there (the caller renders instead).
    bool link_from(const fs::path& from, const std::string& relative) {
        std::error_code ec;
        const fs::path source = from / relative;
        if (fs::is_regular_file(source, ec))
            return link_file(source, dir_ / relative) &&
                   link_file(source.string() + ".gz", dir_ / (relative + ".gz"));
        if (!fs::is_directory(source, ec)) return false;
        for (const auto& entry : fs::recursive_directory_iterator(source, ec)) {
            if (!entry.is_regular_file()) continue;
            if (!link_file(entry.path(), dir_ / relative / fs::relative(entry.path(), source)))
                return false;
        }
        return !ec;
    }
    const SiteStats& stats() const { return stats_; }

private:
    static Status write_file(const fs::path& path, std::string_view bytes) {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out)
            return make_error(ErrorCode::kInternal, fmt::format("{}: cannot write", path.string()));
        return {};
    }

    bool link_file(const fs::path& source, const fs::path& target) {
        std::error_code ec;
        fs::create_directories(target.parent_path(), ec);
        fs::create_hard_link(source, target, ec);
        if (ec) return false;
        ++stats_.reused;
        return true;
    }

    fs::path dir_;
    SiteStats stats_;
};

// The site's CAP document of a version: the hub re-issues what it distributes, one
// identifier per version, each referencing the versions before (as the console's feed).
std::string cap_of(const SiteAlert& s, const std::string& sender) {
    const Alert& a = s.alert;
    CapEnvelope env;
    env.identifier = fmt::format("{}-v{}", a.id, a.version);
    env.sender = sender;
    env.sent = a.source.sent;
    for (const auto& e : s.earlier)
        env.references.push_back(
            {sender, fmt::format("{}-v{}", a.id, e.version), cap_time(e.source.sent)});
    if (env.references.empty())
        env.msg_type = MsgType::kAlert;
    else
        env.msg_type = a.state == AlertState::kCancelled || a.msg_type == MsgType::kCancel
                           ? MsgType::kCancel
                           : MsgType::kUpdate;
    return write_cap(a, env);
}

std::string headline_in(const Alert& a, const std::string& lang) {
    auto h = in_language(a.headline, lang);
    if (h.text.empty()) h = in_language(a.event_name, lang);
    return h.text;
}

bool recently_ended(const SiteAlert& s, AlertState state, WallTime now) {
    if (state == AlertState::kActive) return true;
    auto updated = parse_rfc3339(s.updated);
    WallTime ended = updated ? *updated : now;
    if (state == AlertState::kExpired && s.alert.expires) ended = *s.alert.expires;
    return now - ended < kRecentlyEnded;
}

class SiteRenderer {
public:
    SiteRenderer(const SiteTemplates& templates, const SiteInput& input, const fs::path& dir,
                 const RenderCache* cache)
        : input_(input),
          pages_(templates, input),
          out_(dir),
          templates_(templates),
          cache_(cache) {}

    Result<SiteStats> run() {
        if (auto s = out_.write("site.css", templates_.css); !s) return s.error();
        for (const auto& s : input_.alerts) {
            const AlertState state = effective_state(s.alert, input_.now);
            const std::string key =
                fmt::format("{}\x1f{}\x1f{}\x1f{}", encode_alert(s.alert), static_cast<int>(state),
                            recently_ended(s, state, input_.now), input_.status_version);
            const std::string dir = site_alert_dir(s.alert.id);
            const std::string cap = fmt::format("feed/cap/{}.xml", s.alert.id);
            if (cache_ && !cache_->store.empty()) {
                if (auto r = stored_alert(s, key); !r) return r.error();
            } else if (!reuse("alert:" + s.alert.id, key, {dir, cap})) {
                if (auto r = alert_pages(s, out_, dir); !r) return r.error();
                if (auto w = out_.write(cap, cap_of(s, input_.cap_sender)); !w) return w.error();
            }
        }
        if (auto r = index_page(); !r) return r.error();
        std::vector<std::string> facility_files = {facilities_page("")};
        for (int h = 0; h < kHazardCount; ++h)
            facility_files.push_back(facilities_page(hazard_key(static_cast<Hazard>(h))));
        if (!reuse("facilities", std::to_string(input_.status_version), facility_files))
            if (auto r = facilities_pages(); !r) return r.error();
        if (auto r = feeds(); !r) return r.error();
        return out_.stats();
    }

    std::map<std::string, std::string> keys() const { return keys_; }
    std::set<std::string> used() const { return used_; }

private:
    // The alert's folder in the store (rendered now unless an earlier render made it from
    // the same), linked from this tree.
    Status stored_alert(const SiteAlert& s, const std::string& key) {
        const std::string name = fmt::format("{}.{}", s.alert.id, sha256_hex(key).substr(0, 16));
        const fs::path folder = fs::path(cache_->store) / name;
        std::error_code ec;
        if (!fs::is_directory(folder, ec)) {
            const fs::path partial = folder.string() + ".partial";
            fs::remove_all(partial, ec);
            TreeWriter writer(partial);
            if (auto r = alert_pages(s, writer, ""); !r) return r;
            if (auto w = writer.write("cap.xml", cap_of(s, input_.cap_sender)); !w) return w;
            fs::rename(partial, folder, ec);
            if (ec)
                return make_error(ErrorCode::kInternal,
                                  fmt::format("{}: {}", folder.string(), ec.message()));
            out_.count(writer.stats());
        }
        used_.insert(name);
        const std::string cap = fmt::format("feed/cap/{}.xml", s.alert.id);
        if (auto l = out_.symlink(site_alert_dir(s.alert.id), folder); !l) return l;
        if (auto l = out_.symlink(cap, folder / "cap.xml"); !l) return l;
        return out_.symlink(cap + ".gz", folder / "cap.xml.gz");
    }

    // Records what `group` is rendered from; true when the tree before has it from the same
    // and its files are now linked.
    bool reuse(const std::string& group, const std::string& key,
               const std::vector<std::string>& files) {
        keys_[group] = key;
        if (!cache_ || cache_->dir.empty()) return false;
        auto it = cache_->keys.find(group);
        if (it == cache_->keys.end() || it->second != key) return false;
        for (const auto& f : files)
            if (!out_.link_from(cache_->dir, f)) return false;
        return true;
    }

    // Into `out`, each page's name prefixed with `dir`.
    Status alert_pages(const SiteAlert& s, TreeWriter& out, const std::string& dir) {
        const Alert& a = s.alert;
        const AlertState state = effective_state(a, input_.now);
        const auto langs = languages_of(a);
        const auto hazards = hazards_of(a);
        const bool with_locations = recently_ended(s, state, input_.now);

        std::vector<std::pair<std::string, std::optional<Place>>> stems = {{"index", std::nullopt}};
        if (with_locations)
            for (const auto& loc : input_.locations)
                stems.emplace_back(loc.key, Place{.lat = loc.lat, .lon = loc.lon});
        for (const auto& [stem, place] : stems) {
            std::vector<Suitable> suitable;
            if (input_.facilities)
                suitable = suitable_facilities(*input_.facilities, hazards, place);
            for (const auto& lang : langs) {
                mu::data d = alert_data(s, state, lang, langs, stem, suitable, hazards);
                if (place) {
                    for (const auto& loc : input_.locations)
                        if (loc.key == stem) {
                            const bool english = lang != "ja" && lang != "ja-x-easy";
                            d.set("location",
                                  english && !loc.name_en.empty() ? loc.name_en : loc.name);
                        }
                }
                auto html = pages_.render("alert", d);
                if (!html) return html.error();
                if (auto w = out.write(dir + page_name(stem, lang), *html); !w) return w;
            }
        }
        return {};
    }

    mu::data alert_data(const SiteAlert& s, AlertState state, const std::string& lang,
                        const std::vector<std::string>& langs, const std::string& stem,
                        const std::vector<Suitable>& suitable, const std::vector<Hazard>& hazards) {
        const Alert& a = s.alert;
        auto headline = in_language(a.headline, lang);
        if (headline.text.empty()) headline = in_language(a.event_name, lang);
        mu::data d = pages_.base(lang, "../../", alert_prefix(a) + headline.text);
        // Its own times say how current it is; a render time would make every page differ
        // on every render and defeat reusing the unchanged ones.
        d.set("generated", mu::data(false));
        d.set("headline", headline.text);
        d.set("headline_lang", headline.lang);
        d.set("prefix", alert_prefix(a));
        auto event = in_language(a.event_name, lang);
        if (!event.text.empty() && event.text != headline.text) {
            d.set("event_name", event.text);
            d.set("event_lang", event.lang);
        }
        Colours c = colours_of(a);
        d.set("band_bg", c.background);
        d.set("band_fg", c.text);
        if (a.level) {
            d.set("level", std::to_string(*a.level));
            d.set("band", fmt::format("{} {}", pages_.label("level", lang), *a.level));
        } else {
            d.set("band", pages_.label(fmt::format("severity_{}", to_string(a.severity)), lang));
        }
        if (a.status == AlertStatus::kExercise) d.set("exercise", pages_.label("exercise", lang));
        if (a.status == AlertStatus::kTest) d.set("exercise", pages_.label("test", lang));
        if (state != AlertState::kActive) {
            d.set("ended", true);
            d.set("ended_note", pages_.label(fmt::format("state_{}", to_string(state)), lang));
        }
        d.set("issued", jst(a.source.sent));
        if (auto updated = parse_rfc3339(s.updated)) d.set("updated", jst(*updated));
        if (a.expires) d.set("expires", jst(a.expires));
        auto instruction = in_language(a.instruction, lang);
        if (!instruction.text.empty()) {
            d.set("instruction", paragraphs(instruction.text));
            d.set("instruction_lang", instruction.lang);
        }
        auto description = in_language(a.description, lang);
        if (!description.text.empty()) {
            d.set("description", paragraphs(description.text));
            d.set("description_lang", description.lang);
        }
        mu::data areas{mu::data::type::list};
        std::set<std::string> seen;
        for (const auto& area : a.areas)
            if (!area.name.empty() && seen.insert(area.name).second)
                areas << mu::data("name", area.name);
        d.set("areas", areas);
        d.set("has_areas", !seen.empty());

        mu::data languages{mu::data::type::list};
        for (const auto& l : langs) {
            mu::data item;
            item.set("tag", l);
            item.set("name", language_name(l));
            item.set("href", page_name(stem, l));
            if (l == lang) item.set("current", true);
            languages << item;
        }
        d.set("languages", languages);

        if (state == AlertState::kActive || stem != "index" || !suitable.empty()) {
            d.set("facilities", pages_.facility_list(suitable, lang, kFacilitiesOnAlertPage));
            d.set("has_facilities", !suitable.empty());
        }
        d.set("nearest_first", stem != "index");
        std::string for_hazards;
        for (Hazard h : hazards)
            for_hazards += (for_hazards.empty() ? "" : "・") +
                           pages_.label(fmt::format("hazard_{}", hazard_key(h)), lang);
        if (!for_hazards.empty()) d.set("for_hazards", for_hazards);
        d.set("all_facilities_href",
              "../../" + facilities_page(hazards.size() == 1 ? hazard_key(hazards[0]) : ""));
        mu::data links{mu::data::type::list};
        for (const auto& link : a.links) {
            if (link.rel == kSiteLinkRel || link.url.empty()) continue;
            if (!link.url.starts_with("https://") && !link.url.starts_with("http://")) continue;
            auto title = in_language(link.title, lang);
            mu::data item;
            item.set("url", link.url);
            item.set("title", title.text.empty() ? link.url : title.text);
            links << item;
        }
        d.set("links", links);
        d.set("cap_href", fmt::format("../../feed/cap/{}.xml", a.id));
        return d;
    }

    Status index_page() {
        mu::data in_force{mu::data::type::list};
        mu::data ended{mu::data::type::list};
        int active = 0;
        int ended_count = 0;
        // Most urgent first, as on the screens (a レベル4 order above a 震度4 report).
        std::vector<const SiteAlert*> order;
        for (const auto& s : input_.alerts) order.push_back(&s);
        std::stable_sort(order.begin(), order.end(), [](const SiteAlert* x, const SiteAlert* y) {
            return urgency_rank(x->alert) > urgency_rank(y->alert);
        });
        for (const SiteAlert* entry : order) {
            const SiteAlert& s = *entry;
            const Alert& a = s.alert;
            const AlertState state = effective_state(a, input_.now);
            if (!recently_ended(s, state, input_.now)) continue;
            mu::data item;
            Colours c = colours_of(a);
            item.set("band_bg", std::string(c.background));
            item.set("band_fg", std::string(c.text));
            item.set("band",
                     a.level
                         ? fmt::format("{} {}", pages_.label("level", "ja"), *a.level)
                         : pages_.label(fmt::format("severity_{}", to_string(a.severity)), "ja"));
            item.set("prefix", alert_prefix(a));
            item.set("headline", headline_in(a, "ja"));
            if (auto en = text_in_language(a.headline, "en"); !en.empty())
                item.set("headline_en", en);
            item.set("href", site_alert_dir(a.id) + "index.html");
            if (auto updated = parse_rfc3339(s.updated)) item.set("updated", jst(*updated));
            mu::data languages{mu::data::type::list};
            for (const auto& l : languages_of(a)) {
                mu::data li;
                li.set("tag", l);
                li.set("name", language_name(l));
                li.set("href", site_alert_dir(a.id) + page_name("index", l));
                languages << li;
            }
            item.set("languages", languages);
            if (state == AlertState::kActive) {
                in_force << item;
                ++active;
            } else {
                item.set("ended_note",
                         pages_.label(fmt::format("state_{}", to_string(state)), "ja"));
                ended << item;
                ++ended_count;
            }
        }
        mu::data d =
            pages_.base("ja", "", input_.ward_name + " " + pages_.label("site_title", "ja"));
        d.set("in_force", in_force);
        d.set("has_in_force", active > 0);
        d.set("ended", ended);
        d.set("has_ended", ended_count > 0);
        d.set("en", pages_.labels("en"));
        auto html = pages_.render("index", d);
        if (!html) return html.error();
        return out_.write("index.html", *html);
    }

    Status facilities_pages() {
        if (!input_.facilities) return {};
        std::vector<std::optional<Hazard>> pages = {std::nullopt};
        for (int h = 0; h < kHazardCount; ++h) pages.emplace_back(static_cast<Hazard>(h));
        for (const auto& hazard : pages) {
            std::vector<Hazard> hazards;
            if (hazard) hazards.push_back(*hazard);
            auto suitable = suitable_facilities(*input_.facilities, hazards, std::nullopt);
            std::string title = pages_.label("facilities_title", "ja");
            if (hazard)
                title +=
                    "（" + pages_.label(fmt::format("hazard_{}", hazard_key(*hazard)), "ja") + "）";
            mu::data d = pages_.base("ja", "", title);
            d.set("en", pages_.labels("en"));
            if (hazard) {
                d.set("for_hazards",
                      pages_.label(fmt::format("hazard_{}", hazard_key(*hazard)), "ja"));
                d.set("for_hazards_en",
                      pages_.label(fmt::format("hazard_{}", hazard_key(*hazard)), "en"));
            }
            mu::data hazard_links{mu::data::type::list};
            for (int h = 0; h < kHazardCount; ++h) {
                auto key = hazard_key(static_cast<Hazard>(h));
                mu::data li;
                li.set("href", facilities_page(key));
                li.set("name", pages_.label(fmt::format("hazard_{}", key), "ja"));
                if (hazard && static_cast<int>(*hazard) == h) li.set("current", true);
                hazard_links << li;
            }
            d.set("hazard_links", hazard_links);
            mu::data sections{mu::data::type::list};
            for (FacilityKind kind : {FacilityKind::kStayFacility, FacilityKind::kEmergencySite,
                                      FacilityKind::kShelter}) {
                std::vector<Suitable> of_kind;
                for (const auto& s : suitable)
                    if (s.facility->kind == kind) of_kind.push_back(s);
                if (of_kind.empty()) continue;
                mu::data section;
                const std::string key = fmt::format("section_{}", facility_kind_key(kind));
                section.set("heading", pages_.label(key, "ja"));
                section.set("heading_en", pages_.label(key, "en"));
                section.set("facilities", pages_.facility_list(of_kind, "ja", of_kind.size()));
                section.set("count", std::to_string(of_kind.size()));
                sections << section;
            }
            d.set("sections", sections);
            auto html = pages_.render("facilities", d);
            if (!html) return html.error();
            if (auto w = out_.write(facilities_page(hazard ? hazard_key(*hazard) : ""), *html); !w)
                return w;
        }
        return {};
    }

    Status feeds() {
        const std::string& base = input_.base_url;
        AtomFeed feed;
        feed.id =
            base.empty() ? "urn:alerthub:site:" + input_.cap_sender : base + "/feed/alerts.atom";
        feed.title = input_.ward_name + " " + pages_.label("site_title", "ja");
        feed.updated = format_rfc3339_jst(input_.now);
        feed.author = input_.cap_sender;
        feed.self_href = base + "/feed/alerts.atom";
        for (const auto& s : input_.alerts) {
            const Alert& a = s.alert;
            const AlertState state = effective_state(a, input_.now);
            if (!recently_ended(s, state, input_.now)) continue;
            AtomEntry e;
            e.id = fmt::format("urn:alerthub:alert:{}:v{}", a.id, a.version);
            e.title = alert_prefix(a) + headline_in(a, "ja");
            if (auto en = text_in_language(a.headline, "en"); !en.empty()) e.title += " / " + en;
            e.updated = s.updated;
            e.published = format_rfc3339_jst(a.source.sent);
            e.summary = text_in_language(a.instruction, "ja");
            if (e.summary.empty()) e.summary = text_in_language(a.description, "ja");
            e.categories = {to_string(state), to_string(a.status)};
            e.link_type = "application/cap+xml";
            e.link_href = fmt::format("{}/feed/cap/{}.xml", base, a.id);
            if (base.empty()) e.link_href = fmt::format("cap/{}.xml", a.id);
            feed.entries.push_back(std::move(e));
        }
        return out_.write("feed/alerts.atom", write_atom(feed));
    }

    const SiteInput& input_;
    PageBuilder pages_;
    TreeWriter out_;
    const SiteTemplates& templates_;
    const RenderCache* cache_;
    std::map<std::string, std::string> keys_;
    std::set<std::string> used_;
};

}  // namespace

std::string_view facility_state_key(FacilityState s) {
    switch (s) {
        case FacilityState::kOpen:
            return "open";
        case FacilityState::kFull:
            return "full";
        case FacilityState::kClosed:
            return "closed";
    }
    return "closed";
}

std::optional<FacilityState> facility_state_from_key(std::string_view key) {
    for (FacilityState s : {FacilityState::kOpen, FacilityState::kFull, FacilityState::kClosed})
        if (facility_state_key(s) == key) return s;
    return std::nullopt;
}

Result<SiteTemplates> load_site_templates(const std::string& dir) {
    SiteTemplates out;
    std::string problems;
    auto problem = [&](std::string p) { problems += (problems.empty() ? "" : "\n") + p; };
    for (const auto& name : kTemplateNames) {
        fs::path path = fs::path(dir) / fmt::format("{}.mustache", name);
        auto text = read_file(path);
        if (!text) {
            problem(text.error().message);
            continue;
        }
        mu::mustache parsed(*text);
        if (!parsed.is_valid()) {
            problem(fmt::format("{}: {}", path.string(), parsed.error_message()));
            continue;
        }
        out.templates.emplace(std::string(name), std::move(*text));
    }
    if (auto css = read_file(fs::path(dir) / "site.css"))
        out.css = std::move(*css);
    else
        problem(css.error().message);
    std::vector<std::string> header = {"key"};
    header.insert(header.end(), kLabelLanguages.begin(), kLabelLanguages.end());
    auto rows = read_table((fs::path(dir) / "labels.tsv").string(), header);
    if (!rows) {
        problem(rows.error().message);
    } else {
        for (auto& [number, cols] : *rows)
            for (std::size_t i = 1; i < cols.size(); ++i) out.labels[cols[0]][header[i]] = cols[i];
    }
    if (!problems.empty()) return make_error(ErrorCode::kInvalidArgument, problems);
    return out;
}

Result<std::vector<ScreenLocation>> load_screen_locations(const std::string& path) {
    auto rows = read_table(path, {"key", "name", "name_en", "lat", "lon"});
    if (!rows) return rows.error();
    std::vector<ScreenLocation> out;
    std::string problems;
    for (auto& [number, cols] : *rows) {
        auto lat = to_double(cols[3]);
        auto lon = to_double(cols[4]);
        std::string why;
        if (!valid_location_key(cols[0]))
            why = fmt::format("key '{}': lower-case letters, digits and '-' (not \"index\")",
                              cols[0]);
        else if (cols[1].empty())
            why = "name is empty";
        else if (!lat || !lon || *lat < -90 || *lat > 90 || *lon < -180 || *lon > 180)
            why = "lat and lon must be decimal degrees";
        for (const auto& other : out)
            if (why.empty() && other.key == cols[0])
                why = fmt::format("key '{}' repeated", cols[0]);
        if (!why.empty()) {
            problems += fmt::format("{}{}:{}: {}", problems.empty() ? "" : "\n", path, number, why);
            continue;
        }
        out.push_back(
            {.key = cols[0], .name = cols[1], .name_en = cols[2], .lat = *lat, .lon = *lon});
    }
    if (!problems.empty()) return make_error(ErrorCode::kInvalidArgument, problems);
    return out;
}

Result<SiteStats> render_site(const SiteTemplates& templates, const SiteInput& input,
                              const std::string& dir, RenderCache* cache) {
    SiteRenderer renderer(templates, input, dir, cache);
    auto stats = renderer.run();
    if (stats && cache) {
        cache->dir = dir;
        cache->keys = renderer.keys();
        cache->used = renderer.used();
    }
    return stats;
}

}  // namespace alerthub::hub::site
