#include "hub/sources/lalert/lalert_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <optional>

#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "hub/sources/jma/jmx_parser.h"
#include "hub/sources/xml_reading.h"

namespace alerthub::hub {
namespace {

// What PcxmlBuilder fills; parse_lalert hands it on as a SourceDocument.
struct LAlertDocument {
    Alert alert;
    std::string category;       // the body: "EvacuationOrder", "Shelter"
    std::string document_id;    // commons:documentID
    std::int64_t revision = 0;  // commons:documentRevision
    std::string identity;
    std::vector<std::string> warnings;
};

// 発令区分 (Detail/Sort) -> 警戒レベル. The names since the 2021-05-20 revision of the
// 災害対策基本法, then the older ones that L-Alert senders may still write.
constexpr std::array<std::pair<std::string_view, int>, 6> kEvacuationSorts{{
    {"緊急安全確保", 5},
    {"避難指示", 4},
    {"高齢者等避難", 3},
    {"避難指示（緊急）", 4},
    {"避難勧告", 4},
    {"避難準備・高齢者等避難開始", 3},
}};

// Reviewed phrase table: the current name of each level's order, Japanese and English (ours
// until the phrase bank has them).
struct LevelName {
    std::string_view ja;
    std::string_view en;
};
LevelName level_name(int level) {
    switch (level) {
        case 5:
            return {"緊急安全確保", "Emergency safety measures"};
        case 4:
            return {"避難指示", "Evacuation order"};
        default:
            return {"高齢者等避難", "Evacuation of older people and others"};
    }
}

std::optional<int> sort_level(std::string_view sort) {
    for (auto [name, level] : kEvacuationSorts)
        if (name == sort) return level;
    return std::nullopt;
}

Result<std::int64_t> positive_integer(std::string_view text, std::string_view what) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 1)
        return invalid(fmt::format("{} '{}' is not a positive integer", what, text));
    return n;
}

// EDXL-DE distributionStatus and the Report's Control/Status say the same thing twice; they
// must agree, or a drill could reach the public as real.
Result<AlertStatus> read_status(std::string_view edxl, std::string_view control) {
    AlertStatus status;
    if (edxl == "Actual")
        status = AlertStatus::kActual;
    else if (edxl == "Exercise")
        status = AlertStatus::kExercise;
    else if (edxl == "Test" || edxl == "System")
        status = AlertStatus::kTest;
    else
        return invalid(fmt::format(
            "<distributionStatus> '{}' is not one of Actual, Exercise, System, Test", edxl));
    if (control.empty()) return status;
    AlertStatus inner;
    if (control == "通常" || control == "実運用")
        inner = AlertStatus::kActual;
    else if (control == "訓練")
        inner = AlertStatus::kExercise;
    else if (control == "試験")
        inner = AlertStatus::kTest;
    else
        return invalid(
            fmt::format("<Control/Status> '{}' is not one of 通常, 実運用, 訓練, 試験", control));
    if (inner != status)
        return invalid(fmt::format("<Control/Status> '{}' contradicts <distributionStatus> '{}'",
                                   control, edxl));
    return status;
}

// "芝浦一丁目、芝浦二丁目、芝浦三丁目ほか": the first three names of a list.
std::string name_summary(const std::vector<std::string>& names) {
    constexpr size_t kShown = 3;
    std::vector<std::string> shown(names.begin(), names.begin() + std::min(kShown, names.size()));
    auto out = fmt::format("{}", fmt::join(shown, "、"));
    if (names.size() > kShown) out += "ほか";
    return out;
}

void add_text(LocalizedText& text, std::string_view lang, const std::vector<std::string>& lines) {
    std::vector<std::string> kept;
    for (const auto& l : lines)
        if (!l.empty()) kept.push_back(l);
    if (!kept.empty()) text[std::string(lang)] = fmt::format("{}", fmt::join(kept, "\n"));
}

struct Envelope {
    std::string sender;
    WallTime sent{};
    std::string distribution_type;  // Report, Update, Cancel
    std::string distribution_status;
    std::string municipality_code;  // JIS X 0402, may be empty
    std::string municipality_name;
    XmlElement content;  // the commons:contentObject
};

