// The LINE channel in the delivery loop with fakes: a scripted HttpClient, an in-memory bus
// and a FakeClock, so retries and backoff run without sleeping. What the loop does for
// every channel (duplicates, receipts, ordering, malformed jobs) is tested once, in
// tests/unit/adapters/common; here what LINE adds: requests, retry keys, batches, quota.

#include "adapters/line/line_channel.h"
#include "adapters/line/rate_limiter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "adapters/common/delivery_loop.h"
#include "adapters/common/delivery_store.h"
#include "core/base/crypto.h"
#include "core/base/time_format.h"
#include "core/protocol/town_blocks.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_message_bus.h"
#include "tests/support/table_layout.h"
#include "tests/support/test_signing.h"
#include "tests/support/test_support.h"

namespace alerthub::line {
namespace {

using std::chrono::milliseconds;
using testing::FakeMessageBus;
using testing::TempDir;

// Answers from a script; records every request.
class ScriptedHttpClient final : public HttpClient {
public:
    Result<HttpResponse> send(const HttpRequest& request) override {
        std::lock_guard lock(mu_);
        requests_.push_back(request);
        if (script_.empty()) return HttpResponse{200, {{"x-line-request-id", "req-default"}}, "{}"};
        auto next = std::move(script_.front());
        script_.pop_front();
        return next;
    }
    void answer(int status, std::string body = "{}", HttpHeaders headers = {}) {
        std::lock_guard lock(mu_);
        headers.emplace_back("x-line-request-id", fmt::format("req-{}", script_.size() + 1));
        script_.push_back(HttpResponse{status, std::move(headers), std::move(body)});
    }
    void fail_transport(ErrorCode code) {
        std::lock_guard lock(mu_);
        script_.push_back(make_error(code, "curl_easy_perform: Couldn't connect to server"));
    }
    std::vector<HttpRequest> requests() const {
        std::lock_guard lock(mu_);
        return requests_;
    }

private:
    mutable std::mutex mu_;
    std::deque<Result<HttpResponse>> script_;
    std::vector<HttpRequest> requests_;
};

std::string header_of(const HttpRequest& r, std::string_view name) {
    for (auto& [k, v] : r.headers)
        if (k == name) return v;
    return {};
}

// The job table as the line-adapter created it before its store moved to core
// (adapters/common/delivery_store.h). State files from then must keep working.
constexpr const char* kPreviousSchema = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
    job_id          TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL,
    alert_id        TEXT NOT NULL,
    version         INTEGER NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    first_attempt_ms INTEGER,
    finished_ms     INTEGER,
    detail          TEXT NOT NULL DEFAULT '',
    line_retry_key  TEXT NOT NULL,
    recipients      INTEGER NOT NULL DEFAULT 0,
    job_json        TEXT NOT NULL,
    received_ms     INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_idempotency_key ON jobs (idempotency_key);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);
CREATE INDEX IF NOT EXISTS jobs_alert ON jobs (alert_id, version);
CREATE TABLE IF NOT EXISTS receipt_outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id     TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
)sql";

