#pragma once
// Which alerts concern this hub (issue 3 item 4). The hub serves one municipality and the
// neighbours it chooses; an alert is sent when one of its areas contains one of them:
// a JMA area through JMA's area tables (東京地方, ２３区西部, 東京都２３区 … contain 港区), a JIS X
// 0402 code (the municipality, or its whole prefecture), or a code listed in extra_codes.
// Anything else is journaled with the reason and never reaches a channel.

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/result.h"
#include "core/protocol/alert.h"
#include "hub/policy/ward_reading.h"
#include "hub/sources/jma/jmx_area_table.h"

namespace alerthub::hub {

struct AreaSettings {
    // JIS X 0402 code, with or without its check digit ("131032" or "13103").
    std::string municipality = "131032";  // 港区
    std::vector<std::string> neighbours;
    // Further codes that count as ours, "SCHEME:CODE" with the CAP geocode valueName
    // ("SAME:006109"): for feeds that use no Japanese codes.
    std::vector<std::string> extra_codes;
    // What happens to an alert with no area code the hub can judge (no JIS X 0402 or JMA
    // code, none of extra_codes): journaled only (false), or sent everywhere (true).
    bool send_uncoded = false;
    std::string jma_table = "/etc/alerthub/jma/areas_tokyo.tsv";
};

struct RoutingDecision {
    bool send = true;
    std::string reason;

    bool operator==(const RoutingDecision&) const = default;
};

// The 5-digit body of a JIS X 0402 code when `code` is one (5 digits, or 6 with a correct
// check digit); empty otherwise.
std::string jisx0402_body(std::string_view code);
// "13103" -> "131032".
std::string jisx0402_with_check_digit(std::string_view body);

class AreaRouter {
public:
    // Fails when a code is malformed or a served municipality is not in `table` (JMA
    // warnings could never match it).
    static Result<AreaRouter> create(const AreaSettings& settings, JmaAreaTable table);

    RoutingDecision decide(const Alert& alert) const;

    // The served municipalities ([area] municipality, then neighbours) in JMA's codes, for
    // reading a telegram for the ward (hub/policy/ward_reading.h).
    std::vector<ServedPlace> served_places() const;

    // The JMA table, also the source of place names' romaji and readings.
    const JmaAreaTable& table() const { return table_; }

private:
    struct Served {
        std::string jis;  // 5-digit body
        std::string jma;  // JMA's 7-digit municipality code
        std::string name;
        std::set<std::string> covering;  // JMA codes of the areas that contain it
    };
    std::vector<Served> served_;
    std::vector<std::pair<std::string, std::string>> extra_;  // (lower-case scheme, code)
    bool send_uncoded_ = false;
    JmaAreaTable table_;
};

}  // namespace alerthub::hub
