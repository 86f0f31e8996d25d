#include "tests/unit/hub/policy/ward_truth_oracle.h"

#include <pugixml.hpp>

#include <array>
#include <fstream>
#include <map>
#include <sstream>

namespace alerthub::hub::oracle {
namespace {

// "/Report/Body/Warning" written with local-name(), so that namespaces do not matter.
std::string path(std::initializer_list<const char*> steps) {
    std::string out;
    for (const char* s : steps) out += std::string("/*[local-name()='") + s + "']";
    return out;
}

// The text of the first node `xpath` selects from `from` ("" when none).
std::string text(const pugi::xml_node& from, const std::string& xpath) {
    auto hit = from.select_node(xpath.c_str());
    if (hit.attribute()) return hit.attribute().value();
    return hit.node().text().get();
}

std::vector<std::string> split(const std::string& line, char sep) {
    std::vector<std::string> out;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, sep)) out.push_back(field);
    if (!line.empty() && line.back() == sep) out.emplace_back();
    return out;
}

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

Family family_of(const std::string& title) {
    if (starts_with(title, "気象特別警報・警報・注意報") ||
        starts_with(title, "気象警報・注意報（Ｈ２７）") ||
        starts_with(title, "気象警報・注意報（Ｒ０６）") || title == "土砂災害警戒情報" ||
        title == "記録的短時間大雨情報" || starts_with(title, "竜巻注意情報") ||
        title == "指定河川洪水予報")
        return Family::kWarnings;
    if (title == "噴火警報・予報" || title == "噴火速報") return Family::kVolcano;
    // Tsunami titles carry a format letter: 津波警報・注意報・予報a, 津波情報a.
    if (starts_with(title, "津波警報・注意報・予報") || starts_with(title, "津波情報"))
        return Family::kTsunami;
    if (title == "震度速報" || title == "震源・震度に関する情報" || title == "震源に関する情報")
        return Family::kSeismic;
    if (starts_with(title, "緊急地震速報（")) return Family::kEew;
    return Family::kNotRead;
}

// A kind of a warning item is in force unless it says it was lifted or that there is none.
bool in_force(const Kind& kind) {
    return kind.status != "解除" && kind.status != "なし" &&
           kind.status != "発表警報・注意報はなし";
}

std::vector<Kind> kinds_of(const pugi::xml_node& item) {
    std::vector<Kind> out;
    for (const auto& k : item.select_nodes("*[local-name()='Kind']"))
        out.push_back({text(k.node(), "*[local-name()='Code']"),
                       text(k.node(), "*[local-name()='Name']"),
                       text(k.node(), "*[local-name()='Status']")});
    return out;
}

// Warnings: the items of Body/Warning naming the ward's municipality; when none does, the
// items naming a region that contains it (a telegram whose most detailed block is 府県 or
// 一次細分区域, such as 記録的短時間大雨情報).
void read_warnings(const pugi::xml_node& report, const WardCodes& ward, WardTruth& truth) {
    const std::string items = path({"Report", "Body", "Warning", "Item"});
    const std::string area_codes =
        "*[local-name()='Area']/*[local-name()='Code'] | "
        "*[local-name()='Areas']/*[local-name()='Area']/*[local-name()='Code']";
    std::vector<pugi::xml_node> own, regional;
    for (const auto& i : report.select_nodes(items.c_str())) {
        for (const auto& c : i.node().select_nodes(area_codes.c_str())) {
            const std::string code = c.node().text().get();
            if (code == ward.city) {
                own.push_back(i.node());
                break;
            }
            if (ward.weather.count(code)) {
                regional.push_back(i.node());
                break;
            }
        }
    }
    const auto& named = own.empty() ? regional : own;
    if (named.empty()) {
        truth.verdict = Verdict::kNotNamed;
        return;
    }
    truth.kinds_judged = true;
    for (const auto& item : named)
        for (const auto& k : kinds_of(item))
            if (in_force(k)) truth.kinds.push_back(k);
    for (const auto& k : truth.kinds) {
        auto l = level_of(truth.title, k);
        if (l && (!truth.level || *l > *truth.level)) truth.level = l;
    }
    truth.verdict = truth.kinds.empty() ? Verdict::kNothingInForce : Verdict::kInForce;
}

// 指定河川洪水予報 names the flooded municipalities as 浸水想定地区 CityCode: named or not is
// judged here, the flood kinds (in the Head and the 主文) are not.
void read_flood(const pugi::xml_node& report, const WardCodes& ward, WardTruth& truth) {
    const std::string city_codes =
        path({"Report", "Body", "Warning", "Item", "Areas", "Area", "CityCode"});
    truth.verdict = Verdict::kNotNamed;
    for (const auto& c : report.select_nodes(city_codes.c_str()))
        if (c.node().text().get() == ward.city) truth.verdict = Verdict::kInForce;
}