std::int64_t to_ms(WallTime t) {
    return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

DeliveryJob make_job(std::string alert_id = "jma-VPWW53-130000", std::int64_t version = 1) {
    DeliveryJob job;
    job.alert.id = std::move(alert_id);
    job.alert.version = version;
    job.alert.severity = Severity::kSevere;
    job.alert.source.sent = *parse_rfc3339("2024-07-25T10:30:00+09:00");
    job.alert.headline = {{"ja", "大雨警報（土砂災害）"}, {"en", "Heavy rain warning"}};
    job.channel = "line";
    job.job_id = make_job_id(job.alert.id, version, "line");
    job.idempotency_key = sha256_hex(job.job_id);
    job.created = *parse_rfc3339("2024-07-25T10:30:05+09:00");
    return job;
}

class LineAdapterTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        open_adapter();
    }

    void open_adapter() {
        adapter_.reset();
        channel_.reset();
        api_.reset();
        batches_.reset();
        store_.reset();
        auto store = DeliveryStore::open((dir_ / "line.db").string(), line_store_schema());
        ASSERT_TRUE(store.ok()) << store.error().message;
        store_ = std::make_unique<DeliveryStore>(std::move(*store));
        auto batches = LineBatchStore::open((dir_ / "line.db").string());
        ASSERT_TRUE(batches.ok()) << batches.error().message;
        batches_ = std::make_unique<LineBatchStore>(std::move(*batches));
        api_ = std::make_unique<LineApi>(*api_http_, "http://line.test", "token-123",
                                         milliseconds(5000));
        if (targeted_) {
            auto subscribers = SubscriberStore::open((dir_ / "line.db").string());
            ASSERT_TRUE(subscribers.ok()) << subscribers.error().message;
            subscribers_ = std::make_unique<SubscriberStore>(std::move(*subscribers));
            channel_ =
                std::make_unique<LineChannel>(*api_, settings_, *batches_, subscribers_.get(),
                                              &*blocks_, clock_, [this](milliseconds d) {
                                                  std::lock_guard lock(sleep_mu_);
                                                  slept_ += d;
                                                  clock_.advance(d);
                                              });
        } else {  // every job a broadcast
            LineSettings settings;
            settings.check_quota = false;
            channel_ = std::make_unique<LineChannel>(*api_, settings, *batches_, nullptr, nullptr,
                                                     clock_, [](milliseconds) {});
        }
        adapter_ = std::make_unique<DeliveryLoop>(topics_, alerthub::testing::test_verifier(),
                                                  retry_, 30, bus_, *channel_, *store_, clock_);
        ASSERT_TRUE(adapter_->start().ok());
    }

    void deliver(const DeliveryJob& job) {
        bus_.deliver({topics_.job("line"), alerthub::testing::hub_signed(encode_job(job))});
    }

    std::vector<Receipt> receipts() const {
        std::vector<Receipt> out;
        for (auto& m : bus_.published()) {
            EXPECT_EQ(m.topic, topics_.receipt("line"));
            auto r = decode_receipt(m.payload);
            EXPECT_TRUE(r.ok()) << m.payload;
            if (r) out.push_back(*r);
        }
        return out;
    }

    void advance(milliseconds d) {
        clock_.advance(d);
        adapter_->poll(milliseconds(0));
    }

    TempDir dir_;
    Topics topics_{"test/v1"};
    RetryPolicy retry_;  // defaults: 1 s doubling to 60 s, 8 attempts
    FakeClock clock_;
    FakeMessageBus bus_;
    ScriptedHttpClient http_;
    std::unique_ptr<DeliveryStore> store_;
    std::unique_ptr<LineBatchStore> batches_;
    HttpClient* api_http_ = &http_;  // what the LineApi sends through
    std::unique_ptr<LineApi> api_;
    std::unique_ptr<LineChannel> channel_;
    std::unique_ptr<DeliveryLoop> adapter_;
    std::mutex sleep_mu_;  // senders sleep for their rate-limit slots at the same time

    // Area targeting: subscribers and the ward's town blocks.
    void open_targeted(LineSettings settings) {
        auto blocks =
            TownBlocks::load((testing::project_fixtures_dir().parent_path().parent_path() /
                              "config" / "minato_town_blocks.tsv")
                                 .string());
        ASSERT_TRUE(blocks.ok()) << blocks.error().message;
        blocks_ = std::move(*blocks);
        settings_ = settings;
        targeted_ = true;
        open_adapter();
    }
    void subscribe(int n, const std::string& language, std::vector<std::string> areas) {
        std::vector<LineSubscriber> all;
        for (int i = 0; i < n; ++i) {
            LineSubscriber s;
            s.user_id = fmt::format("U{:032x}", next_user_++);
            s.language = language;
            s.areas = areas;
            all.push_back(std::move(s));
        }
        ASSERT_TRUE(subscribers_->save_all(all).ok());
    }
    bool targeted_ = false;
    LineSettings settings_;
    std::optional<TownBlocks> blocks_;
    std::unique_ptr<SubscriberStore> subscribers_;
    milliseconds slept_{0};
    int next_user_ = 1;
};

// An evacuation order for 芝浦 blocks only (no ward-level area): targeted.
DeliveryJob shibaura_job(int level = 3) {
    auto job = make_job("cap-shibaura");
    job.alert.level = level;
    job.alert.areas = {{"town", "shibaura-3", "芝浦三丁目"}, {"", "", "芝浦四丁目"}};
    job.alert.instruction = {
        {"ja", "直ちに避難してください。"}, {"en", "Evacuate now."}, {"zh-Hans", "请立即避难。"}};
    job.alert.event_name = {{"ja", "避難指示"}};
    job.alert.links = {{"web", "https://www.city.minato.tokyo.jp/bousai", {}}};
    return job;
}

