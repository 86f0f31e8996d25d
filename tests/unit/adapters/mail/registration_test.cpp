// The resident side without HTTP: signed links, double opt-in registration, preferences,
// unsubscribing, the rate limit, and the CSV import and export. Real SQLite, a scripted
// SMTP server and a FakeClock.

#include "adapters/mail/registration.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "adapters/mail/mail_links.h"
#include "adapters/mail/subscriber_csv.h"
#include "adapters/mail/subscriber_store.h"
#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "tests/support/fake_clock.h"
#include "tests/support/mime_decode.h"
#include "tests/support/scripted_smtp_client.h"
#include "tests/support/test_support.h"

namespace alerthub::mail {
namespace {

using alerthub::testing::TempDir;

constexpr const char* kTowns =
    "shibaura-4\t芝浦四丁目\t芝浦\t4\tShibaura 4-chome\tしばうら よんちょうめ\t芝浦港南\n"
    "mita-1\t三田一丁目\t三田\t1\tMita 1-chome\tみた いっちょうめ\t芝\n";

TEST(MailLinks, SignedTokensVerifyAndForgeriesDoNot) {
    ASSERT_TRUE(crypto_init().ok());
    MailLinks links("https://bousai.example", std::string(32, 's'));
    auto t = links.subscriber_token(42);
    EXPECT_TRUE(std::regex_match(t, std::regex("42\\.[0-9a-f]{32}"))) << t;
    EXPECT_EQ(links.verify(t), 42);
    EXPECT_EQ(links.unsubscribe_url(42), "https://bousai.example/mail/unsubscribe?t=" + t);
    auto other_id = t;
    other_id[0] = '3';  // 32.<signature of 42>
    EXPECT_FALSE(links.verify(other_id));
    auto flipped = t;
    flipped.back() = flipped.back() == '0' ? '1' : '0';
    EXPECT_FALSE(links.verify(flipped));
    EXPECT_FALSE(MailLinks("https://bousai.example", std::string(32, 't')).verify(t));
    for (std::string bad : {std::string(), std::string("."), std::string("42"),
                            std::string("x.abc"), "-1." + t.substr(3), t + "0"})
        EXPECT_FALSE(links.verify(bad)) << bad;
}

class RegistrationTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        towns_ = *TownBlocks::parse(kTowns);
        auto store = SubscriberStore::open((dir_ / "mail.db").string());
        ASSERT_TRUE(store.ok()) << store.error().message;
        store_ = std::make_unique<SubscriberStore>(std::move(*store));
        web_.public_url = "https://bousai.example";
        registration_ =
            std::make_unique<Registration>(web_, "bousai@city.minato.example", "防災情報メール",
                                           *store_, smtp_, towns_, links_, clock_);
    }

    // The confirmation token from the last mail sent, read from its text part.
    std::string last_confirmation_token() {
        auto sent = smtp_.sent();
        if (sent.empty()) return {};
        auto p = mime::parse_mail(sent.back().data);
        auto parts = mime::split_multipart(
            p.body, mime::boundary_of(mime::unfold(p.header("Content-Type"))));
        auto text = mime::base64_decode(parts.at(0).body);
        std::smatch m;
        if (!std::regex_search(
                text, m, std::regex("https://bousai\\.example/mail/confirm\\?t=([0-9a-f]{64})")))
            return {};
        return m[1].str();
    }

    Subscriber find(const std::string& email) {
        auto s = store_->find_by_email(email);
        EXPECT_TRUE(s.ok() && s->has_value());
        return s.ok() && s->has_value() ? **s : Subscriber{};
    }

    TempDir dir_;
    TownBlocks towns_;
    WebSettings web_;
    MailLinks links_{"https://bousai.example", std::string(32, 's')};
    FakeClock clock_;
    ScriptedSmtpClient smtp_;
    std::unique_ptr<SubscriberStore> store_;
    std::unique_ptr<Registration> registration_;
};

