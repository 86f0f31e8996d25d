#pragma once
// Headless mode's record of what is on screen, for tests and remote checks: after every
// render, screen-NNNN.png, latest.png and latest.json in the screenshot folder. Every file
// appears atomically (written under a temporary name, then renamed), so a reader never
// sees half a file.

#include <filesystem>
#include <functional>
#include <string>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "signage_player/screen.h"

namespace alerthub::player {

// Writes `content` to `path` via a temporary file in the same folder and a rename.
Status write_file_atomically(const std::filesystem::path& path, std::string_view content);

class HeadlessOutput {
public:
    // Older screen-NNNN.png files are removed so a long run cannot fill the disk.
    static constexpr int kKeepScreens = 200;

    explicit HeadlessOutput(std::filesystem::path dir) : dir_(std::move(dir)) {}

    // Creates the folder.
    Status prepare();

    // `write_png(path)` writes the current frame as PNG to `path`.
    Status record(const Screen& screen, WallTime rendered_at,
                  const std::function<Status(const std::string&)>& write_png);

    int seq() const { return seq_; }
    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
    int seq_ = 0;
};

}  // namespace alerthub::player