Result<Envelope> read_envelope(XmlElement root) {
    Envelope e;
    e.sender = root.child_text("senderID");
    if (e.sender.empty()) return invalid("missing <senderID>");
    auto sent = required_time(root, "dateTimeSent", "EDXLDistribution");
    if (!sent) return sent.error();
    e.sent = *sent;
    e.distribution_status = root.child_text("distributionStatus");
    e.distribution_type = root.child_text("distributionType");
    if (e.distribution_type != "Report" && e.distribution_type != "Update" &&
        e.distribution_type != "Cancel")
        return invalid(fmt::format(
            "<distributionType> '{}' is not one of Report, Update, Cancel: not information to "
            "distribute",
            e.distribution_type));
    for (auto area : root.children("targetArea")) {
        if (area.namespace_uri() != kCommonsEdxlNamespace) continue;
        e.municipality_code = area.child_text("jisX0402");
        e.municipality_name = area.child_text("areaName");
        if (!e.municipality_code.empty()) break;
    }
    std::vector<XmlElement> contents;
    for (auto c : root.children("contentObject"))
        if (c.namespace_uri() == kCommonsEdxlNamespace) contents.push_back(c);
    if (contents.empty()) return invalid("<EDXLDistribution> has no <commons:contentObject>");
    if (contents.size() > 1)
        return invalid(fmt::format(
            "several documents in one distribution ({} <commons:contentObject>); send one per "
            "distribution",
            contents.size()));
    e.content = contents.front();
    return e;
}

XmlElement embedded_report(XmlElement content) {
    auto embedded = content.child("xmlContent").child("embeddedXMLContent");
    for (auto c : embedded.elements()) return c;
    return {};
}

// commons:documentID and documentRevision appear in the contentObject and again in the Head;
// a document whose two copies disagree is corrupt.
struct DocumentKey {
    std::string id;
    std::int64_t revision = 0;
};

Result<DocumentKey> read_document_key(XmlElement content, XmlElement head) {
    DocumentKey key;
    key.id = content.child_text("documentID");
    if (key.id.empty()) key.id = head.child_text("documentID");
    if (key.id.empty()) return invalid("missing <commons:documentID>");
    auto rev_text = content.child_text("documentRevision");
    if (rev_text.empty()) rev_text = head.child_text("documentRevision");
    auto rev = positive_integer(rev_text, "<commons:documentRevision>");
    if (!rev) return rev.error();
    key.revision = *rev;
    if (auto in_head = head.child_text("documentID"); !in_head.empty() && in_head != key.id)
        return invalid(fmt::format("<Head> documentID '{}' contradicts the contentObject's '{}'",
                                   in_head, key.id));
    if (auto in_head = head.child_text("documentRevision"); !in_head.empty() && in_head != rev_text)
        return invalid(
            fmt::format("<Head> documentRevision '{}' contradicts the contentObject's '{}'",
                        in_head, rev_text));
    return key;
}

class PcxmlBuilder {
public:
    PcxmlBuilder(const Envelope& envelope, LAlertDocument& doc)
        : envelope_(envelope), doc_(doc), a_(doc.alert) {}

