#include "signage_player/screen_layout.h"

#include <algorithm>
#include <cmath>

namespace alerthub::player {
namespace {

constexpr int kMinPx = 12;  // below this nobody reads it from across a station hall

// The smallest size of an alert's description (its body text), in pixels at 1080 lines,
// for a reader 3 m away. The MLIT barrier-free guideline (バリアフリー整備ガイドライン 旅客施設編)
// reads Japanese up to 250 times the character height away (visual acuity 0.5): 12 mm at
// 3 m. On a 32-inch 1080-line panel, the smallest we expect (0.37 mm per line), that is
// 32 px of glyph, and a CJK glyph fills about 0.9 of the font size: 36 px. Larger panels
// draw it larger still (17.8 mm on 43 inches, 20 arcmin at 3 m). Below this size the
// description is cut, never shrunk.
constexpr int kMinDescriptionPx = 36;
// A description cut to fewer lines than this is left out: a fragment says nothing.
constexpr int kMinDescriptionLines = 2;

struct Block {
    std::string text;
    int base_px = 32;  // at 1080 pixels on the short side
    bool bold = false;
    Colour colour;
    int gap_before = 0;  // base pixels
    bool description = false;
    CjkStyle cjk = CjkStyle::kJapanese;
    std::string more{};  // description: said after it when it is cut (where the rest is)
};

struct Box {
    int x, y, w, h;
};

enum class Align { kLeft, kCenter };

// Text size scales, largest first: each step is 8 % smaller.
constexpr int kScaleSteps = 24;  // 0.92^23 = 0.15

double scale_at(int k) {
    return std::pow(0.92, k);
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

    FontSpec font(const Block& b, double scale) const {
        int size = std::max(kMinPx, px(b.base_px * scale));
        if (b.description) size = std::max(size, px(kMinDescriptionPx));
        return {size, b.bold, b.cjk};
    }

    // Lays the blocks out top-down in `box`; `fits` says whether they fit its height.
    Placed place(const std::vector<Block>& blocks, Box box, Align align, double scale) {
        Placed out;
        int y = 0;
        bool first = true;
        for (auto& b : blocks) {
            if (b.text.empty()) continue;
            FontSpec f = font(b, scale);
            if (!first) y += px(b.gap_before * scale);
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

    // The largest scale step in 0..last at which the blocks fit. Height falls as the scale
    // does, so a binary search finds it in a handful of layouts even for very long texts.
    std::optional<int> largest_fit(const std::vector<Block>& blocks, Box box, Align align,
                                   int last) {
        auto fits_at = [&](int k) { return place(blocks, box, align, scale_at(k)).fits; };
        if (last < 0 || !fits_at(last)) return std::nullopt;
        int lo = 0, hi = last;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (fits_at(mid))
                hi = mid;
            else
                lo = mid + 1;
        }
        return lo;
    }

    // The largest scale at which the blocks fit. A description is drawn whole only where it
    // stays readable (kMinDescriptionPx); otherwise the other texts take the size they need
    // and the description gets the room left, cut at a line and followed by its `more`, or
    // is left out. If even the rest does not fit, its last lines are cut and marked "…".
    Placed fit(const std::vector<Block>& blocks, Box box, Align align, Frame& fitting) {
        auto description = std::find_if(blocks.begin(), blocks.end(), [](const Block& b) {
            return b.description && !b.text.empty();
        });
        std::vector<Block> rest;
        for (auto& b : blocks)
            if (!b.description) rest.push_back(b);
        if (description != blocks.end()) {
            // Only down to the scale at which the description still has its readable size.
            int readable = 0;
            while (readable + 1 < kScaleSteps &&
                   px(description->base_px * scale_at(readable + 1)) >= px(kMinDescriptionPx))
                ++readable;
            if (auto k = largest_fit(blocks, box, align, readable)) {
                fitting.shrunk = fitting.shrunk || *k > 0;
                return place(blocks, box, align, scale_at(*k));
            }
        }
        auto k = largest_fit(rest, box, align, kScaleSteps - 1);
        if (!k) {
            fitting.shrunk = true;
            auto placed = place(rest, box, align, scale_at(kScaleSteps - 1));
            if (placed.fits) return placed;
            fitting.truncated = true;
            return cut_to_box(std::move(placed), box);
        }
        fitting.shrunk = fitting.shrunk || *k > 0;
        if (description != blocks.end()) {
            if (auto cut = with_cut_description(blocks, description - blocks.begin(), box, align,
                                                scale_at(*k))) {
                fitting.description_cut = true;
                return std::move(*cut);
            }
        }
        return place(rest, box, align, scale_at(*k));
    }

private:
    // The blocks with the description cut to as many lines as fit (at least
    // kMinDescriptionLines), its last line ending in "…", then its `more`.
    std::optional<Placed> with_cut_description(std::vector<Block> blocks, std::size_t index,
                                               Box box, Align align, double scale) {
        Block& d = blocks[index];
        FontSpec f = font(d, scale);
        auto measure = [&](std::string_view s) { return measurer_.text_width(s, f); };
        const auto lines = wrap_text(d.text, box.w, measure);
        const std::string whole = d.text;
        auto cut_to = [&](std::size_t n) {
            std::string text;
            for (std::size_t i = 0; i + 1 < n; ++i) text += lines[i] + "\n";
            text += with_ellipsis(lines[n - 1], f, box.w);
            if (!d.more.empty()) text += "\n" + d.more;
            return text;
        };
        auto placed_with = [&](std::size_t n) {
            d.text = cut_to(n);
            return place(blocks, box, align, scale);
        };
        std::size_t lo = kMinDescriptionLines;
        std::size_t hi = lines.size() > 0 ? lines.size() - 1 : 0;
        if (hi < lo || !placed_with(lo).fits) return std::nullopt;
        while (lo < hi) {  // the most lines that fit
            std::size_t mid = (lo + hi + 1) / 2;
            if (placed_with(mid).fits)
                lo = mid;
            else
                hi = mid - 1;
        }
        return placed_with(lo);
    }

    // `line` with "…" at its end, characters dropped until it fits `max_width`.
    std::string with_ellipsis(const std::string& line, FontSpec f, int max_width) {
        auto cps = decode_utf8(line);
        std::string text;
        do {
            text.clear();
            for (auto cp : cps) text += encode_utf8(cp);
            text += "…";
            if (!cps.empty()) cps.pop_back();
        } while (measurer_.text_width(text, f) > max_width && !cps.empty());
        return text;
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
    auto placed = l.fit(blocks, box, align, frame);
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
        Frame scratch;  // a trial: the real fit below reports
        auto trial = l.fit(caption, cap_box, Align::kCenter, scratch);
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
    append(frame, l.fit(caption, rest, Align::kCenter, frame));
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
                        Align::kLeft, frame);
    int dy = stacked.h - placed.height;
    footer_top = stacked.y + dy;
    append(frame, std::move(placed), dy);
}

// The facilities panel: a rule, its title, then one line per facility.
void place_facilities(const FacilityPanel& panel, Frame& frame, Layouter& l, Box box,
                      Colour colour) {
    if (box.w <= 0 || box.h <= 0) return;
    frame.rects.push_back({box.x, box.y, box.w, std::max(2, l.px(4)), colour});
    std::vector<Block> blocks = {{panel.title, 44, true, colour, 0}};
    for (const auto& row : panel.rows) blocks.push_back({"・" + row, 40, false, colour, 6});
    const int top = l.px(16);
    append(frame, l.fit(blocks, {box.x, box.y + top, box.w, box.h - top}, Align::kLeft, frame));
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
    // A takeover: the facilities panel beneath the texts (the other layouts show it in the
    // content area).
    bool facilities = false;
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
    if (parts.facilities && s.facilities) {
        const int h = text_box.h * 36 / 100;
        place_facilities(*s.facilities, frame, l,
                         {text_box.x, text_box.y + text_box.h - h, text_box.w, h}, s.text);
        text_box.h -= h + margin / 2;
    }

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
            // What to do right after what happened; the description (context) after both,
            // with what room is left.
            {s.instruction, 66, true, s.text, 24, false, cjk},
            {s.description, 42, false, s.text, 28, true, cjk, s.description_more},
        };
    }
    if (parts.others && !s.others_line.empty()) {
        blocks.push_back({s.others_line, 34, true, s.text, 28});
        if (!parts.compact)
            for (auto& other : s.others) blocks.push_back({"・" + other, 32, false, s.text, 4});
    }
    append(frame, l.fit(blocks, text_box, Align::kLeft, frame));
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
    if (s.kind == ScreenKind::kAlert && s.facilities) {
        // Where to go matters more than the playlist while an alert is about it.
        place_facilities(*s.facilities, frame, l, inner, kIdleText);
    } else if (!s.content) {
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
    auto conn = l.fit({{s.connection, 34, false, s.text, 0}}, footer, Align::kCenter, frame);
    int dy = std::max(0, footer.h - conn.height);
    append(frame, std::move(conn), dy);
}

void layout_alert(const Screen& s, Frame& frame, Layouter& l, Box box) {
    const bool landscape = box.w >= box.h;
    switch (s.layout) {
        case AlertLayout::kTakeover:
            place_alert_panel(s, frame, l, box, {.facilities = true});
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
