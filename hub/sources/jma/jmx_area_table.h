#pragma once
// JMA's area codes and how they nest (config/jma/areas_*.tsv): lets the hub tell whether a
// telegram naming 東京地方, ２３区西部 or 東京都２３区 concerns its own municipality (issue 3,
// item 4). Data only; which municipality the hub serves is configuration elsewhere.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/protocol/alert.h"

namespace alerthub::hub {

struct JmaArea {
    std::string code_type;  // JMA's codeType ("気象・地震・火山情報／市町村等", ...)
    std::string code;
    std::string name;
    std::string parent;                // enclosing area in the same hierarchy; empty at the top
    std::vector<std::string> also_in;  // enclosing areas of other hierarchies (地震, 津波)
    std::string romaji;                // "Minato-ku"; empty when not known
    std::string kana;                  // "みなとく"; empty when not known
};

class JmaAreaTable {
public:
    // Tab-separated: code_type, code, name, parent, also_in (comma-separated; may be empty),
    // romaji, kana (both may be empty).
    // Lines starting with '#' and blank lines are skipped. Refuses duplicate codes, parents or
    // also_in codes that are not in the table, and cycles, naming the line.
    static Result<JmaAreaTable> parse(std::string_view tsv);
    static Result<JmaAreaTable> load(const std::string& path);

    const JmaArea* find(std::string_view code) const;
    std::size_t size() const { return areas_.size(); }

    // Every code whose area contains `code`: itself, its ancestors, and the also_in areas with
    // their ancestors. Empty when the code is unknown.
    std::set<std::string> covering(std::string_view code) const;

    // True when one of `areas` (scheme "jma") is an area that contains `municipality`.
    bool concerns(const std::vector<AlertArea>& areas, std::string_view municipality) const;

private:
    std::map<std::string, JmaArea, std::less<>> areas_;
};

}  // namespace alerthub::hub
