#include "signage_player/screen_layout.h"

#include <algorithm>
#include <cmath>

namespace alerthub::player {
namespace {

constexpr int kMinPx = 12;  // below this nobody reads it from across a station hall

struct Block {
    std::string text;
    int base_px = 32;  // at 1080 pixels on the short side
    bool bold = false;
    Colour colour;
    int gap_before = 0;  // base pixels
    bool description = false;
};

struct Box {
    int x, y, w, h;
};

enum class Align { kLeft, kCenter };

// Text size scales, largest first: each step is 8 % smaller. The description gives way
// first: at every scale it may shrink further, down to kDescriptionRatios.back().
constexpr int kScaleSteps = 24;  // 0.92^23 = 0.15
constexpr double kDescriptionRatios[] = {1.0, 0.85};

struct Step {
    double main;
    double description;
};

Step step_at(int k, double ratio) {
    double s = std::pow(0.92, k);
    return {s, s * ratio};
}

struct Placed {
    std::vector<FrameText> texts;
    int height = 0;
    bool fits = false;
};

class Layouter {
public:
    Layouter(int width, int height, TextMeasurer& measurer)
        : unit_(std::min(width, height) / 1080.0), measurer_(measurer) {}

    int px(double base) const { return std::max(1, static_cast<int>(std::lround(base * unit_))); }
    int width(std::string_view text, FontSpec f) { return measurer_.text_width(text, f); }
    int line_height(FontSpec f) { return measurer_.line_height(f); }

    FontSpec font(const Block& b, const Step& step) const {
        double scale = b.description ? step.description : step.main;
        return {std::max(kMinPx, px(b.base_px * scale)), b.bold};
    }

    // Lays the blocks out top-down in `box`; `fits` says whether they fit its height.
    Placed place(const std::vector<Block>& blocks, Box box, Align align, const Step& step) {
        Placed out;
        int y = 0;
        bool first = true;
        for (auto& b : blocks) {
            if (b.text.empty()) continue;
            FontSpec f = font(b, step);
            if (!first) y += px(b.gap_before * step.main);
            first = false;
            auto measure = [&](std::string_view s) { return measurer_.text_width(s, f); };
            int lh = measurer_.line_height(f);
            for (auto& line : wrap_text(b.text, box.w, measure)) {
                int w = line.empty() ? 0 : measure(line);
                int x = align == Align::kCenter ? box.x + (box.w - w) / 2 : box.x;
                out.texts.push_back({line, x, box.y + y, w, lh, f, b.colour});
                y += lh;
            }
        }
        out.height = y;
        out.fits = y <= box.h && std::all_of(out.texts.begin(), out.texts.end(),
                                             [&](auto& t) { return t.w <= box.w; });
        return out;
    }

    // The largest scale at which the blocks fit; if none does, the description is
    // dropped, and if that is still too much the last lines are cut and marked with "…".
    Placed fit(const std::vector<Block>& blocks, Box box, Align align, bool& shrunk,
               bool& truncated) {
        const double smallest_ratio = kDescriptionRatios[std::size(kDescriptionRatios) - 1];
        auto fits_at = [&](int k) {
            return place(blocks, box, align, step_at(k, smallest_ratio)).fits;
        };
        int last = kScaleSteps - 1;
        if (fits_at(last)) {
            // Height falls as the scale does, so a binary search finds the largest scale
            // that fits in a handful of layouts even for very long texts.
            int lo = 0, hi = last;
            while (lo < hi) {
                int mid = (lo + hi) / 2;
                if (fits_at(mid))
                    hi = mid;
                else
                    lo = mid + 1;
            }
            for (double ratio : kDescriptionRatios) {
                auto placed = place(blocks, box, align, step_at(lo, ratio));
                if (placed.fits) {
                    shrunk = shrunk || lo > 0 || ratio < 1.0;
                    return placed;
                }
            }
        }
        shrunk = true;
        std::vector<Block> essential;
        for (auto& b : blocks)
            if (!b.description) essential.push_back(b);
        auto placed = place(essential, box, align, step_at(last, 1.0));
        if (placed.fits) return placed;
        truncated = true;
        return cut_to_box(std::move(placed), box);
    }

private:
    Placed cut_to_box(Placed placed, Box box) {
        auto& texts = placed.texts;
        while (!texts.empty() && texts.back().y + texts.back().h > box.y + box.h) texts.pop_back();
        if (!texts.empty()) {
            FrameText& last = texts.back();
            auto cps = decode_utf8(last.text);
            std::string text;
            do {
                text.clear();
                for (auto cp : cps) text += encode_utf8(cp);
                text += "…";
                if (!cps.empty()) cps.pop_back();
            } while (measurer_.text_width(text, last.font) > box.w && !cps.empty());
            last.text = text;
            last.w = measurer_.text_width(text, last.font);
        }
        placed.height = texts.empty() ? 0 : texts.back().y + texts.back().h - box.y;
        placed.fits = true;
        return placed;
    }

