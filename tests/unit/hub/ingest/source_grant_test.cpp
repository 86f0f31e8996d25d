// What an ingest token may speak for (SourceGrant): checked on real documents.
#include <gtest/gtest.h>

#include "hub/ingest/ingest_pipeline.h"
#include "hub/sources/source_reader.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

SourceDocument read(const std::filesystem::path& path) {
    auto doc = read_source_document(testing::read_file(path), 1 << 20);
    EXPECT_TRUE(doc.ok()) << path << ": " << doc.error().message;
    return doc.ok() ? std::move(*doc) : SourceDocument{};
}

SourceGrant grant(std::string name, std::vector<SourceFormat> sources,
                  std::vector<std::string> senders = {}) {
    return SourceGrant{.name = std::move(name),
                       .sources = std::move(sources),
                       .senders = std::move(senders),
                       .reserved_sender = "bousai@city.minato.tokyo.jp"};
}

TEST(SourceGrantTest, ATokenSpeaksOnlyForItsSourcesAndSenders) {
    const auto cap = testing::project_fixtures_dir() / "cap";
    const auto thunderstorm = read(cap / "thunderstorm_update.xml");
    const auto lalert = read(testing::project_fixtures_dir() / "lalert" / "evacuation_issue.xml");

    EXPECT_TRUE(check_grant(grant("any-cap", {SourceFormat::kCap}), thunderstorm).ok());
    auto jma_only = check_grant(grant("jma-relay", {SourceFormat::kJma}), thunderstorm);
    ASSERT_FALSE(jma_only.ok());
    EXPECT_EQ(jma_only.error().code, ErrorCode::kPermissionDenied);
    EXPECT_NE(jma_only.error().message.find("it is a CAP document"), std::string::npos);

    EXPECT_TRUE(check_grant(grant("lalert", {SourceFormat::kLAlert}), lalert).ok());
    EXPECT_FALSE(check_grant(grant("cap", {SourceFormat::kCap}), lalert).ok());

    // A sender list: only those senders.
    const auto& sender = thunderstorm.alert.source.sender;
    EXPECT_TRUE(check_grant(grant("nws", {SourceFormat::kCap}, {sender}), thunderstorm).ok());
    auto other =
        check_grant(grant("other", {SourceFormat::kCap}, {"someone@example.jp"}), thunderstorm);
    ASSERT_FALSE(other.ok());
    EXPECT_NE(other.error().message.find("sender '" + sender + "'"), std::string::npos);
}

TEST(SourceGrantTest, NoTokenSpeaksAsTheConsoleOrCancelsItsNotices) {
    const auto cap = testing::project_fixtures_dir() / "cap";
    // A Cancel from the console's own sender (the staff notice's chain).
    const auto cancel = read(cap / "minato_evacuation_order_cancel.xml");
    auto as_console = check_grant(grant("any-cap", {SourceFormat::kCap}), cancel);
    ASSERT_FALSE(as_console.ok());
    EXPECT_NE(as_console.error().message.find("sender 'bousai@city.minato.tokyo.jp'"),
              std::string::npos)
        << as_console.error().message;

    // The same Cancel under another sender still names the notice in its references.
    SourceDocument disguised = cancel;
    disguised.alert.source.sender = "relay@example.jp";
    auto by_reference = check_grant(grant("any-cap", {SourceFormat::kCap}), disguised);
    ASSERT_FALSE(by_reference.ok());
    EXPECT_NE(by_reference.error().message.find("refers to a message of sender "
                                                "'bousai@city.minato.tokyo.jp'"),
              std::string::npos)
        << by_reference.error().message;
}

}  // namespace
}  // namespace alerthub::hub
