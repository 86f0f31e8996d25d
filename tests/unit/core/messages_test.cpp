#include "core/protocol/messages.h"

#include <gtest/gtest.h>

#include "core/base/time_format.h"

namespace alerthub {
namespace {

TEST(MessagesTest, JobRoundTripCarriesTheAlert) {
    DeliveryJob job;
    job.alert.id = "cap-abc";
    job.alert.version = 2;
    job.alert.headline = {{"ja", "避難指示"}};
    job.alert.source.sender = "s";
    job.alert.source.identifier = "i";
    job.channel = "line";
    job.job_id = make_job_id(job.alert.id, job.alert.version, job.channel);
    job.idempotency_key = job.job_id;
    job.created = *parse_rfc3339("2026-11-23T10:00:00+09:00");
    EXPECT_EQ(job.job_id, "cap-abc/v2/line");
    auto back = decode_job(encode_job(job));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->alert, job.alert);
    EXPECT_EQ(back->idempotency_key, job.idempotency_key);
    EXPECT_EQ(back->created, job.created);
}

TEST(MessagesTest, ReceiptStatusAndAckRoundTrip) {
    auto t = *parse_rfc3339("2026-11-23T10:00:00.250+09:00");
    Receipt r{"cap-abc/v2/mail",
              "mail",
              "cap-abc",
              2,
              ReceiptOutcome::kFailed,
              0,
              3,
              "550 no such user",
              t,
              t,
              {},
              {},
              0};
    auto rb = decode_receipt(encode_receipt(r));
    ASSERT_TRUE(rb.ok()) << rb.error().message;
    EXPECT_EQ(rb->outcome, ReceiptOutcome::kFailed);
    EXPECT_EQ(rb->detail, r.detail);
    EXPECT_EQ(rb->finished, t);

    DeviceStatus s{"lobby-1", false, {{"cap-abc", 2}}, t, "0.1.0", t, 0, std::nullopt, {}, 0,
                   "",        0,     {"shibaura-1"}};
    auto sb = decode_device_status(encode_device_status(s));
    ASSERT_TRUE(sb.ok()) << sb.error().message;
    EXPECT_FALSE(sb->online);
    ASSERT_EQ(sb->showing.size(), 1u);
    EXPECT_EQ(sb->showing[0].version, 2);
    EXPECT_EQ(sb->areas, std::vector<std::string>{"shibaura-1"});

    DisplayAck a{"lobby-1", "cap-abc", 2, t};
    auto ab = decode_display_ack(encode_display_ack(a));
    ASSERT_TRUE(ab.ok()) << ab.error().message;
    EXPECT_EQ(ab->displayed_at, t);
}

TEST(MessagesTest, RejectsWrongSchemaAndMissingFields) {
    EXPECT_FALSE(decode_job("{}").ok());
    EXPECT_FALSE(decode_receipt(R"({"schema":"alerthub.job/1"})").ok());
    auto r = decode_display_ack(R"({"schema":"alerthub.display_ack/1","device_id":"d"})");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("alert_id"), std::string::npos);
}

TEST(MessagesTest, DeviceStatusCarriesContentFpsAndWarnings) {
    auto t = *parse_rfc3339("2026-11-23T10:00:00.250+09:00");
    DeviceStatus s;
    s.device_id = "lobby-1";
    s.last_frame = t;
    s.software_version = "0.1.0";
    s.updated = t;
    s.fps = 0.5;
    s.warnings = {"1 content items skipped"};
    ContentStatus c;
    c.group = "lobbies";
    c.version = 7;
    c.showing = "welcome";
    c.items = 3;
    c.ready = 1;
    c.fetching = 1;
    c.skipped = {{"poster", "SHA-256 mismatch"}};
    c.cache_bytes = 12345;
    s.content = c;
    auto back = decode_device_status(encode_device_status(s));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_DOUBLE_EQ(back->fps, 0.5);
    EXPECT_EQ(back->warnings, s.warnings);
    ASSERT_TRUE(back->content.has_value());
    EXPECT_EQ(back->content->showing, "welcome");
    EXPECT_EQ(back->content->version, 7);
    EXPECT_EQ(back->content->fetching, 1);
    EXPECT_EQ(back->content->cache_bytes, 12345);
    ASSERT_EQ(back->content->skipped.size(), 1u);
    EXPECT_EQ(back->content->skipped[0].item_id, "poster");

    // A status from a player before these fields existed still reads.
    auto old = decode_device_status(
        R"({"schema":"alerthub.device_status/1","device_id":"d","online":true,"showing":[],)"
        R"("last_frame":null,"software_version":"0.0.9","updated":"2026-11-23T10:00:00+09:00"})");
    ASSERT_TRUE(old.ok()) << old.error().message;
    EXPECT_FALSE(old->content.has_value());
    EXPECT_EQ(old->fps, 0);
    EXPECT_EQ(old->refused_messages, 0);
}

