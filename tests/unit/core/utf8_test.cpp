#include "core/base/utf8.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace alerthub
