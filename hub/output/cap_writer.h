#pragma once
// The canonical alert written back out as a CAP 1.2 document: what the staff console
// submits through the IngestPipeline (so a notice takes the same path as a machine
// alert), and what the output feed serves to the ward homepage and open data. The result
// is valid against the OASIS CAP 1.2 schema (tests check it with xmllint).

#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/protocol/alert.h"
#include "hub/sources/cap/cap_parser.h"

namespace alerthub::hub {

struct CapEnvelope {
    std::string identifier;  // no spaces, commas, '<' or '&' (CAP 1.2 §3.2.1)
    std::string sender;
    WallTime sent{};  // written to the second, in JST
    MsgType msg_type = MsgType::kAlert;
    std::vector<CapReference> references;  // required for Update and Cancel
    std::string note;
};

// One <info> per language the alert has texts in, Japanese first. Each carries the alert's
// category, event, urgency, severity, certainty, times, texts, first link (<web>), level
// (<parameter> 警戒レベル) and areas (<geocode> with the area's scheme; JIS X 0402 as
// "JISX0402"). The status comes from the alert.
std::string write_cap(const Alert& alert, const CapEnvelope& envelope);

// "sender,identifier,sent" as CAP writes a reference.
std::string cap_reference_text(const CapReference& reference);

// CAP's form of a time: to the second with a numeric offset (JST), never "Z".
std::string cap_time(WallTime t);

}  // namespace alerthub::hub
