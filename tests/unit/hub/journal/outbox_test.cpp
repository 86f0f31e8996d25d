// The outbox publisher against FakeMessageBus: order, retries after refusals (never
// skipping or reordering a row), and leftovers published by a fresh publisher on the
// same journal (what a restart after kill -9 looks like).

#include "hub/journal/outbox.h"
#include "hub/sources/source_reader.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "core/base/time_format.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_message_bus.h"
#include "tests/support/test_support.h"

namespace alerthub::hub {
namespace {

using namespace std::chrono_literals;
using testing::FakeMessageBus;
using testing::fixtures_dir;
using testing::project_fixtures_dir;
using testing::read_file;
using testing::TempDir;
using testing::wait_for;

// Refuses the publishes whose 1-based call numbers are listed, or all while `down`.
class FlakyBus final : public MessageBus {
public:
    explicit FlakyBus(std::set<int> refuse = {}) : refuse_(std::move(refuse)) {}
    void start(MessageHandler h, ConnectionHandler c) override { inner.start(h, c); }
    void subscribe(std::string f) override { inner.subscribe(std::move(f)); }
    Status publish(const BusMessage& m, std::chrono::milliseconds t) override {
        int n = ++calls;
        if (down || refuse_.count(n)) return make_error(ErrorCode::kUnavailable, "flaky");
        return inner.publish(m, t);
    }
    bool connected() const override { return inner.connected(); }
    void stop() override {}

    FakeMessageBus inner;
    std::atomic<int> calls{0};
    std::atomic<bool> down{false};

private:
    std::set<int> refuse_;
};

class OutboxTest : public ::testing::Test {
protected:
    Journal open() {
        auto j = Journal::open((dir_ / "journal.db").string(),
                               JournalSettings{Topics("t"), {"line", "mail"}}, clock_);
        EXPECT_TRUE(j.ok());
        return std::move(*j);
    }
    void ingest(Journal& j, const std::filesystem::path& file) {
        auto raw = read_file(file);
        auto doc = read_source_document(raw, 1 << 20, SourceFormat::kCap);
        ASSERT_TRUE(doc.ok());
        ASSERT_TRUE(j.ingest(*doc, raw, "test").ok());
    }
    // The topics of every outbox row in seq order.
    std::vector<std::string> expected_topics(Journal& j) {
        auto db = SqliteDb::open((dir_ / "journal.db").string());
        auto q = db->prepare("SELECT topic FROM outbox ORDER BY seq");
        std::vector<std::string> out;
        while (*q->step()) out.push_back(q->column_text(0));
        (void)j;
        return out;
    }
    static std::vector<std::string> topics_of(const std::vector<BusMessage>& messages) {
        std::vector<std::string> out;
        for (auto& m : messages) out.push_back(m.topic);
        return out;
    }
    static OutboxOptions fast() {
        OutboxOptions o;
        o.min_backoff = 5ms;
        o.max_backoff = 20ms;
        o.idle_poll = 5s;  // long: tests must not depend on the safety poll
        return o;
    }

    // Jobs published so far whose topic ends in /jobs/<channel>.
    static std::vector<BusMessage> jobs_of(const std::vector<BusMessage>& messages) {
        std::vector<BusMessage> out;
        for (auto& m : messages)
            if (m.topic.find("/jobs/") != std::string::npos) out.push_back(m);
        return out;
    }
    static Receipt receipt_for(const BusMessage& job_message) {
        auto job = decode_job(job_message.payload);
        EXPECT_TRUE(job.ok());
        Receipt r;
        r.job_id = job->job_id;
        r.channel = job->channel;
        r.alert_id = job->alert.id;
        r.version = job->alert.version;
        r.attempts = 1;
        return r;
    }
    // 19:05 JST on the day of the constructed 避難指示 (in force 14:30-20:30 JST).
    void at_order_time() { clock_.set(*parse_rfc3339("2025-09-05T19:05:00+09:00")); }

