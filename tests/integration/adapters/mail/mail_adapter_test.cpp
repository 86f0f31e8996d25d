// The real mail-adapter binary against a real Mosquitto and a real SMTP server
// (tests/support/smtp_sink.py on aiosmtpd: it refuses "bounce..." recipients for good and
// "later..." ones once, and logs every recipient and connection). Subscribers come in
// through the CLI's CSV import and through the resident pages over HTTP. The mails are
// parsed here, in C++, with a decoder independent of the adapter's encoder.

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>

#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "core/mqtt/paho_message_bus.h"
#include "core/protocol/messages.h"
#include "core/protocol/topics.h"
#include "core/storage/sqlite_db.h"
#include "tests/support/mime_decode.h"
#include "tests/support/monitoring_probe.h"
#include "tests/support/test_signing.h"
#include "tests/support/test_support.h"

namespace alerthub {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;
using testing::ChildProcess;
using testing::monitoring_get;
using testing::MosquittoBroker;
using testing::promtool_problems;
using testing::TempDir;
using testing::wait_for;

constexpr const char* kStaff = "staff@city.minato.example";

bool port_open(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return ok;
}

fs::path source_dir() {
    return testing::project_fixtures_dir().parent_path().parent_path();
}

DeliveryJob make_job(std::string alert_id, std::vector<AlertArea> areas = {}) {
    DeliveryJob job;
    job.alert.id = std::move(alert_id);
    job.alert.version = 1;
    job.alert.severity = Severity::kSevere;
    job.alert.source.sent = *parse_rfc3339("2024-07-25T10:30:00+09:00");
    job.alert.headline = {{"ja", "港区に大雨警報（土砂災害）"},
                          {"en", "Heavy rain warning: Minato"}};
    job.alert.instruction = {{"ja", "崖の近くの方は早めに避難してください。"}};
    job.alert.links = {{"web", "https://www.city.minato.tokyo.jp/bousai", {}}};
    job.alert.areas =
        areas.empty() ? std::vector<AlertArea>{{"JISX0402", "131032", "港区"}} : std::move(areas);
    job.channel = "mail";
    job.job_id = make_job_id(job.alert.id, 1, "mail");
    job.idempotency_key = sha256_hex(job.job_id);
    job.created = *parse_rfc3339("2024-07-25T10:30:05+09:00");
    return job;
}

// Files keep the wire form, but be lenient about LF-only line ends.
std::string to_crlf(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out += '\r';
        out += s[i];
    }
    return out;
}

struct Mail {
    mail::mime::ParsedMail message;
    std::string rcpt;  // the envelope recipient
    std::string subject;
    std::string text;
    std::string html;
};

Mail read_mail(const std::string& raw) {
    Mail m;
    m.message = mail::mime::parse_mail(to_crlf(raw));
    m.rcpt = m.message.header("X-Sink-RcptTo");
    m.subject = mail::mime::decode_rfc2047(m.message.header("Subject"));
    auto type = mail::mime::unfold(m.message.header("Content-Type"));
    auto parts = mail::mime::split_multipart(m.message.body, mail::mime::boundary_of(type));
    for (auto& p : parts) {
        auto body = mail::mime::base64_decode(p.body);
        if (p.header("Content-Type") == "text/plain; charset=UTF-8") m.text = body;
        if (p.header("Content-Type") == "text/html; charset=UTF-8") m.html = body;
    }
    return m;
}

class MailAdapterIntegrationTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        smtp_port_ = testing::free_port();
        web_port_ = testing::free_port();
        MqttSettings s;
        s.uri = broker_.uri();
        s.client_id = "it-hub-mail";
        hub_ = std::make_unique<PahoMessageBus>(s);
        hub_->subscribe(topics_.receipt("mail"));
        hub_->start(
            [this](BusMessage m) {
                auto r = decode_receipt(m.payload);
                std::lock_guard lock(mu_);
                if (r) receipts_.push_back(*r);
            },
            {});
        ASSERT_TRUE(wait_for([&] { return hub_->connected(); }));
        testing::write_file(dir_ / "web-secret", std::string(64, 'a') + "\n");
        write_config();
    }

    void write_config(int batch_size = 2, int connections = 2) {
        testing::write_file(
            dir_ / "mail.toml",
            fmt::format(R"(
[mqtt]
uri = "{}"
client_id = "it-mail-adapter"
topic_root = "it/v1"
[smtp]
url = "smtp://127.0.0.1:{}"
starttls = "never"  # aiosmtpd: a loopback test sink
from_address = "bousai@city.minato.example"
recipients = ["{}"]
timeout_ms = 3000
batch_size = {}
connections = {}
[subscribers]
town_blocks = "{}"
bounce_limit = 1
[web]
port = {}
public_url = "http://127.0.0.1:{}"
secret_file = "web-secret"
[retry]
initial_backoff_ms = 200
max_backoff_ms = 200
max_attempts = 100
[state]
path = "state/mail.db"
[signing]
public_keys = ["{}"]
)",
                        broker_.uri(), smtp_port_, kStaff, batch_size, connections,
                        (source_dir() / "config" / "minato_town_blocks.tsv").string(), web_port_,
                        web_port_, testing::test_public_key_line()));
    }

    void TearDown() override {
        adapter_.reset();
        smtp_.reset();
        hub_->stop();
    }

    void start_smtp(int delay_ms = 0) {
        smtp_ = std::make_unique<ChildProcess>(
            std::vector<std::string>{
                "/usr/bin/python3", (source_dir() / "tests" / "support" / "smtp_sink.py").string(),
                "--port", std::to_string(smtp_port_), "--dir", (dir_ / "maildir").string(),
                "--delay-ms", std::to_string(delay_ms)},
            dir_ / "smtp.log");
        ASSERT_TRUE(wait_for([&] { return port_open(smtp_port_); }, seconds(10)))
            << testing::read_file(dir_ / "smtp.log");
    }

    void start_adapter() {
        auto before = adapter_log().size();
        adapter_ = std::make_unique<ChildProcess>(
            std::vector<std::string>{(testing::binary_dir() / "mail-adapter").string(), "--config",
                                     (dir_ / "mail.toml").string(), "--log-level", "debug"},
            dir_ / "adapter.log");
        ASSERT_TRUE(wait_for([&] {
            return adapter_log().find("connected to", before) != std::string::npos;
        })) << adapter_log();
    }

    // `mail-adapter subscribers ...`; returns the exit status, output in `out`.
    int subscribers_command(std::vector<std::string> words, std::string* out = nullptr) {
        words.insert(words.begin(), "subscribers");
        return cli(dir_ / "mail.toml", std::move(words), out);
    }

    // `mail-adapter --config CONFIG WORDS...` to the end; its exit status, output in `out`.
    int cli(const fs::path& config, std::vector<std::string> words, std::string* out = nullptr) {
        std::vector<std::string> argv = {(testing::binary_dir() / "mail-adapter").string(),
                                         "--config", config.string()};
        argv.insert(argv.end(), words.begin(), words.end());
        auto log = dir_ / "cli.log";
        std::error_code ec;
        fs::remove(log, ec);
        ChildProcess cli(argv, log);
        EXPECT_TRUE(wait_for([&] { return !cli.running(); }, seconds(20)));
        if (out) *out = testing::read_file(log);
        return cli.stop();
    }

    void import_csv(const std::string& csv) {
        testing::write_file(dir_ / "import.csv", csv);
        std::string out;
        ASSERT_EQ(subscribers_command({"import", (dir_ / "import.csv").string()}, &out), 0) << out;
    }

    std::string adapter_log() {
        std::error_code ec;
        return fs::exists(dir_ / "adapter.log", ec) ? testing::read_file(dir_ / "adapter.log") : "";
    }

    std::vector<Mail> mails() {
        std::vector<std::pair<std::string, std::string>> files;
        std::error_code ec;
        if (!fs::exists(dir_ / "maildir" / "new", ec)) return {};
        for (auto& e : fs::directory_iterator(dir_ / "maildir" / "new"))
            files.emplace_back(e.path().filename().string(), testing::read_file(e.path()));
        std::sort(files.begin(), files.end());
        std::vector<Mail> out;
        for (auto& f : files) out.push_back(read_mail(f.second));
        return out;
    }

    // Recipient -> how many mails the server accepted for it (the sink's log).
    std::map<std::string, int> accepted_per_recipient() {
        std::map<std::string, int> out;
        std::error_code ec;
        if (!fs::exists(dir_ / "maildir.log", ec)) return out;
        std::istringstream in(testing::read_file(dir_ / "maildir.log"));
        std::string line;
        while (std::getline(in, line)) out[line.substr(0, line.find('\t'))] += 1;
        return out;
    }

    int smtp_sessions() {
        std::error_code ec;
        if (!fs::exists(dir_ / "maildir.sessions", ec)) return 0;
        auto text = testing::read_file(dir_ / "maildir.sessions");
        return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    }

    void publish(const DeliveryJob& job) {
        ASSERT_TRUE(hub_->publish({topics_.job("mail"),
                                   alerthub::testing::hub_signed(encode_job(job)), false},
                                  seconds(5))
                        .ok());
    }

    std::vector<Receipt> receipts() {
        std::lock_guard lock(mu_);
        return receipts_;
    }

    httplib::Client web() {
        httplib::Client c("127.0.0.1", web_port_);
        c.set_tcp_nodelay(true);
        c.set_connection_timeout(std::chrono::seconds(5));
        c.set_read_timeout(std::chrono::seconds(10));
        return c;
    }

    TempDir dir_;
    MosquittoBroker broker_;
    Topics topics_{"it/v1"};
    int smtp_port_ = 0;
    int web_port_ = 0;
    std::unique_ptr<PahoMessageBus> hub_;
    std::unique_ptr<ChildProcess> smtp_;
    std::unique_ptr<ChildProcess> adapter_;
    std::mutex mu_;
    std::vector<Receipt> receipts_;
};

