#pragma once
// Rejected documents are kept for a person to inspect, each with a `<name>.reason.txt`
// beside it saying why, where from and when.

#include <filesystem>
#include <string>
#include <string_view>

#include "core/base/clock.h"
#include "core/base/result.h"

namespace alerthub::hub {

class Quarantine {
public:
    explicit Quarantine(std::filesystem::path dir) : dir_(std::move(dir)) {}

    const std::filesystem::path& dir() const { return dir_; }

    // Moves `file` in (renamed with a suffix if the name is taken); returns its new path.
    Result<std::filesystem::path> keep_file(const std::filesystem::path& file,
                                            std::string_view origin, std::string_view reason,
                                            WallTime now) const;

    // Writes `bytes` as a new file named `name` (suffixed if taken).
    Result<std::filesystem::path> keep_bytes(std::string_view name, std::string_view bytes,
                                             std::string_view origin, std::string_view reason,
                                             WallTime now) const;

private:
    Status write_reason(const std::filesystem::path& kept, std::string_view origin,
                        std::string_view reason, WallTime now) const;

    std::filesystem::path dir_;
};

// `dir / name`, or `dir / name.N` for the first N that is free.
std::filesystem::path free_name_in(const std::filesystem::path& dir, std::string_view name);

}  // namespace alerthub::hub