LineSettings no_quota_check() {
    LineSettings s;
    s.check_quota = false;
    s.max_in_flight = 1;  // the scripted answers go to the batches in order
    return s;
}

TEST_F(LineAdapterTest, SendsAValidBroadcastRequest) {
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    auto requests = http_.requests();
    ASSERT_EQ(requests.size(), 1u);
    auto& r = requests[0];
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.url, "http://line.test/v2/bot/message/broadcast");
    EXPECT_EQ(header_of(r, "Authorization"), "Bearer token-123");
    EXPECT_EQ(header_of(r, "Content-Type"), "application/json");
    EXPECT_TRUE(
        std::regex_match(header_of(r, "X-Line-Retry-Key"),
                         std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                    "[0-9a-f]{12}")));
    auto body = nlohmann::json::parse(r.body);
    ASSERT_EQ(body["messages"].size(), 1u);
    EXPECT_EQ(body["messages"][0]["type"], "text");
    EXPECT_EQ(body["messages"][0]["text"],
              "【警報】大雨警報（土砂災害）\n発表: 2024-07-25 10:30 (JST)\n\nHeavy rain warning");
}

TEST_F(LineAdapterTest, RetriesServerErrorsWithBackoffAndTheSameRetryKey) {
    http_.answer(500);
    http_.answer(500);
    http_.answer(200);
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    EXPECT_EQ(http_.requests().size(), 1u);

    advance(milliseconds(999));  // the first backoff is 1 s
    EXPECT_EQ(http_.requests().size(), 1u);
    advance(milliseconds(1));
    EXPECT_EQ(http_.requests().size(), 2u);
    advance(milliseconds(1999));  // then 2 s
    EXPECT_EQ(http_.requests().size(), 2u);
    advance(milliseconds(1));
    auto requests = http_.requests();
    ASSERT_EQ(requests.size(), 3u);

    auto key = header_of(requests[0], "X-Line-Retry-Key");
    EXPECT_FALSE(key.empty());
    for (auto& r : requests) EXPECT_EQ(header_of(r, "X-Line-Retry-Key"), key);

    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].attempts, 3);
    EXPECT_EQ(rs[0].job_id, make_job().job_id);
    EXPECT_EQ(rs[0].alert_id, "jma-VPWW53-130000");
    EXPECT_EQ(rs[0].version, 1);
    EXPECT_EQ(rs[0].finished - rs[0].first_attempt, milliseconds(3000));
    EXPECT_NE(rs[0].detail.find("x-line-request-id="), std::string::npos);

    auto stored = store_->find(make_job().job_id);
    ASSERT_TRUE(stored.ok() && stored->has_value());
    EXPECT_EQ((*stored)->state, DeliveryState::kAccepted);
    EXPECT_EQ((*stored)->attempts, 3);
    EXPECT_EQ(retry_key_of(**stored), key);
    EXPECT_EQ(adapter_->active_jobs(), 0u);
}

TEST_F(LineAdapterTest, RetriesRateLimitsAndTransportFailures) {
    http_.answer(429, R"({"message":"The API rate limit has been exceeded. Try again later."})");
    http_.fail_transport(ErrorCode::kUnavailable);
    http_.fail_transport(ErrorCode::kTimeout);
    http_.answer(200);
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    for (int i = 0; i < 3; ++i) advance(milliseconds(60000));
    EXPECT_EQ(http_.requests().size(), 4u);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].attempts, 4);
}

TEST_F(LineAdapterTest, ConflictMeansTheRetryKeyWasAlreadyAccepted) {
    http_.answer(409, R"({"message":"The retry key is already accepted"})",
                 {{"x-line-accepted-request-id", "orig-42"}});
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    advance(milliseconds(60000));
    EXPECT_EQ(http_.requests().size(), 1u);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_NE(rs[0].detail.find("orig-42"), std::string::npos);
}

