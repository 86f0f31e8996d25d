#include "adapters/mail/mail_message.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "core/base/time_format.h"
#include "core/protocol/alert_text.h"
#include "tests/support/alert_states.h"
#include "tests/support/mime_decode.h"

namespace alerthub::mail {
namespace {

using mime::base64_decode;
using mime::decode_rfc2047;
using mime::parse_mail;
using mime::valid_utf8;

Alert sample_alert() {
    Alert a;
    a.id = "staff-2024-0001";
    a.level = 4;
    a.source.sent = *parse_rfc3339("2024-07-25T01:30:00Z");  // 10:30 JST
    a.headline = {{"ja", "港区に避難指示（警戒レベル４）"}, {"en", "Evacuation order: Minato"}};
    a.instruction = {{"ja", "危険な場所から全員避難してください。"},
                     {"en", "Everyone must leave dangerous places now."}};
    a.links = {{"shelter_map", "https://www.city.minato.tokyo.jp/hinan", {}}};
    return a;
}

// Every line of a header block, folded continuation lines included.
std::vector<std::string> lines_of(const std::string& header) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        auto eol = header.find("\r\n", start);
        out.push_back(header.substr(start, eol - start));
        if (eol == std::string::npos) break;
        start = eol + 2;
    }
    return out;
}

void expect_well_formed_encoded_header(const std::string& header, const std::string& name,
                                       const std::string& text) {
    ASSERT_EQ(header.rfind(name + ": ", 0), 0u) << header;
    EXPECT_EQ(decode_rfc2047(header.substr(name.size() + 2)), text);
    std::regex word(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=)");
    for (auto& line : lines_of(header)) {
        EXPECT_LE(line.size(), 76u) << line;
        for (auto it = std::sregex_iterator(line.begin(), line.end(), word);
             it != std::sregex_iterator(); ++it) {
            EXPECT_LE(it->str().size(), 75u);
            // Each word decodes to whole characters on its own: none is split.
            EXPECT_TRUE(valid_utf8(base64_decode((*it)[1].str()))) << it->str();
        }
    }
}

TEST(MailText, SubjectIsThePrefixAndTheJapaneseHeadline) {
    Alert a = sample_alert();
    EXPECT_EQ(mail_subject(a), "【緊急】港区に避難指示（警戒レベル４）");
    a.status = AlertStatus::kExercise;
    EXPECT_EQ(mail_subject(a), "【訓練】港区に避難指示（警戒レベル４）");
    a.status = AlertStatus::kActual;
    a.state = AlertState::kLifted;
    EXPECT_EQ(mail_subject(a), "【解除】港区に避難指示（警戒レベル４）");
    a.state = AlertState::kCancelled;
    EXPECT_EQ(mail_subject(a), "【取消】港区に避難指示（警戒レベル４）");
    a.headline.erase("ja");
    EXPECT_EQ(mail_subject(a), "【取消】Evacuation order: Minato");
    a.headline["en"] = "two\nlines";
    EXPECT_EQ(mail_subject(a), "【取消】two lines");
}

TEST(MailText, SubjectIsInTheSubscribersLanguageWithJapaneseFallback) {
    Alert a = sample_alert();
    // The prefix in the subscriber's language too: an English subject has no Japanese word.
    EXPECT_EQ(mail_subject(a, "en"), "[URGENT] Evacuation order: Minato");
    EXPECT_EQ(mail_subject(a, "ko"), "[긴급] 港区に避難指示（警戒レベル４）");
    a.status = AlertStatus::kTest;
    EXPECT_EQ(mail_subject(a, "en"), "[TEST] Evacuation order: Minato");
    a.status = AlertStatus::kExercise;
    a.headline["zh-Hans"] = "港区：避难指示";
    EXPECT_EQ(mail_subject(a, "zh-Hans"), "【演习】港区：避难指示");
}