TEST_F(RegistrationTest, TheFormOffersEveryBlockByDistrictAndEveryLanguageJapaneseFirst) {
    auto page = registration_->form();
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.html.find("<html lang=\"ja\">"), std::string::npos);
    EXPECT_NE(page.html.find("<h1>防災情報メールの登録</h1>"), std::string::npos);
    EXPECT_NE(page.html.find("value=\"shibaura-4\""), std::string::npos);
    EXPECT_NE(page.html.find("芝浦四丁目"), std::string::npos);
    // Grouped by district in the ward's order (芝 before 芝浦港南, whatever the file's row
    // order), each with a box for all of it.
    auto shibaura_konan = page.html.find("<summary>芝浦港南</summary>");
    auto shiba = page.html.find("<summary>芝</summary>");
    ASSERT_NE(shibaura_konan, std::string::npos) << page.html;
    EXPECT_LT(shiba, page.html.find("value=\"mita-1\""));
    EXPECT_LT(page.html.find("value=\"mita-1\""), shibaura_konan);
    EXPECT_LT(shibaura_konan, page.html.find("value=\"shibaura-4\""));
    EXPECT_NE(page.html.find("value=\"district:芝\"> 芝地区すべて"), std::string::npos);
    // Searchable by name, reading and romaji (the script; the page works without it).
    EXPECT_NE(page.html.find("data-search=\"芝浦四丁目 しばうら よんちょうめ Shibaura 4-chome"),
              std::string::npos);
    EXPECT_NE(page.html.find("<script src=\"/mail/areas.js\"></script>"), std::string::npos);
    EXPECT_NE(areas_script().find("area-search"), std::string::npos);
    // Nothing chosen means the whole ward, so nothing is checked before the resident does.
    EXPECT_EQ(page.html.find("value=\"all\" checked"), std::string::npos);
    EXPECT_NE(page.html.find("value=\"ja\" checked"), std::string::npos);
    for (const auto& c : language_choices())
        EXPECT_NE(page.html.find("/mail/?lang=" + c.tag), c.tag == "ja" ? std::string::npos : 0)
            << c.tag;

    auto en = registration_->form("en");
    EXPECT_NE(en.html.find("<html lang=\"en\">"), std::string::npos);
    EXPECT_NE(en.html.find("<h1>Register for disaster information mail</h1>"), std::string::npos);
    EXPECT_NE(en.html.find("Shibaura 4-chome (芝浦四丁目)"), std::string::npos);
    EXPECT_NE(en.html.find("<summary>Shibaura-Konan (芝浦港南)</summary>"), std::string::npos);
    EXPECT_NE(en.html.find("name=\"ui\" value=\"en\""), std::string::npos);
    auto easy = registration_->form("ja-x-easy");
    EXPECT_NE(easy.html.find("芝浦四丁目（しばうら よんちょうめ）"), std::string::npos);
    EXPECT_NE(registration_->form("zh-Hans").html.find("注册防灾信息邮件"), std::string::npos);
    EXPECT_NE(registration_->form("ko").html.find("방재 정보 메일 등록"), std::string::npos);
    // An unknown page language is Japanese.
    EXPECT_NE(registration_->form("xx").html.find("<html lang=\"ja\">"), std::string::npos);
}

TEST_F(RegistrationTest, TheAnswerIsInThePagesLanguageAndRepeatsTheChoice) {
    auto page = registration_->register_address("kim@example.jp", {"district:芝"}, "ko", "zh-Hans");
    ASSERT_EQ(page.status, 200) << page.html;
    EXPECT_NE(page.html.find("<h1>已发送确认邮件</h1>"), std::string::npos) << page.html;
    EXPECT_NE(page.html.find("<span id=\"chosen-areas\">三田一丁目</span>"), std::string::npos);
    EXPECT_NE(page.html.find("<span id=\"chosen-language\">한국어</span>"), std::string::npos);
    EXPECT_EQ(find("kim@example.jp").areas, std::vector<std::string>{"mita-1"});
    // The mail in the language chosen for the mails, with Japanese.
    auto p = mime::parse_mail(smtp_.sent().back().data);
    auto subject = mime::decode_rfc2047(p.header("Subject"));
    EXPECT_NE(subject.find("등록 확인"), std::string::npos) << subject;
    EXPECT_NE(subject.find("登録の確認"), std::string::npos) << subject;

    auto whole = registration_->register_address("all@example.jp", {}, "en", "en");
    EXPECT_NE(whole.html.find("<span id=\"chosen-areas\">All of Minato City (every area)</span>"),
              std::string::npos);
    auto bad = registration_->register_address("x@example.jp", {"district:月"}, "ja", "en");
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.html.find("Unknown area."), std::string::npos);
}

