#include "hub/sources/cap/cap_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "hub/sources/language_tag.h"
#include "hub/sources/xml_reading.h"

namespace alerthub::hub {
namespace {

// What the builder fills; parse_cap hands it on as a SourceDocument.
struct CapDocument {
    Alert alert;
    std::vector<CapReference> references;
    std::string cap_namespace;
    std::string identity;
    std::vector<std::string> warnings;
};

constexpr std::string_view kEdxlDeNamespacePrefix = "urn:oasis:names:tc:emergency:EDXL:DE:";
constexpr std::string_view kLevelParameter = "警戒レベル";
// CAP: "If language is null, the default value is en-US."
constexpr std::string_view kDefaultCapLanguage = "en-US";

// Reads the CAP-namespace children of one element; elements of other namespaces
// (XML-DSig <Signature>, vendor extensions) are not CAP's and are skipped.
class CapElement {
public:
    CapElement(XmlElement node, std::string_view ns, std::string path)
        : node_(node), ns_(ns), path_(std::move(path)) {}

    std::vector<XmlElement> all(std::string_view name) const {
        std::vector<XmlElement> out;
        for (auto child : node_.elements()) {
            if (child.local_name() == name && child.namespace_uri() == ns_) out.push_back(child);
        }
        return out;
    }

    // The text of a child that may appear at most once; nullopt when absent.
    Result<std::optional<std::string>> optional(std::string_view name) const {
        auto nodes = all(name);
        if (nodes.empty()) return std::optional<std::string>();
        if (nodes.size() > 1)
            return invalid(fmt::format("{}<{}> appears {} times; CAP allows one", where(), name,
                                       nodes.size()));
        return std::optional<std::string>(nodes.front().text());
    }

    Result<std::string> required(std::string_view name) const {
        auto v = optional(name);
        if (!v) return v.error();
        if (!v->has_value()) return invalid(fmt::format("{}missing required <{}>", where(), name));
        if ((*v)->empty()) return invalid(fmt::format("{}<{}> is empty", where(), name));
        return std::move(**v);
    }

