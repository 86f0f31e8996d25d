#include "hub/sources/xml_reading.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace alerthub::hub {
namespace {

constexpr std::string_view kDoc =
    "<r:Report xmlns:r=\"urn:r\" xmlns=\"urn:default\">"
    "<Head kind=\"x\"> <Title>港区 <!-- split --> 避難</Title><Serial>1</Serial></Head>"
    "text between<!-- c --><Body><Item n=\"1\"/><Item n=\"2\"/><Other/></Body>"
    "<s:Sig xmlns:s=\"urn:sig\"/></r:Report>";

TEST(XmlReadingTest, ReadsNamesNamespacesTextAndAttributes) {
    XmlDocument xml;
    ASSERT_TRUE(load_xml(xml, kDoc, "a test document").ok());
    auto root = xml.document_element();
    ASSERT_TRUE(root);
    EXPECT_EQ(root.name(), "r:Report");
    EXPECT_EQ(root.local_name(), "Report");
    EXPECT_EQ(root.namespace_uri(), "urn:r");
    auto head = root.child("Head");
    EXPECT_EQ(head.namespace_uri(), "urn:default");  // the default namespace, from the root
    EXPECT_EQ(head.attribute("kind"), "x");
    EXPECT_EQ(head.attribute("missing"), "");
    EXPECT_EQ(head.child_text("Title"), "港区  避難");  // the comment splits the text
    EXPECT_EQ(root.child("Sig").namespace_uri(), "urn:sig");
    EXPECT_EQ(head.parent(), root);
    EXPECT_FALSE(root.parent());
}

TEST(XmlReadingTest, IteratesElementsOnlyAndChainsThroughMissingOnes) {
    XmlDocument xml;
    ASSERT_TRUE(load_xml(xml, kDoc, "a test document").ok());
    auto root = xml.document_element();
    std::vector<std::string> names;
    for (auto e : root.elements()) names.emplace_back(e.local_name());
    EXPECT_EQ(names, (std::vector<std::string>{"Head", "Body", "Sig"}));
    auto items = root.child("Body").children("Item");
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[1].attribute("n"), "2");
    auto missing = root.child("Nothing").child("Deeper");
    EXPECT_FALSE(missing);
    EXPECT_EQ(missing.child_text("Text"), "");
    EXPECT_TRUE(missing.children("Item").empty());
    EXPECT_EQ(missing.elements().begin() != missing.elements().end(), false);
    EXPECT_EQ(missing.namespace_uri(), "");
}

TEST(XmlReadingTest, StandaloneCopyCarriesTheNamespacesInScope) {
    XmlDocument xml;
    ASSERT_TRUE(load_xml(xml, kDoc, "a test document").ok());
    auto out = standalone_xml(xml.document_element().child("Body"));
    XmlDocument again;
    ASSERT_TRUE(load_xml(again, out, "a copy").ok()) << out;
    auto body = again.document_element();
    EXPECT_EQ(body.local_name(), "Body");
    EXPECT_EQ(body.namespace_uri(), "urn:default");
    EXPECT_EQ(body.children("Item").size(), 2u);
}

TEST(XmlReadingTest, RefusesDoctypeAndBrokenXmlWithTheirReasons) {
    XmlDocument xml;
    auto doctype = load_xml(xml, "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "a test document");
    ASSERT_FALSE(doctype.ok());
    EXPECT_NE(doctype.error().message.find("<!DOCTYPE> is not allowed in a test document"),
              std::string::npos);
    XmlDocument broken;
    auto s = load_xml(broken, "<a><b></a>", "a test document");
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("not well-formed XML"), std::string::npos);
    EXPECT_FALSE(XmlDocument().document_element());
}

}  // namespace
}  // namespace alerthub::hub