    TempDir dir_;
    FakeClock clock_;
    const std::filesystem::path original_ =
        fixtures_dir() / "cap/spec/Oasis_ThunderstormWarning.xml";
    const std::filesystem::path update_ = project_fixtures_dir() / "cap/thunderstorm_update.xml";
    const std::filesystem::path cancel_ = project_fixtures_dir() / "cap/thunderstorm_cancel.xml";
    const std::filesystem::path order_ = project_fixtures_dir() / "cap/minato_evacuation_order.xml";
    const std::filesystem::path order_cancel_ =
        project_fixtures_dir() / "cap/minato_evacuation_order_cancel.xml";
};

TEST_F(OutboxTest, PublishesEveryRowInSeqOrderAndMarksIt) {
    auto j = open();
    ingest(j, original_);
    ingest(j, update_);
    FakeMessageBus bus;
    OutboxPublisher publisher(open(), bus, fast());
    auto pass = publisher.publish_pending();
    EXPECT_EQ(pass.published, 6);
    EXPECT_FALSE(pass.failed);
    auto published = bus.published();
    EXPECT_EQ(topics_of(published), expected_topics(j));
    EXPECT_TRUE(published[0].retained);
    EXPECT_FALSE(published[1].retained);
    EXPECT_EQ(*j.unpublished_count(), 0);
    EXPECT_EQ(publisher.publish_pending().published, 0);  // nothing twice
}

TEST_F(OutboxTest, ARefusedPublishIsRetriedFromTheSameRow) {
    auto j = open();
    ingest(j, original_);
    ingest(j, update_);
    FlakyBus bus({2, 3, 5});
    OutboxPublisher publisher(open(), bus, fast());
    auto first = publisher.publish_pending();
    EXPECT_TRUE(first.failed);
    EXPECT_EQ(first.published, 1);
    EXPECT_TRUE(publisher.publish_pending().failed);  // call 3 refused too
    int total = first.published;
    for (int i = 0; i < 10 && *j.unpublished_count() > 0; ++i)
        total += publisher.publish_pending().published;
    EXPECT_EQ(total, 6);
    // Every row exactly once, in order, despite three refusals.
    EXPECT_EQ(topics_of(bus.inner.published()), expected_topics(j));
}

TEST_F(OutboxTest, ThreadRetriesWhileTheBusRefusesAndCatchesUp) {
    auto j = open();
    FlakyBus bus;
    bus.down = true;
    OutboxPublisher publisher(open(), bus, fast());
    publisher.start();
    ingest(j, original_);
    publisher.notify();
    ingest(j, update_);
    publisher.notify();
    // It keeps trying (with backoff) and loses nothing while the bus refuses.
    ASSERT_TRUE(wait_for([&] { return bus.calls >= 5; }));
    EXPECT_TRUE(bus.inner.published().empty());
    EXPECT_EQ(*j.unpublished_count(), 6);
    bus.down = false;
    ASSERT_TRUE(wait_for([&] { return bus.inner.published().size() == 6; }, 3s));
    publisher.stop();
    EXPECT_EQ(topics_of(bus.inner.published()), expected_topics(j));
    EXPECT_EQ(*j.unpublished_count(), 0);
    EXPECT_EQ(publisher.published_total(), 6);
}

TEST_F(OutboxTest, NotifyWakesThePublisherForNewRows) {
    auto j = open();
    FakeMessageBus bus;
    OutboxPublisher publisher(open(), bus, fast());
    publisher.start();
    ingest(j, original_);
    publisher.notify();
    ASSERT_TRUE(wait_for([&] { return bus.published().size() == 3; }, 2s));
    ingest(j, cancel_);
    publisher.notify();
    ASSERT_TRUE(wait_for([&] { return bus.published().size() == 6; }, 2s));
}

TEST_F(OutboxTest, AFreshPublisherOnTheSameJournalPublishesLeftovers) {
    auto j = open();
    ingest(j, original_);
    {
        FlakyBus down;
        down.down = true;
        OutboxPublisher crashed(open(), down, fast());
        crashed.start();
        ASSERT_TRUE(wait_for([&] { return down.calls >= 2; }));
    }  // gone without publishing, as after kill -9
    EXPECT_EQ(*j.unpublished_count(), 3);

    FakeMessageBus bus;
    OutboxPublisher restarted(open(), bus, fast());
    restarted.start();  // no notify: start() looks for leftovers by itself
    ASSERT_TRUE(wait_for([&] { return bus.published().size() == 3; }, 2s));
    EXPECT_EQ(topics_of(bus.published()), expected_topics(j));
}

TEST_F(OutboxTest, AJobWithoutAReceiptIsPublishedAgainWithBackoffUntilItsReceipt) {
    auto j = open();
    ingest(j, original_);
    FakeMessageBus bus;
    OutboxOptions options = fast();  // resend after 60 s, then 120 s, ...
    OutboxPublisher publisher(open(), bus, options);
    ASSERT_EQ(publisher.publish_pending().published, 3);
    auto first = jobs_of(bus.published());
    ASSERT_EQ(first.size(), 2u);  // line and mail
    EXPECT_EQ(*j.count_rows("open_jobs"), 2);

    clock_.advance(59s);
    EXPECT_EQ(publisher.resend_due_jobs().published, 0);
    clock_.advance(2s);
    EXPECT_EQ(publisher.resend_due_jobs().published, 2);
    auto again = jobs_of(bus.published());
    ASSERT_EQ(again.size(), 4u);
    EXPECT_EQ(again[2].payload, first[0].payload);  // the same job, byte for byte
    EXPECT_EQ(again[3].payload, first[1].payload);
    EXPECT_FALSE(again[2].retained);

    // The line adapter answers; the mail one stays silent and is resent after twice as long.
    ASSERT_TRUE(j.record_receipt(receipt_for(first[0])).ok());
    EXPECT_EQ(*j.count_rows("open_jobs"), 1);
    clock_.advance(61s);
    EXPECT_EQ(publisher.resend_due_jobs().published, 0);
    clock_.advance(60s);
    EXPECT_EQ(publisher.resend_due_jobs().published, 1);
    EXPECT_EQ(jobs_of(bus.published()).back().payload, first[1].payload);
    EXPECT_EQ(publisher.resent_total(), 3);

    // A duplicate receipt closes it too.
    auto duplicate = receipt_for(first[1]);
    duplicate.outcome = ReceiptOutcome::kDuplicate;
    ASSERT_TRUE(j.record_receipt(duplicate).ok());
    clock_.advance(std::chrono::hours(1));
    EXPECT_EQ(publisher.resend_due_jobs().published, 0);
    EXPECT_EQ(*j.count_rows("open_jobs"), 0);
}

TEST_F(OutboxTest, AJobReceiptedBeforeItWasMarkedIsNotTrackedAndOldJobsAreGivenUp) {
    auto j = open();
    ingest(j, original_);
    auto rows = j.unpublished(10);
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 3u);
    // An adapter faster than the outbox's mark: its receipt is already in.
    ASSERT_TRUE(j.record_receipt(receipt_for((*rows)[1].message)).ok());
    FakeMessageBus bus;
    OutboxOptions options = fast();
    options.job_give_up_after = std::chrono::hours(2);
    OutboxPublisher publisher(open(), bus, options);
    ASSERT_EQ(publisher.publish_pending().published, 3);
    EXPECT_EQ(*j.count_rows("open_jobs"), 1);