TEST_F(MailAdapterIntegrationTest, ImportedSubscribersGetMailsOfTheirOwnAndRefusalsAreHandled) {
    import_csv(
        "email,areas,language,confirmed_at,state\n"
        "taro@example.jp,,ja,2024-04-01T09:00:00+09:00,\n"
        "hanako@example.jp,shibaura-4,en,2024-04-01T09:00:00+09:00,\n"
        "bounce1@example.jp,,ja,2024-04-01T09:00:00+09:00,\n"
        "later1@example.jp,,ja,2024-04-01T09:00:00+09:00,\n"
        "pending1@example.jp,,ja,,\n"
        "gone@example.jp,,ja,2024-04-01T09:00:00+09:00,unsubscribed\n");
    start_smtp();
    start_adapter();
    auto job = make_job("staff-mail-1");
    publish(job);
    ASSERT_TRUE(wait_for([&] { return !receipts().empty(); }, seconds(15))) << adapter_log();

    // One mail per reachable recipient, each accepted once; later1 after a 451 and a retry.
    EXPECT_EQ(accepted_per_recipient(), (std::map<std::string, int>{{"hanako@example.jp", 1},
                                                                    {"later1@example.jp", 1},
                                                                    {"taro@example.jp", 1},
                                                                    {kStaff, 1}}));
    auto all = mails();
    ASSERT_EQ(all.size(), 4u);
    for (auto& m : all) {
        EXPECT_EQ(m.message.header("X-Sink-MailFrom"), "bousai@city.minato.example");
        EXPECT_EQ(m.message.header("To"), "<" + m.rcpt + ">");  // nobody else is named
        EXPECT_EQ(m.message.header("MIME-Version"), "1.0");
        EXPECT_EQ(mail::mime::decode_rfc2047(m.message.header("From")),
                  "防災情報メール <bousai@city.minato.example>");
        EXPECT_NE(m.message.header("Subject").find("=?UTF-8?B?"), std::string::npos);
        EXPECT_TRUE(mail::mime::valid_utf8(m.text));
        EXPECT_NE(m.html.find("<html lang="), std::string::npos);
        EXPECT_EQ(m.message.header("X-Alerthub-Job"), job.job_id);
        if (m.rcpt == kStaff) {
            EXPECT_EQ(m.message.headers.count("List-Unsubscribe"), 0u);
            continue;
        }
        auto link = mail::mime::unfold(m.message.header("List-Unsubscribe"));
        EXPECT_TRUE(std::regex_match(
            link,
            std::regex(fmt::format(
                R"(<http://127\.0\.0\.1:{}/mail/unsubscribe\?t=\d+\.[0-9a-f]{{32}}>)", web_port_))))
            << link;
        EXPECT_EQ(m.message.header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
        EXPECT_NE(m.text.find(link.substr(1, link.size() - 2)), std::string::npos);
    }
    auto by_rcpt = [&](const std::string& r) {
        return *std::find_if(all.begin(), all.end(), [&](const Mail& m) { return m.rcpt == r; });
    };
    EXPECT_EQ(by_rcpt("taro@example.jp").subject, "【警報】港区に大雨警報（土砂災害）");
    EXPECT_EQ(by_rcpt("hanako@example.jp").subject, "[WARNING] Heavy rain warning: Minato");
    EXPECT_EQ(by_rcpt("taro@example.jp")
                  .text.rfind(
                      "【警報】港区に大雨警報（土砂災害）\r\n崖の近くの方は早めに避難してください。"
                      "\r\n発表: 2024-07-25 10:30 (JST)",
                      0),
              0u)
        << by_rcpt("taro@example.jp").text;
    // Six transactions; curl ends a connection only after one whose every RCPT was refused
    // (bounce1 and the first try of later1): the others ride on the open connections.
    EXPECT_LE(smtp_sessions(), 4);

    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].recipients, 4);
    EXPECT_EQ(rs[0].attempts, 2);
    EXPECT_NE(rs[0].detail.find("1 refused"), std::string::npos) << rs[0].detail;
    int batch_failed = 0, batch_accepted = 0, batch_recipients = 0;
    for (auto& b : rs[0].batches) {
        batch_failed += b.failed;
        batch_accepted += b.accepted;
        batch_recipients += b.recipients;
        EXPECT_TRUE(b.first_send && b.last_send);
    }
    EXPECT_EQ(batch_failed, 1);
    EXPECT_EQ(batch_accepted, 4);
    EXPECT_EQ(batch_recipients, 5);
    // No address in the adapter's log: subscribers are named by id.
    for (auto* a : {"taro@", "hanako@", "bounce1@", "later1@"})
        EXPECT_EQ(adapter_log().find(a), std::string::npos) << a;

    // bounce_limit = 1: the refused address is marked bounced; the export says so.
    std::string csv;
    ASSERT_EQ(subscribers_command({"export", "-"}, &csv), 0);
    EXPECT_NE(csv.find("bounce1@example.jp,,ja,2024-04-01T09:00:00+09:00,bounced"),
              std::string::npos)
        << csv;
    EXPECT_NE(csv.find("taro@example.jp,,ja,2024-04-01T09:00:00+09:00,active"), std::string::npos);

    // Sent again by the hub: no second mail.
    publish(job);
    ASSERT_TRUE(wait_for([&] { return receipts().size() == 2; })) << adapter_log();
    EXPECT_EQ(receipts()[1].outcome, ReceiptOutcome::kDuplicate);
    EXPECT_EQ(mails().size(), 4u);
    EXPECT_EQ(adapter_->stop(seconds(5)), 0);
}