// The placeholders and markup a text carries: {0}, {1}, {} and the link's tags.
std::multiset<std::string> placeholders(std::string_view text) {
    std::multiset<std::string> out;
    static const std::regex kMarks(R"(\{[01]?\}|<a href="\{0\}">|</a>)");
    const std::string s(text);
    for (auto it = std::sregex_iterator(s.begin(), s.end(), kMarks); it != std::sregex_iterator();
         ++it)
        out.insert(it->str());
    return out;
}

TEST(ResidentPageTexts, EveryLanguageHasEveryTextOfItsOwn) {
    const auto ja = page_texts("ja");
    const auto en = page_texts("en");
    ASSERT_GT(ja.size(), 40u);
    ASSERT_EQ(language_choices().size(), 9u);
    for (const auto& choice : language_choices()) {
        const auto texts = page_texts(choice.tag);
        ASSERT_EQ(texts.size(), ja.size()) << choice.tag << " lacks texts of its own";
        for (std::size_t i = 0; i < texts.size(); ++i) {
            const auto& [field, text] = texts[i];
            EXPECT_EQ(field, ja[i].first);
            EXPECT_FALSE(text.empty()) << choice.tag << "." << field;
            // Same {0}/{1}/{} and link as the Japanese, so that fmt fills every one.
            EXPECT_EQ(placeholders(text), placeholders(ja[i].second))
                << choice.tag << "." << field << ": " << text;
            // No English left standing in (but the word "E-mail", which is theirs too).
            if (choice.tag != "en" && field != "email_label") {
                EXPECT_NE(text, en[i].second) << choice.tag << "." << field << " is English";
            }
        }
    }
    EXPECT_TRUE(page_texts("xx").empty());
    EXPECT_TRUE(page_texts("").empty());
}