// 噴火警報・予報 and 噴火速報 name the municipalities in VolcanoInfo（対象市町村等）. 噴火速報
// says an eruption is happening: in force wherever it names. For 噴火警報・予報 a kind is in
// force when it is a 警報 (噴火警報（居住地域）, 火口周辺警報, …) not lifted: 噴火予報 and
// 噴火予報：警報解除 (Condition 解除) are not. The kinds themselves are not compared
// (噴火警戒レベル is a scale of its own).
void read_volcano(const pugi::xml_node& report, const WardCodes& ward, WardTruth& truth) {
    const std::string items = path({"Report", "Body"}) +
                              "/*[local-name()='VolcanoInfo'][contains(@type,'対象市町村等')]" +
                              "/*[local-name()='Item'][*[local-name()='Areas']" +
                              "/*[local-name()='Area']/*[local-name()='Code']='" + ward.city + "']";
    truth.verdict = Verdict::kNotNamed;
    for (const auto& i : report.select_nodes(items.c_str())) {
        const std::string name = text(i.node(), "*[local-name()='Kind']/*[local-name()='Name']");
        const std::string condition =
            text(i.node(), "*[local-name()='Kind']/*[local-name()='Condition']");
        const bool warning = name.find("警報") != std::string::npos &&
                             name.find("解除") == std::string::npos && condition != "解除";
        if (truth.title == "噴火速報" || warning)
            truth.verdict = Verdict::kInForce;
        else if (truth.verdict == Verdict::kNotNamed)
            truth.verdict = Verdict::kNothingInForce;
    }
}

void read_tsunami(const pugi::xml_node& report, const WardCodes& ward, WardTruth& truth) {
    const std::string item = path({"Report", "Body", "Tsunami", "Forecast", "Item"}) +
                             "[*[local-name()='Area']/*[local-name()='Code']='" +
                             ward.tsunami_region + "']";
    auto found = report.select_node(item.c_str()).node();
    if (!found) {
        truth.verdict = Verdict::kNotNamed;
        return;
    }
    truth.tsunami_place = text(found, "*[local-name()='Area']/*[local-name()='Name']");
    truth.grade_code =
        text(found, "*[local-name()='Category']/*[local-name()='Kind']/*[local-name()='Code']");
    truth.grade_name =
        text(found, "*[local-name()='Category']/*[local-name()='Kind']/*[local-name()='Name']");
    truth.first_wave = text(found, "*[local-name()='FirstHeight']/*[local-name()='ArrivalTime']");
    truth.first_wave_condition =
        text(found, "*[local-name()='FirstHeight']/*[local-name()='Condition']");
    truth.max_height =
        text(found, "*[local-name()='MaxHeight']/*[local-name()='TsunamiHeight']/@description");
    // 52/53 大津波警報, 51 津波警報, 62 津波注意報, 71–73 津波予報; 00 none, 50/60 lifted.
    static const std::set<std::string> kInForce = {"51", "52", "53", "62", "71", "72", "73"};
    truth.verdict = kInForce.count(truth.grade_code) ? Verdict::kInForce : Verdict::kNothingInForce;
}

void read_seismic(const pugi::xml_node& report, const WardCodes& ward, WardTruth& truth) {
    const std::string obs = path({"Report", "Body", "Intensity", "Observation"});
    truth.max_intensity = text(report, obs + "/*[local-name()='MaxInt']");
    const std::string pref = obs + "/*[local-name()='Pref']";
    const std::string area = pref + "/*[local-name()='Area']";
    const std::string city = area + "/*[local-name()='City']";
    auto with_code = [](const std::string& p, const std::string& code) {
        return p + "[*[local-name()='Code']='" + code + "']";
    };
    // The most local entry that has an intensity leads. A prefecture's maximum stands for the
    // ward only in a telegram that lists no 細分区域 at all: where it does, 東京都's 4 may be
    // 新島's, and a 23区 not listed did not reach the telegram's lowest intensity.
    std::vector<std::string> tiers = {with_code(city, ward.city), with_code(area, ward.quake_area)};
    if (!report.select_node(area.c_str())) tiers.push_back(with_code(pref, ward.quake_pref));
    for (const auto& tier : tiers) {
        auto node = report.select_node(tier.c_str()).node();
        if (!node) continue;
        const std::string intensity = text(node, "*[local-name()='MaxInt']");
        if (!intensity.empty()) {
            truth.intensity = intensity;
            truth.intensity_place = text(node, "*[local-name()='Name']");
            truth.verdict = Verdict::kInForce;
            return;
        }
    }
    truth.verdict = Verdict::kNotNamed;
}