    Status build(XmlElement report, std::string_view raw) {
        auto control = report.child("Control");
        auto head = report.child("Head");
        if (!control) return invalid("missing <Report/Control>");
        if (!head) return invalid("missing <Report/Head>");
        XmlElement body;
        for (auto c : report.elements()) {
            if (c == control || c == head) continue;
            if (body)
                return invalid(fmt::format("<Report> has two bodies: <{}> and <{}>",
                                           body.local_name(), c.local_name()));
            body = c;
        }

        auto status = read_status(envelope_.distribution_status, control.child_text("Status"));
        if (!status) return status.error();
        a_.status = *status;
        auto key = read_document_key(envelope_.content, head);
        if (!key) return key.error();
        doc_.document_id = key->id;
        doc_.revision = key->revision;

        const bool cancel = envelope_.distribution_type == "Cancel";
        doc_.category = body ? std::string(body.local_name()) : std::string();
        if (auto declared = envelope_.content.child_text("category"); !declared.empty()) {
            if (doc_.category.empty()) doc_.category = declared;
            if (declared != doc_.category)
                return invalid(fmt::format("<commons:category> '{}' but the body is <{}>", declared,
                                           doc_.category));
        }
        if (doc_.category != "EvacuationOrder" && doc_.category != "Shelter")
            return invalid(fmt::format(
                "not a supported L-Alert information type: {} (read: EvacuationOrder, Shelter)",
                doc_.category.empty() ? "(no body)" : doc_.category));
        if (!body && !cancel) return invalid(fmt::format("missing the <{}> body", doc_.category));

        a_.source.kind = SourceKind::kLAlert;
        a_.source.sender = envelope_.sender;
        // "#revision" lets the journal order revisions as it orders JMA Serials.
        a_.source.identifier = fmt::format("{}#{}", key->id, key->revision);
        a_.source.sent = envelope_.sent;
        a_.source.sha256 = sha256_hex(raw);
        const std::string place =
            envelope_.municipality_code.empty() ? envelope_.sender : envelope_.municipality_code;
        a_.id = lalert_alert_id(to_string(a_.status), place, key->id);
        doc_.identity = fmt::format("lalert\n{}\n{}\n{}\n{}\n{}", to_string(a_.status), place,
                                    key->id, key->revision, envelope_.distribution_type);

        a_.msg_type = envelope_.distribution_type == "Report" ? MsgType::kAlert : MsgType::kUpdate;
        if (cancel) {
            a_.msg_type = MsgType::kCancel;
            a_.state = AlertState::kCancelled;
        }
        // Control/Errata: the sender says this revision corrects a mistake (誤報の訂正).
        const auto errata = control.child("Errata").child_text("Description");
        if (control.child("Errata") && !cancel) a_.msg_type = MsgType::kUpdate;

        auto report_time = head.child("ReportDateTime")
                               ? required_time(head, "ReportDateTime", "Head")
                               : Result<WallTime>(envelope_.sent);
        if (!report_time) return report_time.error();
        a_.effective = *report_time;
        if (!head.child_text("ValidDateTime").empty()) {
            auto valid = required_time(head, "ValidDateTime", "Head");
            if (!valid) return valid.error();
            a_.expires = *valid;
        }
        municipality_name_ = envelope_.municipality_name;
        if (municipality_name_.empty())
            municipality_name_ = control.child("PublishingOffice").child_text("OfficeName");
        if (!envelope_.municipality_code.empty())
            a_.areas.push_back({"jisx0402", envelope_.municipality_code, municipality_name_});
        else
            doc_.warnings.push_back(
                "no <commons:targetArea/commons:jisX0402>: the alert names no municipality code");

        if (!errata.empty()) lines_.push_back((cancel ? "【取消】" : "【訂正】") + errata);
        lines_.push_back(head.child("Headline").child_text("Text"));
        if (doc_.category == "EvacuationOrder") {
            if (auto s = evacuation(body, cancel); !s) return s;
        } else {
            shelter(body, cancel);
        }
        if (body) lines_.push_back(body.child_text("ComplementaryInfo"));
        add_text(a_.description, "ja", lines_);
        return {};
    }

private:
    std::string prefixed(std::string_view text) const {
        return municipality_name_.empty() ? std::string(text)
                                          : fmt::format("{}：{}", municipality_name_, text);
    }

    std::string town_code(std::string_view block) const {
        return envelope_.municipality_code.empty()
                   ? std::string(block)
                   : fmt::format("{}/{}", envelope_.municipality_code, block);
    }