TEST_F(LineAdapterTest, BadRequestFailsAtOnceWithoutRetry) {
    http_.answer(400,
                 R"j({"message":"The request body has 1 error(s)",)j"
                 R"j("details":[{"message":"May not be empty","property":"messages[0].text"}]})j");
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    advance(milliseconds(120000));
    EXPECT_EQ(http_.requests().size(), 1u);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kFailed);
    EXPECT_EQ(rs[0].attempts, 1);
    EXPECT_NE(rs[0].detail.find("HTTP 400"), std::string::npos);
    EXPECT_NE(rs[0].detail.find("messages[0].text"), std::string::npos);
}

TEST_F(LineAdapterTest, MonthlyLimitIsAPermanentFailureNotARetryLoop) {
    http_.answer(429, R"({"message":"You have reached your monthly limit."})");
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    advance(milliseconds(120000));
    EXPECT_EQ(http_.requests().size(), 1u);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kFailed);
    EXPECT_NE(rs[0].detail.find("monthly"), std::string::npos);
}

TEST_F(LineAdapterTest, APendingJobIsResumedAfterARestartWithTheSameRetryKey) {
    http_.answer(500);
    deliver(make_job());
    adapter_->poll(milliseconds(0));
    ASSERT_EQ(http_.requests().size(), 1u);
    auto key = header_of(http_.requests()[0], "X-Line-Retry-Key");

    open_adapter();  // as after a crash: the job is pending on disk
    EXPECT_EQ(adapter_->active_jobs(), 1u);
    adapter_->poll(milliseconds(0));
    auto requests = http_.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(header_of(requests[1], "X-Line-Retry-Key"), key);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].attempts, 2);
}

TEST_F(LineAdapterTest, AJobRecordedButNeverAttemptedIsResumedWithItsStoredKey) {
    auto admitted = store_->admit(make_job(), line_fields("6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b"),
                                  clock_.now());
    ASSERT_TRUE(admitted.ok() && admitted->inserted);
    open_adapter();
    adapter_->poll(milliseconds(0));
    ASSERT_EQ(http_.requests().size(), 1u);
    EXPECT_EQ(header_of(http_.requests()[0], "X-Line-Retry-Key"),
              "6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b");
}

TEST_F(LineAdapterTest, ANewStateFileKeepsThePreviousVersionsTablesAndOnlyAddsLineOnes) {
    auto previous = SqliteDb::open((dir_ / "previous.db").string());
    ASSERT_TRUE(previous.ok());
    ASSERT_TRUE(previous->exec(kPreviousSchema).ok());
    auto now = testing::table_layout((dir_ / "line.db").string());
    for (auto& column : testing::table_layout((dir_ / "previous.db").string()))
        EXPECT_TRUE(now.count(column)) << column;
    for (auto& column : now) {
        if (testing::table_layout((dir_ / "previous.db").string()).count(column)) continue;
        // Every component's schema version (core/storage/schema.h) is new to all of them.
        if (column.starts_with("schema_versions.")) continue;
        EXPECT_EQ(column.rfind("line_", 0), 0u) << "not a new line_* table: " << column;
    }
}

TEST_F(LineAdapterTest, APendingJobInAPreviousVersionsStateFileResumesWithItsRetryKey) {
    adapter_.reset();
    channel_.reset();
    batches_.reset();
    store_.reset();
    auto path = (dir_ / "line.db").string();
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    {
        auto db = SqliteDb::open(path);
        ASSERT_TRUE(db.ok());
        ASSERT_TRUE(db->exec(kPreviousSchema).ok());
        auto job = make_job();
        auto st = db->prepare(
            "INSERT INTO jobs (job_id, idempotency_key, alert_id, version, state, attempts, "
            "first_attempt_ms, finished_ms, detail, line_retry_key, recipients, job_json, "
            "received_ms) VALUES (?1, ?2, ?3, 1, 'pending', 1, ?4, NULL, 'HTTP 500', ?5, 0, ?6, "
            "?4)");
        ASSERT_TRUE(st.ok());
        st->bind(1, job.job_id)
            .bind(2, job.idempotency_key)
            .bind(3, job.alert.id)
            .bind(4, to_ms(clock_.now()))
            .bind(5, "6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b")
            .bind(6, encode_job(job));
        ASSERT_TRUE(st->run().ok());
    }
    open_adapter();
    EXPECT_EQ(adapter_->active_jobs(), 1u);
    adapter_->poll(milliseconds(0));
    ASSERT_EQ(http_.requests().size(), 1u);
    EXPECT_EQ(header_of(http_.requests()[0], "X-Line-Retry-Key"),
              "6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b");
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].attempts, 2);
}