// An L5 order as the console sends it: what the ward ordered is in the description.
Alert level5_order() {
    Alert a = sample_alert();
    a.level = 5;
    a.severity = Severity::kExtreme;
    a.headline = {
        {"ja", "【警戒レベル5】芝浦一丁目に緊急安全確保（高潮）"},
        {"en", "[Alert Level 5] Emergency safety measures (storm surge): Shibaura 1-chome"}};
    a.event_name = {{"ja", "緊急安全確保"}, {"en", "Emergency safety measures"}};
    a.description = {{"ja", "港区は、芝浦一丁目に緊急安全確保を発令しました。"},
                     {"en",
                      "Minato City has issued emergency safety measures for: Shibaura "
                      "1-chome."}};
    a.instruction = {{"ja", "命の危険 直ちに安全確保！"},
                     {"en", "Danger to life! Secure your safety immediately."}};
    return a;
}

TEST(MailText, ThePlainPartHasTheDescriptionAfterEachInstructionAndTheFooter) {
    SubscriberLinks links{"https://x.example/mail/unsubscribe?t=1.ab",
                          "https://x.example/mail/preferences?t=1.ab"};
    auto text = mail_text(level5_order(), "en", links);
    auto ja_instruction = text.find("命の危険 直ちに安全確保！");
    auto ja_description = text.find("港区は、芝浦一丁目に緊急安全確保を発令しました。");
    auto en_description = text.find("Minato City has issued emergency safety measures");
    ASSERT_NE(ja_description, std::string::npos) << text;
    ASSERT_NE(en_description, std::string::npos) << text;
    EXPECT_LT(ja_instruction, ja_description);
    EXPECT_LT(ja_description, en_description);
    EXPECT_NE(text.find("配信停止 (Unsubscribe)"), std::string::npos);
}

TEST(MailHtml, LevelColourHeadingInstructionFirstAndATwinOfThePlainText) {
    SubscriberLinks links{"https://x.example/mail/unsubscribe?t=1.ab", ""};
    Alert a = level5_order();
    a.description["ja"] = "<script>x</script> & 続報";
    auto html = mail_html(a, "en", links);
    EXPECT_NE(html.find("<html lang=\"ja\">"), std::string::npos);
    EXPECT_NE(html.find("background:#0c000c;color:#ffffff"), std::string::npos) << html;
    EXPECT_NE(html.find("警戒レベル5 / Alert Level 5 / 緊急安全確保 / Emergency safety measures"),
              std::string::npos);
    auto h1 = html.find("<h1");
    auto instruction = html.find("命の危険 直ちに安全確保！");
    auto description = html.find("&lt;script&gt;x&lt;/script&gt; &amp; 続報");
    auto h2 = html.find("<h2");
    ASSERT_NE(h1, std::string::npos);
    ASSERT_NE(description, std::string::npos) << html;
    EXPECT_NE(html.find("【緊急】【警戒レベル5】芝浦一丁目に緊急安全確保（高潮）</h1>"),
              std::string::npos);
    EXPECT_LT(h1, instruction);
    EXPECT_LT(instruction, description);
    EXPECT_LT(description, h2);
    EXPECT_NE(html.find("<div lang=\"en\""), std::string::npos);
    EXPECT_NE(html.find("[URGENT] [Alert Level 5] Emergency safety measures"), std::string::npos);
    EXPECT_EQ(html.find("<script>"), std::string::npos);
    EXPECT_NE(html.find("発表: 2024-07-25 10:30 (JST)"), std::string::npos);
    EXPECT_NE(html.find("href=\"https://x.example/mail/unsubscribe?t=1.ab\""), std::string::npos);
    EXPECT_NE(html.find("href=\"https://www.city.minato.tokyo.jp/hinan\""), std::string::npos);
    // Every sentence of the plain part is in the HTML part too.
    for (const auto* sentence :
         {"命の危険 直ちに安全確保！", "Danger to life! Secure your safety immediately.",
          "Minato City has issued emergency safety measures for: Shibaura 1-chome."})
        EXPECT_NE(html.find(sentence), std::string::npos) << sentence;
}