void read_eew(const pugi::xml_node& report, const WardCodes& ward, WardTruth& truth) {
    const std::string area = path({"Report", "Body", "Intensity", "Forecast", "Pref", "Area"}) +
                             "[*[local-name()='Code']='" + ward.quake_area + "']";
    truth.verdict = report.select_node(area.c_str()) ? Verdict::kInForce : Verdict::kNotNamed;
}

// "レベル４大雨危険警報" -> 4 (the digit may be full-width).
std::optional<int> level_in_name(const std::string& name) {
    const std::string prefix = "レベル";
    if (!starts_with(name, prefix)) return std::nullopt;
    const std::string rest = name.substr(prefix.size());
    static const std::array<const char*, 5> kWide = {"１", "２", "３", "４", "５"};
    for (int l = 1; l <= 5; ++l)
        if (starts_with(rest, kWide[l - 1]) || starts_with(rest, std::to_string(l))) return l;
    return std::nullopt;
}

}  // namespace

std::optional<int> level_of(const std::string& title, const Kind& kind) {
    if (starts_with(title, "気象警報・注意報（Ｒ０６）")) return level_in_name(kind.name);
    if (starts_with(title, "気象特別警報・警報・注意報") ||
        starts_with(title, "気象警報・注意報（Ｈ２７）")) {
        // levels.md, "警戒レベル": 大雨特別警報 5; 高潮特別警報, 高潮警報 4; 大雨警報, 洪水警報 3;
        // 大雨注意報, 洪水注意報, 高潮注意報 2; every other kind none.
        static const std::map<std::string, int> kByCode = {
            {"33", 5}, {"38", 4}, {"08", 4}, {"03", 3}, {"04", 3}, {"10", 2}, {"18", 2}, {"19", 2}};
        auto it = kByCode.find(kind.code);
        if (it == kByCode.end()) return std::nullopt;
        return it->second;
    }
    if (title == "土砂災害警戒情報") return 4;
    if (title == "指定河川洪水予報") {
        static const std::map<std::string, int> kByName = {
            {"氾濫発生情報", 5}, {"氾濫危険情報", 4}, {"氾濫警戒情報", 3}, {"氾濫注意情報", 2}};
        auto it = kByName.find(kind.name);
        if (it == kByName.end()) return std::nullopt;
        return it->second;
    }
    return std::nullopt;  // 記録的短時間大雨情報, 竜巻注意情報: outside the five levels
}

int intensity_rank(const std::string& intensity) {
    static const std::array<const char*, 9> kOrder = {"1",  "2",  "3",  "4", "5-",
                                                      "5+", "6-", "6+", "7"};
    for (int i = 0; i < static_cast<int>(kOrder.size()); ++i)
        if (intensity == kOrder[i]) return i;
    return -1;
}

std::optional<WardCodes> ward_codes_from_table(const std::filesystem::path& tsv,
                                               const std::string& ward) {
    struct Row {
        std::string type, code, name, parent;
        std::vector<std::string> also_in;
    };
    std::map<std::string, Row> rows;
    std::ifstream in(tsv);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        auto f = split(line, '\t');
        if (f.size() < 5) continue;
        rows[f[1]] = {f[0], f[1], f[2], f[3],
                      f[4].empty() ? std::vector<std::string>{} : split(f[4], ',')};
    }
    const Row* city = nullptr;
    for (const auto& [code, row] : rows)
        if (row.name == ward && row.type == "気象・地震・火山情報／市町村等") city = &row;
    if (!city) return std::nullopt;
    WardCodes out;
    out.name = city->name;
    out.city = city->code;
    for (const Row* r = city; r; r = rows.count(r->parent) ? &rows[r->parent] : nullptr)
        out.weather.insert(r->code);
    for (const auto& code : city->also_in) {
        const auto& row = rows[code];
        if (row.type == "地震情報／細分区域") {
            out.quake_area = code;
            out.quake_pref = row.parent;
        } else if (row.type == "津波予報区") {
            out.tsunami_region = code;
        }
    }
    return out;
}

WardTruth read_ward_truth(const std::string& xml, const WardCodes& ward) {
    WardTruth truth;
    pugi::xml_document doc;
    if (!doc.load_buffer(xml.data(), xml.size())) return truth;
    const pugi::xml_node report = doc;  // absolute paths below start here
    truth.title = text(report, path({"Report", "Control", "Title"}));
    truth.info_type = text(report, path({"Report", "Head", "InfoType"}));
    truth.family = family_of(truth.title);
    if (truth.family == Family::kNotRead) return truth;
    if (truth.info_type == "取消") {
        truth.verdict = Verdict::kWithdrawn;
        return truth;
    }
    switch (truth.family) {
        case Family::kWarnings:
            if (truth.title == "指定河川洪水予報")
                read_flood(report, ward, truth);
            else
                read_warnings(report, ward, truth);
            break;
        case Family::kVolcano:
            read_volcano(report, ward, truth);
            break;
        case Family::kTsunami:
            read_tsunami(report, ward, truth);
            break;
        case Family::kSeismic:
            read_seismic(report, ward, truth);
            break;
        case Family::kEew:
            read_eew(report, ward, truth);
            break;
        case Family::kNotRead:
            break;
    }
    return truth;
}