TEST_F(MailAdapterIntegrationTest, RegistrationConfirmationAndOneClickUnsubscribeOverHttp) {
    start_smtp();
    start_adapter();
    auto client = web();
    auto form = client.Get("/mail/");
    ASSERT_TRUE(form) << httplib::to_string(form.error());
    EXPECT_EQ(form->status, 200);
    EXPECT_NE(form->body.find("芝浦四丁目"), std::string::npos);

    auto posted = client.Post("/mail/register",
                              "email=newcomer%40example.jp&areas=shibaura-4&language=en&ui=ja",
                              "application/x-www-form-urlencoded");
    ASSERT_TRUE(posted);
    EXPECT_EQ(posted->status, 200) << posted->body;
    EXPECT_NE(posted->body.find("確認メールを送りました"), std::string::npos);
    ASSERT_TRUE(wait_for([&] { return mails().size() == 1; }));
    auto confirmation = mails()[0];
    EXPECT_EQ(confirmation.rcpt, "newcomer@example.jp");
    std::smatch link;
    ASSERT_TRUE(
        std::regex_search(confirmation.text, link,
                          std::regex(R"(http://127\.0\.0\.1:\d+(/mail/confirm\?t=[0-9a-f]{64}))")))
        << confirmation.text;
    EXPECT_NE(confirmation.html.find("<a href=\"" + link[0].str() + "\">"), std::string::npos);

    // Not confirmed yet: an alert for the block does not reach them.
    auto shibaura = std::vector<AlertArea>{{"town", "shibaura-4", "芝浦四丁目"}};
    publish(make_job("town-alert-0", shibaura));
    ASSERT_TRUE(wait_for([&] { return receipts().size() == 1; })) << adapter_log();
    EXPECT_EQ(accepted_per_recipient().count("newcomer@example.jp"), 1u);  // the confirmation

    auto confirmed = client.Get(link[1].str());
    ASSERT_TRUE(confirmed);
    EXPECT_EQ(confirmed->status, 200);
    // In the language chosen for the mails, repeating the choice.
    EXPECT_NE(confirmed->body.find("You are registered"), std::string::npos);
    EXPECT_NE(confirmed->body.find("Shibaura 4-chome (芝浦四丁目)"), std::string::npos);
    auto again = client.Get(link[1].str());
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200);  // used, and says so: not "register again"
    EXPECT_NE(again->body.find("Already registered"), std::string::npos);

    publish(make_job("town-alert-1", shibaura));
    ASSERT_TRUE(wait_for([&] { return receipts().size() == 2; })) << adapter_log();
    auto all = mails();
    ASSERT_EQ(all.size(), 4u);  // confirmation, staff copy of alert 0; alert 1 to staff and them
    auto alert = *std::find_if(all.begin() + 2, all.end(),
                               [](const Mail& m) { return m.rcpt == "newcomer@example.jp"; });
    EXPECT_EQ(alert.subject, "[WARNING] Heavy rain warning: Minato");
    auto unsubscribe = mail::mime::unfold(alert.message.header("List-Unsubscribe"));
    auto path = unsubscribe.substr(unsubscribe.find("/mail/"));
    path.pop_back();  // '>'

    // GET shows a button and changes nothing; the RFC 8058 POST unsubscribes.
    auto page = client.Get(path);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_NE(page->body.find("method=\"post\""), std::string::npos);
    EXPECT_EQ(page->get_header_value("Cache-Control"), "no-store");
    auto forged = client.Post(path.substr(0, path.size() - 1) + (path.back() == '0' ? "1" : "0"),
                              "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded");
    ASSERT_TRUE(forged);
    EXPECT_EQ(forged->status, 404);
    auto one_click =
        client.Post(path, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded");
    ASSERT_TRUE(one_click);
    EXPECT_EQ(one_click->status, 200);

    publish(make_job("town-alert-2", shibaura));
    ASSERT_TRUE(wait_for([&] { return receipts().size() == 3; })) << adapter_log();
    EXPECT_EQ(accepted_per_recipient()["newcomer@example.jp"], 2);  // nothing after unsubscribing
    EXPECT_EQ(adapter_log().find("newcomer@"), std::string::npos);
}