TEST(MailHtml, ColoursFollowTheLevelSeverityAndEndAndDrillsAreBanded) {
    Alert a = sample_alert();
    EXPECT_NE(mail_html(a, "ja", {}).find("background:#aa00aa"), std::string::npos);
    a.level = 3;
    EXPECT_NE(mail_html(a, "ja", {}).find("background:#ff2800;color:#000000"), std::string::npos);
    a.level.reset();
    a.severity = Severity::kSevere;
    EXPECT_NE(mail_html(a, "ja", {}).find("background:#d7000f"), std::string::npos);
    a.state = AlertState::kLifted;
    auto lifted = mail_html(a, "en", {});
    EXPECT_NE(lifted.find("background:#4a5560"), std::string::npos);
    EXPECT_NE(lifted.find("【解除】港区に避難指示"), std::string::npos);
    EXPECT_NE(lifted.find("[LIFTED] Evacuation order: Minato"), std::string::npos);
    a.state = AlertState::kActive;
    a.status = AlertStatus::kExercise;
    auto drill = mail_html(a, "en", {});
    EXPECT_NE(drill.find("これは訓練です / This is an exercise"), std::string::npos);
    EXPECT_NE(drill.find("【訓練】港区に避難指示"), std::string::npos);
    EXPECT_NE(drill.find("[EXERCISE] Evacuation order: Minato"), std::string::npos);
    EXPECT_EQ(mail_html(sample_alert(), "ja", {}).find("訓練"), std::string::npos);
}

TEST(MailText, FooterHasTheLinksJapaneseFirstAndNothingForStaffCopies) {
    EXPECT_EQ(mail_footer({}), "");
    auto f = mail_footer(
        {"https://x.example/mail/unsubscribe?t=1.ab", "https://x.example/mail/preferences?t=1.ab"});
    EXPECT_LT(f.find("配信停止"), f.find("Unsubscribe"));
    EXPECT_NE(f.find("配信停止 (Unsubscribe): https://x.example/mail/unsubscribe?t=1.ab\n"),
              std::string::npos);
    EXPECT_NE(f.find("https://x.example/mail/preferences?t=1.ab"), std::string::npos);
}

TEST(MailText, HtmlIsEscapedWithLineBreaksAndLinks) {
    auto h = text_to_html("<b>港区</b> & \"x\"\nhttps://a.example/p?q=1&r=2 then", "ja");
    EXPECT_NE(h.find("<html lang=\"ja\">"), std::string::npos);
    EXPECT_NE(h.find("&lt;b&gt;港区&lt;/b&gt; &amp; &quot;x&quot;<br>"), std::string::npos) << h;
    EXPECT_NE(
        h.find(
            "<a href=\"https://a.example/p?q=1&amp;r=2\">https://a.example/p?q=1&amp;r=2</a> then"),
        std::string::npos)
        << h;
    EXPECT_EQ(h.find("<b>"), std::string::npos);
}

TEST(Rfc2047, ShortSubjectIsOneWord) {
    auto h = encode_header("Subject", "【緊急】避難指示");
    EXPECT_EQ(h, "Subject: =?UTF-8?B?44CQ57eK5oCl44CR6YG/6Zuj5oyH56S6?=");
    expect_well_formed_encoded_header(h, "Subject", "【緊急】避難指示");
}

TEST(Rfc2047, LongSubjectIsFoldedAtCharacterBoundaries) {
    std::string text =
        "【緊急】港区に避難指示（警戒レベル４）危険な場所から全員避難してください。"
        "芝浦・海岸・港南地区では高潮による浸水のおそれがあります。𠮷野家前";
    auto h = encode_header("Subject", text);
    EXPECT_GT(lines_of(h).size(), 3u);
    expect_well_formed_encoded_header(h, "Subject", text);
}

TEST(Rfc2047, EveryLengthDecodesBackExactly) {
    // Mixed 1-, 3- and 4-byte characters, every prefix length: the boundaries fall
    // everywhere.
    std::string source = "Aあ𠮷b避難🍎ｃ";
    std::string text;
    for (int i = 0; i < 12; ++i) {
        text += source;
        expect_well_formed_encoded_header(encode_header("Subject", text), "Subject", text);
    }
}

