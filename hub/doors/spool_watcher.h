#pragma once
// The spool folder: other systems drop CAP files into `<dir>/incoming/` (writing them as
// `*.tmp` or `.name` and renaming when complete). Each file is ingested and then moved to
// `done/` (accepted or duplicate; only after the journal commit) or `quarantine/` (with a
// `.reason.txt`). A file the journal could not take stays in `incoming/` for the next poll.

#include <cstddef>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "hub/doors/quarantine.h"
#include "hub/ingest/ingest_pipeline.h"

namespace alerthub::hub {

class SpoolWatcher {
public:
    SpoolWatcher(std::filesystem::path dir, const Clock& clock);

    // Creates incoming/, done/ and quarantine/.
    Status prepare() const;

    std::filesystem::path incoming_dir() const { return dir_ / "incoming"; }
    std::filesystem::path done_dir() const { return dir_ / "done"; }
    std::filesystem::path quarantine_dir() const { return dir_ / "quarantine"; }

    // Complete files in incoming/, oldest first (then by name).
    std::vector<std::filesystem::path> ready_files() const;

    struct PollResult {
        int processed = 0;
        bool journal_failed = false;  // stopped early; the file stays for the next poll
    };
    // Ingests every ready file.
    PollResult poll(IngestPipeline& pipeline);

private:
    std::filesystem::path dir_;
    const Clock& clock_;
    Quarantine quarantine_;
    std::set<std::string> complained_;  // unreadable files already logged once
};

}  // namespace alerthub::hub
