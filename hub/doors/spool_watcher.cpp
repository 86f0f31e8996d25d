#include "hub/doors/spool_watcher.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/base/log.h"

namespace alerthub::hub {
namespace fs = std::filesystem;

SpoolWatcher::SpoolWatcher(fs::path dir, const Clock& clock)
    : dir_(std::move(dir)), clock_(clock), quarantine_(dir_ / "quarantine") {}

Status SpoolWatcher::prepare() const {
    for (const auto& d : {incoming_dir(), replay_dir(), done_dir(), quarantine_dir()}) {
        std::error_code ec;
        fs::create_directories(d, ec);
        if (ec || !fs::is_directory(d))
            return make_error(ErrorCode::kUnavailable,
                              fmt::format("spool: cannot create {}: {}", d.string(),
                                          ec ? ec.message() : "not a directory"));
    }
    return {};
}

std::vector<fs::path> SpoolWatcher::ready_files(const fs::path& folder) const {
    struct Entry {
        fs::file_time_type mtime;
        fs::path path;
    };
    std::vector<Entry> entries;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (name.empty() || name.front() == '.' ||
            (name.size() >= 4 && name.compare(name.size() - 4, 4, ".tmp") == 0))
            continue;
        std::error_code entry_ec;
        if (!it->is_regular_file(entry_ec)) continue;
        auto mtime = it->last_write_time(entry_ec);
        if (entry_ec) continue;
        entries.push_back({mtime, it->path()});
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.mtime != b.mtime ? a.mtime < b.mtime : a.path < b.path;
    });
    std::vector<fs::path> out;
    for (auto& e : entries) out.push_back(std::move(e.path));
    return out;
}

SpoolWatcher::PollResult SpoolWatcher::poll(IngestPipeline& pipeline) {
    PollResult result;
    for (bool replay : {false, true}) {
        for (const auto& file : ready_files(replay ? replay_dir() : incoming_dir())) {
            switch (ingest_file(file, replay, pipeline)) {
                case FileOutcome::kIngested:
                    ++result.processed;
                    break;
                case FileOutcome::kSkipped:
                    break;
                case FileOutcome::kJournalFailed:
                    result.journal_failed = true;
                    return result;
            }
        }
    }
    return result;
}

SpoolWatcher::FileOutcome SpoolWatcher::ingest_file(const fs::path& file, bool replay,
                                                    IngestPipeline& pipeline) {
    auto log = get_logger("hub");
    const auto name = file.filename().string();
    const auto origin = replay ? "spool:replay/" + name : "spool:" + name;
    std::error_code ec;
    auto size = fs::file_size(file, ec);
    if (ec) return FileOutcome::kSkipped;  // gone since the listing

    std::string raw;
    IngestReport report;
    if (size > pipeline.max_document_bytes()) {
        // Not even read: a huge file is refused by its size alone.
        report.kind = IngestOutcome::kRejected;
        report.reason = fmt::format("document is {} bytes, over the limit of {} bytes", size,
                                    pipeline.max_document_bytes());
        log->warn("rejected document from {}: {}", origin, report.reason);
    } else {
        std::ifstream in(file, std::ios::binary);
        std::stringstream buf;
        if (in) buf << in.rdbuf();
        if (!in || in.bad()) {
            if (complained_.insert(origin).second)
                log->error("spool: cannot read {}; leaving it where it is", file.string());
            return FileOutcome::kSkipped;
        }
        raw = buf.str();
        report = replay ? pipeline.submit(raw, origin, Replay{"dropped into the spool's replay/"})
                        : pipeline.submit(raw, origin);
    }

    if (report.kind == IngestOutcome::kFailed) return FileOutcome::kJournalFailed;
    complained_.erase(origin);
    if (report.acknowledged()) {
        auto target = free_name_in(done_dir(), name);
        fs::rename(file, target, ec);
        // Still where it was: the next poll finds it again as a duplicate and retries.
        if (ec) log->error("spool: moving {} to done/: {}", file.string(), ec.message());
    } else {
        auto kept = quarantine_.keep_file(file, origin, report.reason, clock_.now());
        if (!kept) log->error("spool: {}", kept.error().message);
    }
    return FileOutcome::kIngested;
}

}  // namespace alerthub::hub
