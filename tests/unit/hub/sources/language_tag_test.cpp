#include "hub/sources/language_tag.h"

#include <gtest/gtest.h>

namespace alerthub::hub {
namespace {

std::string norm(std::string_view tag) {
    auto r = normalize_language_tag(tag);
    return r.ok() ? *r : "ERROR: " + r.error().message;
}

TEST(LanguageTagTest, MapsToOurKeys) {
    EXPECT_EQ(norm("en-US"), "en");
    EXPECT_EQ(norm("EN"), "en");
    EXPECT_EQ(norm("ja-JP"), "ja");
    EXPECT_EQ(norm("ja"), "ja");
    EXPECT_EQ(norm("zh-CN"), "zh-Hans");
    EXPECT_EQ(norm("zh-Hans-CN"), "zh-Hans");
    EXPECT_EQ(norm("zh-SG"), "zh-Hans");
    EXPECT_EQ(norm("zh-TW"), "zh-Hant");
    EXPECT_EQ(norm("zh-tw"), "zh-Hant");
    EXPECT_EQ(norm("zh-HK"), "zh-Hant");
    EXPECT_EQ(norm("zh_Hant"), "zh-Hant");
    EXPECT_EQ(norm("zh"), "zh");
    EXPECT_EQ(norm("ko-KR"), "ko");
    EXPECT_EQ(norm("pt-BR"), "pt");
    EXPECT_EQ(norm("ne-NP"), "ne");
    EXPECT_EQ(norm("ja-x-easy"), "ja-x-easy");
    EXPECT_EQ(norm("ja-JP-x-easy"), "ja-x-easy");
}

TEST(LanguageTagTest, RejectsWhatIsNotATag) {
    EXPECT_FALSE(normalize_language_tag("").ok());
    EXPECT_FALSE(normalize_language_tag("e").ok());
    EXPECT_FALSE(normalize_language_tag("en US").ok());
    EXPECT_FALSE(normalize_language_tag("en--US").ok());
    EXPECT_FALSE(normalize_language_tag("1234").ok());
    EXPECT_FALSE(normalize_language_tag("日本語").ok());
    EXPECT_NE(norm("en US").find("'en US' is not a language tag"), std::string::npos);
}

}  // namespace
}  // namespace alerthub::hub
