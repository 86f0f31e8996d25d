#include "core/protocol/alert_look.h"

#include <fmt/format.h>

#include <utility>

namespace alerthub {

AlertColours alert_colours(const Alert& alert) {
    constexpr Rgb kWhite{255, 255, 255};
    constexpr Rgb kBlack{0, 0, 0};
    if (alert.level) {
        switch (*alert.level) {
            case 5:
                return {{12, 0, 12}, kWhite};
            case 4:
                return {{170, 0, 170}, kWhite};
            case 3:
                return {{255, 40, 0}, kBlack};
            case 2:
                return {{242, 231, 0}, kBlack};
            default:
                return {kWhite, kBlack};
        }
    }
    switch (alert.severity) {
        case Severity::kExtreme:
            return {{90, 0, 0}, kWhite};
        case Severity::kSevere:
            return {{215, 0, 15}, kWhite};
        case Severity::kModerate:
            return {{255, 180, 0}, kBlack};
        case Severity::kMinor:
            return {{244, 244, 244}, kBlack};
        case Severity::kUnknown:
            break;
    }
    return {{64, 72, 80}, kWhite};
}

std::string css_colour(Rgb c) {
    return fmt::format("#{:02x}{:02x}{:02x}", c.r, c.g, c.b);
}

std::string language_name(std::string_view tag) {
    static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
        {"ja", "日本語"},        {"ja-x-easy", "やさしい日本語"},
        {"en", "English"},       {"zh-Hans", "简体中文"},
        {"zh-Hant", "繁體中文"}, {"zh", "中文"},
        {"ko", "한국어"},        {"vi", "Tiếng Việt"},
        {"pt", "Português"},     {"pt-BR", "Português"},
        {"es", "Español"},       {"ne", "नेपाली"},
        {"tl", "Tagalog"},       {"fil", "Filipino"},
        {"th", "ไทย"},           {"id", "Bahasa Indonesia"},
        {"my", "မြန်မာ"},         {"fr", "Français"},
        {"de", "Deutsch"},       {"ru", "Русский"},
    };
    for (const auto& [t, name] : kNames)
        if (t == tag) return std::string(name);
    return std::string(tag);
}

}  // namespace alerthub
