#pragma once
// hubctl site ...: what staff say of a facility (open, full, closed; how many taken in),
// written to the journal file's site tables; the running hub's site shows it within a
// second (hub/site/site_publisher.h watches the change log).

#include <ostream>
#include <string>
#include <vector>

namespace alerthub::hub {

// `args` after "site".
int run_site_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
void site_usage(std::ostream& os);

}  // namespace alerthub::hub
