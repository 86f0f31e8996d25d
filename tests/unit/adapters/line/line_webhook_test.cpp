// The webhook's logic (signature, follow/unfollow, the settings menu) and the subscribers'
// CSV import/export, over a real SQLite store.

#include "adapters/line/line_webhook.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/line/subscriber_csv.h"
#include "core/base/crypto.h"
#include "tests/support/fake_clock.h"
#include "tests/support/test_support.h"

namespace alerthub::line {
namespace {

using nlohmann::json;

constexpr const char* kSecret = "0123456789abcdef0123456789abcdef";
const std::string kUser = "U" + std::string(32, 'a');

TownBlocks minato() {
    auto blocks = TownBlocks::load((testing::project_fixtures_dir().parent_path().parent_path() /
                                    "config" / "minato_town_blocks.tsv")
                                       .string());
    EXPECT_TRUE(blocks.ok());
    return std::move(*blocks);
}

json event(const std::string& type, const std::string& user = kUser) {
    json e = {{"type", type},
              {"timestamp", 1700000000000},
              {"mode", "active"},
              {"webhookEventId", "01HABCDEFGHJKMNPQRSTVWXYZ0"},
              {"deliveryContext", {{"isRedelivery", false}}},
              {"source", {{"type", "user"}, {"userId", user}}}};
    if (type != "unfollow") e["replyToken"] = "reply-" + type;
    if (type == "follow") e["follow"] = {{"isUnblocked", false}};
    return e;
}

json postback(const std::string& data) {
    auto e = event("postback");
    e["postback"] = {{"data", data}};
    return e;
}

class LineWebhookTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(crypto_init().ok());
        auto store = SubscriberStore::open((dir_ / "line.db").string());
        ASSERT_TRUE(store.ok());
        store_ = std::make_unique<SubscriberStore>(std::move(*store));
        webhook_ = std::make_unique<LineWebhook>(kSecret, *store_, blocks_, clock_);
    }

    WebhookOutcome send(const std::vector<json>& events, std::string secret = kSecret) {
        json body = {{"destination", "U" + std::string(32, '0')}, {"events", events}};
        auto text = body.dump();
        return webhook_->handle(text, hmac_sha256_base64(secret, text));
    }

    LineSubscriber subscriber() {
        auto s = store_->find(kUser);
        EXPECT_TRUE(s.ok() && s->has_value());
        return s.ok() && *s ? **s : LineSubscriber{};
    }

    // The quick-reply buttons of a reply: label -> postback data.
    static std::map<std::string, std::string> buttons(const WebhookReply& reply) {
        std::map<std::string, std::string> out;
        auto m = json::parse(reply.messages_json)[0];
        for (auto& item : m["quickReply"]["items"])
            out[item["action"]["label"]] = item["action"]["data"];
        return out;
    }

    testing::TempDir dir_;
    FakeClock clock_;
    TownBlocks blocks_ = minato();
    std::unique_ptr<SubscriberStore> store_;
    std::unique_ptr<LineWebhook> webhook_;
};

TEST_F(LineWebhookTest, ABadSignatureGets401AndStoresNothing) {
    auto out = send({event("follow")}, "wrong-secret");
    EXPECT_EQ(out.status, 401);
    EXPECT_TRUE(out.replies.empty());
    EXPECT_EQ(*store_->count(), 0);
    json body = {{"destination", "U" + std::string(32, '0')}, {"events", {event("follow")}}};
    EXPECT_EQ(webhook_->handle(body.dump(), "").status, 401);
    // A signature over other bytes (the same JSON re-serialised differently) does not do.
    EXPECT_EQ(webhook_->handle(body.dump(2), hmac_sha256_base64(kSecret, body.dump())).status, 401);
    EXPECT_EQ(*store_->count(), 0);
}

TEST_F(LineWebhookTest, FollowStoresAWholeWardJapaneseSubscriberAndRepliesWithTheMenu) {
    auto out = send({event("follow")});
    EXPECT_EQ(out.status, 200);
    auto s = subscriber();
    EXPECT_EQ(s.language, "ja");
    EXPECT_TRUE(s.areas.empty());
    ASSERT_EQ(out.replies.size(), 1u);
    EXPECT_EQ(out.replies[0].reply_token, "reply-follow");
    auto m = json::parse(out.replies[0].messages_json)[0];
    EXPECT_NE(m["text"].get<std::string>().find("港区全域"), std::string::npos);
    EXPECT_EQ(buttons(out.replies[0]).size(), 4u);
    // LINE redelivers: the same follow changes nothing.
    send({event("follow")});
    EXPECT_EQ(*store_->count(), 1);
}

