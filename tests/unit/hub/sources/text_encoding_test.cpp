#include "hub/sources/text_encoding.h"

#include <gtest/gtest.h>

namespace alerthub::hub {
namespace {

TEST(TextEncodingTest, ReadsTheDeclaredEncoding) {
    EXPECT_EQ(declared_xml_encoding("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>"),
              "iso-8859-1");
    EXPECT_EQ(declared_xml_encoding("<?xml version = '1.0' encoding = 'UTF-8' ?><a/>"), "utf-8");
    EXPECT_EQ(declared_xml_encoding("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>"),
              "utf-8");
    EXPECT_EQ(declared_xml_encoding("<?xml version=\"1.0\"?><a/>"), std::nullopt);
    EXPECT_EQ(declared_xml_encoding("<a encoding=\"x\"/>"), std::nullopt);
}

// Strict UTF-8 validation and the Latin-1 conversion itself: tests/unit/core/utf8_test.cpp.
TEST(TextEncodingTest, Latin1IsConvertedAndOthersAreRefused) {
    auto doc = to_utf8_document("<?xml version=\"1.0\" encoding=\"latin1\"?><a>\xE9</a>");
    ASSERT_TRUE(doc.ok());
    EXPECT_NE(doc->find("\xC3\xA9"), std::string::npos);
    EXPECT_FALSE(to_utf8_document("<?xml version=\"1.0\" encoding=\"us-ascii\"?><a>\xE9</a>").ok());
    EXPECT_FALSE(to_utf8_document("<?xml version=\"1.0\" encoding=\"EUC-JP\"?><a/>").ok());
    EXPECT_FALSE(to_utf8_document("<a>\xE9</a>").ok());  // no declaration: UTF-8
    auto bom = to_utf8_document("\xEF\xBB\xBF<a/>");
    ASSERT_TRUE(bom.ok());
    EXPECT_EQ(*bom, "<a/>");
}

}  // namespace
}  // namespace alerthub::hub
