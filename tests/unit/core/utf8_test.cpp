#include "core/base/utf8.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace alerthub {
namespace {

TEST(Utf8, SequenceLengthFollowsTheLeadByte) {
    EXPECT_EQ(utf8_sequence_length("a", 0), 1u);
    EXPECT_EQ(utf8_sequence_length("é", 0), 2u);
    EXPECT_EQ(utf8_sequence_length("避", 0), 3u);
    EXPECT_EQ(utf8_sequence_length("𠮷", 0), 4u);
    EXPECT_EQ(utf8_sequence_length("a避b", 1), 3u);
}

TEST(Utf8, BrokenOrCutSequencesCountOneByteSoLoopsMoveOn) {
    EXPECT_EQ(utf8_sequence_length(std::string("\x80"), 0), 1u);         // stray continuation
    EXPECT_EQ(utf8_sequence_length(std::string("\xff"), 0), 1u);         // never a lead byte
    EXPECT_EQ(utf8_sequence_length(std::string("\xe9\x81"), 0), 1u);     // cut short
    EXPECT_EQ(utf8_sequence_length(std::string("\xe9") + "ab", 0), 1u);  // not continued
    std::string mixed = std::string("\xe9") + "避";
    std::size_t i = 0, steps = 0;
    while (i < mixed.size()) {
        i += utf8_sequence_length(mixed, i);
        ++steps;
    }
    EXPECT_EQ(steps, 2u);
}

TEST(Utf8, ValidationIsStrictAndNamesTheOffset) {
    EXPECT_TRUE(validate_utf8("plain ascii").ok());
    EXPECT_TRUE(validate_utf8("港区 避難指示 \xF0\x9F\x8C\x80").ok());
    EXPECT_FALSE(validate_utf8("caf\xE9").ok());           // Latin-1 é
    EXPECT_FALSE(validate_utf8("\xC0\xAF").ok());          // overlong '/'
    EXPECT_FALSE(validate_utf8("\xE0\x80\xAF").ok());      // overlong, 3 bytes
    EXPECT_FALSE(validate_utf8("\xED\xA0\x80").ok());      // UTF-16 surrogate
    EXPECT_FALSE(validate_utf8("\xF4\x90\x80\x80").ok());  // above U+10FFFF
    EXPECT_FALSE(validate_utf8("\xE6\xB8").ok());          // truncated
    auto bad = validate_utf8("abc\xFF");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message, "invalid UTF-8 at byte offset 3 (byte 0xFF)");
    EXPECT_EQ(utf8_error_offset("避難\xE6\xB8"), 6u);  // the lead byte of the cut sequence
    EXPECT_EQ(utf8_error_offset("避難"), std::nullopt);
}

TEST(Utf8, DecodeRoundTripsAndSurvivesBrokenBytes) {
    std::string text = "港区 Minato 🌊";
    std::string back;
    for (char32_t cp : decode_utf8(text)) back += encode_utf8(cp);
    EXPECT_EQ(back, text);
    auto broken = decode_utf8(std::string("a\xff\xc3", 3));
    ASSERT_EQ(broken.size(), 3u);
    EXPECT_EQ(broken[1], 0xFFFDu);
    EXPECT_EQ(broken[2], 0xFFFDu);
    EXPECT_EQ(decode_utf8("\xc0\xaf").front(), 0xFFFDu);  // overlong '/'
}

TEST(Utf8, CountsAndCutsWholeCharacters) {
    EXPECT_EQ(utf8_code_points(""), 0u);
    EXPECT_EQ(utf8_code_points("a避𠮷"), 3u);
    EXPECT_EQ(utf8_prefix("a避b", 10), "a避b");
    EXPECT_EQ(utf8_prefix("a避b", 3), "a");  // never half of 避
    EXPECT_EQ(utf8_prefix("a避b", 4), "a避");
    EXPECT_EQ(utf8_prefix("避", 0), "");
}

TEST(Utf8, Latin1MapsByteForByte) {
    EXPECT_EQ(latin1_to_utf8("Usulut\xE1n"), "Usulut\xC3\xA1n");
    EXPECT_EQ(latin1_to_utf8("\xFF"), "\xC3\xBF");
}

}  // namespace
}  // namespace alerthub