    std::string where() const { return path_.empty() ? "" : path_ + ": "; }
    const std::string& path() const { return path_; }

private:
    XmlElement node_;
    std::string_view ns_;
    std::string path_;
};

template <typename E, size_t N>
using ValueMap = std::array<std::pair<std::string_view, E>, N>;

template <typename E, size_t N>
Result<E> enum_value(const CapElement& el, std::string_view name, const ValueMap<E, N>& map) {
    auto text = el.required(name);
    if (!text) return text.error();
    for (auto& [n, v] : map)
        if (*text == n) return v;
    std::string allowed;
    for (auto& [n, v] : map) {
        if (n == "Very Likely") continue;  // CAP 1.1 legacy, accepted but not advertised
        allowed += (allowed.empty() ? "" : ", ") + std::string(n);
    }
    return invalid(fmt::format("{}<{}> '{}' is not one of {}", el.where(), name, *text, allowed));
}

constexpr ValueMap<Urgency, 5> kUrgencies{{{"Immediate", Urgency::kImmediate},
                                           {"Expected", Urgency::kExpected},
                                           {"Future", Urgency::kFuture},
                                           {"Past", Urgency::kPast},
                                           {"Unknown", Urgency::kUnknown}}};
constexpr ValueMap<Severity, 5> kSeverities{{{"Extreme", Severity::kExtreme},
                                             {"Severe", Severity::kSevere},
                                             {"Moderate", Severity::kModerate},
                                             {"Minor", Severity::kMinor},
                                             {"Unknown", Severity::kUnknown}}};
constexpr ValueMap<Certainty, 6> kCertainties{{{"Observed", Certainty::kObserved},
                                               {"Likely", Certainty::kLikely},
                                               {"Very Likely", Certainty::kLikely},
                                               {"Possible", Certainty::kPossible},
                                               {"Unlikely", Certainty::kUnlikely},
                                               {"Unknown", Certainty::kUnknown}}};
constexpr std::array<std::string_view, 12> kCategories = {
    "Geo",    "Met", "Safety",    "Security", "Rescue", "Fire",
    "Health", "Env", "Transport", "Infra",    "CBRNE",  "Other"};

enum class CapStatus { kActual, kExercise, kSystem, kTest, kDraft };
constexpr ValueMap<CapStatus, 5> kStatuses{{{"Actual", CapStatus::kActual},
                                            {"Exercise", CapStatus::kExercise},
                                            {"System", CapStatus::kSystem},
                                            {"Test", CapStatus::kTest},
                                            {"Draft", CapStatus::kDraft}}};
enum class CapMsgType { kAlert, kUpdate, kCancel, kAck, kError };
constexpr ValueMap<CapMsgType, 5> kMsgTypes{{{"Alert", CapMsgType::kAlert},
                                             {"Update", CapMsgType::kUpdate},
                                             {"Cancel", CapMsgType::kCancel},
                                             {"Ack", CapMsgType::kAck},
                                             {"Error", CapMsgType::kError}}};
enum class CapScope { kPublic, kRestricted, kPrivate };
constexpr ValueMap<CapScope, 3> kScopes{{{"Public", CapScope::kPublic},
                                         {"Restricted", CapScope::kRestricted},
                                         {"Private", CapScope::kPrivate}}};

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// CAP: identifier and sender "MUST NOT include spaces, commas or restricted characters"
// (references are built from them with those separators).
Status check_key_text(std::string_view element, std::string_view value) {
    for (unsigned char c : value) {
        if (c == ',' || c == '<' || c == '&' || c <= 0x20 || c == 0x7F)
            return invalid(fmt::format("<{}> '{}' must not contain spaces, commas, '<' or '&'",
                                       element, value));
    }
    return {};
}

Result<std::optional<WallTime>> optional_time(const CapElement& el, std::string_view name) {
    auto text = el.optional(name);
    if (!text) return text.error();
    if (!text->has_value() || (*text)->empty()) return std::optional<WallTime>();
    auto t = parse_rfc3339(**text);
    if (!t) return invalid(fmt::format("{}<{}>: {}", el.where(), name, t.error().message));
    return std::optional<WallTime>(*t);
}

struct PolygonText {
    std::string points;  // single spaces between "lat,lon" pairs
    bool closed_ring;    // CAP: four or more points, the last equal to the first
};

// "38.47,-120.14 38.34,-119.95 ...": a point that is not a WGS 84 "lat,lon" makes the
// polygon garbage; a ring that is merely degenerate is only dropped (real DWD warnings
// carry three-point slivers next to their geocodes).
Result<PolygonText> normalize_polygon(const std::string& where, std::string_view text) {
    std::vector<std::pair<double, double>> points;
    std::string out;
    size_t pos = 0;
    while (pos < text.size()) {
        while (pos < text.size() && is_space(text[pos])) ++pos;
        if (pos >= text.size()) break;
        size_t end = pos;
        while (end < text.size() && !is_space(text[end])) ++end;
        std::string pair(text.substr(pos, end - pos));
        pos = end;
        auto comma = pair.find(',');
        char* rest = nullptr;
        std::string lat_text = pair.substr(0, comma);
        double lat = std::strtod(lat_text.c_str(), &rest);
        bool ok = comma != std::string::npos && !lat_text.empty() && *rest == '\0';
        double lon = 0;
        if (ok) {
            std::string lon_text = pair.substr(comma + 1);
            lon = std::strtod(lon_text.c_str(), &rest);
            ok = !lon_text.empty() && *rest == '\0';
        }
        if (!ok || lat < -90 || lat > 90 || lon < -180 || lon > 180)
            return invalid(
                fmt::format("{}<polygon> point '{}' is not 'latitude,longitude'", where, pair));
        points.emplace_back(lat, lon);
        out += (out.empty() ? "" : " ") + pair;
    }
    return PolygonText{out, points.size() >= 4 && points.front() == points.back()};
}

// "4", "４", "レベル4", "警戒レベル４" -> 4.
std::optional<int> parse_level(std::string_view text) {
    for (std::string_view prefix : {std::string_view("警戒レベル"), std::string_view("レベル")}) {
        if (text.substr(0, prefix.size()) == prefix) {
            text.remove_prefix(prefix.size());
            break;
        }
    }
    if (text.size() == 1 && text[0] >= '1' && text[0] <= '5') return text[0] - '0';
    // Full-width digits U+FF11..U+FF15 are EF BC 91..95 in UTF-8.
    if (text.size() == 3 && text.substr(0, 2) == "\xEF\xBC" &&
        static_cast<unsigned char>(text[2]) >= 0x91 && static_cast<unsigned char>(text[2]) <= 0x95)
        return static_cast<unsigned char>(text[2]) - 0x90;
    return std::nullopt;
}

bool is_web_url(std::string_view url) {
    auto l = lower(url.substr(0, 8));
    return (l.rfind("https://", 0) == 0 || l.rfind("http://", 0) == 0) && url.size() > 8 &&
           std::none_of(url.begin(), url.end(), [](unsigned char c) { return c <= 0x20; });
}

template <typename T>
void add_unique(std::vector<T>& list, T item) {
    if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(std::move(item));
}

// Finds the one CAP <alert> element: the root, the only child of an <alerts> wrapper, or
// the one carried by an EDXL-DE distribution.
Result<XmlElement> find_alert(XmlElement root) {
    auto root_ns = root.namespace_uri();
    auto name = root.local_name();
    auto is_cap_ns = [](std::string_view ns) {
        return ns == kCap12Namespace || ns == kCap11Namespace;
    };
    auto alerts_in = [&](XmlElement parent, std::vector<XmlElement>& out) {
        for (auto child : parent.elements())
            if (child.local_name() == "alert") out.push_back(child);
    };
    auto several = [](size_t n, std::string_view container) {
        return invalid(fmt::format(
            "several alerts in one document ({} <alert> elements in <{}>); send one alert per "
            "document",
            n, container));
    };
    std::vector<XmlElement> found;
    if (name == "alerts" && is_cap_ns(root_ns)) {
        alerts_in(root, found);
        if (found.size() > 1) return several(found.size(), "alerts");
        if (found.empty()) return invalid("<alerts> contains no <alert>");
    } else if (name == "EDXLDistribution" && root_ns.rfind(kEdxlDeNamespacePrefix, 0) == 0) {
        for (auto object : root.elements()) {
            if (object.local_name() != "contentObject") continue;
            for (auto xml : object.elements()) {
                if (xml.local_name() != "xmlContent") continue;
                for (auto embedded : xml.elements())
                    if (embedded.local_name() == "embeddedXMLContent") alerts_in(embedded, found);
            }
        }
        if (found.size() > 1) return several(found.size(), "EDXLDistribution");
        if (found.empty())
            return invalid(
                "<EDXLDistribution> carries no CAP <alert> in "
                "contentObject/xmlContent/embeddedXMLContent");
    } else if (name == "alert") {
        found.push_back(root);
    } else {
        return invalid(fmt::format("root element <{}>{} is not a CAP <alert>", root.name(),
                                   root_ns.empty() ? "" : " (namespace '" + root_ns + "')"));
    }
    auto alert = found.front();
    auto ns = alert.namespace_uri();
    if (!is_cap_ns(ns)) {
        return invalid(
            fmt::format("<alert> is in namespace '{}'; expected '{}' (CAP 1.2) or '{}' (CAP 1.1)",
                        ns.empty() ? "(none)" : ns, kCap12Namespace, kCap11Namespace));
    }
    return alert;
}

struct InfoBlock {
    std::string language;  // normalized
    std::string event;
    std::string headline, description, instruction;
};

class AlertBuilder {
public:
    AlertBuilder(XmlElement alert_node, std::string ns, std::string_view raw)
        : node_(alert_node), ns_(std::move(ns)), raw_(raw) {}

