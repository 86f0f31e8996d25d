#pragma once
// LINE's webhook (../shared/fixtures/line/webhook.yml): who subscribes, for which areas and
// in which language. X-Line-Signature (Base64 HMAC-SHA256 of the raw body under the channel
// secret) is checked first, in constant time; a bad one is answered 401 and nothing is
// read or stored.
//   follow     a new subscriber: the whole ward, Japanese; the settings menu as the reply
//   unfollow   forgotten (LINE asks us not to send to users who blocked the account)
//   postback   the settings menu (quick-reply buttons): whole ward, town -> 丁目, language
//   message    any text: the current settings and the menu
// Replies are returned, not sent: the server sends them off the request thread.
// Pure logic over SubscriberStore, so every step is unit-tested without HTTP.

#include <string>
#include <string_view>
#include <vector>

#include "adapters/line/subscriber_store.h"
#include "core/base/clock.h"
#include "core/base/log.h"
#include "core/protocol/town_blocks.h"

namespace alerthub::line {

struct WebhookReply {
    std::string reply_token;
    std::string messages_json;  // the "messages" array
};

struct WebhookOutcome {
    int status = 200;
    std::string body = "{}";
    std::vector<WebhookReply> replies;
};

// Postback data of the menu: "a=<action>[&c=<town-block code>][&l=<language>][&p=<page>]".
namespace postback {
inline constexpr std::string_view kWard = "a=ward";
inline constexpr std::string_view kLanguages = "a=langs";
inline constexpr std::string_view kShow = "a=show";
std::string towns(int page);
std::string town(std::string_view any_block_code);
std::string add(std::string_view block_code);
std::string add_town(std::string_view any_block_code);
std::string language(std::string_view tag);
}  // namespace postback

class LineWebhook {
public:
    LineWebhook(std::string channel_secret, SubscriberStore& subscribers, const TownBlocks& blocks,
                const Clock& clock);

    WebhookOutcome handle(std::string_view body, std::string_view signature);

    // The menu's text and buttons for `subscriber` (its current settings), as a messages
    // array; `note` first (what just changed).
    std::string menu(const LineSubscriber& subscriber, const std::string& note) const;

private:
    struct Event;
    std::string on_postback(LineSubscriber& subscriber, std::string_view data);
    std::string settings_text(const LineSubscriber& subscriber) const;

    std::string secret_;
    SubscriberStore& subscribers_;
    const TownBlocks& blocks_;
    const Clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace alerthub::line