TEST_F(LineAdapterTest, VersionsOfOneAlertGoOutInOrder) {
    http_.answer(500);  // v1 has to wait 1 s
    deliver(make_job("a", 1));
    adapter_->poll(milliseconds(0));
    auto v2 = make_job("a", 2);
    v2.alert.state = AlertState::kCancelled;
    v2.alert.msg_type = MsgType::kCancel;
    deliver(v2);
    deliver(make_job("b", 1));  // another alert is not held up
    adapter_->poll(milliseconds(0));
    ASSERT_EQ(http_.requests().size(), 2u);
    EXPECT_EQ(http_.requests()[1].body.find("【取消】"), std::string::npos);  // alert b
    EXPECT_EQ(adapter_->active_jobs(), 2u);

    advance(milliseconds(1000));
    auto requests = http_.requests();
    ASSERT_EQ(requests.size(), 4u);
    EXPECT_EQ(header_of(requests[2], "X-Line-Retry-Key"),
              header_of(requests[0], "X-Line-Retry-Key"));
    EXPECT_NE(requests[3].body.find("【取消】"), std::string::npos);
}

}  // namespace
}  // namespace alerthub::line

namespace alerthub::line {
namespace {

TEST_F(LineAdapterTest, AWardWideAlertIsOneBroadcastEvenWithSubscribers) {
    open_targeted(no_quota_check());
    subscribe(3, "en", {"shibaura-4"});
    auto job = make_job();
    // L-Alert: a <Detail> without <Areas> gives the ward's own area a level: the whole ward.
    job.alert.areas = {{"jisx0402", "131032", "港区", 3},
                       {"town", "131032/芝浦四丁目", "芝浦四丁目", 3}};
    deliver(job);
    adapter_->poll(milliseconds(0));
    ASSERT_EQ(http_.requests().size(), 1u);
    EXPECT_EQ(http_.requests()[0].url, "http://line.test/v2/bot/message/broadcast");
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    ASSERT_EQ(rs[0].batches.size(), 1u);
    EXPECT_EQ(rs[0].batches[0].kind, "broadcast");
}

TEST_F(LineAdapterTest, ATownBlockAlertIsMulticastsOfAtMost500GroupedByLanguage) {
    open_targeted(no_quota_check());
    subscribe(1100, "ja", {"shibaura-4"});
    subscribe(10, "en", {"shibaura-3", "konan-1"});
    subscribe(5, "zh-Hans", {});          // the whole ward: gets town-block alerts too
    subscribe(7, "vi", {"shibaura-4"});   // no Vietnamese text: Japanese (and English)
    subscribe(50, "ja", {"roppongi-1"});  // elsewhere: not addressed
    deliver(shibaura_job());
    adapter_->poll(milliseconds(0));

    auto requests = http_.requests();
    ASSERT_EQ(requests.size(), 6u);  // ja 500+500+100, en 10, zh-Hans 5, vi 7
    std::vector<std::size_t> sizes;
    std::set<std::string> keys;
    std::set<std::string> users;
    for (auto& r : requests) {
        EXPECT_EQ(r.url, "http://line.test/v2/bot/message/multicast");
        auto body = nlohmann::json::parse(r.body);
        sizes.push_back(body["to"].size());
        for (auto& u : body["to"]) users.insert(u.get<std::string>());
        keys.insert(header_of(r, "X-Line-Retry-Key"));
        EXPECT_TRUE(
            std::regex_match(header_of(r, "X-Line-Retry-Key"),
                             std::regex("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]"
                                        "{3}-[0-9a-f]{12}")));
    }
    EXPECT_EQ(sizes, (std::vector<std::size_t>{500, 500, 100, 10, 5, 7}));
    EXPECT_EQ(keys.size(), 6u);
    EXPECT_EQ(users.size(), 1122u);  // nobody twice, nobody from 六本木
    auto text = [&](int i) {
        return nlohmann::json::parse(requests[i].body)["messages"][0]["text"].get<std::string>();
    };
    EXPECT_EQ(text(0).rfind("【警報】大雨警報（土砂災害）\n直ちに避難してください。", 0), 0u)
        << text(0);
    EXPECT_NE(text(3).find("Evacuate now."), std::string::npos);
    EXPECT_NE(text(4).find("请立即避难。"), std::string::npos);
    EXPECT_EQ(text(4).find("Evacuate now."), std::string::npos);
    EXPECT_EQ(text(5), text(0));  // Japanese fallback

    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_EQ(rs[0].recipients, 1122);
    ASSERT_EQ(rs[0].batches.size(), 6u);
    EXPECT_EQ(rs[0].batches[1].recipients, 500);
    EXPECT_EQ(rs[0].batches[1].accepted, 500);
    EXPECT_EQ(rs[0].batches[3].language, "en");
    EXPECT_TRUE(rs[0].batches[5].first_send.has_value());
    EXPECT_EQ(rs[0].batches[0].kind, "multicast");
}

TEST_F(LineAdapterTest, Level4IsAFlexMessageWithColourLevelAndLinkAndDrillsAreLabelled) {
    open_targeted(no_quota_check());
    subscribe(2, "ja", {"shibaura-4"});
    auto job = shibaura_job(4);
    job.alert.status = AlertStatus::kExercise;
    deliver(job);
    adapter_->poll(milliseconds(0));
    ASSERT_EQ(http_.requests().size(), 1u);
    auto m = nlohmann::json::parse(http_.requests()[0].body)["messages"][0];
    EXPECT_EQ(m["type"], "flex");
    EXPECT_EQ(m["altText"].get<std::string>().rfind("【訓練】", 0), 0u) << m.dump();
    auto& bubble = m["contents"];
    EXPECT_EQ(bubble["styles"]["header"]["backgroundColor"], "#AA00AA");
    EXPECT_EQ(bubble["header"]["contents"][0]["text"], "【訓練】警戒レベル4");
    // The drill says so in Japanese and in the reader's language (English for a Japanese
    // reader), under the notice's name.
    EXPECT_EQ(bubble["header"]["contents"][1]["text"],
              "避難指示\nこれは訓練です / This is an exercise");
    EXPECT_EQ(bubble["body"]["contents"][0]["text"].get<std::string>().rfind("【訓練】", 0), 0u);
    EXPECT_EQ(bubble["footer"]["contents"][0]["action"]["uri"],
              "https://www.city.minato.tokyo.jp/bousai");
}

TEST_F(LineAdapterTest, ARetriedJobResendsOnlyUnfinishedBatchesWithTheirKeysAcrossARestart) {
    open_targeted(no_quota_check());
    subscribe(1200, "ja", {"shibaura-4"});
    http_.answer(200);
    http_.answer(500);  // batch 2: LINE may or may not have it
    deliver(shibaura_job());
    adapter_->poll(milliseconds(0));
    auto first = http_.requests();
    ASSERT_EQ(first.size(), 2u);

    open_adapter();  // a restart before the retry
    adapter_->poll(milliseconds(0));
    auto all = http_.requests();
    ASSERT_EQ(all.size(), 4u);  // batches 2 and 3 only
    EXPECT_EQ(header_of(all[2], "X-Line-Retry-Key"), header_of(all[1], "X-Line-Retry-Key"));
    EXPECT_EQ(nlohmann::json::parse(all[2].body)["to"], nlohmann::json::parse(all[1].body)["to"]);
    EXPECT_NE(header_of(all[3], "X-Line-Retry-Key"), header_of(all[0], "X-Line-Retry-Key"));
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].recipients, 1200);
    EXPECT_EQ(rs[0].batches[1].detail.find("HTTP 500"), std::string::npos);  // its last answer
}

