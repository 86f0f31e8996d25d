// The real mail-adapter binary against a real Mosquitto and a real SMTP server (aiosmtpd,
// writing a Maildir). The mails are parsed here, in C++, with a decoder independent of
// the adapter's encoder.

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>

#include "core/crypto.h"
#include "core/messages.h"
#include "core/paho_message_bus.h"
#include "core/time_format.h"
#include "core/topics.h"
#include "tests/support/test_support.h"
#include "tests/unit/mail/mime_decode.h"

namespace alerthub {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;
using testing::ChildProcess;
using testing::MosquittoBroker;
using testing::TempDir;
using testing::wait_for;

const std::vector<std::string> kRecipients = {"taro@example.jp", "hanako@example.jp",
                                              "jiro@example.jp"};

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

DeliveryJob make_job(std::string alert_id) {
    DeliveryJob job;
    job.alert.id = std::move(alert_id);
    job.alert.version = 1;
    job.alert.severity = Severity::kSevere;
    job.alert.source.sent = *parse_rfc3339("2024-07-25T10:30:00+09:00");
    job.alert.headline = {{"ja", "港区に大雨警報（土砂災害）"},
                          {"en", "Heavy rain warning: Minato"}};
    job.alert.instruction = {{"ja", "崖の近くの方は早めに避難してください。"}};
    job.alert.links = {{"web", "https://www.city.minato.tokyo.jp/bousai", {}}};
    job.channel = "mail";
    job.job_id = make_job_id(job.alert.id, 1, "mail");
    job.idempotency_key = sha256_hex(job.job_id);
    job.created = *parse_rfc3339("2024-07-25T10:30:05+09:00");
    return job;
}

// Maildir files are stored with LF line ends; the parser wants the wire form (CRLF).
std::string to_crlf(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out += '\r';
        out += s[i];
    }
    return out;
}

class MailAdapterIntegrationTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        smtp_port_ = testing::free_port();
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

        std::string recipients;
        for (auto& r : kRecipients) recipients += (recipients.empty() ? "\"" : ", \"") + r + "\"";
        testing::write_file(dir_ / "mail.toml", fmt::format(R"(
[mqtt]
uri = "{}"
client_id = "it-mail-adapter"
topic_root = "it/v1"
[smtp]
url = "smtp://127.0.0.1:{}"
from_address = "bousai@city.minato.example"
recipients = [{}]
timeout_ms = 3000
[retry]
initial_backoff_ms = 200
max_backoff_ms = 200
max_attempts = 100
[state]
path = "state/mail.db"
)",
                                                            broker_.uri(), smtp_port_, recipients));
    }

    void TearDown() override {
        adapter_.reset();
        smtp_.reset();
        hub_->stop();
    }

    void start_smtp() {
        smtp_ = std::make_unique<ChildProcess>(
            std::vector<std::string>{"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
                                     fmt::format("127.0.0.1:{}", smtp_port_), "-c",
                                     "aiosmtpd.handlers.Mailbox", (dir_ / "maildir").string()},
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

    std::string adapter_log() {
        std::error_code ec;
        return fs::exists(dir_ / "adapter.log", ec) ? testing::read_file(dir_ / "adapter.log") : "";
    }

    std::vector<std::string> mails() {
        std::vector<std::string> out;
        std::error_code ec;
        if (!fs::exists(dir_ / "maildir" / "new", ec)) return out;
        for (auto& e : fs::directory_iterator(dir_ / "maildir" / "new"))
            out.push_back(to_crlf(testing::read_file(e.path())));
        return out;
    }

    void publish(const DeliveryJob& job) {
        ASSERT_TRUE(hub_->publish({topics_.job("mail"), encode_job(job), false}, seconds(5)).ok());
    }

    std::vector<Receipt> receipts() {
        std::lock_guard lock(mu_);
        return receipts_;
    }

    TempDir dir_;
    MosquittoBroker broker_;
    Topics topics_{"it/v1"};
    int smtp_port_ = 0;
    std::unique_ptr<PahoMessageBus> hub_;
    std::unique_ptr<ChildProcess> smtp_;
    std::unique_ptr<ChildProcess> adapter_;
    std::mutex mu_;
    std::vector<Receipt> receipts_;
};

TEST_F(MailAdapterIntegrationTest, AJobBecomesOneMailToEveryRecipient) {
    start_smtp();
    start_adapter();
    auto job = make_job("staff-mail-1");
    publish(job);
    ASSERT_TRUE(wait_for([&] { return !receipts().empty(); })) << adapter_log();

    auto all = mails();
    ASSERT_EQ(all.size(), 1u);
    auto m = mail::mime::parse_mail(all[0]);
    // aiosmtpd records the envelope: one transaction carried every recipient.
    auto rcpt = m.header("X-RcptTo");
    for (auto& r : kRecipients) EXPECT_NE(rcpt.find(r), std::string::npos) << rcpt;
    EXPECT_EQ(m.header("X-MailFrom"), "bousai@city.minato.example");
    // ... and no recipient shows in the headers the subscribers see.
    auto visible = m.raw_header_block.substr(0, m.raw_header_block.find("X-Peer"));
    for (auto& r : kRecipients) EXPECT_EQ(visible.find(r), std::string::npos) << visible;

    EXPECT_EQ(mail::mime::decode_rfc2047(m.header("Subject")),
              "【警報】港区に大雨警報（土砂災害）");
    EXPECT_EQ(mail::mime::decode_rfc2047(m.header("From")),
              "防災情報メール <bousai@city.minato.example>");
    EXPECT_EQ(m.header("To"), "undisclosed-recipients:;");
    EXPECT_EQ(mail::mime::base64_decode(m.body),
              "【警報】港区に大雨警報（土砂災害）\r\n"
              "崖の近くの方は早めに避難してください。\r\n"
              "発表: 2024-07-25 10:30 (JST)\r\n"
              "\r\n"
              "Heavy rain warning: Minato\r\n"
              "\r\n"
              "https://www.city.minato.tokyo.jp/bousai");
    auto message_id = m.header("Message-ID");
    EXPECT_EQ(message_id.front(), '<');
    EXPECT_NE(message_id.find("@city.minato.example>"), std::string::npos);
    EXPECT_EQ(m.header("X-Alerthub-Job"), job.job_id);

    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].recipients, 3);

    // Sent again by the hub: no second mail.
    publish(job);
    ASSERT_TRUE(wait_for([&] { return receipts().size() == 2; })) << adapter_log();
    EXPECT_EQ(receipts()[1].outcome, ReceiptOutcome::kDuplicate);
    EXPECT_EQ(mails().size(), 1u);
    EXPECT_EQ(adapter_->stop(seconds(5)), 0);
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
    EXPECT_EQ(rs[0].recipients, 3);
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

}  // namespace
}  // namespace alerthub
