// hub/output/cap_writer: the canonical alert back to CAP 1.2, valid against the OASIS schema
// (xmllint --schema ../shared/fixtures/cap/schema/CAP-v1.2.xsd), and read back the same by
// the hub's own parser. Also the output feed's documents.

#include "hub/output/cap_writer.h"
#include "hub/sources/source_reader.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>

#include "core/base/time_format.h"
#include "tests/unit/hub/console/console_fixture.h"

namespace alerthub::hub {
namespace {

namespace fs = std::filesystem;
using alerthub::testing::fixtures_dir;
using alerthub::testing::read_file;
using alerthub::testing::TempDir;
using alerthub::testing::write_file;

// xmllint's verdict on `xml` against the CAP 1.2 schema: "" when valid, else its output.
std::string schema_problems(const std::string& xml) {
    TempDir dir;
    write_file(dir / "doc.xml", xml);
    auto xsd = fixtures_dir() / "cap/schema/CAP-v1.2.xsd";
    std::string command =
        "xmllint --noout --schema '" + xsd.string() + "' '" + (dir / "doc.xml").string() + "' 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return "cannot run xmllint";
    std::string out;
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
    int status = pclose(pipe);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
    return out.empty() ? "xmllint failed (is libxml2-utils installed?)" : out;
}

Alert staff_alert() {
    Alert a;
    a.status = AlertStatus::kExercise;
    a.source.kind = SourceKind::kStaff;
    a.event_code = "alerthub:evac_order";
    a.event_name = {{"ja", "避難指示"},
                    {"en", "Evacuation instructions"},
                    {"ja-x-easy", "みんな 逃げてください"}};
    a.category = "safety";
    a.level = 4;
    a.severity = Severity::kSevere;
    a.urgency = Urgency::kImmediate;
    a.certainty = Certainty::kLikely;
    a.effective = parse_rfc3339("2026-11-23T10:05:00+09:00").value();
    a.expires = parse_rfc3339("2026-11-24T10:05:00+09:00").value();
    a.headline = {{"ja", "【警戒レベル4】芝浦一丁目に避難指示（高潮）"},
                  {"en", "[Alert Level 4] Evacuation instructions: Shibaura 1 & 2 <now>"},
                  {"ja-x-easy", "【レベル4】みんな 逃げてください"}};
    a.instruction = {{"ja", "危険な場所から全員避難してください。"}, {"en", "Evacuate."}};
    a.areas = {{"town", "shibaura-1", "芝浦一丁目"}, {"jisx0402", "131032", "港区"}};
    a.links = {{"web", "https://www.city.minato.tokyo.jp/bousai/?a=1&b=2", {}}};
    return a;
}

CapEnvelope envelope(MsgType type = MsgType::kAlert) {
    CapEnvelope env;
    env.identifier = "alerthub-staff-1-0a1b2c3d";
    env.sender = "bousai@city.minato.tokyo.jp";
    env.sent = parse_rfc3339("2026-11-23T10:05:00.250+09:00").value();
    env.msg_type = type;
    if (type != MsgType::kAlert)
        env.references = {{"bousai@city.minato.tokyo.jp", "alerthub-staff-0-ffffffff",
                           "2026-11-23T09:00:00+09:00"}};
    return env;
}

TEST(CapWriterTest, AStaffNoticeIsValidCap12AndReadsBackTheSame) {
    Alert a = staff_alert();
    std::string xml = write_cap(a, envelope());
    EXPECT_EQ(schema_problems(xml), "");
    EXPECT_NE(xml.find("<sent>2026-11-23T10:05:00+09:00</sent>"), std::string::npos)
        << "CAP times have no fractions";
    auto doc = read_source_document(xml, 1 << 20, SourceFormat::kCap);
    ASSERT_TRUE(doc.ok()) << doc.error().message;
    const Alert& b = doc->alert;
    EXPECT_EQ(b.status, a.status);
    EXPECT_EQ(b.level, a.level);
    EXPECT_EQ(b.severity, a.severity);
    EXPECT_EQ(b.urgency, a.urgency);
    EXPECT_EQ(b.certainty, a.certainty);
    EXPECT_EQ(b.event_code, a.event_code);
    EXPECT_EQ(b.event_name, a.event_name);
    EXPECT_EQ(b.headline, a.headline);
    EXPECT_EQ(b.instruction, a.instruction);
    EXPECT_EQ(b.areas, a.areas);
    EXPECT_EQ(b.links, a.links);
    EXPECT_EQ(b.effective, a.effective);
    EXPECT_EQ(b.expires, a.expires);
    EXPECT_TRUE(doc->warnings.empty());
}

TEST(CapWriterTest, UpdatesAndCancelsCarryTheirReferences) {
    for (MsgType type : {MsgType::kUpdate, MsgType::kCancel}) {
        std::string xml = write_cap(staff_alert(), envelope(type));
        EXPECT_EQ(schema_problems(xml), "");
        auto doc = read_source_document(xml, 1 << 20, SourceFormat::kCap);
        ASSERT_TRUE(doc.ok()) << doc.error().message;
        EXPECT_EQ(doc->alert.msg_type, type);
        ASSERT_EQ(doc->references.size(), 1u);
        EXPECT_EQ(doc->references[0].identifier, "alerthub-staff-0-ffffffff");
    }
}

// Every real CAP document the hub accepts can be re-issued as valid CAP 1.2 (the output feed
// serves what came in from any source).
TEST(CapWriterTest, EveryRealFixtureIsReissuedAsValidCap) {
    int checked = 0;
    for (const auto& entry : fs::directory_iterator(fixtures_dir() / "cap/real")) {
        auto doc = read_source_document(read_file(entry.path()), 1 << 22, SourceFormat::kCap);
        if (!doc) continue;  // refused on the way in: nothing to re-issue
        CapEnvelope env;
        env.identifier = "reissued-" + std::to_string(checked);
        env.sender = "feed@alerthub.invalid";
        env.sent = doc->alert.source.sent;
        std::string xml = write_cap(doc->alert, env);
        EXPECT_EQ(schema_problems(xml), "") << entry.path();
        if (!schema_problems(xml).empty()) std::cerr << xml;
        auto again = read_source_document(xml, 1 << 22, SourceFormat::kCap);
        ASSERT_TRUE(again.ok()) << entry.path() << ": " << again.error().message;
        EXPECT_EQ(again->alert.headline, doc->alert.headline) << entry.path();
        EXPECT_EQ(again->alert.level, doc->alert.level) << entry.path();
        EXPECT_EQ(again->alert.severity, doc->alert.severity) << entry.path();
        ++checked;
    }
    EXPECT_GE(checked, 10);
}

class FeedTest : public console::testing::ConsoleFixture {};

TEST_F(FeedTest, TheFeedsSourceDocumentsAreValidForEveryVersion) {
    open_service();
    auto id = draft(olive(), evac_order_request());
    auto done = drafts().approve(april(), id);
    ASSERT_TRUE(done.ok()) << done.error().message;
    const std::string alert_id = done->alert_id;
    auto v1 = service_->feed().cap_document(alert_id);
    ASSERT_TRUE(v1.ok());
    EXPECT_EQ(schema_problems(*v1), "");

    clock_.advance(std::chrono::minutes(5));
    auto cancel = draft(olive(), cancel_request(alert_id));
    ASSERT_TRUE(drafts().approve(andy(), cancel).ok());
    auto v2 = service_->feed().cap_document(alert_id);
    ASSERT_TRUE(v2.ok());
    EXPECT_EQ(schema_problems(*v2), "");
    EXPECT_NE(v2->find("<msgType>Cancel</msgType>"), std::string::npos);
    EXPECT_NE(v2->find(alert_id + "-v1"), std::string::npos) << "references version 1";

    auto atom = service_->feed().atom();
    ASSERT_TRUE(atom.ok());
    EXPECT_NE(atom->find("<feed xmlns=\"http://www.w3.org/2005/Atom\""), std::string::npos);
    EXPECT_NE(atom->find("【解除】"), std::string::npos);
    EXPECT_NE(atom->find("/feed/cap/" + alert_id + ".xml"), std::string::npos);
}

}  // namespace
}  // namespace alerthub::hub