    Status evacuation(XmlElement body, bool cancel) {
        a_.category = "safety";
        if (cancel) {
            // Read nothing more: a cancel must pass even when its body is stale or odd.
            a_.event_code = "EvacuationOrder";
            a_.event_name = {{"ja", "避難情報"}, {"en", "Evacuation information"}};
            a_.headline["ja"] = prefixed("避難情報の取消");
            return {};
        }
        // Town block -> its level (the highest 発令 naming it), in document order.
        std::vector<std::string> order;
        std::map<std::string, int> issued;
        std::vector<std::string> lifted;
        std::optional<int> whole_municipality;
        auto details = body.children("Detail");
        for (size_t i = 0; i < details.size(); ++i) {
            const std::string where = fmt::format("Detail[{}]", i + 1);
            const auto sort = details[i].child_text("Sort");
            auto level = sort_level(sort);
            if (!level)
                return invalid(fmt::format(
                    "<{}/Sort> '{}' is not one of 高齢者等避難, 避難指示, 緊急安全確保 (or the "
                    "names before 2021: 避難準備・高齢者等避難開始, 避難勧告, 避難指示（緊急）)",
                    where, sort));
            const auto issue = details[i].child_text("IssueOrLift");
            if (issue != "発令" && issue != "解除")
                return invalid(
                    fmt::format("<{}/IssueOrLift> '{}' is not one of 発令, 解除", where, issue));
            auto areas = details[i].child("Areas").children("Area");
            if (areas.empty() && issue == "発令") {
                doc_.warnings.push_back(where +
                                        " names no <Area>: it applies to the whole municipality");
                whole_municipality = std::max(whole_municipality.value_or(0), *level);
            }
            for (auto area : areas) {
                auto name = area.child("Location").child_text("areaName");
                if (name.empty())
                    return invalid(
                        fmt::format("<{}/Areas/Area> has no <Location/areaName>", where));
                if (issue == "解除") {
                    if (std::find(lifted.begin(), lifted.end(), name) == lifted.end())
                        lifted.push_back(name);
                    continue;
                }
                auto [it, fresh] = issued.emplace(name, *level);
                if (fresh)
                    order.push_back(name);
                else
                    it->second = std::max(it->second, *level);
            }
        }
        std::erase_if(lifted, [&](const std::string& n) { return issued.count(n) > 0; });

        int top = whole_municipality.value_or(0);
        for (const auto& [name, level] : issued) top = std::max(top, level);
        if (top == 0) {
            // Everything lifted: kept as a version so that screens stop showing the order,
            // and said as a lift (解除), not a withdrawal (取消).
            a_.state = AlertState::kLifted;
            a_.event_code = "EvacuationOrder:lifted";
            a_.event_name = {{"ja", "避難情報（解除）"}, {"en", "Evacuation information (lifted)"}};
            a_.severity = Severity::kMinor;
            a_.urgency = Urgency::kPast;
            a_.certainty = Certainty::kObserved;
            a_.headline["ja"] =
                prefixed(lifted.empty() ? "避難情報の解除"
                                        : fmt::format("{}の避難情報を解除", name_summary(lifted)));
            if (!lifted.empty()) lines_.push_back(fmt::format("解除：{}", fmt::join(lifted, "、")));
            add_blocks(lifted, {});
            return {};
        }

        const auto top_name = level_name(top);
        a_.level = top;
        a_.event_code = fmt::format("EvacuationOrder:{}", top);
        a_.event_name = {{"ja", std::string(top_name.ja)}, {"en", std::string(top_name.en)}};
        a_.severity = top == 5 ? Severity::kExtreme : Severity::kSevere;
        a_.urgency = top >= 4 ? Urgency::kImmediate : Urgency::kExpected;
        a_.certainty = top == 5 ? Certainty::kObserved : Certainty::kLikely;
        if (whole_municipality && !a_.areas.empty()) a_.areas.front().level = whole_municipality;

        std::vector<std::string> parts;
        for (int level = 5; level >= 3; --level) {
            std::vector<std::string> blocks;
            for (const auto& name : order)
                if (issued[name] == level) blocks.push_back(name);
            const bool everywhere = whole_municipality == level;
            if (blocks.empty() && !everywhere) continue;
            const auto name = level_name(level);
            if (everywhere) blocks.insert(blocks.begin(), municipality_name_ + "全域");
            parts.push_back(
                fmt::format("【警戒レベル{}】{}（{}）", level, name.ja, name_summary(blocks)));
            lines_.push_back(
                fmt::format("警戒レベル{} {}：{}", level, name.ja, fmt::join(blocks, "、")));
        }
        if (!lifted.empty()) lines_.push_back(fmt::format("解除：{}", fmt::join(lifted, "、")));
        a_.headline["ja"] = prefixed(fmt::format("{}", fmt::join(parts, "／")));
        add_blocks(order, issued);
        return {};
    }

    void add_blocks(const std::vector<std::string>& names,
                    const std::map<std::string, int>& levels) {
        for (const auto& name : names) {
            auto it = levels.find(name);
            a_.areas.push_back(
                {"town", town_code(name), name,
                 it == levels.end() ? std::nullopt : std::optional<int>(it->second)});
        }
    }

    void shelter(XmlElement body, bool cancel) {
        a_.category = "safety";
        a_.event_code = "Shelter";
        a_.event_name = {{"ja", "避難所開設情報"}, {"en", "Shelters open"}};
        a_.severity = Severity::kMinor;
        a_.urgency = Urgency::kExpected;
        a_.certainty = Certainty::kObserved;
        if (cancel) {
            a_.headline["ja"] = prefixed("避難所情報の取消");
            return;
        }
        auto infos = body.child("Informations").children("Information");
        int open = 0;
        std::vector<std::string> closed;
        for (size_t i = 0; i < infos.size(); ++i) {
            auto location = infos[i].child("Location");
            auto name = location.child_text("areaName");
            if (name.empty()) {
                doc_.warnings.push_back(fmt::format(
                    "Informations/Information[{}] has no <Location/areaName>; dropped", i + 1));
                continue;
            }
            const auto sort = infos[i].child_text("Sort");
            if (sort != "開設" && sort != "常設") {
                if (sort == "閉鎖") closed.push_back(name);
                continue;
            }
            ++open;
            std::vector<std::string> facts{std::string(sort)};
            if (auto capacity = infos[i].child_text("Capacity"); !capacity.empty()) {
                if (auto n = positive_integer(capacity, "<Capacity>"))
                    facts.push_back(fmt::format("収容人数{}人", *n));
                else
                    doc_.warnings.push_back(
                        fmt::format("{} ({}); dropped", n.error().message, name));
            }
            if (auto status = infos[i].child_text("Status"); !status.empty())
                facts.push_back(status);
            if (auto count = infos[i].child("NumberOf").child_text("HeadCount"); !count.empty())
                facts.push_back(fmt::format("避難者{}人", count));
            auto address = location.child_text("Address");
            lines_.push_back(fmt::format("{}{}：{}", name,
                                         address.empty() ? "" : "（" + address + "）",
                                         fmt::join(facts, "、")));
        }
        if (!closed.empty()) lines_.push_back(fmt::format("閉鎖：{}", fmt::join(closed, "、")));
        if (open > 0) {
            a_.headline["ja"] = prefixed(fmt::format("避難所を開設しています（{}か所）", open));
        } else {
            a_.event_code = "Shelter:closed";
            a_.event_name = {{"ja", "避難所開設情報（開設なし）"}, {"en", "No shelter open"}};
            a_.urgency = Urgency::kPast;
            a_.headline["ja"] = prefixed("開設中の避難所はありません");
        }
    }

