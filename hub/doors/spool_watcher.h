#pragma once
// The spool folder: other systems drop CAP files into `<dir>/incoming/` (writing them as
// `*.tmp` or `.name` and renaming when complete). Each file is ingested and then moved to
// `done/` (accepted or duplicate; only after the journal commit) or `quarantine/` (with a
// `.reason.txt`). A file the journal could not take stays in `incoming/` for the next poll.
// Files dropped the same way into `<dir>/replay/` are deliberate replays (a demo, a drill:
// published whatever their age, marked as replays; docs/protocol.md, Lifecycle L7), origin
// "replay:spool:replay/<name>: ..." in the journal.

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

    // Creates incoming/, replay/, done/ and quarantine/.
    Status prepare() const;

    std::filesystem::path incoming_dir() const { return dir_ / "incoming"; }
    std::filesystem::path replay_dir() const { return dir_ / "replay"; }
    std::filesystem::path done_dir() const { return dir_ / "done"; }
    std::filesystem::path quarantine_dir() const { return dir_ / "quarantine"; }

    // Complete files in incoming/ (or `folder`), oldest first (then by name).
    std::vector<std::filesystem::path> ready_files() const { return ready_files(incoming_dir()); }
    std::vector<std::filesystem::path> ready_files(const std::filesystem::path& folder) const;

    struct PollResult {
        int processed = 0;
        bool journal_failed = false;  // stopped early; the file stays for the next poll
    };
    // Ingests every ready file: incoming/, then replay/.
    PollResult poll(IngestPipeline& pipeline);

private:
    enum class FileOutcome {
        kIngested,       // journaled, then moved to done/ or quarantine/
        kSkipped,        // gone or unreadable: left where it is
        kJournalFailed,  // left for the next poll
    };
    FileOutcome ingest_file(const std::filesystem::path& file, bool replay,
                            IngestPipeline& pipeline);

    std::filesystem::path dir_;
    const Clock& clock_;
    Quarantine quarantine_;
    std::set<std::string> complained_;  // unreadable files already logged once
};

}  // namespace alerthub::hub