TEST_F(RegistrationTest, TraditionalChineseVietnameseNepaliAndPortugueseHaveTheirOwnPages) {
    struct Expected {
        std::string lang, title, block, district_all;
    };
    for (const Expected& e : {
             Expected{"zh-Hant", "註冊防災資訊郵件", "> 芝浦四丁目</label>", "> 芝浦港南地區全部"},
             Expected{"vi", "Đăng ký nhận thư thông tin phòng chống thiên tai",
                      "Shibaura 4-chome (芝浦四丁目)", "> Toàn bộ Shibaura-Konan (芝浦港南)"},
             Expected{"ne", "विपद् सूचना इमेलका लागि दर्ता", "Shibaura 4-chome (芝浦四丁目)",
                      "> Shibaura-Konan (芝浦港南) सबै"},
             Expected{"pt", "Cadastro no e-mail de informações sobre desastres",
                      "Shibaura 4-chome (芝浦四丁目)",
                      "> Todas as áreas de Shibaura-Konan (芝浦港南)"},
         }) {
        auto form = registration_->form(e.lang);
        EXPECT_NE(form.html.find("<html lang=\"" + e.lang + "\">"), std::string::npos) << e.lang;
        EXPECT_NE(form.html.find("<h1>" + e.title + "</h1>"), std::string::npos) << e.lang;
        // Block names: kanji for Chinese readers, romaji with the kanji for the others.
        EXPECT_NE(form.html.find(e.block), std::string::npos) << e.lang;
        EXPECT_NE(form.html.find(e.district_all), std::string::npos) << e.lang << form.html;
        if (e.lang == "zh-Hant") {
            EXPECT_EQ(form.html.find("> Shibaura 4-chome"), std::string::npos);
        }
        EXPECT_NE(form.html.find("name=\"ui\" value=\"" + e.lang + "\""), std::string::npos);
        for (std::string english : {"Register for", "Find an area", "Send confirmation mail"})
            EXPECT_EQ(form.html.find(english), std::string::npos) << e.lang << ": " << english;
    }

    // A Vietnamese page, mails in Vietnamese: the answer, the mail, the link opened twice.
    auto sent = registration_->register_address("lan@example.jp", {"shibaura-4"}, "vi", "vi");
    ASSERT_EQ(sent.status, 200) << sent.html;
    EXPECT_NE(sent.html.find("<h1>Đã gửi thư xác nhận</h1>"), std::string::npos);
    EXPECT_NE(sent.html.find("<span id=\"chosen-areas\">Shibaura 4-chome (芝浦四丁目)</span>"),
              std::string::npos);
    EXPECT_NE(sent.html.find("<span id=\"chosen-language\">Tiếng Việt</span>"), std::string::npos);
    auto mail = mime::parse_mail(smtp_.sent().back().data);
    auto subject = mime::decode_rfc2047(mail.header("Subject"));
    EXPECT_NE(subject.find("Vui lòng xác nhận đăng ký"), std::string::npos) << subject;
    EXPECT_NE(subject.find("登録の確認"), std::string::npos) << subject;
    auto token = last_confirmation_token();
    ASSERT_EQ(token.size(), 64u);
    auto confirmed = registration_->confirm(token);
    EXPECT_NE(confirmed.html.find("<h1>Đã đăng ký xong</h1>"), std::string::npos) << confirmed.html;
    auto again = registration_->confirm(token);
    EXPECT_NE(again.html.find("<h1>Đã đăng ký</h1>"), std::string::npos) << again.html;
    EXPECT_NE(again.html.find("Shibaura 4-chome (芝浦四丁目)"), std::string::npos);

    // Traditional Chinese: the areas in kanji, joined as Chinese joins them.
    auto zh = registration_->register_address("chen@example.jp", {"mita-1", "shibaura-4"},
                                              "zh-Hant", "zh-Hant");
    EXPECT_NE(zh.html.find("<h1>已傳送確認郵件</h1>"), std::string::npos) << zh.html;
    EXPECT_NE(zh.html.find("<span id=\"chosen-areas\">三田一丁目、芝浦四丁目</span>"),
              std::string::npos);
    EXPECT_NE(zh.html.find("<span id=\"chosen-language\">繁體中文</span>"), std::string::npos);

    // Errors in the page's language.
    auto bad = registration_->register_address("x@example.jp", {"district:月"}, "ja", "pt");
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.html.find("Área desconhecida."), std::string::npos) << bad.html;
    auto bad_mail = registration_->register_address("nope", {}, "ne", "ne");
    EXPECT_NE(bad_mail.html.find("इमेल ठेगाना मिलेन।"), std::string::npos) << bad_mail.html;

    // Preferences and unsubscribing in the subscriber's language.
    Subscriber s;
    s.email = "bishnu@example.jp";
    s.language = "ne";
    s.state = SubscriberState::kActive;
    auto id = *store_->add(s, clock_.now());
    auto subscriber = links_.subscriber_token(id);
    EXPECT_NE(
        registration_->preferences_form(subscriber).html.find("<h1>क्षेत्र वा भाषा बदल्नुहोस्</h1>"),
        std::string::npos);
    EXPECT_NE(registration_->unsubscribe_form(subscriber).html.find("<h1>इमेल रोक्नुहोस्</h1>"),
              std::string::npos);
    auto saved = registration_->save_preferences(subscriber, {"mita-1"}, "pt");
    EXPECT_NE(saved.html.find("<h1>Salvo</h1>"), std::string::npos) << saved.html;
    EXPECT_NE(saved.html.find("Mita 1-chome (三田一丁目)"), std::string::npos);
}

