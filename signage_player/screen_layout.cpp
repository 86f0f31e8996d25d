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
    CjkStyle cjk = CjkStyle::kJapanese;
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
        return {std::max(kMinPx, px(b.base_px * scale)), b.bold, b.cjk};
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

// Fits `blocks` into `box` and places them centred vertically.
void place_centred(Frame& frame, Layouter& l, const std::vector<Block>& blocks, Box box,
                   Align align) {
    auto placed = l.fit(blocks, box, align, frame.shrunk, frame.truncated);
    int dy = std::max(0, (box.h - placed.height) / 2);
    append(frame, std::move(placed), dy);
}

// A full-width strip with one line of text: the drill band and the stale note.
void place_strip(Frame& frame, Layouter& l, const std::string& text, Box box, Colour bg,
                 Colour fg) {
    frame.rects.push_back({box.x, box.y, box.w, box.h, bg});
    int pad = std::max(1, box.h / 12);
    Box inner{box.x + l.px(24), box.y + pad, box.w - 2 * l.px(24), box.h - 2 * pad};
    place_centred(frame, l, {{text, 52, true, fg, 0}}, inner, Align::kCenter);
}

int strip_height(Layouter& l, int available) {
    return std::min(l.px(88), available / 8);
}

// The QR code with its quiet zone as rects, dark runs of a row merged into one rect.
void place_qr(Frame& frame, const QrCode& qr, int x, int y, int module) {
    const int side = (qr.size + 2 * kQrQuietZone) * module;
    frame.rects.push_back({x, y, side, side, Colour{255, 255, 255}});
    const int x0 = x + kQrQuietZone * module;
    const int y0 = y + kQrQuietZone * module;
    for (int row = 0; row < qr.size; ++row) {
        int col = 0;
        while (col < qr.size) {
            if (!qr.at(col, row)) {
                ++col;
                continue;
            }
            int start = col;
            while (col < qr.size && qr.at(col, row)) ++col;
            frame.rects.push_back({x0 + start * module, y0 + row * module, (col - start) * module,
                                   module, Colour{0, 0, 0}});
        }
    }
}

// The link's QR code with its title and URL beneath; the caption gets the room it needs
// (up to 40 % of the box) and the code the rest. Without room to scan, only the caption.
void place_link(const Screen& s, Frame& frame, Layouter& l, Box box) {
    if (s.link_url.empty() || box.w <= 0 || box.h <= 0) return;
    std::vector<Block> caption = {{s.link_title, 30, true, s.text, 0},
                                  {s.link_url, 26, false, s.text, 4}};
    Box cap_box{box.x, box.y + box.h * 6 / 10, box.w, box.h - box.h * 6 / 10};
    int module = 0;
    int side = 0;
    if (!s.qr.empty()) {
        bool shrunk = false, truncated = false;  // a trial: the real fit below reports
        auto trial = l.fit(caption, cap_box, Align::kCenter, shrunk, truncated);
        side = std::min(box.w, box.h - trial.height - l.px(12));
        module = qr_module_px(s.qr, side);
    }
    if (module == 0) {
        place_centred(frame, l, caption, box, Align::kCenter);
        return;
    }
    int drawn = (s.qr.size + 2 * kQrQuietZone) * module;
    int top = box.y;
    place_qr(frame, s.qr, box.x + (box.w - drawn) / 2, top, module);
    Box rest{box.x, top + drawn + l.px(12), box.w, box.y + box.h - (top + drawn + l.px(12))};
    append(frame, l.fit(caption, rest, Align::kCenter, frame.shrunk, frame.truncated));
}

