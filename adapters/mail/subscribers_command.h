#pragma once
// `mail-adapter --config FILE subscribers import|export|count [CSV]`: the operator's
// commands on the subscriber list (adapters/mail/subscriber_csv.h has the format).

#include <string>
#include <vector>

#include "adapters/mail/mail_config.h"
#include "core/protocol/town_blocks.h"

namespace alerthub::mail {

// `args` are the words after the options ("subscribers", "import", "FILE"). Returns the
// exit status: 0, 1 (could not do it), kExitConfig (bad usage or bad CSV).
int run_subscribers_command(const std::vector<std::string>& args, const MailConfig& config,
                            const TownBlocks& towns);

}  // namespace alerthub::mail