    clock_.advance(std::chrono::hours(2));
    EXPECT_EQ(publisher.resend_due_jobs().published, 0);  // given up, not resent
    EXPECT_EQ(*j.count_rows("open_jobs"), 0);
}

TEST_F(OutboxTest, TheRetainedAuditRepublishesWhatIsInForceAndClearsWhatEndedAfterTheGrace) {
    at_order_time();
    auto j = open();
    ingest(j, order_);
    ingest(j, original_);  // the 2003 thunderstorm warning: expired long ago
    FakeMessageBus bus;
    OutboxOptions options = fast();
    options.retained.clear_after = 600s;
    OutboxPublisher publisher(open(), bus, options);
    ASSERT_EQ(publisher.publish_pending().published, 6);
    std::size_t from = bus.published().size();
    // What the bus got since `from`.
    auto since = [&] {
        auto all = bus.published();
        return std::vector<BusMessage>(all.begin() + static_cast<long>(from), all.end());
    };

    // A broker that came back empty: the order in force goes out again, retained; the
    // thunderstorm warning ended (expired) years ago, so its topic is cleared.
    auto audit = publisher.audit_retained(true);
    EXPECT_FALSE(audit.failed);
    EXPECT_EQ(audit.republished, 1);
    EXPECT_EQ(audit.cleared, 1);
    auto sent = since();
    ASSERT_EQ(sent.size(), 2u);
    auto order_version = j.versions(decode_alert(sent[0].payload)->id);
    ASSERT_TRUE(order_version.ok());
    EXPECT_EQ(order_version->back().alert.headline.at("ja"),
              decode_alert(sent[0].payload)->headline.at("ja"));
    EXPECT_TRUE(sent[0].retained);
    EXPECT_TRUE(sent[1].retained);
    EXPECT_EQ(sent[1].payload, "");

    // Cancelled: its cancel stays retained for the grace period, then the topic is cleared,
    // once; a reconnect within a day clears it again.
    ingest(j, order_cancel_);
    ASSERT_EQ(publisher.publish_pending().published, 3);
    from = bus.published().size();
    audit = publisher.audit_retained(false);
    EXPECT_EQ(audit.republished, 1);
    EXPECT_EQ(audit.cleared, 0);
    EXPECT_EQ(decode_alert(since().at(0).payload)->state, AlertState::kCancelled);
    clock_.advance(601s);
    from = bus.published().size();
    audit = publisher.audit_retained(false);
    EXPECT_EQ(audit.republished, 0);
    EXPECT_EQ(audit.cleared, 1);
    EXPECT_EQ(since().at(0).payload, "");
    EXPECT_EQ(publisher.audit_retained(false).cleared, 0);
    EXPECT_EQ(publisher.audit_retained(true).cleared, 2);
}

TEST_F(OutboxTest, AReconnectRestoresTheRetainedStateOnThePublisherThread) {
    at_order_time();
    auto j = open();
    ingest(j, order_);
    FakeMessageBus bus;
    OutboxPublisher publisher(open(), bus, fast());
    publisher.start();
    publisher.notify();
    ASSERT_TRUE(wait_for([&] { return bus.published().size() == 3; }, 2s));
    publisher.reconnected();
    ASSERT_TRUE(wait_for([&] { return bus.published().size() == 4; }, 2s));
    EXPECT_EQ(bus.published()[3].topic, bus.published()[0].topic);
    EXPECT_EQ(bus.published()[3].payload, bus.published()[0].payload);
    EXPECT_TRUE(bus.published()[3].retained);
}

}  // namespace
}  // namespace alerthub::hub
