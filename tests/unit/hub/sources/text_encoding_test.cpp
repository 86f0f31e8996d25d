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

TEST(TextEncodingTest, Utf8ValidationIsStrict) {
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
    EXPECT_NE(bad.error().message.find("offset 3 (byte 0xFF)"), std::string::npos);
}

TEST(TextEncodingTest, Latin1IsConvertedAndOthersAreRefused) {
    EXPECT_EQ(latin1_to_utf8("Usulut\xE1n"), "Usulut\xC3\xA1n");
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