TEST(Rfc2047, FromHasAnEncodedDisplayNameAndAPlainAddress) {
    auto from = encode_from("防災情報メール", "bousai@city.minato.example");
    EXPECT_EQ(decode_rfc2047(from.substr(6)), "防災情報メール <bousai@city.minato.example>");
    for (auto& line : lines_of(from)) EXPECT_LE(line.size(), 76u);
    EXPECT_NE(from.find(" <bousai@city.minato.example>"), std::string::npos);

    std::string long_name(40, 'x');
    auto folded = encode_from("港区" + long_name, "a-very-long-sender-address@city.minato.example");
    for (auto& line : lines_of(folded)) EXPECT_LE(line.size(), 76u) << folded;
    EXPECT_EQ(decode_rfc2047(folded.substr(6)),
              "港区" + long_name + " <a-very-long-sender-address@city.minato.example>");
    EXPECT_EQ(encode_from("", "a@b.example"), "From: <a@b.example>");
}

TEST(Base64, KnownVectorsAndLineLength) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
    std::string text(1000, 'z');
    auto lines = base64_lines(text);
    size_t start = 0;
    while (start < lines.size()) {
        auto eol = lines.find("\r\n", start);
        ASSERT_NE(eol, std::string::npos);
        EXPECT_LE(eol - start, 76u);
        start = eol + 2;
    }
    EXPECT_EQ(base64_decode(lines), text);
}

TEST(MailDate, IsRfc5322InJst) {
    EXPECT_EQ(format_rfc5322_date(*parse_rfc3339("2024-07-25T01:30:05Z")),
              "Thu, 25 Jul 2024 10:30:05 +0900");
    EXPECT_EQ(format_rfc5322_date(*parse_rfc3339("2023-12-31T20:00:00Z")),
              "Mon, 01 Jan 2024 05:00:00 +0900");
}

TEST(MessageId, UniquePerJobAndRecipientAndStableAcrossRetries) {
    auto a = make_message_id("jma-VPWW53-130000/v2/mail", 1, "bousai@city.example.jp");
    EXPECT_TRUE(std::regex_match(
        a, std::regex(R"(<jma-VPWW53-130000\.v2\.mail\.r1\.[0-9a-f]{12}@city\.example\.jp>)")))
        << a;
    EXPECT_EQ(a, make_message_id("jma-VPWW53-130000/v2/mail", 1, "bousai@city.example.jp"));
    EXPECT_NE(a, make_message_id("jma-VPWW53-130000/v2/mail", 2, "bousai@city.example.jp"));
    // Ids that differ only in characters a Message-ID cannot carry stay apart.
    EXPECT_NE(make_message_id("a:b/v1/mail", 1, "x@y.jp"),
              make_message_id("a;b/v1/mail", 1, "x@y.jp"));
}

