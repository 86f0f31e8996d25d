#include "signage_player/text_layout.h"

#include <algorithm>

namespace alerthub::player {
namespace {

// Scripts written without spaces: any two of these may be split across lines.
bool breaks_anywhere(char32_t cp) {
    return (cp >= 0x2E80 && cp <= 0x9FFF) ||  // CJK radicals, punctuation, kana, ideographs
           (cp >= 0xAC00 && cp <= 0xD7AF) ||  // Hangul syllables
           (cp >= 0xF900 && cp <= 0xFAFF) ||  // CJK compatibility ideographs
           (cp >= 0xFF00 && cp <= 0xFFEF) ||  // full-width and half-width forms
           (cp >= 0x20000 && cp <= 0x3FFFF);  // CJK extensions
}

bool is_space(char32_t cp) {
    return cp == U' ' || cp == U'\t' || cp == 0x3000;
}

// An unbreakable piece of a line: a word, or one CJK character with any punctuation
// glued to it by kinsoku.
struct Atom {
    std::string text;
    bool space_before = false;
};

std::string encode(const std::vector<char32_t>& cps, size_t from, size_t to) {
    std::string out;
    for (size_t i = from; i < to; ++i) out += encode_utf8(cps[i]);
    return out;
}

std::vector<Atom> split_atoms(const std::vector<char32_t>& cps) {
    struct Piece {
        size_t from, to;
        bool space_before;
    };
    std::vector<Piece> pieces;
    bool pending_space = false;
    size_t i = 0;
    while (i < cps.size()) {
        if (is_space(cps[i])) {
            pending_space = true;
            ++i;
            continue;
        }
        size_t start = i;
        if (breaks_anywhere(cps[i])) {
            ++i;
        } else {
            while (i < cps.size() && !is_space(cps[i]) && !breaks_anywhere(cps[i])) ++i;
        }
        pieces.push_back({start, i, pending_space});
        pending_space = false;
    }
    // Kinsoku by gluing: a piece that may not start a line joins the one before it, and
    // a piece that may not end a line joins the one after it.
    std::vector<Piece> glued;
    for (auto& p : pieces) {
        if (!glued.empty() && !p.space_before) {
            bool stuck_to_prev =
                is_no_line_start(cps[p.from]) || is_no_line_end(cps[glued.back().to - 1]);
            if (stuck_to_prev) {
                glued.back().to = p.to;
                continue;
            }
        }
        glued.push_back(p);
    }
    std::vector<Atom> atoms;
    atoms.reserve(glued.size());
    for (auto& p : glued) atoms.push_back({encode(cps, p.from, p.to), p.space_before});
    return atoms;
}

// Splits an atom wider than the line by characters, keeping kinsoku where it can. Like
// the greedy filling below, widths are summed per character and each line checked once.
std::vector<std::string> split_by_chars(const std::string& text, int max_width,
                                        const MeasureFn& measure) {
    auto cps = decode_utf8(text);
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < cps.size()) {
        size_t end = start + 1;  // at least one character per line, or we never finish
        int width = measure(encode_utf8(cps[start]));
        while (end < cps.size()) {
            int w = measure(encode_utf8(cps[end]));
            if (width + w > max_width) break;
            width += w;
            ++end;
        }
        while (end > start + 1 && measure(encode(cps, start, end)) > max_width) --end;
        // Pull a character back so the next line does not start with closing punctuation.
        while (end < cps.size() && end > start + 1 && is_no_line_start(cps[end])) --end;
        lines.push_back(encode(cps, start, end));
        start = end;
    }
    return lines;
}

// Greedy filling. Widths are added up atom by atom (each measured once, with its leading
// space), which keeps long texts fast; kerning can make the sum differ slightly from the
// whole line, so every line is measured once more and shortened if it came out too wide.
void wrap_paragraph(const std::vector<char32_t>& cps, int max_width, const MeasureFn& measure,
                    std::vector<std::string>& out) {
    auto atoms = split_atoms(cps);
    if (atoms.empty()) {
        out.emplace_back();
        return;
    }
    auto with_space = [&](const Atom& a) { return (a.space_before ? " " : "") + a.text; };
    size_t i = 0;
    std::string carried;  // the rest of an atom split by characters, starting the next line
    while (i < atoms.size() || !carried.empty()) {
        std::vector<std::string> parts;
        int width = 0;
        if (!carried.empty()) {
            parts.push_back(std::move(carried));
            carried.clear();
            width = measure(parts.back());
        } else {
            int w = measure(atoms[i].text);
            if (w > max_width) {
                auto pieces = split_by_chars(atoms[i].text, max_width, measure);
                out.insert(out.end(), pieces.begin(), pieces.end() - 1);
                carried = pieces.back();
                ++i;
                continue;
            }
            parts.push_back(atoms[i++].text);
            width = w;
        }
        while (i < atoms.size()) {
            std::string next = with_space(atoms[i]);
            int w = measure(next);
            if (width + w > max_width) break;
            parts.push_back(std::move(next));
            width += w;
            ++i;
        }
        std::string line;
        for (auto& p : parts) line += p;
        while (parts.size() > 1 && measure(line) > max_width) {
            --i;  // the last atom goes to the next line
            parts.pop_back();
            line.clear();
            for (auto& p : parts) line += p;
        }
        out.push_back(std::move(line));
    }
}

}  // namespace

bool is_no_line_start(char32_t cp) {
    static constexpr std::u32string_view kChars =
        U"’”）〕］｝〉》」』】〙〗〟｠»"                     // closing brackets
        U"‐゠–〜～"                                          // hyphens
        U"？！‼⁇⁈⁉"                                          // question and exclamation marks
        U"・：；"                                            // middle dots
        U"。．、，"                                          // full stops and commas
        U"ヽヾゝゞ々〻ー゛゜"                                // iteration marks, prolonged sound
        U"ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"  // small kana
        U"…‥"                                                // inseparable, kept off the line start
        U".,;:!?)]}%";
    return kChars.find(cp) != std::u32string_view::npos ||
           (cp >= 0x31F0 && cp <= 0x31FF);  // small katakana for Ainu
}

bool is_no_line_end(char32_t cp) {
    static constexpr std::u32string_view kChars = U"‘“（〔［｛〈《「『【〘〖〝｟«([{";
    return kChars.find(cp) != std::u32string_view::npos;
}

CjkStyle cjk_style_for(std::string_view lang) {
    auto primary = lang.substr(0, lang.find('-'));
    if (primary == "ko") return CjkStyle::kKorean;
    if (primary == "zh") {
        for (std::string_view traditional : {"Hant", "TW", "HK", "MO"})
            if (lang.find(traditional) != std::string_view::npos)
                return CjkStyle::kTraditionalChinese;
        return CjkStyle::kSimplifiedChinese;
    }
    return CjkStyle::kJapanese;
}

std::vector<std::string> wrap_text(std::string_view text, int max_width, const MeasureFn& measure) {
    std::vector<std::string> lines;
    auto cps = decode_utf8(text);
    std::vector<char32_t> paragraph;
    for (char32_t cp : cps) {
        if (cp == U'\r') continue;
        if (cp == U'\n') {
            wrap_paragraph(paragraph, max_width, measure, lines);
            paragraph.clear();
            continue;
        }
        paragraph.push_back(cp);
    }
    wrap_paragraph(paragraph, max_width, measure, lines);
    return lines;
}

}  // namespace alerthub::player