std::vector<WardCodes> wards_named_in(const std::string& xml) {
    pugi::xml_document doc;
    if (!doc.load_buffer(xml.data(), xml.size())) return {};
    const pugi::xml_node report = doc;
    const std::string title = text(report, path({"Report", "Control", "Title"}));
    if (text(report, path({"Report", "Head", "InfoType"})) == "取消") return {};
    const std::string kNoCity = "9999999";
    auto place = [](const pugi::xml_node& n, const std::string& xpath) {
        return std::make_pair(text(n, xpath + "/*[local-name()='Code']"),
                              text(n, xpath + "/*[local-name()='Name']"));
    };
    std::vector<WardCodes> out;
    switch (family_of(title)) {
        case Family::kWarnings: {
            if (title == "指定河川洪水予報") break;  // its CityCodes are placeholders (0000000)
            // The most detailed block: …（市町村等）, else the only one (土砂災害警戒情報).
            const std::string body = path({"Report", "Body"});
            const std::string item = "/*[local-name()='Item']";
            std::string items = body + "/*[local-name()='Warning'][contains(@type,'（市町村等）')]";
            if (!report.select_node(items.c_str()))
                items = body + "/*[local-name()='Warning'][last()]";
            items += item;
            bool with = false, without = false;
            for (const auto& i : report.select_nodes(items.c_str())) {
                auto [code, name] = place(i.node(), "*[local-name()='Area']");
                if (code.size() != 7) continue;  // not a municipality (a 府県 block)
                bool any = false;
                for (const auto& k : kinds_of(i.node())) any = any || in_force(k);
                if ((any && with) || (!any && without)) continue;
                (any ? with : without) = true;
                out.push_back({name, code, {code}, "", "", ""});
            }
            break;
        }
        case Family::kVolcano: {
            const std::string area =
                path({"Report", "Body"}) +
                "/*[local-name()='VolcanoInfo'][contains(@type,'対象市町村等')]"
                "/*[local-name()='Item']/*[local-name()='Areas']"
                "/*[local-name()='Area']";
            if (auto n = report.select_node(area.c_str()).node()) {
                auto [code, name] = place(n, ".");
                out.push_back({name, code, {code}, "", "", ""});
            }
            break;
        }
        case Family::kTsunami: {
            auto item = report.select_node(
                (path({"Report", "Body", "Tsunami", "Forecast", "Item"})).c_str());
            if (item) {
                auto [code, name] = place(item.node(), "*[local-name()='Area']");
                out.push_back({name, kNoCity, {kNoCity}, "", "", code});
            }
            break;
        }
        case Family::kSeismic: {
            const std::string pref = path({"Report", "Body", "Intensity", "Observation", "Pref"});
            auto city = report.select_node(
                (pref + "/*[local-name()='Area']/*[local-name()='City']").c_str());
            auto area = report.select_node((pref + "/*[local-name()='Area']").c_str());
            if (city) {
                auto [code, name] = place(city.node(), ".");
                out.push_back({name,
                               code,
                               {code},
                               place(city.node().parent(), ".").first,
                               place(city.node().parent().parent(), ".").first,
                               ""});
            } else if (area) {
                auto [code, name] = place(area.node(), ".");
                out.push_back(
                    {name, kNoCity, {kNoCity}, code, place(area.node().parent(), ".").first, ""});
            }
            break;
        }
        case Family::kEew: {
            auto area = report.select_node(
                path({"Report", "Body", "Intensity", "Forecast", "Pref", "Area"}).c_str());
            if (area) {
                auto [code, name] = place(area.node(), ".");
                out.push_back({name, kNoCity, {kNoCity}, code, "", ""});
            }
            break;
        }
        case Family::kNotRead:
            break;
    }
    return out;
}

const char* to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::kInForce:
            return "in force";
        case Verdict::kNothingInForce:
            return "nothing in force";
        case Verdict::kNotNamed:
            return "not named";
        case Verdict::kWithdrawn:
            return "withdrawn";
    }
    return "?";
}

const char* to_string(Family family) {
    switch (family) {
        case Family::kNotRead:
            return "not read";
        case Family::kWarnings:
            return "warnings";
        case Family::kVolcano:
            return "volcano";
        case Family::kTsunami:
            return "tsunami";
        case Family::kSeismic:
            return "seismic";
        case Family::kEew:
            return "eew";
    }
    return "?";
}

}  // namespace alerthub::hub::oracle