    const Envelope& envelope_;
    LAlertDocument& doc_;
    Alert& a_;
    std::string municipality_name_;
    std::vector<std::string> lines_;
};

}  // namespace

bool looks_like_lalert(std::string_view bytes) {
    return first_start_tag(bytes).local_name == "EDXLDistribution" &&
           bytes.find(kCommonsEdxlNamespace) != std::string_view::npos;
}

std::string lalert_alert_id(std::string_view status, std::string_view municipality,
                            std::string_view document_id) {
    return "lalert-" +
           sha256_hex(fmt::format("{}\n{}\n{}", status, municipality, document_id)).substr(0, 24);
}

Result<SourceDocument> parse_lalert(const SourceText& text) {
    XmlDocument xml;
    if (auto s = load_xml(xml, text.text(), "an L-Alert document"); !s) return s.error();
    auto root = xml.document_element();
    if (root.local_name() != "EDXLDistribution" || root.namespace_uri() != kEdxlDe10Namespace)
        return invalid(
            fmt::format("root element is <{}> in namespace '{}', not <EDXLDistribution> in '{}'",
                        root.name(), root.namespace_uri(), kEdxlDe10Namespace));
    auto envelope = read_envelope(root);
    if (!envelope) return envelope.error();
    auto report = embedded_report(envelope->content);
    if (!report)
        return invalid("<commons:contentObject> carries nothing in xmlContent/embeddedXMLContent");

    const auto ns = report.namespace_uri();
    if (report.local_name() == "Report" && ns == kJmxNamespace) {
        // A JMA telegram relayed by L-Alert: the same telegram as from the feed or a push,
        // checked as it would be alone.
        const std::string telegram = standalone_xml(report);
        auto telegram_text = SourceText::check(telegram, text.max_bytes(), SourceFormat::kJma);
        if (!telegram_text)
            return invalid("relayed JMA telegram: " + telegram_text.error().message);
        auto jmx = parse_jmx(*telegram_text);
        if (!jmx) return invalid("relayed JMA telegram: " + jmx.error().message);
        auto status = read_status(envelope->distribution_status, "");
        if (!status) return status.error();
        if (*status != jmx->alert.status)
            return invalid(fmt::format(
                "<distributionStatus> '{}' contradicts the relayed telegram's <Control/Status>",
                envelope->distribution_status));
        SourceDocument doc = std::move(*jmx);
        doc.format = SourceFormat::kLAlert;
        doc.alert.source.sha256 = sha256_hex(text.raw());
        doc.kind = "jma";
        return doc;
    }
    if (report.local_name() != "Report" || !ns.starts_with(kPcxmlNamespacePrefix))
        return invalid(fmt::format(
            "<embeddedXMLContent> carries <{}> in namespace '{}': neither a 公共情報コモンズXML "
            "<Report> ('{}…') nor a JMA telegram",
            report.name(), ns, kPcxmlNamespacePrefix));
    LAlertDocument lalert;
    PcxmlBuilder builder(*envelope, lalert);
    if (auto s = builder.build(report, text.raw()); !s) return s.error();
    SourceDocument doc;
    doc.format = SourceFormat::kLAlert;
    doc.alert = std::move(lalert.alert);
    doc.identity = std::move(lalert.identity);
    doc.sequence = lalert.revision;
    doc.kind = std::move(lalert.category);
    doc.xml_namespace = std::string(kCommonsEdxlNamespace);
    doc.warnings = std::move(lalert.warnings);
    return doc;
}

}  // namespace alerthub::hub