TEST_F(LineAdapterTest, MulticastsArePacedByTheConfiguredRateLimit) {
    auto settings = no_quota_check();
    settings.batch_size = 10;
    settings.rate_limits.multicast_per_second = 3;
    open_targeted(settings);
    subscribe(100, "ja", {"shibaura-4"});
    deliver(shibaura_job());
    adapter_->poll(milliseconds(0));
    ASSERT_EQ(http_.requests().size(), 10u);
    // 10 requests at 3 per second: the 4th, 7th and 10th each waited for a free second
    // (and the 50 ms margin for jitter).
    EXPECT_EQ(slept_, milliseconds(3 * 1050));
    EXPECT_EQ(receipts().size(), 1u);
}

TEST_F(LineAdapterTest, AMonthlyLimit429FailsTheRestWithAWarningAndNoRetryLoop) {
    open_targeted(no_quota_check());
    subscribe(1200, "ja", {"shibaura-4"});
    http_.answer(200);
    http_.answer(429, R"({"message":"You have reached your monthly limit."})");
    deliver(shibaura_job());
    adapter_->poll(milliseconds(0));
    advance(milliseconds(600000));
    EXPECT_EQ(http_.requests().size(), 2u);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);  // 500 were reached
    EXPECT_EQ(rs[0].recipients, 500);
    ASSERT_EQ(rs[0].warnings.size(), 1u);
    EXPECT_NE(rs[0].warnings[0].find("月間メッセージ上限"), std::string::npos);
    EXPECT_EQ(rs[0].batches[2].failed, 200);
    EXPECT_FALSE(rs[0].batches[2].first_send.has_value());
}