    double unit_;
    TextMeasurer& measurer_;
};

void append(Frame& frame, Placed placed, int dy = 0) {
    for (auto& t : placed.texts) {
        t.y += dy;
        frame.texts.push_back(std::move(t));
    }
}

void layout_idle(const Screen& s, Frame& frame, Layouter& l) {
    int margin = l.px(48);
    int footer_h = l.px(64);
    Box footer{margin, frame.height - footer_h, frame.width - 2 * margin, footer_h - l.px(12)};
    Box body{margin, margin, frame.width - 2 * margin, footer.y - margin};
    std::vector<Block> blocks = {
        {s.ward_name, 110, true, s.text, 0}, {s.title, 56, false, s.text, 12},
        {s.clock, 240, true, s.text, 24},    {s.date, 60, false, s.text, 0},
        {s.note, 44, false, s.text, 56},
    };
    auto placed = l.fit(blocks, body, Align::kCenter, frame.shrunk, frame.truncated);
    int dy = std::max(0, (body.h - placed.height) / 2);
    append(frame, std::move(placed), dy);
    auto conn = l.fit({{s.connection, 34, false, s.text, 0}}, footer, Align::kCenter, frame.shrunk,
                      frame.truncated);
    dy = std::max(0, footer.h - conn.height);
    append(frame, std::move(conn), dy);
}

void layout_alert(const Screen& s, Frame& frame, Layouter& l) {
    const int W = frame.width;
    const int H = frame.height;
    int margin = l.px(40);
    int y = 0;
    if (!s.drill_band.empty()) {
        int h = l.px(96);
        frame.rects.push_back({0, y, W, h, kDrillBandColour});
        Box box{margin, y + l.px(6), W - 2 * margin, h - l.px(12)};
        auto placed = l.fit({{s.drill_band, 52, true, Colour{0, 0, 0}, 0}}, box, Align::kCenter,
                            frame.shrunk, frame.truncated);
        int dy = std::max(0, (box.h - placed.height) / 2);
        append(frame, std::move(placed), dy);
        y += h;
    }
    {
        int h = l.px(150);
        frame.rects.push_back({0, y, W, h, s.band_background});
        Box box{margin, y + l.px(8), W - 2 * margin, h - l.px(16)};
        auto placed = l.fit({{s.band, 84, true, s.band_text, 0}}, box, Align::kLeft, frame.shrunk,
                            frame.truncated);
        int dy = std::max(0, (box.h - placed.height) / 2);
        append(frame, std::move(placed), dy);
        y += h;
    }

    // Footer: issue time on the left, current time and connection on the right; stacked
    // when the window is too narrow for both on one line.
    std::string right = s.now_line + "　" + s.connection;
    int footer_px = std::max(kMinPx, l.px(34));
    FontSpec ff{footer_px, false};
    int lh = l.line_height(ff);
    int avail = W - 2 * margin;
    int lw = s.issued.empty() ? 0 : l.width(s.issued, ff);
    int rw = l.width(right, ff);
    int footer_top;
    if (lw + rw + l.px(40) <= avail) {
        footer_top = H - l.px(16) - lh;
        if (!s.issued.empty())
            frame.texts.push_back({s.issued, margin, footer_top, lw, lh, ff, s.text});
        frame.texts.push_back({right, W - margin - rw, footer_top, rw, lh, ff, s.text});
    } else {
        Box box{margin, H - l.px(16) - 4 * lh, avail, 4 * lh};
        auto placed = l.fit({{s.issued, 34, false, s.text, 0}, {right, 34, false, s.text, 0}}, box,
                            Align::kLeft, frame.shrunk, frame.truncated);
        int dy = box.h - placed.height;
        footer_top = box.y + dy;
        append(frame, std::move(placed), dy);
    }

    Box body{margin, y + l.px(28), avail, footer_top - l.px(20) - (y + l.px(28))};
    std::vector<Block> blocks = {
        {s.event_name, 52, true, s.text, 0},
        {s.headline_ja, 96, true, s.text, 16},
        {s.headline_en, 72, true, s.text, 8},
        {s.description_ja, 42, false, s.text, 28, true},
        {s.description_en, 38, false, s.text, 8, true},
        {s.instruction_ja, 66, true, s.text, 32},
        {s.instruction_en, 56, false, s.text, 8},
        {s.others_line, 34, false, s.text, 28},
    };
    append(frame, l.fit(blocks, body, Align::kLeft, frame.shrunk, frame.truncated));
}

}  // namespace

Frame layout_screen(const Screen& screen, int width, int height, TextMeasurer& measurer) {
    Frame frame;
    frame.width = width;
    frame.height = height;
    frame.background = screen.background;
    Layouter l(width, height, measurer);
    if (screen.kind == ScreenKind::kIdle)
        layout_idle(screen, frame, l);
    else
        layout_alert(screen, frame, l);
    return frame;
}

}  // namespace alerthub::player
