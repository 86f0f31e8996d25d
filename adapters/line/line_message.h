#pragma once
// What a LINE subscriber reads for an alert: the channel-neutral alert text
// (core/protocol/alert_text.h) within LINE's length limit, in the reader's language after the
// Japanese, and for 警戒レベル 4-5 a Flex message (the level's colour, the level, a link
// button). Pure functions, so the wording and the JSON are unit-tested.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/protocol/alert.h"

namespace alerthub::line {

// LINE counts a text message's length in UTF-16 code units (a surrogate pair is 2).
inline constexpr std::size_t kLineTextLimit = 5000;

// alert_text(alert), cut to kLineTextLimit.
std::string line_message(const Alert& alert);

// For a reader of `language`: Japanese first, then that language when the alert has it;
// otherwise (and for Japanese readers, and a broadcast's unknown readers: "") English.
std::string line_message(const Alert& alert, std::string_view language);

// Our cap on a Flex message's altText (the notification line). LINE's OpenAPI spec
// (shared/fixtures/line/messaging-api.yml, FlexMessage.altText) states no maxLength; LINE's
// reference page documents the limit (1500 characters in later versions, 400 before, not
// verified here): 400 fits under either.
inline constexpr std::size_t kFlexAltTextLimit = 400;

// True for an alert that goes out as a Flex message: in force (not a cancellation) at
// 警戒レベル 4 or 5.
bool uses_flex(const Alert& alert);

// The colour of a 警戒レベル (JMA's risk colours: 5 black, 4 purple, 3 red, 2 yellow).
std::string_view level_colour(int level);

// The "messages" array of a send request, as JSON text: one text message, or one Flex
// message for uses_flex(alert). Training and test alerts are labelled (【訓練】, 【試験】)
// in the text, the altText and the Flex header.
std::string line_messages_json(const Alert& alert, std::string_view language);

// Length in UTF-16 code units of UTF-8 text (a stray invalid byte counts as one unit).
std::size_t utf16_length(std::string_view utf8);

// `utf8` unchanged when it fits in `max_units`; otherwise cut at a character boundary and
// ended with "…" so that the result, ellipsis included, is at most `max_units` long.
std::string cut_utf16(std::string_view utf8, std::size_t max_units);

}  // namespace alerthub::line
