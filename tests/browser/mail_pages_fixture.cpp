// What the mail browser test (mail.test.mjs) looks at, made by the real code:
//   mail_pages_fixture OUT_DIR PORT
// writes OUT_DIR/mail-<case>.html, the HTML part of an alert's mail (mail_html) for the golden
// cases, with texts from the shipped phrase bank as the console composes them; then serves
// the resident pages (Registration behind the real WebServer) on 127.0.0.1:PORT, writing
// every mail they send to OUT_DIR/sent-<n>.eml, until stdin closes.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>

#include "adapters/mail/mail_message.h"
#include "adapters/mail/registration.h"
#include "adapters/mail/subscriber_store.h"
#include "adapters/mail/web_server.h"
#include "core/base/clock.h"
#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "hub/console/notice_templates.h"
#include "hub/policy/phrase_bank.h"
#include "tests/support/test_support.h"

namespace {

using namespace alerthub;
namespace fs = std::filesystem;

// Keeps every message as a file the test reads back; accepts all.
class FileSmtpClient final : public mail::SmtpClient {
public:
    explicit FileSmtpClient(fs::path dir) : dir_(std::move(dir)) {}
    Result<mail::SmtpReply> send(const mail::SmtpMessage& message) override {
        std::lock_guard lock(mu_);
        std::ofstream(dir_ / ("sent-" + std::to_string(++count_) + ".eml"), std::ios::binary)
            << message.data;
        return mail::SmtpReply{.code = 250, .text = "OK", .accepted = 1, .rejected = {}};
    }

private:
    fs::path dir_;
    std::mutex mu_;
    int count_ = 0;
};

Alert alert_from(const hub::console::ComposedTexts& texts, std::string_view template_id) {
    const auto* t = hub::console::find_template(template_id);
    Alert a;
    a.source.kind = SourceKind::kStaff;
    a.event_code = "alerthub:" + std::string(template_id);
    a.level = t->level;
    a.severity = t->severity;
    a.source.sent = *parse_rfc3339("2026-12-05T09:30:00Z");  // 18:30 JST
    a.event_name = texts.event_name;
    a.headline = texts.headline;
    a.description = texts.description;
    a.instruction = texts.instruction;
    a.links = {{"web", "https://www.city.minato.tokyo.jp/bousai/", {}}};
    return a;
}

int write_mails(const fs::path& out, const fs::path& source) {
    auto bank = hub::PhraseBank::load((source / "config/phrases").string());
    auto blocks = TownBlocks::load((source / "config/minato_town_blocks.tsv").string());
    if (!bank || !blocks) {
        std::cerr << "cannot load the phrase bank or the town blocks\n";
        return 1;
    }
    auto facts = [&](std::vector<std::string> codes, std::vector<std::string> shelters,
                     std::string hazard) {
        hub::console::NoticeFacts f{.area_names = {},
                                    .shelters = std::move(shelters),
                                    .hazard = std::move(hazard),
                                    .blocks = {}};
        for (const auto& code : codes)
            if (const TownBlock* b = blocks->find(code)) {
                f.area_names.push_back(b->name);
                f.blocks.push_back(*b);
            }
        return f;
    };
    using hub::console::compose_texts;
    using hub::console::find_template;
    const Alert level5 =
        alert_from(compose_texts(*find_template("emergency_safety"),
                                 facts({"shibaura-1", "shibaura-2"}, {}, "storm_surge"), *bank),
                   "emergency_safety");
    Alert drill = alert_from(compose_texts(*find_template("evac_order"),
                                           facts({"daiba-1"}, {"台場小学校"}, "tsunami"), *bank),
                             "evac_order");
    drill.status = AlertStatus::kExercise;
    const Alert facility = alert_from(
        compose_texts(*find_template("stay_facility_open"),
                      facts({}, {"港区立エコプラザ", "芝公園 港区スポーツセンター"}, ""), *bank),
        "stay_facility_open");
    Alert lifted = alert_from(
        compose_end_texts(*find_template("evac_order"), facts({"daiba-1"}, {}, ""), *bank),
        "evac_order");
    lifted.msg_type = MsgType::kCancel;
    lifted.state = AlertState::kLifted;
    const mail::SubscriberLinks links{
        "https://bousai-mail.city.minato.example/mail/unsubscribe?t=7.0123abcd",
        "https://bousai-mail.city.minato.example/mail/preferences?t=7.0123abcd"};
    const std::vector<std::tuple<std::string, const Alert*, std::string>> cases = {
        {"ja-level5", &level5, "ja"},
        {"en-level5", &level5, "en"},
        {"zh-Hans-facility", &facility, "zh-Hans"},
        {"ja-x-easy-exercise", &drill, "ja-x-easy"},
        {"en-lifted", &lifted, "en"}};
    for (const auto& [name, alert, language] : cases) {
        std::ofstream(out / ("mail-" + name + ".html"), std::ios::binary)
            << mail::mail_html(*alert, language, links);
        std::ofstream(out / ("mail-" + name + ".txt"), std::ios::binary)
            << mail::mail_subject(*alert, language) << "\n\n"
            << mail::mail_text(*alert, language, links);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: mail_pages_fixture OUT_DIR PORT\n";
        return 64;
    }
    const fs::path out = argv[1];
    const int port = std::stoi(argv[2]);
    if (!crypto_init().ok()) return 1;
    const fs::path source = alerthub::testing::project_fixtures_dir().parent_path().parent_path();
    if (int rc = write_mails(out, source); rc != 0) return rc;

    auto blocks = TownBlocks::load((source / "config/minato_town_blocks.tsv").string());
    auto store = mail::SubscriberStore::open((out / "mail.db").string());
    if (!blocks || !store) {
        std::cerr << "cannot open the town blocks or the subscriber store\n";
        return 1;
    }
    mail::WebSettings web;
    web.enabled = true;
    web.port = port;
    web.public_url = "http://127.0.0.1:" + std::to_string(port);
    web.secret = std::string(32, 's');
    FileSmtpClient smtp(out);
    SystemClock clock;
    mail::Registration registration(web, "bousai@city.minato.example", "港区 防災情報メール",
                                    *store, smtp, *blocks,
                                    mail::MailLinks(web.public_url, web.secret), clock);
    mail::WebServer server("127.0.0.1", port, registration);
    if (auto s = server.start(); !s) {
        std::cerr << "web server: " << s.error().message << "\n";
        return 1;
    }
    std::cout << "ready " << server.port() << std::endl;
    std::string line;
    while (std::getline(std::cin, line)) {
    }
    server.stop();
    return 0;
}