// The band: level badge, warning sign, label ("警戒レベル4 / Level 4"), on the inverse of
// the page colours so it stands out on every level colour.
void place_band(const Screen& s, Frame& frame, Layouter& l, Box box) {
    frame.rects.push_back({box.x, box.y, box.w, box.h, s.band_background});
    int pad = std::max(2, box.h / 10);
    int side = box.h - 2 * pad;
    int x = box.x + l.px(24);
    if (!s.level.empty()) {
        // The level number on the level colour: readable without telling colours apart.
        frame.rects.push_back({x, box.y + pad, side, side, s.band_text});
        Box digit{x, box.y + pad, side, side};
        place_centred(frame, l, {{s.level, 72, true, s.band_background, 0}}, digit, Align::kCenter);
        x += side + l.px(16);
    }
    frame.icons.push_back({x, box.y + pad, side, s.band_text, s.band_background});
    x += side + l.px(20);
    std::string label = s.drill_mark.empty() ? s.band : s.drill_mark + "　" + s.band;
    Box text{x, box.y + pad, box.x + box.w - l.px(24) - x, side};
    place_centred(frame, l, {{label, 72, true, s.band_text, 0}}, text, Align::kLeft);
}

void place_footer(const Screen& s, Frame& frame, Layouter& l, Box box, int& footer_top) {
    // Issue time on the left, current time and connection on the right; stacked when the
    // box is too narrow for both on one line.
    std::string right = s.now_line + "　" + s.connection;
    FontSpec ff{std::max(kMinPx, l.px(34)), false};
    int lh = l.line_height(ff);
    int lw = s.issued.empty() ? 0 : l.width(s.issued, ff);
    int rw = l.width(right, ff);
    if (lw + rw + l.px(40) <= box.w && lh <= box.h) {
        footer_top = box.y + box.h - lh;
        if (!s.issued.empty())
            frame.texts.push_back({s.issued, box.x, footer_top, lw, lh, ff, s.text});
        frame.texts.push_back({right, box.x + box.w - rw, footer_top, rw, lh, ff, s.text});
        return;
    }
    Box stacked{box.x, box.y + box.h - std::min(box.h, 4 * lh), box.w, std::min(box.h, 4 * lh)};
    auto placed = l.fit({{s.issued, 34, false, s.text, 0}, {right, 34, false, s.text, 0}}, stacked,
                        Align::kLeft, frame.shrunk, frame.truncated);
    int dy = stacked.h - placed.height;
    footer_top = stacked.y + dy;
    append(frame, std::move(placed), dy);
}

struct PanelParts {
    bool band = true;
    bool texts = true;
    bool others = true;
    bool link = true;
    bool footer = true;
    // Banner and L-shape: headline and instruction only (the description and the list of
    // other alerts would shrink every text to a size nobody reads from afar).
    bool compact = false;
};