    Result<CapDocument> build() {
        CapDocument doc;
        doc.cap_namespace = ns_;
        CapElement top(node_, ns_, "");
        Alert& a = doc.alert;

        auto identifier = top.required("identifier");
        if (!identifier) return identifier.error();
        if (auto s = check_key_text("identifier", *identifier); !s) return s.error();
        auto sender = top.required("sender");
        if (!sender) return sender.error();
        if (auto s = check_key_text("sender", *sender); !s) return s.error();
        auto sent_text = top.required("sent");
        if (!sent_text) return sent_text.error();
        auto sent = parse_rfc3339(*sent_text);
        if (!sent) return invalid(fmt::format("<sent>: {}", sent.error().message));

        auto status = enum_value(top, "status", kStatuses);
        if (!status) return status.error();
        switch (*status) {
            case CapStatus::kActual:
                a.status = AlertStatus::kActual;
                break;
            case CapStatus::kExercise:
                a.status = AlertStatus::kExercise;
                break;
            case CapStatus::kSystem:
            case CapStatus::kTest:
                a.status = AlertStatus::kTest;
                break;
            case CapStatus::kDraft:
                return invalid("<status> is Draft: drafts are not for distribution");
        }
        auto msg_type = enum_value(top, "msgType", kMsgTypes);
        if (!msg_type) return msg_type.error();
        switch (*msg_type) {
            case CapMsgType::kAlert:
                a.msg_type = MsgType::kAlert;
                break;
            case CapMsgType::kUpdate:
                a.msg_type = MsgType::kUpdate;
                break;
            case CapMsgType::kCancel:
                a.msg_type = MsgType::kCancel;
                a.state = AlertState::kCancelled;
                break;
            case CapMsgType::kAck:
            case CapMsgType::kError:
                return invalid(
                    fmt::format("<msgType> is {}: an acknowledgement or error "
                                "report, not an alert to distribute",
                                *msg_type == CapMsgType::kAck ? "Ack" : "Error"));
        }
        auto scope = enum_value(top, "scope", kScopes);
        if (!scope) return scope.error();
        if (*scope != CapScope::kPublic)
            return invalid(
                fmt::format("<scope> is {}: only Public alerts are distributed on "
                            "public channels",
                            *scope == CapScope::kRestricted ? "Restricted" : "Private"));

        auto references = top.optional("references");
        if (!references) return references.error();
        bool needs_references = a.msg_type != MsgType::kAlert;
        if (needs_references && !references->has_value())
            return invalid(fmt::format("missing <references>: required for msgType {}",
                                       *msg_type == CapMsgType::kUpdate ? "Update" : "Cancel"));
        if (references->has_value() && !(*references)->empty()) {
            auto parsed = parse_cap_references(**references);
            if (!parsed) return invalid("<references>: " + parsed.error().message);
            doc.references = std::move(*parsed);
        }
        if (needs_references && doc.references.empty())
            return invalid(
                fmt::format("<references> is empty: msgType {} must name the "
                            "message(s) it replaces",
                            *msg_type == CapMsgType::kUpdate ? "Update" : "Cancel"));

        a.id = cap_alert_id(*sender, *identifier, to_string(a.status));
        a.version = 1;
        a.source.kind = SourceKind::kCap;
        a.source.sender = *sender;
        a.source.identifier = *identifier;
        a.source.sent = *sent;
        a.source.sha256 = sha256_hex(raw_);
        doc.identity = cap_identity(*sender, *identifier, *sent, a.msg_type);

        auto infos = top.all("info");
        std::string first_language;
        for (size_t i = 0; i < infos.size(); ++i) {
            CapElement info(infos[i], ns_, fmt::format("info[{}]", i + 1));
            if (auto s = read_info(info, i == 0, first_language, doc); !s) return s.error();
        }
        return doc;
    }

private:
    Status read_info(const CapElement& info, bool first, std::string& first_language,
                     CapDocument& doc) {
        Alert& a = doc.alert;
        auto language_text = info.optional("language");
        if (!language_text) return language_text.error();
        std::string tag = language_text->value_or("");
        if (tag.empty()) tag = std::string(kDefaultCapLanguage);
        auto language = normalize_language_tag(tag);
        if (!language)
            return invalid(fmt::format("{}<language>: {}", info.where(), language.error().message));
        if (first) first_language = *language;

        auto categories = info.all("category");
        if (categories.empty()) return invalid(info.where() + "missing required <category>");
        std::string first_category;
        for (auto c : categories) {
            auto value = c.text();
            if (std::find(kCategories.begin(), kCategories.end(), value) == kCategories.end())
                return invalid(
                    fmt::format("{}<category> '{}' is not a CAP category", info.where(), value));
            if (first_category.empty()) first_category = lower(value);
        }
        auto event = info.required("event");
        if (!event) return event.error();
        auto urgency = enum_value(info, "urgency", kUrgencies);
        if (!urgency) return urgency.error();
        auto severity = enum_value(info, "severity", kSeverities);
        if (!severity) return severity.error();
        auto certainty = enum_value(info, "certainty", kCertainties);
        if (!certainty) return certainty.error();
        auto effective = optional_time(info, "effective");
        if (!effective) return effective.error();
        auto onset = optional_time(info, "onset");
        if (!onset) return onset.error();
        auto expires = optional_time(info, "expires");
        if (!expires) return expires.error();

        if (first) {
            a.category = first_category;
            a.urgency = *urgency;
            a.severity = *severity;
            a.certainty = *certainty;
            a.effective = *effective;
            a.onset = *onset;
            a.expires = *expires;
            for (auto code : info.all("eventCode")) {
                CapElement ec(code, ns_, info.path() + "/eventCode");
                auto name = ec.optional("valueName");
                auto value = ec.optional("value");
                if (!name || !value) return !name ? name.error() : value.error();
                if (name->value_or("").empty() || value->value_or("").empty()) continue;
                a.event_code = **name + ":" + **value;
                break;
            }
        }

        // Per language, the first info block that has a text wins.
        auto put = [&](LocalizedText& map, const std::string& text) {
            if (!text.empty() && !map.count(*language)) map[*language] = text;
        };
        put(a.event_name, *event);
        for (auto [name, map] :
             {std::pair{"headline", &a.headline}, std::pair{"description", &a.description},
              std::pair{"instruction", &a.instruction}}) {
            auto text = info.optional(name);
            if (!text) return text.error();
            put(*map, text->value_or(""));
        }

        auto web = info.optional("web");
        if (!web) return web.error();
        if (web->has_value() && !(*web)->empty()) {
            if (is_web_url(**web))
                add_unique(a.links, AlertLink{"web", **web, {}});
            else
                doc.warnings.push_back(fmt::format("{}<web> '{}' is not an http(s) URL; dropped",
                                                   info.where(), **web));
        }

        for (auto p : info.all("parameter")) {
            CapElement param(p, ns_, info.path() + "/parameter");
            auto name = param.optional("valueName");
            auto value = param.optional("value");
            if (!name || !value) return !name ? name.error() : value.error();
            if (name->value_or("") != kLevelParameter) continue;
            auto level = parse_level(value->value_or(""));
            if (!level)
                return invalid(fmt::format("{}<parameter> {}: '{}' is not a level from 1 to 5",
                                           info.where(), kLevelParameter, value->value_or("")));
            if (a.level && *a.level != *level)
                return invalid(fmt::format("{}<parameter> {}: {} contradicts {} given earlier",
                                           info.where(), kLevelParameter, *level, *a.level));
            a.level = *level;
        }

        // Info blocks in another language are translations of the first: their areas
        // repeat the same places under translated names.
        bool translation = *language != first_language;
        auto areas = info.all("area");
        for (size_t j = 0; j < areas.size(); ++j) {
            CapElement area(areas[j], ns_, fmt::format("{}/area[{}]", info.path(), j + 1));
            if (auto s = read_area(area, translation, doc); !s) return s;
        }
        return {};
    }