TEST(ComposeMail, IsMultipartAlternativeWithUtf8TextAndHtmlAndOneClickUnsubscribe) {
    MailEnvelopeHeaders h;
    h.from_address = "bousai@city.minato.example";
    h.from_name = "防災情報メール";
    h.to_address = "taro@example.jp";
    h.subject = mail_subject(sample_alert());
    h.date = "Thu, 25 Jul 2024 10:30:05 +0900";
    h.message_id = "<x.r1.abc@city.minato.example>";
    h.job_id = "staff-2024-0001/v1/mail";
    h.list_unsubscribe = "https://bousai.example/mail/unsubscribe?t=7.0123abcd";
    SubscriberLinks links{h.list_unsubscribe, ""};
    auto text = mail_text(sample_alert(), "ja", links);
    auto html = mail_html(sample_alert(), "ja", links);
    auto m = compose_mail(h, text, html);

    // CRLF only: no bare LF anywhere.
    for (size_t i = 0; i < m.size(); ++i) {
        if (m[i] == '\n') {
            ASSERT_TRUE(i > 0 && m[i - 1] == '\r') << "bare LF at " << i;
        }
    }

    auto p = parse_mail(m);
    EXPECT_EQ(decode_rfc2047(p.header("Subject")), "【緊急】港区に避難指示（警戒レベル４）");
    EXPECT_EQ(decode_rfc2047(p.header("From")), "防災情報メール <bousai@city.minato.example>");
    EXPECT_EQ(p.header("To"), "<taro@example.jp>");
    EXPECT_EQ(p.header("Date"), h.date);
    EXPECT_EQ(p.header("Message-ID"), h.message_id);
    EXPECT_EQ(p.header("MIME-Version"), "1.0");
    EXPECT_EQ(mime::unfold(p.header("List-Unsubscribe")),
              "<https://bousai.example/mail/unsubscribe?t=7.0123abcd>");
    EXPECT_EQ(p.header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
    EXPECT_EQ(p.header("X-Alerthub-Job"), "staff-2024-0001/v1/mail");
    for (auto& line : lines_of(p.raw_header_block)) EXPECT_LE(line.size(), 76u) << line;

    auto type = mime::unfold(p.header("Content-Type"));
    ASSERT_EQ(type.rfind("multipart/alternative;", 0), 0u) << type;
    auto parts = mime::split_multipart(p.body, mime::boundary_of(type));
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].header("Content-Type"), "text/plain; charset=UTF-8");
    EXPECT_EQ(parts[1].header("Content-Type"), "text/html; charset=UTF-8");
    std::string crlf_text;
    for (char c : text) {
        if (c == '\n') crlf_text += '\r';
        crlf_text += c;
    }
    for (auto& part : parts) {
        EXPECT_EQ(part.header("Content-Transfer-Encoding"), "base64");
        for (auto& line : lines_of(part.body)) EXPECT_LE(line.size(), 76u);
        EXPECT_TRUE(valid_utf8(base64_decode(part.body)));
    }
    EXPECT_EQ(base64_decode(parts[0].body), crlf_text);
    EXPECT_NE(base64_decode(parts[1].body).find("港区に避難指示"), std::string::npos);
}

TEST(ComposeMail, StaffCopiesHaveNoListUnsubscribe) {
    MailEnvelopeHeaders h;
    h.from_address = "bousai@city.minato.example";
    h.to_address = "staff@city.minato.example";
    h.subject = "x";
    h.message_id = "<x.r1.abc@city.minato.example>";
    auto p = parse_mail(compose_mail(h, "text", "<p>text</p>"));
    EXPECT_EQ(p.headers.count("List-Unsubscribe"), 0u);
    EXPECT_EQ(p.headers.count("List-Unsubscribe-Post"), 0u);
}

}  // namespace
}  // namespace alerthub::mail

namespace alerthub::mail {
namespace {

// Issue 14: every state (exercise, cancel, lift, update, expiry, replay) is marked in the
// subscriber's language in the subject, the plain part and the HTML part, and no two states
// make the same mail.
TEST(MailMessage, EveryStateIsMarkedInTheSubscribersLanguage) {
    using alerthub::testing::kStateWords;
    const SubscriberLinks links{"https://bousai.example/mail/unsubscribe?t=1.ab",
                                "https://bousai.example/mail/preferences?t=1.ab"};
    for (const auto& lang : alerthub::testing::kNineLanguages) {
        SCOPED_TRACE(lang);
        std::set<std::string> subjects, texts;
        for (const auto& [state, a] :
             alerthub::testing::alert_states(alerthub::testing::nine_language_order())) {
            SCOPED_TRACE(state);
            const std::string subject = mail_subject(a, lang);
            const std::string text = mail_text(a, lang, links);
            const std::string html = mail_html(a, lang, links);
            EXPECT_TRUE(subjects.insert(subject).second) << subject;
            EXPECT_TRUE(texts.insert(text).second);
            if (state == "actual") continue;
            const std::string& word = kStateWords.at(lang).at(state);
            EXPECT_NE(subject.find(word), std::string::npos) << subject;
            // In the reader's own half (after the Japanese one), and in the HTML's.
            const std::string own = lang == "ja" ? text : text.substr(text.find("\n\n"));
            EXPECT_NE(own.find(word), std::string::npos) << text;
            EXPECT_NE(html.find(html_escape(word)), std::string::npos) << html;
        }
    }
}

}  // namespace
}  // namespace alerthub::mail