TEST(MessagesTest, DeviceStatusCountsRefusedMessagesAndEvictedAlerts) {
    DeviceStatus s;
    s.device_id = "lobby-1";
    s.software_version = "0.1.0";
    s.refused_messages = 3;
    s.last_refusal = "alerts/fake: unsigned";
    s.evicted_alerts = 2;
    auto back = decode_device_status(encode_device_status(s));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->refused_messages, 3);
    EXPECT_EQ(back->last_refusal, "alerts/fake: unsigned");
    EXPECT_EQ(back->evicted_alerts, 2);
}

TEST(MessagesTest, DeviceCommandNeedsARequestIdThatIsOneTopicLevel) {
    DeviceCommand c{"screenshot", "req-1", 320};
    auto back = decode_device_command(encode_device_command(c));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->cmd, "screenshot");
    EXPECT_EQ(back->request_id, "req-1");
    EXPECT_EQ(back->max_width, 320);
    auto defaults = decode_device_command(
        R"({"schema":"alerthub.device_cmd/1","cmd":"screenshot","request_id":"r"})");
    ASSERT_TRUE(defaults.ok());
    EXPECT_EQ(defaults->max_width, 640);
    for (const char* bad :
         {R"({"schema":"alerthub.device_cmd/1","cmd":"screenshot","request_id":"a/b"})",
          R"({"schema":"alerthub.device_cmd/1","cmd":"screenshot","request_id":"#"})",
          R"({"schema":"alerthub.device_cmd/1","cmd":"screenshot","request_id":"r","max_width":2})",
          R"({"schema":"alerthub.device_cmd/1","request_id":"r"})", "{}"})
        EXPECT_FALSE(decode_device_command(bad).ok()) << bad;
}

TEST(MessagesTest, ReceiptBatchesAndWarningsRoundTripAndOldReceiptsStillRead) {
    Receipt r;
    r.job_id = "cap-1/v1/line";
    r.channel = "line";
    r.alert_id = "cap-1";
    r.version = 1;
    r.recipients = 500;
    r.attempts = 2;
    r.first_attempt = *parse_rfc3339("2026-11-23T10:00:00+09:00");
    r.finished = *parse_rfc3339("2026-11-23T10:00:02+09:00");
    ReceiptBatch b;
    b.index = 1;
    b.kind = "multicast";
    b.language = "en";
    b.recipients = 500;
    b.accepted = 500;
    b.first_send = r.first_attempt;
    b.last_send = r.finished;
    b.detail = "x-line-request-id=abc";
    ReceiptBatch never = b;
    never.index = 2;
    never.accepted = 0;
    never.failed = 500;
    never.first_send = never.last_send = std::nullopt;
    r.batches = {b, never};
    r.warnings = {"LINEの月間メッセージ上限に達しました"};
    auto back = decode_receipt(encode_receipt(r));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->batches, r.batches);
    EXPECT_EQ(back->warnings, r.warnings);
    EXPECT_EQ(back->refused_jobs, 0);
    r.refused_jobs = 4;
    EXPECT_EQ(decode_receipt(encode_receipt(r))->refused_jobs, 4);
    r.refused_jobs = 0;

    Receipt plain = r;
    plain.batches.clear();
    plain.warnings.clear();
    auto text = encode_receipt(plain);
    EXPECT_EQ(text.find("refused_jobs"), std::string::npos);
    EXPECT_EQ(text.find("batches"), std::string::npos);  // older readers see what they knew
    EXPECT_TRUE(decode_receipt(text).ok());
    auto bad = text;
    bad.insert(bad.size() - 1, R"(,"batches":[{"index":"one"}])");
    EXPECT_FALSE(decode_receipt(bad).ok());
}

}  // namespace
}  // namespace alerthub