// An alert panel in `box`: the whole screen for a takeover, the bottom of a banner, the
// column and bar of an L-shape. Band on top, footer at the bottom, texts between with the
// QR code beside them (wide boxes) or beneath them (tall ones).
void place_alert_panel(const Screen& s, Frame& frame, Layouter& l, Box box, PanelParts parts) {
    frame.rects.push_back({box.x, box.y, box.w, box.h, s.background});
    const int margin = std::min(l.px(40), box.w / 20);
    if (parts.link && !s.link_url.empty() && box.h * 3 < box.w) {
        // A banner: the code gets the panel's whole height on the right, or it would be
        // too small to scan.
        int pad = std::min(l.px(16), box.h / 20);
        int w = std::min(box.h - 2 * pad, box.w / 4);
        place_link(s, frame, l, {box.x + box.w - w - margin, box.y + pad, w, box.h - 2 * pad});
        parts.link = false;
        box.w -= w + margin;
    }
    int top = box.y;
    if (parts.band) {
        int h = std::min(l.px(150), box.h / 4);
        place_band(s, frame, l, {box.x, top, box.w, h});
        top += h;
    }
    Box inner{box.x + margin, top + std::min(l.px(24), box.h / 30), box.w - 2 * margin, 0};
    int bottom = box.y + box.h - std::min(l.px(16), box.h / 40);
    if (parts.footer) {
        int footer_top = bottom;
        Box footer{inner.x, top, inner.w, bottom - top};
        place_footer(s, frame, l, footer, footer_top);
        bottom = footer_top - std::min(l.px(20), box.h / 30);
    }
    inner.h = bottom - inner.y;
    if (inner.h <= 0 || inner.w <= 0) return;

    Box text_box = inner;
    if (parts.link && !s.link_url.empty()) {
        bool beside = inner.w >= inner.h * 6 / 5 && parts.texts;
        if (beside) {
            int w = std::min(inner.h, inner.w * 3 / 10);
            place_link(s, frame, l, {inner.x + inner.w - w, inner.y, w, inner.h});
            text_box.w = inner.w - w - margin;
        } else {
            int h = parts.texts ? std::min(inner.w * 3 / 4, inner.h * 4 / 10)
                                : std::min(inner.w * 5 / 4, inner.h * 7 / 10);
            place_link(s, frame, l, {inner.x, inner.y + inner.h - h, inner.w, h});
            text_box.h = inner.h - h - margin;
        }
    }
    if (text_box.h <= 0 || text_box.w <= 0) return;

    const CjkStyle cjk = cjk_style_for(s.language);
    std::vector<Block> blocks;
    if (parts.texts && parts.compact) {
        blocks = {
            {s.language_label, 30, false, s.text, 0},
            {s.headline, 96, true, s.text, 8, false, cjk},
            {s.instruction, 66, true, s.text, 16, false, cjk},
        };
    } else if (parts.texts) {
        blocks = {
            {s.language_label, 30, false, s.text, 0},
            {s.event_name, 52, true, s.text, 8, false, cjk},
            {s.headline, 96, true, s.text, 16, false, cjk},
            {s.description, 42, false, s.text, 28, true, cjk},
            {s.instruction, 66, true, s.text, 32, false, cjk},
        };
    }
    if (parts.others && !s.others_line.empty()) {
        blocks.push_back({s.others_line, 34, true, s.text, 28});
        if (!parts.compact)
            for (auto& other : s.others) blocks.push_back({"・" + other, 32, false, s.text, 4});
    }
    append(frame, l.fit(blocks, text_box, Align::kLeft, frame.shrunk, frame.truncated));
}

// The clock panel: the idle screen without content, and the content area without content.
void place_clock_panel(const Screen& s, Frame& frame, Layouter& l, Box box, bool with_note) {
    std::vector<Block> blocks = {
        {s.ward_name, 110, true, kIdleText, 0},
        {s.title, 56, false, kIdleText, 12},
        {s.clock, 240, true, kIdleText, 24},
        {s.date, 60, false, kIdleText, 0},
    };
    if (with_note) blocks.push_back({s.note, 44, false, kIdleText, 56});
    place_centred(frame, l, blocks, box, Align::kCenter);
}

// The ordinary-content area: the playlist's picture or text slide, else the clock.
void place_content(const Screen& s, Frame& frame, Layouter& l, Box box) {
    frame.rects.push_back({box.x, box.y, box.w, box.h, kIdleBackground});
    int margin = std::min(l.px(48), box.w / 16);
    Box inner{box.x + margin, box.y + margin, box.w - 2 * margin, box.h - 2 * margin};
    if (inner.w <= 0 || inner.h <= 0) return;
    if (!s.content) {
        place_clock_panel(s, frame, l, inner, false);
    } else if (!s.content->image_path.empty()) {
        frame.images.push_back({s.content->image_path, box.x, box.y, box.w, box.h});
    } else {
        place_centred(frame, l,
                      {{s.content->title, 80, true, kIdleText, 0},
                       {s.content->body, 48, false, kIdleText, 32}},
                      inner, Align::kLeft);
    }
}