    Status read_area(const CapElement& area, bool translation, CapDocument& doc) {
        Alert& a = doc.alert;
        auto desc = area.required("areaDesc");
        if (!desc) return desc.error();
        std::vector<AlertPolygon> polygons;
        for (auto p : area.all("polygon")) {
            auto text = p.text();
            if (text.empty()) continue;  // an empty <polygon/> says nothing
            auto polygon = normalize_polygon(area.where(), text);
            if (!polygon) return polygon.error();
            if (!polygon->closed_ring) {
                doc.warnings.push_back(area.where() +
                                       "<polygon> is not a closed ring of at least 4 points; "
                                       "dropped");
                continue;
            }
            polygons.push_back({*desc, polygon->points});
        }
        std::vector<AlertArea> coded;
        for (auto g : area.all("geocode")) {
            CapElement geo(g, ns_, area.path() + "/geocode");
            auto name = geo.required("valueName");
            if (!name) return name.error();
            auto value = geo.optional("value");
            if (!value) return value.error();
            if (value->value_or("").empty()) {
                doc.warnings.push_back(
                    fmt::format("{}geocode {} has an empty <value>; dropped", area.where(), *name));
                continue;
            }
            // JIS X 0402 is how our own areas are keyed; other schemes stay as the source
            // names them.
            std::string scheme = lower(*name) == "jisx0402" ? "jisx0402" : *name;
            coded.push_back({scheme, **value, *desc});
        }
        if (!area.all("circle").empty())
            doc.warnings.push_back(area.where() + "<circle> is not carried by the canonical alert");
        if (translation) return {};
        for (auto& p : polygons) add_unique(a.polygons, p);
        if (coded.empty())
            add_unique(a.areas, AlertArea{"", "", *desc});
        else
            for (auto& c : coded) add_unique(a.areas, c);
        return {};
    }

