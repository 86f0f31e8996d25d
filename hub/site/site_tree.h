#pragma once
// The site's folder, swapped whole: each render goes into a new tree under
// <root>/trees/, then <root>/current (a symlink, what the web server serves) is pointed at
// it by rename(2), so a reader sees the old site or the new one, never half of either.
// The tree before stays (a request may still be reading it); older ones are removed.

#include <string>

#include "core/base/result.h"

namespace alerthub::hub::site {

class SiteTree {
public:
    explicit SiteTree(std::string root) : root_(std::move(root)) {}

    // Creates <root>/trees/; a failure names the folder.
    Status prepare();
    // A new, empty folder for the next tree.
    Result<std::string> begin();
    // Points <root>/current at `tree` atomically and removes the trees older than the one
    // it replaced.
    Status commit(const std::string& tree);
    // Removes a tree that failed to render.
    void discard(const std::string& tree);

    std::string current() const { return root_ + "/current"; }

private:
    std::string root_;
    unsigned long sequence_ = 0;
};

}  // namespace alerthub::hub::site