TEST_F(RegistrationTest, DoubleOptInActivatesOnlyWithTheLinkAndOnlyOnce) {
    auto page = registration_->register_address(" Taro@Example.jp ", {"shibaura-4"}, "en");
    EXPECT_EQ(page.status, 200) << page.html;
    auto sent = smtp_.sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].recipients, std::vector<std::string>{"Taro@Example.jp"});
    auto p = mime::parse_mail(sent[0].data);
    EXPECT_NE(mime::decode_rfc2047(p.header("Subject")).find("登録の確認"), std::string::npos);
    EXPECT_EQ(find("taro@example.jp").state, SubscriberState::kPending);

    auto token = last_confirmation_token();
    ASSERT_EQ(token.size(), 64u);
    EXPECT_EQ(registration_->confirm(token + "0").status, 404);
    auto confirmed = registration_->confirm(token);
    EXPECT_EQ(confirmed.status, 200) << confirmed.html;
    auto s = find("taro@example.jp");
    EXPECT_EQ(s.state, SubscriberState::kActive);
    EXPECT_EQ(s.areas, std::vector<std::string>{"shibaura-4"});
    EXPECT_EQ(s.language, "en");
    ASSERT_TRUE(s.confirmed);
    EXPECT_NE(confirmed.html.find("<h1>You are registered</h1>"), std::string::npos);
    EXPECT_NE(confirmed.html.find("Shibaura 4-chome (芝浦四丁目)"), std::string::npos);
    // Opened again (a second click, a mail program's preview): registered, not "register
    // again", and nothing changes.
    clock_.advance(std::chrono::hours(30));
    auto again = registration_->confirm(token);
    EXPECT_EQ(again.status, 200) << again.html;
    EXPECT_NE(again.html.find("<h1>Already registered</h1>"), std::string::npos);
    EXPECT_NE(again.html.find("<span id=\"chosen-areas\">Shibaura 4-chome (芝浦四丁目)</span>"),
              std::string::npos);
    EXPECT_EQ(again.html.find("Please register again"), std::string::npos);
    EXPECT_EQ(find("taro@example.jp").confirmed, s.confirmed);
    // Unsubscribed since: the old link is no longer a registration.
    ASSERT_EQ(registration_->unsubscribe(links_.subscriber_token(s.id)).status, 200);
    EXPECT_EQ(registration_->confirm(token).status, 404);
}

TEST_F(RegistrationTest, ConfirmationLinksExpire) {
    ASSERT_EQ(registration_->register_address("a@example.jp", {"all"}, "ja").status, 200);
    auto token = last_confirmation_token();
    clock_.advance(std::chrono::hours(24));
    EXPECT_EQ(registration_->confirm(token).status, 404);
    EXPECT_EQ(find("a@example.jp").state, SubscriberState::kPending);
}

TEST_F(RegistrationTest, TokensAreStoredOnlyAsHashes) {
    ASSERT_EQ(registration_->register_address("a@example.jp", {}, "ja").status, 200);
    auto token = last_confirmation_token();
    auto raw = alerthub::testing::read_file(dir_ / "mail.db") +
               alerthub::testing::read_file(dir_ / "mail.db-wal");
    EXPECT_EQ(raw.find(token), std::string::npos);
    EXPECT_NE(raw.find(sha256_hex(token)), std::string::npos);
}

TEST_F(RegistrationTest, RegistrationMailsPerAddressAreLimited) {
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(registration_->register_address("a@example.jp", {}, "ja").status, 200);
    auto over = registration_->register_address("A@example.jp", {}, "ja");
    EXPECT_EQ(over.status, 429);
    EXPECT_EQ(smtp_.sent().size(), 3u);
    EXPECT_EQ(registration_->register_address("b@example.jp", {}, "ja").status, 200);
    clock_.advance(std::chrono::hours(24) + std::chrono::seconds(1));
    EXPECT_EQ(registration_->register_address("a@example.jp", {}, "ja").status, 200);
}

