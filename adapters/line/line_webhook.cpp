#include "adapters/line/line_webhook.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "adapters/line/line_message.h"
#include "core/base/crypto.h"

namespace alerthub::line {
namespace {

using nlohmann::json;
using Buttons = std::vector<std::pair<std::string, std::string>>;  // label, postback data

constexpr int kTownsPerPage = 12;        // + "next": LINE allows 13 quick-reply buttons
constexpr std::size_t kLabelLimit = 20;  // LINE: an action label has at most 20 characters
constexpr std::size_t kAreasShown = 8;

// One text message with quick-reply postback buttons.
std::string text_with_buttons(const std::string& text, const Buttons& buttons) {
    json items = json::array();
    for (auto& [label, data] : buttons) {
        auto shown = cut_utf16(label, kLabelLimit);
        items.push_back(
            {{"type", "action"},
             {"action",
              {{"type", "postback"}, {"label", shown}, {"data", data}, {"displayText", shown}}}});
    }
    json message = {{"type", "text"}, {"text", cut_utf16(text, kLineTextLimit)}};
    if (!items.empty()) message["quickReply"] = {{"items", items}};
    return json::array({message}).dump(-1, ' ', false, json::error_handler_t::replace);
}

// "a=add&c=shibaura-4" -> value of `key`, "" when absent.
std::string field(std::string_view data, std::string_view key) {
    while (!data.empty()) {
        auto amp = data.find('&');
        auto pair = data.substr(0, amp);
        auto eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == key)
            return std::string(pair.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        data.remove_prefix(amp + 1);
    }
    return {};
}

std::string_view language_label(std::string_view tag) {
    for (auto& l : kLineLanguages)
        if (l.tag == tag) return l.label;
    return tag;
}

std::string chome_label(const TownBlock& b) {
    static constexpr std::string_view kKanji[] = {"",   "一", "二", "三", "四",
                                                  "五", "六", "七", "八", "九"};
    if (b.chome >= 1 && b.chome <= 9) return std::string(kKanji[b.chome]) + "丁目";
    return b.name.substr(b.town.size());
}

}  // namespace

namespace postback {
std::string towns(int page) {
    return fmt::format("a=towns&p={}", page);
}
std::string town(std::string_view code) {
    return fmt::format("a=town&c={}", code);
}
std::string add(std::string_view code) {
    return fmt::format("a=add&c={}", code);
}
std::string add_town(std::string_view code) {
    return fmt::format("a=addtown&c={}", code);
}
std::string language(std::string_view tag) {
    return fmt::format("a=lang&l={}", tag);
}
}  // namespace postback

struct LineWebhook::Event {
    std::string type;
    std::string user_id;
    std::string reply_token;
    std::string postback_data;
    bool active = true;  // mode "standby": another module answers; we only listen
};

LineWebhook::LineWebhook(std::string channel_secret, SubscriberStore& subscribers,
                         const TownBlocks& blocks, const Clock& clock)
    : secret_(std::move(channel_secret)),
      subscribers_(subscribers),
      blocks_(blocks),
      clock_(clock),
      log_(get_logger("line")) {}

std::string LineWebhook::settings_text(const LineSubscriber& s) const {
    std::string areas;
    if (s.areas.empty()) {
        areas = "港区全域 (whole ward)";
    } else {
        for (std::size_t i = 0; i < s.areas.size() && i < kAreasShown; ++i) {
            auto* b = blocks_.find(s.areas[i]);
            areas += (i ? "、" : "") + (b ? b->name : s.areas[i]);
        }
        if (s.areas.size() > kAreasShown)
            areas += fmt::format(" ほか{}地域 (+{})", s.areas.size() - kAreasShown,
                                 s.areas.size() - kAreasShown);
    }
    return fmt::format("現在の設定 / Settings\n地域 / Areas: {}\n言語 / Language: {}", areas,
                       language_label(s.language));
}

std::string LineWebhook::menu(const LineSubscriber& s, const std::string& note) const {
    std::string text = note.empty() ? "" : note + "\n\n";
    text += settings_text(s);
    text += "\n\n下のボタンで変更できます。 / Use the buttons below to change them.";
    return text_with_buttons(text, {{"区全域 Whole ward", std::string(postback::kWard)},
                                    {"地域を選ぶ Areas", postback::towns(0)},
                                    {"言語 Language", std::string(postback::kLanguages)},
                                    {"設定を見る Settings", std::string(postback::kShow)}});
}

std::string LineWebhook::on_postback(LineSubscriber& s, std::string_view data) {
    auto action = field(data, "a");
    auto save = [&](const std::string& note) {
        s.updated = clock_.now();
        if (auto r = subscribers_.save(s); !r) {
            log_->error("webhook: cannot save a subscriber's settings: {}", r.error().message);
            return menu(s,
                        "保存できませんでした。もう一度お試しください。 / Could not save; "
                        "please try again.");
        }
        return menu(s, note);
    };
    if (action == "ward") {
        s.areas.clear();
        return save("港区全域の情報をお送りします。 / You will get alerts for the whole ward.");
    }
    if (action == "towns") {
        auto towns = blocks_.towns();
        int page = std::max(0, std::atoi(field(data, "p").c_str()));
        int first = page * kTownsPerPage;
        if (first >= static_cast<int>(towns.size())) first = 0, page = 0;
        Buttons buttons;
        for (int i = first; i < first + kTownsPerPage && i < static_cast<int>(towns.size()); ++i)
            buttons.emplace_back(towns[i], postback::town(blocks_.blocks_of(towns[i])[0]->code));
        if (first + kTownsPerPage < static_cast<int>(towns.size()))
            buttons.emplace_back("次へ Next", postback::towns(page + 1));
        return text_with_buttons("町を選んでください。 / Choose your town.", buttons);
    }
    const TownBlock* block = blocks_.find(field(data, "c"));
    if (action == "town" && block) {
        auto blocks = blocks_.blocks_of(block->town);
        if (blocks.size() == 1 && blocks[0]->chome == 0)
            return on_postback(s, postback::add(blocks[0]->code));
        Buttons buttons;
        for (auto* b : blocks) buttons.emplace_back(chome_label(*b), postback::add(b->code));
        buttons.emplace_back(block->town + "全域 All", postback::add_town(block->code));
        return text_with_buttons(
            fmt::format("{}の何丁目ですか。 / Which block of {}?", block->town, block->town),
            buttons);
    }
    if ((action == "add" || action == "addtown") && block) {
        std::vector<std::string> added;
        if (action == "add")
            added.push_back(block->code);
        else
            for (auto* b : blocks_.blocks_of(block->town)) added.push_back(b->code);
        for (auto& code : added)
            if (std::find(s.areas.begin(), s.areas.end(), code) == s.areas.end())
                s.areas.push_back(code);
        std::sort(s.areas.begin(), s.areas.end());
        auto name = action == "add" ? block->name : block->town + "全域";
        return save(
            fmt::format("{}を登録しました。ほかの地域も追加できます。 / Added {}.", name, name));
    }
    if (action == "langs") {
        Buttons buttons;
        for (auto& l : kLineLanguages)
            buttons.emplace_back(std::string(l.label), postback::language(l.tag));
        return text_with_buttons("言語を選んでください。 / Choose your language.", buttons);
    }
    if (action == "lang" && is_line_language(field(data, "l"))) {
        s.language = field(data, "l");
        return save(fmt::format("言語を{}にしました。 / Language set to {}.",
                                language_label(s.language), language_label(s.language)));
    }
    return menu(s, "");  // "show", or data from an older menu
}

WebhookOutcome LineWebhook::handle(std::string_view body, std::string_view signature) {
    WebhookOutcome out;
    if (signature.empty() || !hmac_sha256_base64_matches(secret_, body, signature)) {
        log_->warn("webhook: request with a missing or wrong X-Line-Signature refused");
        return {401, R"({"message":"invalid signature"})", {}};
    }
    json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("events") || !j["events"].is_array()) {
        log_->warn("webhook: signed body without an events array refused");
        return {400, R"({"message":"the body must be a JSON object with an events array"})", {}};
    }
    for (auto& e : j["events"]) {
        if (!e.is_object()) continue;
        Event ev;
        ev.type = e.value("type", "");
        ev.active = e.value("mode", "active") != "standby";
        ev.reply_token = e.value("replyToken", "");
        if (auto src = e.find("source");
            src != e.end() && src->is_object() && src->value("type", "") == "user")
            ev.user_id = src->value("userId", "");
        if (auto pb = e.find("postback"); pb != e.end() && pb->is_object())
            ev.postback_data = pb->value("data", "");
        if (!is_line_user_id(ev.user_id)) {
            log_->debug("webhook: {} event without a user source ignored", ev.type);
            continue;
        }
        if (ev.type == "unfollow") {
            auto gone = subscribers_.unfollow(ev.user_id);
            if (!gone)
                log_->error("webhook: cannot forget a subscriber: {}", gone.error().message);
            else
                log_->info("webhook: a subscriber unfollowed{}", *gone ? "" : " (unknown)");
            continue;
        }
        if (ev.type != "follow" && ev.type != "postback" && ev.type != "message") continue;

        // A postback or message may come from a friend of the account from before the
        // webhook was set up: it becomes a subscriber like a follow.
        auto fresh = subscribers_.follow(ev.user_id, clock_.now());
        if (!fresh) {
            log_->error("webhook: cannot store a subscriber: {}", fresh.error().message);
            return {500, R"({"message":"storage error"})", {}};  // LINE redelivers
        }
        if (*fresh) log_->info("webhook: a new subscriber ({})", ev.type);
        auto found = subscribers_.find(ev.user_id);
        if (!found || !*found) {
            log_->error("webhook: a subscriber just stored cannot be read");
            return {500, R"({"message":"storage error"})", {}};
        }
        auto& s = **found;
        std::string messages;
        if (ev.type == "postback")
            messages = on_postback(s, ev.postback_data);
        else if (ev.type == "follow")
            messages = menu(s,
                            "友だち追加ありがとうございます。港区の防災情報をお届けします。"
                            " / Thank you for following: you will get Minato City's "
                            "disaster alerts.");
        else
            messages = menu(s, "");
        if (ev.active && !ev.reply_token.empty())
            out.replies.push_back({ev.reply_token, std::move(messages)});
    }
    return out;
}

}  // namespace alerthub::line
