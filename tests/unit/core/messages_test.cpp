#include "core/messages.h"

#include <gtest/gtest.h>

#include "core/time_format.h"

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
    Receipt r{"cap-abc/v2/mail",  "mail", "cap-abc", 2, ReceiptOutcome::kFailed, 0, 3,
              "550 no such user", t,      t};
    auto rb = decode_receipt(encode_receipt(r));
    ASSERT_TRUE(rb.ok()) << rb.error().message;
    EXPECT_EQ(rb->outcome, ReceiptOutcome::kFailed);
    EXPECT_EQ(rb->detail, r.detail);
    EXPECT_EQ(rb->finished, t);

    DeviceStatus s{"lobby-1", false, {{"cap-abc", 2}}, t, "0.1.0", t};
    auto sb = decode_device_status(encode_device_status(s));
    ASSERT_TRUE(sb.ok()) << sb.error().message;
    EXPECT_FALSE(sb->online);
    ASSERT_EQ(sb->showing.size(), 1u);
    EXPECT_EQ(sb->showing[0].version, 2);

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

}  // namespace
}  // namespace alerthub