TEST_F(RegistrationTest, BadEntriesAreRefusedWithoutMail) {
    EXPECT_EQ(registration_->register_address("not an address", {}, "ja").status, 400);
    EXPECT_EQ(registration_->register_address("a@example.jp", {"nowhere-1"}, "ja").status, 400);
    EXPECT_EQ(registration_->register_address("a@example.jp", {}, "klingon").status, 400);
    EXPECT_TRUE(smtp_.sent().empty());
}

TEST_F(RegistrationTest, ARefusedConfirmationMailSaysSoAndAnOutageAsksToRetry) {
    smtp_.answer("gone@example.jp", 550);
    EXPECT_EQ(registration_->register_address("gone@example.jp", {}, "ja").status, 400);
    smtp_.refuse_connection();
    EXPECT_EQ(registration_->register_address("b@example.jp", {}, "ja").status, 503);
}

TEST_F(RegistrationTest, UnsubscribeNeedsTheSignedLinkAndAPost) {
    Subscriber s;
    s.email = "a@example.jp";
    s.state = SubscriberState::kActive;
    auto id = *store_->add(s, clock_.now());
    auto token = links_.subscriber_token(id);
    auto form = registration_->unsubscribe_form(token);
    EXPECT_EQ(form.status, 200);
    EXPECT_NE(form.html.find("method=\"post\""), std::string::npos);
    EXPECT_EQ(find("a@example.jp").state, SubscriberState::kActive);  // GET changes nothing
    EXPECT_EQ(registration_->unsubscribe(links_.subscriber_token(id + 1)).status, 404);
    EXPECT_EQ(registration_->unsubscribe("1.0000").status, 404);
    EXPECT_EQ(registration_->unsubscribe(token).status, 200);
    EXPECT_EQ(find("a@example.jp").state, SubscriberState::kUnsubscribed);
    EXPECT_EQ(registration_->unsubscribe(token).status, 200);  // idempotent
}

TEST_F(RegistrationTest, PreferencesChangeAreasAndLanguage) {
    Subscriber s;
    s.email = "a@example.jp";
    s.state = SubscriberState::kActive;
    auto id = *store_->add(s, clock_.now());
    auto token = links_.subscriber_token(id);
    auto form = registration_->preferences_form(token);
    EXPECT_EQ(form.status, 200);
    EXPECT_NE(form.html.find("value=\"all\" checked"), std::string::npos);
    EXPECT_EQ(
        registration_->save_preferences(token, {"mita-1", "shibaura-4", "mita-1"}, "vi").status,
        200);
    auto after = find("a@example.jp");
    EXPECT_EQ(after.areas, (std::vector<std::string>{"mita-1", "shibaura-4"}));
    EXPECT_EQ(after.language, "vi");
    EXPECT_EQ(registration_->save_preferences(token, {"x"}, "vi").status, 400);
    EXPECT_EQ(registration_->preferences_form("bad").status, 404);
}

TEST(SubscriberCsv, ImportsConfirmedAsActiveAndTheRestAsTheySay) {
    auto towns = *TownBlocks::parse(kTowns);
    auto rows = parse_subscriber_csv(
        "\xEF\xBB\xBF"
        "email,areas,language,confirmed_at,state\r\n"
        "a@example.jp,shibaura-4 mita-1,en,2024-04-01T09:00:00+09:00,\r\n"
        "b@example.jp,,,,\r\n"
        "c@example.jp,all,ja,2023-01-01T00:00:00Z,unsubscribed\r\n"
        "\"d,quoted\"\"@example.jp\",,ja,,\r\n",
        towns);
    // d's address is not plain: the whole file is refused, naming the line only.
    ASSERT_FALSE(rows.ok());
    EXPECT_NE(rows.error().message.find("line 5: not a plain e-mail address"), std::string::npos)
        << rows.error().message;
    EXPECT_EQ(rows.error().message.find("quoted"), std::string::npos);

    rows = parse_subscriber_csv(
        "email,areas,language,confirmed_at\n"
        "a@example.jp,shibaura-4 mita-1,en,2024-04-01T09:00:00+09:00\n"
        "b@example.jp,,,\n"
        "\"c@example.jp\",all,ja,2023-01-01T00:00:00Z\n",
        towns);
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    ASSERT_EQ(rows->size(), 3u);
    EXPECT_EQ((*rows)[0].state, SubscriberState::kActive);
    EXPECT_EQ((*rows)[0].areas, (std::vector<std::string>{"mita-1", "shibaura-4"}));
    EXPECT_EQ((*rows)[0].language, "en");
    EXPECT_EQ((*rows)[1].state, SubscriberState::kPending);  // not confirmed in the old system
    EXPECT_EQ((*rows)[1].language, "ja");
    EXPECT_TRUE((*rows)[2].areas.empty());
}

