#include "hub/policy/area_router.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>

namespace alerthub::hub {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string describe(const AlertArea& a) {
    return fmt::format("{} ({} {})", a.name.empty() ? a.code : a.name, a.scheme, a.code);
}

}  // namespace

std::string jisx0402_with_check_digit(std::string_view body) {
    // JIS X 0402: weights 6..2, check = 11 - (sum mod 11), keeping the last digit.
    int sum = 0;
    for (int i = 0; i < 5; ++i) sum += (body[i] - '0') * (6 - i);
    return fmt::format("{}{}", body, (11 - sum % 11) % 10);
}

std::string jisx0402_body(std::string_view code) {
    if (!all_digits(code) || (code.size() != 5 && code.size() != 6)) return "";
    auto body = std::string(code.substr(0, 5));
    if (code.size() == 6 && jisx0402_with_check_digit(body) != code) return "";
    return body;
}

Result<AreaRouter> AreaRouter::create(const AreaSettings& settings, JmaAreaTable table) {
    AreaRouter r;
    r.table_ = std::move(table);
    r.send_uncoded_ = settings.send_uncoded;
    std::vector<std::string> codes{settings.municipality};
    codes.insert(codes.end(), settings.neighbours.begin(), settings.neighbours.end());
    for (const auto& code : codes) {
        auto body = jisx0402_body(code);
        if (body.empty())
            return make_error(ErrorCode::kInvalidArgument,
                              fmt::format("'{}' is not a JIS X 0402 municipality code (5 digits, "
                                          "or 6 with the check digit, e.g. 131032 for 港区)",
                                          code));
        Served s{body, body + "00", "", {}};
        const JmaArea* known = r.table_.find(s.jma);
        if (!known)
            return make_error(ErrorCode::kInvalidArgument,
                              fmt::format("municipality {} (JMA {}) is not in the JMA area table: "
                                          "add its rows so that JMA warnings can match it",
                                          code, s.jma));
        s.name = known->name;
        s.covering = r.table_.covering(s.jma);
        r.served_.push_back(std::move(s));
    }
    for (const auto& extra : settings.extra_codes) {
        auto colon = extra.find(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == extra.size())
            return make_error(
                ErrorCode::kInvalidArgument,
                fmt::format("extra code '{}' is not SCHEME:CODE (e.g. SAME:006109)", extra));
        r.extra_.emplace_back(lower(extra.substr(0, colon)), extra.substr(colon + 1));
    }
    return r;
}

std::vector<ServedPlace> AreaRouter::served_places() const {
    std::vector<ServedPlace> out;
    for (const auto& s : served_)
        out.push_back({s.name, jisx0402_with_check_digit(s.jis), s.jma, s.covering});
    return out;
}

RoutingDecision AreaRouter::decide(const Alert& alert) const {
    bool judged = false;  // some area had a code we understand
    std::vector<std::string> seen;
    for (const auto& a : alert.areas) {
        const auto scheme = lower(a.scheme);
        for (const auto& [xs, xc] : extra_)
            if (xs == scheme && xc == a.code)
                return {true,
                        fmt::format("in area: {} is listed in [area] extra_codes", describe(a))};
        if (scheme == "jma") {
            judged = true;
            for (const auto& s : served_)
                if (a.code == s.jma)
                    return {true, fmt::format("in area: {} is {}", describe(a), s.name)};
                else if (s.covering.count(a.code))
                    return {true, fmt::format("in area: {} contains {} ({})", describe(a), s.name,
                                              jisx0402_with_check_digit(s.jis))};
        } else if (scheme == "jisx0402") {
            auto body = jisx0402_body(a.code);
            if (body.empty()) continue;
            judged = true;
            for (const auto& s : served_) {
                // The municipality itself, or its whole prefecture ("130001" 東京都).
                if (body == s.jis)
                    return {true, fmt::format("in area: {} is {}", describe(a), s.name)};
                if (body.substr(2) == "000" && body.substr(0, 2) == s.jis.substr(0, 2))
                    return {true, fmt::format("in area: {} contains {} ({})", describe(a), s.name,
                                              jisx0402_with_check_digit(s.jis))};
            }
        }
        seen.push_back(describe(a));
    }
    std::vector<std::string> names;
    for (const auto& s : served_) names.push_back(s.name);
    const auto ours = fmt::format("{}", fmt::join(names, ", "));
    if (!judged) {
        if (send_uncoded_)
            return {true,
                    "in area: no JIS X 0402 or JMA area code, and [area] send_uncoded = true"};
        return {false, alert.areas.empty()
                           ? "out of area: the alert names no area"
                           : fmt::format("out of area: no JIS X 0402 or JMA area code among "
                                         "{} (list such codes in [area] extra_codes to send them)",
                                         fmt::join(seen, ", "))};
    }
    constexpr size_t kShown = 5;
    std::string listed = fmt::format(
        "{}", fmt::join(seen.begin(),
                        seen.begin() + static_cast<long>(std::min(seen.size(), kShown)), ", "));
    if (seen.size() > kShown) listed += fmt::format(" and {} more", seen.size() - kShown);
    return {false, fmt::format("out of area: none of {} contains {}", listed, ours)};
}

}  // namespace alerthub::hub