TEST_F(LineAdapterTest, AUsedUpQuotaIsCheckedBeforeSendingAndNothingIsSent) {
    open_targeted(LineSettings{});
    subscribe(10, "ja", {"shibaura-4"});
    http_.answer(200, R"({"type":"limited","value":1000})");
    http_.answer(200, R"({"totalUsage":1000})");
    deliver(shibaura_job());
    adapter_->poll(milliseconds(0));
    auto requests = http_.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].url, "http://line.test/v2/bot/message/quota");
    EXPECT_EQ(requests[1].url, "http://line.test/v2/bot/message/quota/consumption");
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kFailed);
    EXPECT_EQ(rs[0].warnings.size(), 1u);
}

TEST_F(LineAdapterTest, AQuotaNearlyUsedUpWarnsButSends) {
    open_targeted(LineSettings{});
    subscribe(10, "ja", {"shibaura-4"});
    http_.answer(200, R"({"type":"limited","value":1000})");
    http_.answer(200, R"({"totalUsage":995})");
    deliver(shibaura_job());
    adapter_->poll(milliseconds(0));
    ASSERT_EQ(http_.requests().size(), 3u);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    ASSERT_EQ(rs[0].warnings.size(), 1u);
    EXPECT_NE(rs[0].warnings[0].find("5"), std::string::npos);
}

TEST_F(LineAdapterTest, ATownBlockAlertWithoutSubscribersSendsNothingAndSaysSo) {
    open_targeted(no_quota_check());
    deliver(shibaura_job());
    adapter_->poll(milliseconds(0));
    EXPECT_EQ(http_.requests().size(), 0u);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].outcome, ReceiptOutcome::kAccepted);
    EXPECT_NE(rs[0].detail.find("no subscriber"), std::string::npos);
}

TEST_F(LineAdapterTest, AnLAlertOrderForTownBlocksIsMulticastToThoseBlocksOnly) {
    open_targeted(no_quota_check());
    subscribe(3, "ja", {"shibaura-1"});
    subscribe(2, "en", {"konan-1"});
    subscribe(4, "ja", {"roppongi-1"});  // elsewhere: not addressed
    subscribe(1, "ko", {});              // the whole ward
    // The areas hub/sources/lalert/lalert_parser.cpp makes of
    // tests/fixtures/lalert/evacuation_issue.xml: the issuing ward, then each block as "<JIS X
    // 0402>/<areaName>" with its level.
    auto job = make_job("lalert-evacuation");
    job.alert.level = 4;
    job.alert.areas = {{"jisx0402", "131032", "港区"},
                       {"town", "131032/芝浦一丁目", "芝浦一丁目", 4},
                       {"town", "131032/芝浦二丁目", "芝浦二丁目", 4},
                       {"town", "131032/海岸一丁目", "海岸一丁目", 4},
                       {"town", "131032/港南一丁目", "港南一丁目", 3}};
    deliver(job);
    adapter_->poll(milliseconds(0));
    auto requests = http_.requests();
    ASSERT_EQ(requests.size(), 3u);  // ja 3, en 2, ko 1
    std::size_t users = 0;
    for (auto& r : requests) {
        EXPECT_EQ(r.url, "http://line.test/v2/bot/message/multicast");
        users += nlohmann::json::parse(r.body)["to"].size();
    }
    EXPECT_EQ(users, 6u);
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].recipients, 6);
}

