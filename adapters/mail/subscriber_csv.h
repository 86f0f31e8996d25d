#pragma once
// CSV import and export of subscribers, to move them from the ward's current system
// (docs/operations.md). UTF-8, RFC 4180 quoting, a header line naming the columns:
//
//   email,areas,language,confirmed_at,state
//
//   areas         town-block codes separated by spaces; empty or "all": the whole ward
//   language      a tag from the registration form ("ja" when empty)
//   confirmed_at  RFC 3339 time the subscriber confirmed (opted in) in the old system;
//                 empty: not confirmed, imported as pending (they get no mail until they
//                 register again and confirm)
//   state         optional: "unsubscribed" or "bounced" keep those subscribers out;
//                 "active" needs confirmed_at; empty: active when confirmed_at is given
//
// Errors name the line, never the address (they end up in terminals and logs).

#include <string>
#include <string_view>
#include <vector>

#include "adapters/mail/subscriber_store.h"
#include "core/base/result.h"
#include "core/protocol/town_blocks.h"

namespace alerthub::mail {

// Every row or an error listing every bad line.
Result<std::vector<Subscriber>> parse_subscriber_csv(std::string_view csv, const TownBlocks& towns);
std::string format_subscriber_csv(const std::vector<Subscriber>& subscribers);

}  // namespace alerthub::mail
