#include "hub/sources/language_tag.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <vector>

namespace alerthub::hub {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::vector<std::string> split_subtags(std::string_view tag) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= tag.size()) {
        auto dash = tag.find_first_of("-_", start);
        if (dash == std::string_view::npos) dash = tag.size();
        parts.push_back(lower(tag.substr(start, dash - start)));
        start = dash + 1;
    }
    return parts;
}

}  // namespace

Result<std::string> normalize_language_tag(std::string_view tag) {
    auto parts = split_subtags(tag);
    bool well_formed = !parts.empty() && parts[0].size() >= 2 && parts[0].size() <= 8 &&
                       std::all_of(parts[0].begin(), parts[0].end(),
                                   [](unsigned char c) { return std::isalpha(c); });
    for (auto& p : parts) {
        if (p.empty() || p.size() > 8 ||
            !std::all_of(p.begin(), p.end(), [](unsigned char c) { return std::isalnum(c); }))
            well_formed = false;
    }
    if (!well_formed)
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("'{}' is not a language tag", tag));

    const std::string& primary = parts[0];
    if (primary == "zh") {
        for (size_t i = 1; i < parts.size(); ++i) {
            const auto& p = parts[i];
            if (p == "hans" || p == "cn" || p == "sg" || p == "my") return std::string("zh-Hans");
            if (p == "hant" || p == "tw" || p == "hk" || p == "mo") return std::string("zh-Hant");
        }
        return std::string("zh");
    }
    if (primary == "ja" && lower(tag).find("-x-easy") != std::string::npos)
        return std::string("ja-x-easy");
    return primary;
}

}  // namespace alerthub::hub
