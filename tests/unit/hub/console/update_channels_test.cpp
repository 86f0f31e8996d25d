// An update of a staff notice as residents read it: published by the console through the real
// IngestPipeline, then rendered by the code the player, the LINE adapter and the mail adapter
// run. Every language says it is an update (update_mark()) and names the areas as
// they are now; no line of the version it replaces is left.

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "adapters/line/line_message.h"
#include "adapters/mail/mail_message.h"
#include "core/protocol/alert_text.h"
#include "hub/console/drafts.h"
#include "signage_player/screen.h"
#include "tests/unit/hub/console/console_fixture.h"

namespace alerthub::hub::console {
namespace {

using namespace std::chrono_literals;
using testing::ConsoleFixture;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

bool has_line(const std::string& text, const std::string& line) {
    auto lines = lines_of(text);
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// 芝浦三丁目 as each language writes it (the bank's `place`).
std::string shibaura_3_in(const std::string& lang) {
    return lang == "ja" || lang.starts_with("zh") || lang == "ja-x-easy" ? "芝浦三丁目"
                                                                         : "Shibaura 3-chome";
}

class UpdateChannelsTest : public ConsoleFixture {
protected:
    void SetUp() override {
        ConsoleFixture::SetUp();
        open_service();
        auto issued = drafts().approve(april(), draft(olive(), evac_order_request()));
        ASSERT_TRUE(issued.ok());
        // The officer adds 芝浦三丁目 to the order in force; the texts follow the areas.
        auto notice = drafts().notice(olive(), issued->alert_id);
        ASSERT_TRUE(notice.ok());
        DraftRequest update = evac_order_request();
        update.action = "update";
        update.alert_id = issued->alert_id;
        update.areas = {"shibaura-1", "shibaura-2", "shibaura-3"};
        clock_.advance(60s);
        auto published = drafts().approve(andy(), draft(olive(), update));
        ASSERT_TRUE(published.ok()) << published.error().message;
        auto versions = journal_->versions(issued->alert_id);
        ASSERT_TRUE(versions.ok());
        ASSERT_EQ(versions->size(), 2u);
        before_ = versions->front().alert;
        after_ = versions->back().alert;
    }

    std::string mark(const std::string& lang) const { return update_mark(lang); }

    Alert before_;
    Alert after_;
};

TEST_F(UpdateChannelsTest, TheJournalHoldsVersion2AsAnUpdateOfTheNewAreas) {
    EXPECT_EQ(after_.msg_type, MsgType::kUpdate);
    EXPECT_EQ(after_.version, 2);
    EXPECT_EQ(after_.id, before_.id);
    ASSERT_EQ(after_.areas.size(), 3u);
    EXPECT_EQ(after_.areas.back().code, "shibaura-3");
    for (auto language : kPhraseLanguages) {
        const std::string lang(language);
        SCOPED_TRACE(lang);
        EXPECT_TRUE(after_.headline.at(lang).starts_with(mark(lang))) << after_.headline.at(lang);
        EXPECT_NE(after_.headline.at(lang).find(shibaura_3_in(lang)), std::string::npos);
        EXPECT_NE(after_.description.at(lang).find(shibaura_3_in(lang)), std::string::npos);
        EXPECT_NE(after_.description.at(lang), before_.description.at(lang));
    }
}

TEST_F(UpdateChannelsTest, LineSaysUpdateInJapaneseAndTheReadersLanguage) {
    for (auto language : kPhraseLanguages) {
        const std::string lang(language);
        SCOPED_TRACE(lang);
        auto messages = nlohmann::json::parse(line::line_messages_json(after_, lang));
        ASSERT_EQ(messages.size(), 1u);
        // A レベル4 order goes as a Flex message: its body is the text, its notification line
        // the text's first line.
        const auto& m = messages[0];
        ASSERT_EQ(m["type"], "flex");
        const std::string text = m["contents"]["body"]["contents"][0]["text"];
        EXPECT_TRUE(m["altText"].get<std::string>().starts_with("【緊急】【更新】"))
            << m["altText"];
        EXPECT_EQ(lines_of(text).front(), "【緊急】" + after_.headline.at("ja"));
        // Japanese readers get English as the second half.
        const std::string second = lang == "ja" ? "en" : lang;
        EXPECT_TRUE(has_line(text, after_.headline.at(second))) << text;
        EXPECT_NE(text.find(mark(second)), std::string::npos);
        EXPECT_FALSE(has_line(text, before_.headline.at(second))) << text;
        EXPECT_FALSE(has_line(text, "【緊急】" + before_.headline.at("ja"))) << text;
    }
}

TEST_F(UpdateChannelsTest, MailSubjectTextAndHtmlSayUpdateAndNameTheAreasNow) {
    for (auto language : kPhraseLanguages) {
        const std::string lang(language);
        SCOPED_TRACE(lang);
        const std::string subject = mail::mail_subject(after_, lang);
        EXPECT_NE(subject.find(mark(lang)), std::string::npos) << subject;
        EXPECT_NE(subject.find(shibaura_3_in(lang)), std::string::npos) << subject;
        // Japanese first, then the reader's language (a Japanese reader's mail is Japanese).
        const std::string text = mail::mail_text(after_, lang, {});
        const std::string second = lang;
        for (const auto& half : {std::string("ja"), second}) {
            SCOPED_TRACE(half);
            EXPECT_TRUE(has_line(text, after_.headline.at(half)) ||
                        has_line(text, "【緊急】" + after_.headline.at(half)))
                << text;
            EXPECT_TRUE(has_line(text, after_.description.at(half))) << text;
            EXPECT_FALSE(has_line(text, before_.description.at(half))) << text;
        }
        const std::string html = mail::mail_html(after_, lang, {});
        EXPECT_NE(html.find(mail::html_escape(after_.headline.at(second))), std::string::npos);
        EXPECT_EQ(html.find(mail::html_escape(before_.description.at(second))), std::string::npos);
    }
}

TEST_F(UpdateChannelsTest, EveryLanguageOfTheScreensRotationSaysUpdate) {
    const auto languages = player::rotation_languages(after_, player::kDefaultLanguages);
    EXPECT_EQ(languages.size(), std::size(kPhraseLanguages)) << "all nine rotate";
    for (const auto& lang : languages) {
        SCOPED_TRACE(lang);
        player::ScreenOptions options;
        options.languages = {lang};
        options.rotation_started = clock_.now();  // its first language: `lang`
        auto screen = player::make_alert_screen(after_, {}, clock_.now(), true, options);
        EXPECT_EQ(screen.language, lang);
        EXPECT_EQ(screen.version, 2);
        EXPECT_TRUE(screen.headline.starts_with(mark(lang))) << screen.headline;
        EXPECT_NE(screen.headline.find(shibaura_3_in(lang)), std::string::npos);
        EXPECT_EQ(screen.headline, after_.headline.at(lang));
    }
}

}  // namespace
}  // namespace alerthub::hub::console
