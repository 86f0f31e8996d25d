// The outbox publisher against FakeMessageBus: order, retries after refusals (never
// skipping or reordering a row), and leftovers published by a fresh publisher on the
// same journal (what a restart after kill -9 looks like).

#include "hub/journal/outbox.h"
#include "hub/sources/source_reader.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>

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

    TempDir dir_;
    FakeClock clock_;
    const std::filesystem::path original_ =
        fixtures_dir() / "cap/spec/Oasis_ThunderstormWarning.xml";
    const std::filesystem::path update_ = project_fixtures_dir() / "cap/thunderstorm_update.xml";
    const std::filesystem::path cancel_ = project_fixtures_dir() / "cap/thunderstorm_cancel.xml";
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

}  // namespace
}  // namespace alerthub::hub