TEST(SubscriberCsv, ReportsEveryBadLineWithoutAddresses) {
    auto towns = *TownBlocks::parse(kTowns);
    auto rows = parse_subscriber_csv(
        "email,areas,language,confirmed_at,state\n"
        "secret1@example.jp,nowhere-9,ja,,\n"
        "secret2@example.jp,,xx,,\n"
        "secret3@example.jp,,ja,yesterday,\n"
        "secret4@example.jp,,ja,,active\n"
        "secret5@example.jp,,ja\n"
        "ok@example.jp,,ja,,\n"
        "OK@example.jp,,ja,,\n",
        towns);
    ASSERT_FALSE(rows.ok());
    auto& m = rows.error().message;
    for (auto line : {"line 2: unknown town block", "line 3: unknown language",
                      "line 4:", "line 5: state active without confirmed_at", "line 6: 3 fields",
                      "line 8: the same address"})
        EXPECT_NE(m.find(line), std::string::npos) << line << "\n" << m;
    EXPECT_EQ(m.find("secret"), std::string::npos) << m;
    EXPECT_FALSE(parse_subscriber_csv("mail,areas\n", towns).ok());
    EXPECT_FALSE(
        parse_subscriber_csv("email,areas,language,confirmed_at\n\"open,,,\n", towns).ok());
}

TEST(SubscriberCsv, ExportReadsBackTheSameAndImportKeepsExistingSubscribers) {
    ASSERT_TRUE(crypto_init().ok());
    TempDir dir;
    auto towns = *TownBlocks::parse(kTowns);
    auto opened = SubscriberStore::open((dir / "mail.db").string());
    ASSERT_TRUE(opened.ok());
    auto& store = *opened;
    FakeClock clock;
    Subscriber a;
    a.email = "a@example.jp";
    a.areas = {"mita-1"};
    a.language = "zh-Hant";
    a.state = SubscriberState::kActive;
    a.confirmed = *parse_rfc3339("2024-04-01T09:00:00+09:00");
    Subscriber b;
    b.email = "b,comma@example.jp";  // not plain, but export must still quote it
    b.state = SubscriberState::kBounced;
    ASSERT_EQ(*store.add_all({a, b}, clock.now()), 2);
    auto csv = format_subscriber_csv(*store.all());
    EXPECT_NE(csv.find("\"b,comma@example.jp\""), std::string::npos) << csv;
    EXPECT_NE(csv.find("a@example.jp,mita-1,zh-Hant,2024-04-01T09:00:00+09:00,active\r\n"),
              std::string::npos)
        << csv;

    auto back = parse_subscriber_csv(
        "email,areas,language,confirmed_at,state\r\n"
        "a@example.jp,mita-1,zh-Hant,2024-04-01T09:00:00+09:00,active\r\n"
        "new@example.jp,,ja,2024-04-01T09:00:00+09:00,\r\n",
        towns);
    ASSERT_TRUE(back.ok()) << back.error().message;
    a.language = "ja";
    EXPECT_EQ(*store.add_all(*back, clock.now()), 1);  // a was there already
    EXPECT_EQ((*store.find_by_email("A@example.jp"))->language, "zh-Hant");
    EXPECT_EQ(*store.count(SubscriberState::kActive), 2);
}

}  // namespace
}  // namespace alerthub::mail
