#pragma once
// The site's folder, swapped whole: each render goes into a new tree under
// <root>/trees/, then <root>/current (a symlink, what the web server serves) is pointed at
// it by rename(2), so a reader sees the old site or the new one, never half of either.
// The tree before stays (a request may still be reading it); older ones are removed later.

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
    // Points <root>/current at `tree` atomically.
    Status commit(const std::string& tree);
    // Moves the trees older than the one the last commit replaced (a reader may still be in
    // that one) into <root>/trash/: one rename each, so that it never delays a render;
    // empty_trash() deletes them, on another thread.
    void remove_old();
    std::string trash() const { return root_ + "/trash"; }
    void empty_trash();
    // Removes a tree that failed to render.
    void discard(const std::string& tree);

    std::string current() const { return root_ + "/current"; }

private:
    std::string root_;
    unsigned long sequence_ = 0;
    std::string newest_;
    std::string replaced_;
};

}  // namespace alerthub::hub::site