// Recipients still pending when the adapter stops are mailed after the restart, and only
// they: SIGTERM records the batch in flight, so nobody gets the alert twice.
TEST_F(MailAdapterIntegrationTest, ARestartMidJobResumesWithoutDuplicates) {
    write_config(/*batch_size=*/5, /*connections=*/2);
    std::string csv = "email,areas,language,confirmed_at\n";
    for (int i = 0; i < 120; ++i)
        csv += fmt::format("resident{}@example.jp,,ja,2024-04-01T09:00:00+09:00\n", i);
    import_csv(csv);
    start_smtp(/*delay_ms=*/10);
    start_adapter();
    publish(make_job("staff-mail-restart"));
    ASSERT_TRUE(wait_for(
        [&] {
            int n = 0;
            for (auto& [r, c] : accepted_per_recipient()) n += c;
            return n >= 30;
        },
        seconds(20)))
        << adapter_log();
    EXPECT_EQ(adapter_->stop(seconds(5)), 0) << adapter_log();
    int before = 0;
    for (auto& [r, c] : accepted_per_recipient()) before += c;
    EXPECT_LT(before, 121) << "the job finished before the restart";

    start_adapter();
    ASSERT_TRUE(wait_for([&] { return !receipts().empty(); }, seconds(30))) << adapter_log();
    auto counts = accepted_per_recipient();
    EXPECT_EQ(counts.size(), 121u);
    for (auto& [rcpt, n] : counts) EXPECT_EQ(n, 1) << rcpt;
    EXPECT_NE(adapter_log().find("resuming after a restart"), std::string::npos);
    EXPECT_EQ(receipts()[0].recipients, 121);
    // Connections are reused: two per start of the adapter carried all 121 mails.
    EXPECT_LE(smtp_sessions(), 4);
}

// kill -9 gives no chance to record the batches in flight: at most those (one per
// connection) are mailed again; everyone is reached.
TEST_F(MailAdapterIntegrationTest, AKilledAdapterResendsAtMostTheBatchesInFlight) {
    write_config(/*batch_size=*/5, /*connections=*/2);
    std::string csv = "email,areas,language,confirmed_at\n";
    for (int i = 0; i < 120; ++i)
        csv += fmt::format("resident{}@example.jp,,ja,2024-04-01T09:00:00+09:00\n", i);
    import_csv(csv);
    start_smtp(/*delay_ms=*/10);
    start_adapter();
    publish(make_job("staff-mail-kill"));
    ASSERT_TRUE(wait_for(
        [&] {
            int n = 0;
            for (auto& [r, c] : accepted_per_recipient()) n += c;
            return n >= 30;
        },
        seconds(20)))
        << adapter_log();
    adapter_->kill9();
    start_adapter();
    ASSERT_TRUE(wait_for([&] { return !receipts().empty(); }, seconds(30))) << adapter_log();
    auto counts = accepted_per_recipient();
    EXPECT_EQ(counts.size(), 121u);
    int twice = 0;
    for (auto& [rcpt, n] : counts) {
        EXPECT_LE(n, 2) << rcpt;
        twice += n - 1;
    }
    EXPECT_LE(twice, 2 * 5);
}