    XmlElement node_;
    std::string ns_;
    std::string_view raw_;
};

}  // namespace

std::string cap_alert_id(std::string_view sender, std::string_view identifier,
                         std::string_view status) {
    std::string key(sender);
    key += '\n';
    key += identifier;
    if (status != "actual") {
        key += '\n';
        key += status;
    }
    return "cap-" + sha256_hex(key).substr(0, 24);
}

std::string cap_identity(std::string_view sender, std::string_view identifier, WallTime sent,
                         MsgType msg_type) {
    return fmt::format("cap\n{}\n{}\n{}\n{}", sender, identifier, format_rfc3339_jst(sent),
                       to_string(msg_type));
}

Result<std::vector<CapReference>> parse_cap_references(std::string_view text) {
    std::vector<CapReference> out;
    size_t pos = 0;
    while (pos < text.size()) {
        while (pos < text.size() && is_space(text[pos])) ++pos;
        if (pos >= text.size()) break;
        size_t end = pos;
        while (end < text.size() && !is_space(text[end])) ++end;
        auto item = text.substr(pos, end - pos);
        pos = end;
        auto first = item.find(',');
        auto second = first == std::string_view::npos ? first : item.find(',', first + 1);
        if (second == std::string_view::npos ||
            item.find(',', second + 1) != std::string_view::npos)
            return invalid(fmt::format("'{}' is not 'sender,identifier,sent'", item));
        CapReference r{std::string(item.substr(0, first)),
                       std::string(item.substr(first + 1, second - first - 1)),
                       std::string(item.substr(second + 1))};
        if (r.sender.empty() || r.identifier.empty() || r.sent.empty())
            return invalid(fmt::format("'{}' is not 'sender,identifier,sent'", item));
        out.push_back(std::move(r));
    }
    if (out.empty()) return invalid("no reference given");
    return out;
}

Result<SourceDocument> parse_cap(const SourceText& text) {
    XmlDocument xml;
    if (auto s = load_xml(xml, text.text(), "a CAP document"); !s) return s.error();
    auto root = xml.document_element();
    auto alert = find_alert(root);
    if (!alert) return alert.error();
    AlertBuilder builder(*alert, alert->namespace_uri(), text.raw());
    auto cap = builder.build();
    if (!cap) return cap.error();
    SourceDocument doc;
    doc.format = SourceFormat::kCap;
    doc.alert = std::move(cap->alert);
    doc.references = std::move(cap->references);
    doc.identity = std::move(cap->identity);
    doc.xml_namespace = std::move(cap->cap_namespace);
    doc.warnings = std::move(cap->warnings);
    return doc;
}

}  // namespace alerthub::hub
