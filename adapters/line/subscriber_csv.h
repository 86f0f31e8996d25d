#pragma once
// Subscribers as CSV, to move them from the ward's current system and back out
// (`line-adapter subscribers import|export FILE`; docs/operations.md):
//
//   user_id,language,areas
//   U4af4980629...,ja,
//   U0123456789...,en,shibaura-3 shibaura-4
//   Uaaaaaaaaaa...,zh-Hans,芝浦四丁目 港南一丁目
//
// user_id: LINE's user id of the subscriber for this provider (U + 32 hex digits).
// language: a tag of kLineLanguages (empty: ja). areas: town-block codes or 町丁目 names,
// separated by spaces; empty means the whole ward. RFC 4180 quoting; UTF-8, a BOM is fine.
// Errors name the line and the column, never the user id (personal data).

#include <string>
#include <string_view>
#include <vector>

#include "adapters/line/subscriber_store.h"
#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/protocol/town_blocks.h"

namespace alerthub::line {

// Every row, or every problem (one per line) and no rows: an import is all or nothing.
Result<std::vector<LineSubscriber>> parse_subscriber_csv(std::string_view csv,
                                                         const TownBlocks& blocks, WallTime now);
// The export: header and one row per subscriber, areas as codes.
std::string format_subscriber_csv(const std::vector<LineSubscriber>& subscribers);

// `line-adapter subscribers import FILE | export FILE | count` ("-": standard input or
// output) on the store at `state_path` with the blocks of `town_blocks_file`. Prints what it
// did (counts, never ids); returns the exit code (0, 1 on failure, 64 on bad usage).
int run_subscriber_command(const std::vector<std::string>& args, const std::string& state_path,
                           const std::string& town_blocks_file);

}  // namespace alerthub::line