TEST_F(LineWebhookTest, ChoosingTownBlocksAndLanguageThroughTheMenu) {
    send({event("follow")});
    // The towns come 12 to a page with "next" (LINE allows 13 buttons): every town once.
    std::map<std::string, std::string> towns;
    std::string next = postback::towns(0);
    for (int pages = 0; !next.empty() && pages < 10; ++pages) {
        auto page = buttons(send({postback(next)}).replies.at(0));
        EXPECT_LE(page.size(), 13u);
        next = page.count("次へ Next") ? page.at("次へ Next") : "";
        page.erase("次へ Next");
        for (auto& [label, data] : page) EXPECT_TRUE(towns.emplace(label, data).second) << label;
    }
    EXPECT_EQ(towns.size(), blocks_.towns().size());
    auto chome = buttons(send({postback(towns.at("芝浦"))}).replies.at(0));
    EXPECT_EQ(chome.size(), 5u);  // 一..四丁目 and the whole town
    send({postback(chome.at("四丁目"))});
    EXPECT_EQ(subscriber().areas, std::vector<std::string>{"shibaura-4"});
    send({postback(postback::add("konan-1"))});
    EXPECT_EQ(subscriber().areas, (std::vector<std::string>{"konan-1", "shibaura-4"}));
    send({postback(postback::add_town("daiba-2"))});
    EXPECT_EQ(subscriber().areas.size(), 4u);

    auto languages = buttons(send({postback(std::string(postback::kLanguages))}).replies.at(0));
    EXPECT_EQ(languages.size(), std::size(kLineLanguages));
    send({postback(languages.at("English"))});
    EXPECT_EQ(subscriber().language, "en");

    auto shown = send({postback(std::string(postback::kShow))});
    auto text = json::parse(shown.replies.at(0).messages_json)[0]["text"].get<std::string>();
    EXPECT_NE(text.find("芝浦四丁目"), std::string::npos) << text;
    EXPECT_NE(text.find("English"), std::string::npos);

    send({postback(std::string(postback::kWard))});
    EXPECT_TRUE(subscriber().areas.empty());
    // Unknown blocks and languages change nothing.
    send({postback("a=add&c=nowhere-9"), postback("a=lang&l=xx")});
    EXPECT_TRUE(subscriber().areas.empty());
    EXPECT_EQ(subscriber().language, "en");
}

TEST_F(LineWebhookTest, UnfollowForgetsTheSubscriberAndStandbyEventsGetNoReply) {
    send({event("follow")});
    auto standby = event("message");
    standby["mode"] = "standby";
    standby["message"] = {{"type", "text"}, {"id", "1"}, {"text", "hi"}, {"quoteToken", "q"}};
    EXPECT_TRUE(send({standby}).replies.empty());
    auto out = send({event("unfollow")});
    EXPECT_EQ(out.status, 200);
    EXPECT_EQ(*store_->count(), 0);
    // Malformed but signed: refused, nothing stored.
    std::string junk = "[1,2]";
    EXPECT_EQ(webhook_->handle(junk, hmac_sha256_base64(kSecret, junk)).status, 400);
    // Events from groups or without a user are ignored.
    EXPECT_EQ(send({event("follow", "not-a-user-id")}).replies.size(), 0u);
    EXPECT_EQ(*store_->count(), 0);
}

TEST(SubscriberCsv, ImportsCodesAndNamesAndExportsCodes) {
    auto blocks = minato();
    std::string a = "U" + std::string(32, '1'), b = "U" + std::string(32, '2');
    auto csv = fmt::format(
        "\xEF\xBB\xBFuser_id,language,areas\r\n{},ja,\r\n{},en,\"shibaura-4 港南一丁目\"\r\n", a,
        b);
    auto rows = parse_subscriber_csv(csv, blocks, WallTime{});
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_TRUE((*rows)[0].areas.empty());
    EXPECT_EQ((*rows)[1].areas, (std::vector<std::string>{"shibaura-4", "konan-1"}));
    auto out = format_subscriber_csv(*rows);
    EXPECT_EQ(out, fmt::format("user_id,language,areas\n{},ja,\n{},en,shibaura-4 konan-1\n", a, b));
}

TEST(SubscriberCsv, EveryBadLineIsReportedWithoutTheIdAndNothingIsImported) {
    auto blocks = minato();
    std::string good = "U" + std::string(32, '3');
    auto csv =
        fmt::format("user_id,language,areas\n{},ja,\nUSECRETSECRET,ja,\n{},xx,\n{},en,nowhere\n",
                    good, "U" + std::string(32, '4'), "U" + std::string(32, '5'));
    auto rows = parse_subscriber_csv(csv, blocks, WallTime{});
    ASSERT_FALSE(rows.ok());
    auto& m = rows.error().message;
    EXPECT_NE(m.find("3 problem(s); nothing imported"), std::string::npos) << m;
    EXPECT_NE(m.find("line 3: user_id"), std::string::npos) << m;
    EXPECT_NE(m.find("line 4: unknown language 'xx'"), std::string::npos) << m;
    EXPECT_NE(m.find("line 5: unknown area 'nowhere'"), std::string::npos) << m;
    EXPECT_EQ(m.find("SECRET"), std::string::npos);
    EXPECT_EQ(m.find(std::string(32, '4')), std::string::npos);
    EXPECT_FALSE(parse_subscriber_csv("id,lang\n", blocks, WallTime{}).ok());
}

}  // namespace
}  // namespace alerthub::line