void layout_idle(const Screen& s, Frame& frame, Layouter& l, Box box) {
    int margin = l.px(48);
    int footer_h = std::min(l.px(64), box.h / 8);
    Box footer{box.x + margin, box.y + box.h - footer_h, box.w - 2 * margin, footer_h - l.px(12)};
    if (s.content) {
        place_content(s, frame, l, {box.x, box.y, box.w, box.h - footer_h});
        // With content on screen the clock moves into the footer.
        std::string left = s.clock + "　" + s.date;
        FontSpec ff{std::max(kMinPx, l.px(34)), false};
        if (l.width(left, ff) + l.width(s.connection, ff) + l.px(40) <= footer.w) {
            int lh = l.line_height(ff);
            int y = footer.y + std::max(0, (footer.h - lh) / 2);
            frame.texts.push_back({left, footer.x, y, l.width(left, ff), lh, ff, s.text});
            int rw = l.width(s.connection, ff);
            frame.texts.push_back({s.connection, footer.x + footer.w - rw, y, rw, lh, ff, s.text});
            return;
        }
        place_centred(frame, l, {{left + "　" + s.connection, 34, false, s.text, 0}}, footer,
                      Align::kCenter);
        return;
    }
    Box body{box.x + margin, box.y + margin, box.w - 2 * margin, footer.y - margin - box.y};
    place_clock_panel(s, frame, l, body, true);
    auto conn = l.fit({{s.connection, 34, false, s.text, 0}}, footer, Align::kCenter, frame.shrunk,
                      frame.truncated);
    int dy = std::max(0, footer.h - conn.height);
    append(frame, std::move(conn), dy);
}

void layout_alert(const Screen& s, Frame& frame, Layouter& l, Box box) {
    const bool landscape = box.w >= box.h;
    switch (s.layout) {
        case AlertLayout::kTakeover:
            place_alert_panel(s, frame, l, box, {});
            return;
        case AlertLayout::kLShape:
            if (landscape) {
                int side = box.w * 3 / 10;
                int bar = box.h * 3 / 10;
                place_content(s, frame, l, {box.x, box.y, box.w - side, box.h - bar});
                place_alert_panel(
                    s, frame, l, {box.x + box.w - side, box.y, side, box.h - bar},
                    {.band = true, .texts = false, .others = true, .link = true, .footer = false});
                place_alert_panel(s, frame, l, {box.x, box.y + box.h - bar, box.w, bar},
                                  {.band = false,
                                   .texts = true,
                                   .others = false,
                                   .link = false,
                                   .footer = true,
                                   .compact = true});
            } else {
                int panel = box.h * 55 / 100;
                place_content(s, frame, l, {box.x, box.y, box.w, box.h - panel});
                place_alert_panel(s, frame, l, {box.x, box.y + box.h - panel, box.w, panel}, {});
            }
            return;
        case AlertLayout::kBanner: {
            int panel = box.h * (landscape ? 33 : 40) / 100;
            place_content(s, frame, l, {box.x, box.y, box.w, box.h - panel});
            place_alert_panel(s, frame, l, {box.x, box.y + box.h - panel, box.w, panel},
                              {.compact = true});
            return;
        }
    }
}

}  // namespace

int qr_module_px(const QrCode& qr, int side) {
    if (qr.empty() || side <= 0) return 0;
    int module = side / (qr.size + 2 * kQrQuietZone);
    return module >= 2 ? module : 0;
}

Frame layout_screen(const Screen& screen, int width, int height, TextMeasurer& measurer) {
    Frame frame;
    frame.width = width;
    frame.height = height;
    frame.background = screen.background;
    Layouter l(width, height, measurer);
    Box box{0, 0, width, height};
    if (!screen.stale_note.empty()) {
        int h = strip_height(l, height);
        place_strip(frame, l, screen.stale_note, {0, height - h, width, h}, kStaleBackground,
                    kStaleText);
        box.h -= h;
    }
    if (screen.kind == ScreenKind::kIdle) {
        layout_idle(screen, frame, l, box);
        return frame;
    }
    if (!screen.drill_band.empty()) {
        // Top and bottom of the screen: a drill is unmistakable wherever one looks.
        int h = strip_height(l, box.h);
        place_strip(frame, l, screen.drill_band, {0, box.y, width, h}, kDrillBandColour,
                    kDrillTextColour);
        place_strip(frame, l, screen.drill_band, {0, box.y + box.h - h, width, h}, kDrillBandColour,
                    kDrillTextColour);
        box.y += h;
        box.h -= 2 * h;
    }
    layout_alert(screen, frame, l, box);
    return frame;
}

}  // namespace alerthub::player