// Lets the first `gate` requests through only together: proves they are in flight at once.
class GatedHttpClient final : public HttpClient {
public:
    GatedHttpClient(int gate, const FakeClock& clock) : gate_(gate), clock_(clock) {}
    Result<HttpResponse> send(const HttpRequest& request) override {
        std::unique_lock lock(mu_);
        requests_.push_back(request);
        sent_at_.push_back(clock_.steady_now());
        peak_ = std::max(peak_, ++in_flight_);
        if (static_cast<int>(requests_.size()) <= gate_) {
            arrived_.notify_all();
            // Bounded, so that a sender that never comes fails the test instead of hanging it.
            arrived_.wait_for(lock, std::chrono::seconds(20),
                              [&] { return static_cast<int>(requests_.size()) >= gate_; });
        }
        --in_flight_;
        return HttpResponse{200, {{"x-line-request-id", "req-gated"}}, "{}"};
    }
    int peak() const { return peak_; }
    std::vector<HttpRequest> requests() const { return requests_; }
    std::vector<SteadyTime> sent_at() const { return sent_at_; }

private:
    const int gate_;
    const FakeClock& clock_;
    std::mutex mu_;
    std::condition_variable arrived_;
    std::vector<HttpRequest> requests_;
    std::vector<SteadyTime> sent_at_;
    int in_flight_ = 0;
    int peak_ = 0;
};

TEST(RateLimiter, SlotsReservedAheadKeepTheWindow) {
    // Concurrent senders reserve their slot before they wait for it: the slots given out
    // must still hold at most `requests` in any `period`.
    RateLimiter limiter(3, milliseconds(1000));
    SteadyTime t0{};
    std::vector<long> slots;
    for (int i = 0; i < 8; ++i) {
        auto slot = limiter.next_slot(t0);
        limiter.record(slot);
        slots.push_back(std::chrono::duration_cast<milliseconds>(slot - t0).count());
    }
    EXPECT_EQ(slots, (std::vector<long>{0, 0, 0, 1000, 1000, 1000, 2000, 2000}));
    // Later the window has moved on: at 2.5 s only the two at 2 s are in it.
    auto later = t0 + milliseconds(2500);
    EXPECT_EQ(limiter.next_slot(later), later);
    limiter.record(later);
    EXPECT_EQ(limiter.next_slot(later), t0 + milliseconds(3000));
}

TEST_F(LineAdapterTest, MulticastsGoOutConcurrentlyWithinTheRateLimit) {
    GatedHttpClient gated(4, clock_);
    api_http_ = &gated;
    auto settings = no_quota_check();
    settings.max_in_flight = 4;
    settings.batch_size = 10;
    settings.rate_limits.multicast_per_second = 3;
    settings.max_rate_wait = milliseconds(60000);
    open_targeted(settings);
    subscribe(120, "ja", {"shibaura-4"});
    deliver(shibaura_job());
    adapter_->poll(milliseconds(0));

    EXPECT_EQ(gated.peak(), 4);
    auto requests = gated.requests();
    ASSERT_EQ(requests.size(), 12u);
    std::set<std::string> keys, users;
    for (auto& r : requests) {
        keys.insert(header_of(r, "X-Line-Retry-Key"));
        auto body = nlohmann::json::parse(r.body);
        for (auto& u : body["to"]) users.insert(u.get<std::string>());
    }
    EXPECT_EQ(keys.size(), 12u);
    EXPECT_EQ(users.size(), 120u);
    // 12 requests at 3 per second: senders waited for their slots (RateLimiter test above
    // for the slots; the fake clock, advanced by every sender, makes the sum irregular).
    EXPECT_GE(slept_, milliseconds(3000));
    auto rs = receipts();
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].recipients, 120);
    ASSERT_EQ(rs[0].batches.size(), 12u);
    for (auto& b : rs[0].batches) {
        EXPECT_EQ(b.accepted, 10) << b.index;
        EXPECT_TRUE(b.first_send && b.last_send) << b.index;
    }
    api_http_ = &http_;
    open_adapter();  // before `gated` goes
}

}  // namespace
}  // namespace alerthub::line