TEST_F(MailAdapterIntegrationTest, SmtpAndBrokerOutagesDelayTheMailButLoseNothing) {
    start_adapter();  // no SMTP server yet: connections are refused
    publish(make_job("staff-mail-2"));
    ASSERT_TRUE(wait_for([&] { return adapter_log().find("retrying in") != std::string::npos; }))
        << adapter_log();

    broker_.stop();  // the receipt cannot go out now
    start_smtp();
    ASSERT_TRUE(wait_for([&] { return mails().size() == 1; }, seconds(10))) << adapter_log();
    ASSERT_TRUE(wait_for([&] {
        return adapter_log().find("kept to send later") != std::string::npos ||
               adapter_log().find("mailed after") != std::string::npos;
    }));
    EXPECT_TRUE(receipts().empty());

    broker_.start();  // both sides reconnect; the kept receipt arrives
    ASSERT_TRUE(wait_for([&] { return !receipts().empty(); }, seconds(20))) << adapter_log();
    auto rs = receipts();
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_GE(rs[0].attempts, 2);
    EXPECT_EQ(rs[0].recipients, 1);
    EXPECT_EQ(mails().size(), 1u);
}

TEST_F(MailAdapterIntegrationTest, JobsQueuedWhileTheAdapterIsAwayArriveWhenItReturns) {
    start_smtp();
    start_adapter();
    EXPECT_EQ(adapter_->stop(seconds(5)), 0) << adapter_log();
    publish(make_job("staff-mail-3"));
    start_adapter();
    ASSERT_TRUE(wait_for([&] { return !receipts().empty(); })) << adapter_log();
    EXPECT_EQ(mails().size(), 1u);
}

TEST_F(MailAdapterIntegrationTest, ShutdownDoesNotWaitForAHangingSmtpServer) {
    // A server that accepts the connection and never says a word; a long SMTP timeout.
    auto config = testing::read_file(dir_ / "mail.toml");
    config.replace(config.find("timeout_ms = 3000"), 17, "timeout_ms = 60000");
    testing::write_file(dir_ / "mail.toml", config);
    ChildProcess silent({"/usr/bin/python3", "-c",
                         fmt::format("import socket, time\n"
                                     "s = socket.socket()\n"
                                     "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                                     "s.bind(('127.0.0.1', {}))\n"
                                     "s.listen()\n"
                                     "c = s.accept()\n"
                                     "time.sleep(120)\n",
                                     smtp_port_)},
                        dir_ / "silent.log");
    ASSERT_TRUE(wait_for([&] { return port_open(smtp_port_); }));
    start_adapter();
    publish(make_job("staff-mail-4"));
    ASSERT_TRUE(wait_for([&] { return adapter_log().find("attempt 1/") != std::string::npos; }));
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(adapter_->stop(seconds(5)), 0) << adapter_log();
    EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(3));
}

TEST_F(MailAdapterIntegrationTest, ABadCsvImportsNothingAndSaysWhichLines) {
    testing::write_file(dir_ / "bad.csv",
                        "email,areas,language,confirmed_at\n"
                        "ok@example.jp,,ja,\n"
                        "secret@example.jp,atlantis-1,ja,\n");
    std::string out;
    EXPECT_EQ(subscribers_command({"import", (dir_ / "bad.csv").string()}, &out), 78);
    EXPECT_NE(out.find("line 3: unknown town block 'atlantis-1'"), std::string::npos) << out;
    EXPECT_EQ(out.find("secret@"), std::string::npos) << out;
    EXPECT_EQ(subscribers_command({"count"}, &out), 0);
    EXPECT_NE(out.find("pending 0"), std::string::npos) << out;
}

