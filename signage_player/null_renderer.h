#pragma once
// A Renderer without SDL or fonts: it records every frame it is asked to draw, so the
// player's logic (what goes on screen, when, acks, status, the state file) runs in unit
// tests. Widths are predictable: ASCII half the font size, everything else the full size;
// lines 1.4 times the size apart.

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "signage_player/renderer.h"

namespace alerthub::player {

class NullRenderer final : public Renderer {
public:
    explicit NullRenderer(const RendererOptions& options = {});

    int text_width(std::string_view text, FontSpec font) override;
    int line_height(FontSpec font) override;
    int width() const override { return width_; }
    int height() const override { return height_; }
    Status check_image(const std::string& path) override;
    int draw(const Frame& frame) override;
    // A black image of the window's size.
    Result<Image> capture() override;
    void present() override { ++presented_; }
    std::string video_driver() const override { return "null"; }
    bool can_wait() const override { return false; }
    void wait_for_events(std::chrono::milliseconds) override {}
    Result<std::function<void()>> waker() override;
    WindowEvents take_events() override;

    // Test controls and records.
    const std::vector<Frame>& frames() const { return frames_; }
    int presented() const { return presented_; }
    int wakes() const;
    void mark_undecodable(const std::string& path) { undecodable_.insert(path); }
    // What the next take_events() reports.
    void queue_events(WindowEvents events) { pending_ = events; }
    // Changes the size as a new display would (report it with queue_events).
    void resize(int width, int height);

private:
    int width_;
    int height_;
    std::vector<Frame> frames_;
    int presented_ = 0;
    std::set<std::string> undecodable_;
    WindowEvents pending_;
    struct Wakes {
        std::mutex mu;
        int count = 0;
    };
    std::shared_ptr<Wakes> wakes_ = std::make_shared<Wakes>();
};

}  // namespace alerthub::player
