#include "signage_player/null_renderer.h"

namespace alerthub::player {

NullRenderer::NullRenderer(const RendererOptions& options)
    : width_(options.width), height_(options.height) {}

int NullRenderer::text_width(std::string_view text, FontSpec font) {
    int w = 0;
    for (char32_t cp : decode_utf8(text)) w += cp < 0x80 ? font.px / 2 : font.px;
    return w;
}

int NullRenderer::line_height(FontSpec font) {
    return font.px * 14 / 10;
}

Status NullRenderer::check_image(const std::string& path) {
    if (undecodable_.count(path) == 0) return {};
    return make_error(ErrorCode::kInvalidArgument, "image not decodable: marked by the test");
}

int NullRenderer::draw(const Frame& frame) {
    frames_.push_back(frame);
    int outside = 0;
    for (auto& t : frame.texts)
        if (!t.text.empty() && (t.x < 0 || t.y < 0 || t.x + t.w > width_ || t.y + t.h > height_))
            ++outside;
    return outside;
}

Result<Image> NullRenderer::capture() {
    Image image;
    image.width = width_;
    image.height = height_;
    image.rgb.assign(static_cast<std::size_t>(width_) * static_cast<std::size_t>(height_) * 3, 0);
    return image;
}

Result<std::function<void()>> NullRenderer::waker() {
    std::function<void()> wake = [wakes = wakes_] {
        std::lock_guard lock(wakes->mu);
        ++wakes->count;
    };
    return wake;
}

int NullRenderer::wakes() const {
    std::lock_guard lock(wakes_->mu);
    return wakes_->count;
}

WindowEvents NullRenderer::take_events() {
    auto events = pending_;
    pending_ = {};
    return events;
}

void NullRenderer::resize(int width, int height) {
    width_ = width;
    height_ = height;
}

}  // namespace alerthub::player