// The monitoring listener (issue 16): /health is ready, degraded with "broker down" while the
// broker is away and ready again when it is back; /metrics passes promtool and counts the job,
// its retry and the SMTP outcomes of its recipients, with no address in it.
TEST_F(MailAdapterIntegrationTest, HealthFollowsTheBrokerAndMetricsCountSmtpOutcomes) {
    const int monitoring = testing::free_port();
    testing::write_file(dir_ / "mail.toml",
                        testing::read_file(dir_ / "mail.toml") +
                            fmt::format("[monitoring]\nlisten_port = {}\n", monitoring));
    import_csv(
        "email,areas,language,confirmed_at,state\n"
        "taro@example.jp,,ja,2024-04-01T09:00:00+09:00,\n"
        "bounce1@example.jp,,ja,2024-04-01T09:00:00+09:00,\n"
        "later1@example.jp,,ja,2024-04-01T09:00:00+09:00,\n");
    start_smtp();
    start_adapter();
    ASSERT_TRUE(wait_for([&] {
        return monitoring_get(monitoring, "/health") ==
               std::pair<int, std::string>{200, R"({"status":"ready"})"};
    })) << monitoring_get(monitoring, "/health").second;

    publish(make_job("staff-mail-mon"));
    ASSERT_TRUE(wait_for([&] { return !receipts().empty(); }, seconds(15))) << adapter_log();
    ASSERT_EQ(receipts()[0].outcome, ReceiptOutcome::kAccepted);
    ASSERT_EQ(receipts()[0].attempts, 2);  // later1 was refused once (451)

    std::string metrics;
    ASSERT_TRUE(wait_for([&] {
        metrics = monitoring_get(monitoring, "/metrics").second;
        return metrics.find("alerthub_receipts_queued{channel=\"mail\"} 0\n") != std::string::npos;
    })) << metrics;
    for (const char* line : {
             "alerthub_delivery_jobs{channel=\"mail\",state=\"accepted\"} 1\n",
             "alerthub_delivery_jobs{channel=\"mail\",state=\"failed\"} 0\n",
             "alerthub_delivery_jobs{channel=\"mail\",state=\"pending\"} 0\n",
             "alerthub_delivery_retries{channel=\"mail\"} 1\n",
             // taro, later1 and the staff copy; bounce1 refused for good.
             "alerthub_smtp_recipients{outcome=\"accepted\"} 3\n",
             "alerthub_smtp_recipients{outcome=\"refused\"} 1\n",
             "alerthub_smtp_recipients{outcome=\"pending\"} 0\n",
             "alerthub_broker_connected 1\n",
             "alerthub_ready 1\n",
         })
        EXPECT_NE(metrics.find(line), std::string::npos) << line << "\n" << metrics;
    EXPECT_EQ(promtool_problems(dir_, metrics), "");
    for (const char* personal : {"@", "taro", "bounce1", "later1", "example"})
        EXPECT_EQ(metrics.find(personal), std::string::npos) << personal << "\n" << metrics;

    testing::expect_health_follows_broker(broker_, monitoring);
    EXPECT_EQ(adapter_->stop(seconds(5)), 0) << adapter_log();
}

// What one mail.db holds, read straight from its tables.
struct MailState {
    std::set<std::string> subscribers;    // "email areas language state"
    std::set<std::string> accepted_jobs;  // job ids
    std::set<std::string> all_jobs;
    std::map<std::string, std::set<std::string>> recipients;  // job id -> "seq subscriber outcome"
    std::set<std::string> answered;  // "job_id seq outcome" of the recipients no longer pending
};

MailState read_mail_state(const std::string& path) {
    MailState s;
    auto db = SqliteDb::open(path);
    if (!db.ok()) {
        ADD_FAILURE() << db.error().message;
        return s;
    }
    auto each = [&](const char* sql, const std::function<void(SqliteStatement&)>& row) {
        auto q = db->prepare(sql);
        if (!q.ok()) {
            ADD_FAILURE() << sql << ": " << q.error().message;
            return;
        }
        for (auto r = q->step(); r.ok() && *r; r = q->step()) row(*q);
    };
    each("SELECT email, areas, language, state FROM subscribers", [&](SqliteStatement& q) {
        s.subscribers.insert(q.column_text(0) + " " + q.column_text(1) + " " + q.column_text(2) +
                             " " + q.column_text(3));
    });
    each("SELECT job_id, state FROM jobs", [&](SqliteStatement& q) {
        s.all_jobs.insert(q.column_text(0));
        if (q.column_text(1) == "accepted") s.accepted_jobs.insert(q.column_text(0));
    });
    each("SELECT job_id, seq, subscriber_id, outcome FROM job_recipients", [&](SqliteStatement& q) {
        s.recipients[q.column_text(0)].insert(std::to_string(q.column_int(1)) + " " +
                                              std::to_string(q.column_int(2)) + " " +
                                              q.column_text(3));
        if (q.column_text(3) != "pending")
            s.answered.insert(q.column_text(0) + " " + std::to_string(q.column_int(1)) + " " +
                              q.column_text(3));
    });
    return s;
}

