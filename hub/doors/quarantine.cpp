#include "hub/doors/quarantine.h"

#include <fmt/format.h>

#include <fstream>

#include "core/base/time_format.h"

namespace alerthub::hub {
namespace fs = std::filesystem;

fs::path free_name_in(const fs::path& dir, std::string_view name) {
    std::error_code ec;
    fs::path candidate = dir / std::string(name);
    for (int n = 1;
         fs::exists(candidate, ec) || fs::exists(fs::path(candidate.string() + ".reason.txt"), ec);
         ++n)
        candidate = dir / fmt::format("{}.{}", name, n);
    return candidate;
}

Result<fs::path> Quarantine::keep_file(const fs::path& file, std::string_view origin,
                                       std::string_view reason, WallTime now) const {
    auto target = free_name_in(dir_, file.filename().string());
    std::error_code ec;
    fs::rename(file, target, ec);
    if (ec)
        return make_error(ErrorCode::kUnavailable,
                          fmt::format("quarantine: moving {} to {}: {}", file.string(),
                                      target.string(), ec.message()));
    if (auto s = write_reason(target, origin, reason, now); !s) return s.error();
    return target;
}

Result<fs::path> Quarantine::keep_bytes(std::string_view name, std::string_view bytes,
                                        std::string_view origin, std::string_view reason,
                                        WallTime now) const {
    auto target = free_name_in(dir_, name);
    {
        std::ofstream out(target, std::ios::binary);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out)
            return make_error(ErrorCode::kUnavailable,
                              fmt::format("quarantine: writing {}", target.string()));
    }
    if (auto s = write_reason(target, origin, reason, now); !s) return s.error();
    return target;
}

Status Quarantine::write_reason(const fs::path& kept, std::string_view origin,
                                std::string_view reason, WallTime now) const {
    fs::path path = kept.string() + ".reason.txt";
    std::ofstream out(path, std::ios::binary);
    out << "reason: " << reason << "\n"
        << "origin: " << origin << "\n"
        << "rejected_at: " << format_rfc3339_jst(now) << "\n";
    if (!out)
        return make_error(ErrorCode::kUnavailable,
                          fmt::format("quarantine: writing {}", path.string()));
    return {};
}

}  // namespace alerthub::hub
