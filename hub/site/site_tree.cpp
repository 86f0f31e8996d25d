#include "hub/site/site_tree.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <vector>

namespace alerthub::hub::site {
namespace fs = std::filesystem;

Status SiteTree::prepare() {
    std::error_code ec;
    fs::create_directories(fs::path(root_) / "trees", ec);
    if (!ec) fs::create_directories(trash(), ec);
    if (ec)
        return make_error(ErrorCode::kInternal,
                          fmt::format("site: cannot create {}/trees: {}", root_, ec.message()));
    return {};
}

Result<std::string> SiteTree::begin() {
    // Names sort in the order they were made: time, then a sequence within this process.
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
    std::string tree = fmt::format("{}/trees/{:015d}-{:06d}", root_, ms, ++sequence_ % 1000000);
    std::error_code ec;
    fs::remove_all(tree, ec);
    if (!fs::create_directory(tree, ec) || ec)
        return make_error(ErrorCode::kInternal, fmt::format("site: cannot create {}: {}", tree,
                                                            ec ? ec.message() : "exists"));
    return tree;
}

Status SiteTree::commit(const std::string& tree) {
    const std::string link = current();
    const std::string staged = root_ + "/current.new";
    std::error_code ec;
    std::string replaced = fs::read_symlink(link, ec).string();
    ::unlink(staged.c_str());
    // Relative, so that the root may be moved or mounted elsewhere.
    const std::string target = "trees/" + fs::path(tree).filename().string();
    if (::symlink(target.c_str(), staged.c_str()) != 0)
        return make_error(ErrorCode::kInternal,
                          fmt::format("site: symlink {}: {}", staged, std::strerror(errno)));
    if (::rename(staged.c_str(), link.c_str()) != 0)
        return make_error(ErrorCode::kInternal, fmt::format("site: rename {} to {}: {}", staged,
                                                            link, std::strerror(errno)));
    newest_ = fs::path(tree).filename().string();
    replaced_ = fs::path(replaced).filename().string();
    return {};
}

void SiteTree::remove_old() {
    // Keep the newest tree and the one it replaced; the rest are gone from every reader.
    std::error_code ec;
    std::vector<fs::path> trees;
    for (const auto& entry : fs::directory_iterator(fs::path(root_) / "trees", ec))
        trees.push_back(entry.path());
    for (const auto& t : trees) {
        const auto name = t.filename().string();
        if (name == newest_ || name == replaced_ || newest_.empty()) continue;
        fs::rename(t, fs::path(trash()) / name, ec);
    }
}

void SiteTree::empty_trash() {
    std::error_code ec;
    std::vector<fs::path> entries;
    for (const auto& entry : fs::directory_iterator(trash(), ec)) entries.push_back(entry.path());
    for (const auto& e : entries) fs::remove_all(e, ec);
}

void SiteTree::discard(const std::string& tree) {
    std::error_code ec;
    fs::remove_all(tree, ec);
}

}  // namespace alerthub::hub::site