// Backups that restore (issue 16): `mail-adapter backup` copies mail.db while the adapter
// mails 200 subscribers job after job over a slow SMTP server; `mail-adapter restore` puts the
// copy in a fresh adapter's place, which has every subscriber, and every job finished before
// the backup with each recipient's outcome.
TEST_F(MailAdapterIntegrationTest, ABackupTakenWhileMailingRestoresIntoAFreshAdapter) {
    write_config(/*batch_size=*/10, /*connections=*/2);
    std::string csv = "email,areas,language,confirmed_at,state\n";
    for (int i = 0; i < 200; ++i)
        csv += fmt::format("resident{:03}@example.jp,,{},2024-04-01T09:00:00+09:00,\n", i,
                           i % 3 == 0 ? "en" : "ja");
    import_csv(csv);
    start_smtp(/*delay_ms=*/10);
    start_adapter();
    constexpr int kJobs = 4;
    for (int i = 0; i < kJobs; ++i) publish(make_job(fmt::format("staff-mail-load-{}", i)));
    constexpr size_t kMails = kJobs * 201;  // 200 subscribers and the staff copy each
    // The backup once about a third of the mails are out.
    ASSERT_TRUE(wait_for(
        [&] {
            std::error_code ec;
            if (!fs::exists(dir_ / "maildir.log", ec)) return false;
            auto log = testing::read_file(dir_ / "maildir.log");
            return static_cast<size_t>(std::count(log.begin(), log.end(), '\n')) >= kMails / 3;
        },
        seconds(120)))
        << adapter_log();

    const std::string db_path = (dir_ / "state" / "mail.db").string();
    MailState before = read_mail_state(db_path);
    std::string out;
    ASSERT_EQ(cli(dir_ / "mail.toml", {"backup", (dir_ / "backups").string()}, &out), 0) << out;
    const MailState after_backup = read_mail_state(db_path);
    EXPECT_LT(after_backup.answered.size(), kMails) << "the backup ran during delivery";
    const std::string file = out.substr(0, out.find('\n'));
    EXPECT_TRUE(file.starts_with((dir_ / "backups" / "mail-").string())) << out;
    EXPECT_FALSE(fs::exists(file + "-wal")) << "a backup is one self-contained file";
    ASSERT_TRUE(wait_for([&] { return receipts().size() == kJobs; }, seconds(180)))
        << adapter_log();
    const MailState final_state = read_mail_state(db_path);
    EXPECT_EQ(adapter_->stop(seconds(5)), 0) << adapter_log();

    // A fresh adapter's place, elsewhere: the backup restored into it.
    TempDir fresh;
    fs::copy_file(dir_ / "web-secret", fresh / "web-secret");
    testing::write_file(fresh / "mail.toml", testing::read_file(dir_ / "mail.toml"));
    ASSERT_EQ(cli(fresh / "mail.toml", {"restore", file}, &out), 0) << out;
    MailState restored = read_mail_state((fresh / "state" / "mail.db").string());

    EXPECT_EQ(restored.subscribers, before.subscribers);
    EXPECT_EQ(restored.subscribers.size(), 200u);
    // Every recipient answered before the backup began is in it with its outcome, and every job
    // finished by then with all its recipients; nothing answered after it ended.
    for (const auto& r : before.answered) EXPECT_TRUE(restored.answered.count(r)) << r;
    for (const auto& r : restored.answered) EXPECT_TRUE(after_backup.answered.count(r)) << r;
    EXPECT_GE(restored.answered.size(), before.answered.size());
    for (const auto& job : before.accepted_jobs) {
        EXPECT_TRUE(restored.accepted_jobs.count(job)) << job;
        EXPECT_EQ(restored.recipients[job], before.recipients[job]) << job;
        EXPECT_EQ(restored.recipients[job].size(), 201u) << job;  // 200 and the staff copy
    }
    for (const auto& job : restored.accepted_jobs)
        EXPECT_TRUE(after_backup.accepted_jobs.count(job)) << job;
    for (const auto& job : restored.all_jobs) EXPECT_TRUE(final_state.all_jobs.count(job)) << job;
    // A job accepted in the copy is whole there: no recipient left pending.
    for (const auto& job : restored.accepted_jobs)
        for (const auto& r : restored.recipients[job])
            EXPECT_FALSE(r.ends_with(" pending")) << job << ": " << r;

    // The restored file serves the product's own commands: the same subscriber list.
    std::string original_list, restored_list;
    ASSERT_EQ(cli(dir_ / "mail.toml", {"subscribers", "export", "-"}, &original_list), 0);
    ASSERT_EQ(cli(fresh / "mail.toml", {"subscribers", "export", "-"}, &restored_list), 0)
        << restored_list;
    EXPECT_EQ(restored_list, original_list);
}

}  // namespace
}  // namespace alerthub
