#include "signage_player/sdl_renderer.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <fmt/format.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <unordered_map>
#include <utility>

#include "core/base/log.h"

namespace alerthub::player {
namespace {

Error sdl_error(std::string_view call) {
    return make_error(ErrorCode::kInternal, fmt::format("{}: {}", call, SDL_GetError()));
}

SDL_Color sdl_colour(Colour c) {
    return SDL_Color{c.r, c.g, c.b, 255};
}

bool is_space(char32_t cp) {
    return cp == U' ' || cp == U'\t' || cp == 0x3000;
}

// The OpenType script HarfBuzz must shape a run with: fonts keep the rules for complex
// scripts (Devanagari conjuncts and vowel signs, Thai marks) under the script's own tag,
// which SDL_ttf does not guess. "Zyyy" (common) for everything else.
const char* script_of(const std::vector<char32_t>& cps) {
    for (char32_t cp : cps) {
        if ((cp >= 0x0900 && cp <= 0x097F) || (cp >= 0xA8E0 && cp <= 0xA8FF)) return "Deva";
        if (cp >= 0x0980 && cp <= 0x09FF) return "Beng";
        if (cp >= 0x0E00 && cp <= 0x0E7F) return "Thai";
        if (cp >= 0x1000 && cp <= 0x109F) return "Mymr";
        if (cp >= 0x0D80 && cp <= 0x0DFF) return "Sinh";
    }
    return "Zyyy";
}

// A font file mapped read-only. FreeType reads glyphs as it needs them; from a stdio
// stream that was a seek and a read per glyph, the larger part of laying out a screen.
// Mapped pages are shared with every other process using the font (a fleet of players).
class MappedFile {
public:
    static Result<std::unique_ptr<MappedFile>> open(const std::string& path) {
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return make_error(ErrorCode::kNotFound,
                              fmt::format("open {}: {}", path, std::strerror(errno)));
        struct stat st {};
        void* data = MAP_FAILED;
        if (fstat(fd, &st) == 0 && st.st_size > 0)
            data =
                mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
        int mmap_errno = errno;
        ::close(fd);
        if (data == MAP_FAILED)
            return make_error(
                ErrorCode::kInvalidArgument,
                fmt::format("mmap {}: {}", path,
                            st.st_size > 0 ? std::strerror(mmap_errno) : "empty file"));
        return std::unique_ptr<MappedFile>(
            new MappedFile(data, static_cast<std::size_t>(st.st_size)));
    }
    ~MappedFile() { munmap(data_, size_); }
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    // A stream over the mapping; SDL_ttf frees it with the font.
    SDL_RWops* stream() const { return SDL_RWFromConstMem(data_, static_cast<int>(size_)); }

private:
    MappedFile(void* data, std::size_t size) : data_(data), size_(size) {}
    void* data_;
    std::size_t size_;
};

// What text_width has measured: a screen is laid out at several sizes and drawn again every
// minute and every language turn, with mostly the same words.
struct WidthKey {
    std::string text;
    FontSpec font;
    bool operator==(const WidthKey&) const = default;
};
struct WidthKeyHash {
    std::size_t operator()(const WidthKey& k) const {
        auto font = static_cast<std::size_t>(k.font.px) * 8 +
                    static_cast<std::size_t>(k.font.cjk) * 2 + (k.font.bold ? 1 : 0);
        return std::hash<std::string>{}(k.text) ^ (font * 0x9E3779B97F4A7C15ULL);
    }
};
// Enough for every text of a few screens at every size tried; cleared when full.
constexpr std::size_t kMaxCachedWidths = 50000;

}  // namespace

struct SdlRenderer::Impl {
    RendererOptions options;
    bool sdl_up = false;
    bool ttf_up = false;
    bool img_up = false;
    SDL_Window* window = nullptr;
    SDL_Renderer* renderer = nullptr;
    int width = 0;
    int height = 0;
    // One face per font, weight and CJK style, opened on first use and resized on demand:
    // a face of the CJK collection is large, and fitting text to the screen tries many
    // sizes (a face per size cost 100 MB and more).
    struct Face {
        std::string path;
        TTF_Font* font = nullptr;
        int px = 0;
        std::string script;
        bool broken = false;  // could not be opened: never tried again
    };
    Face cjk[2][4];                  // [bold][CjkStyle]
    std::vector<Face> fallbacks[2];  // [bold]
    // By path; unmapped after ~Impl closed the fonts reading them.
    std::map<std::string, std::unique_ptr<MappedFile>> font_files;
    std::unordered_map<WidthKey, int, WidthKeyHash> widths;
    // Images of the content area, by path; a failed load is remembered as null.
    std::map<std::string, SDL_Texture*> images;
    // check_image's verdicts by path: empty when the image decodes.
    std::map<std::string, std::string> image_errors;
    std::shared_ptr<spdlog::logger> log = get_logger("player");

    ~Impl() {
        for (auto& [path, texture] : images)
            if (texture) SDL_DestroyTexture(texture);
        for (auto& weight : cjk)
            for (auto& face : weight)
                if (face.font) TTF_CloseFont(face.font);
        for (auto& weight : fallbacks)
            for (auto& face : weight)
                if (face.font) TTF_CloseFont(face.font);
        if (renderer) SDL_DestroyRenderer(renderer);
        if (window) SDL_DestroyWindow(window);
        if (img_up) IMG_Quit();
        if (ttf_up) TTF_Quit();
        if (sdl_up) SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
    }

    Status open(Face& face, long index, bool synthetic_bold) {
        face.px = 32;
        auto& file = font_files[face.path];
        if (!file) {
            auto mapped = MappedFile::open(face.path);
            if (!mapped) {
                face.broken = true;
                font_files.erase(face.path);
                return mapped.error();
            }
            file = std::move(*mapped);
        }
        face.font = TTF_OpenFontIndexRW(file->stream(), 1, face.px, index);
        if (!face.font) {
            face.broken = true;
            return make_error(ErrorCode::kInvalidArgument,
                              fmt::format("TTF_OpenFontIndexRW {}: {}", face.path, TTF_GetError()));
        }
        if (synthetic_bold) TTF_SetFontStyle(face.font, TTF_STYLE_BOLD);
        return {};
    }

    Status open_faces() {
        for (int bold : {0, 1}) {
            for (int style = 0; style < 4; ++style)
                cjk[bold][style].path = bold ? options.bold_font : options.font;
            // The Japanese face is the one every text can fall back to: it must open.
            if (auto st = open(cjk[bold][0], 0, false); !st) return st;
            for (auto& path : options.fallback_fonts) {
                Face face;
                face.path = path;
                if (auto st = open(face, 0, bold == 1); !st) {
                    log->warn("fallback font skipped: {}", st.error().message);
                    continue;
                }
                fallbacks[bold].push_back(std::move(face));
            }
        }
        return {};
    }

    Face& cjk_face(FontSpec spec) {
        Face& face = cjk[spec.bold][static_cast<int>(spec.cjk)];
        if (!face.font && !face.broken) {
            if (auto st = open(face, static_cast<long>(spec.cjk), false); !st)
                log->warn("{}; using the Japanese face", st.error().message);
        }
        return face.font ? face : cjk[spec.bold][0];
    }

    // Never null once create() succeeded; a size that cannot be set keeps the last one.
    TTF_Font* sized(Face& face, int px, const char* script) {
        if (face.px != px) {
            if (TTF_SetFontSize(face.font, px) == 0)
                face.px = px;
            else
                log->error("TTF_SetFontSize {} px: {}", px, TTF_GetError());
        }
        if (face.script != script) {
            // -1 only when SDL_ttf lacks HarfBuzz: then text is drawn unshaped.
            TTF_SetFontScriptName(face.font, script);
            face.script = script;
        }
        return face.font;
    }

    bool provides(Face& face, const std::vector<char32_t>& cps, std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i)
            if (!is_space(cps[i]) && !TTF_GlyphIsProvided32(face.font, cps[i])) return false;
        return true;
    }

    struct Run {
        std::vector<char32_t> cps;
        Face* face;
    };

    // Splits `text` into runs of one font each. Words (between spaces) stay in one font
    // where any font has all their glyphs, so a Vietnamese word is not drawn half in the
    // CJK font's Latin; otherwise each character goes to the first font that has it.
    std::vector<Run> runs(std::string_view text, FontSpec spec) {
        auto cps = decode_utf8(text);
        Face& primary = cjk_face(spec);
        auto& chain = fallbacks[spec.bold];
        auto first_with = [&](std::size_t from, std::size_t to) -> Face* {
            if (provides(primary, cps, from, to)) return &primary;
            for (auto& face : chain)
                if (provides(face, cps, from, to)) return &face;
            return nullptr;
        };
        std::vector<Run> out;
        auto add = [&](Face* face, char32_t cp) {
            if (out.empty() || out.back().face != face) out.push_back({{}, face});
            out.back().cps.push_back(cp);
        };
        std::size_t i = 0;
        while (i < cps.size()) {
            if (is_space(cps[i])) {
                add(out.empty() ? &primary : out.back().face, cps[i++]);
                continue;
            }
            std::size_t end = i;
            while (end < cps.size() && !is_space(cps[end])) ++end;
            if (Face* face = first_with(i, end)) {
                for (; i < end; ++i) add(face, cps[i]);
                continue;
            }
            for (; i < end; ++i) {
                // Marks and joiners stay with the character before them.
                Face* current = out.empty() ? nullptr : out.back().face;
                if (current && provides(*current, cps, i, i + 1)) {
                    add(current, cps[i]);
                } else {
                    Face* face = first_with(i, i + 1);
                    add(face ? face : &primary, cps[i]);  // the primary's "missing" box
                }
            }
        }
        return out;
    }

    std::string encode(const std::vector<char32_t>& cps) {
        std::string out;
        for (char32_t cp : cps) out += encode_utf8(cp);
        return out;
    }

    int width_of(std::string_view text, FontSpec spec) {
        int total = 0;
        for (auto& run : runs(text, spec)) {
            int w = 0, h = 0;
            std::string s = encode(run.cps);
            if (TTF_SizeUTF8(sized(*run.face, spec.px, script_of(run.cps)), s.c_str(), &w, &h) == 0)
                total += w;
        }
        return total;
    }

    // Draws one line; runs of other fonts sit on the primary font's baseline.
    void draw_text(const FrameText& t) {
        Face& primary = cjk_face(t.font);
        int baseline = t.y + TTF_FontAscent(sized(primary, t.font.px, "Zyyy"));
        int x = t.x;
        for (auto& run : runs(t.text, t.font)) {
            TTF_Font* font = sized(*run.face, t.font.px, script_of(run.cps));
            std::string s = encode(run.cps);
            SDL_Surface* surface = TTF_RenderUTF8_Blended(font, s.c_str(), sdl_colour(t.colour));
            if (!surface) {
                log->error("TTF_RenderUTF8_Blended: {}", TTF_GetError());
                continue;
            }
            SDL_Texture* texture = SDL_CreateTextureFromSurface(renderer, surface);
            SDL_Rect dst{x, baseline - TTF_FontAscent(font), surface->w, surface->h};
            SDL_FreeSurface(surface);
            if (!texture) {
                log->error("SDL_CreateTextureFromSurface: {}", SDL_GetError());
                continue;
            }
            SDL_RenderCopy(renderer, texture, nullptr, &dst);
            SDL_DestroyTexture(texture);
            x += dst.w;
        }
    }

    void draw_icon(const FrameIcon& icon) {
        // An equilateral-looking triangle standing on the square's base.
        float s = static_cast<float>(icon.size);
        float x = static_cast<float>(icon.x);
        float y = static_cast<float>(icon.y);
        SDL_Color c = sdl_colour(icon.colour);
        SDL_Vertex v[3] = {{{x + s / 2, y}, c, {0, 0}},
                           {{x + s, y + s * 0.92f}, c, {0, 0}},
                           {{x, y + s * 0.92f}, c, {0, 0}}};
        if (SDL_RenderGeometry(renderer, nullptr, v, 3, nullptr, 0) != 0)
            log->error("SDL_RenderGeometry: {}", SDL_GetError());
        // The exclamation mark: a bar and a dot in the lower two thirds.
        SDL_SetRenderDrawColor(renderer, icon.mark.r, icon.mark.g, icon.mark.b, 255);
        int bar_w = std::max(1, icon.size / 9);
        int cx = icon.x + icon.size / 2 - bar_w / 2;
        SDL_Rect bar{cx, icon.y + icon.size * 33 / 100, bar_w, icon.size * 33 / 100};
        SDL_Rect dot{cx, icon.y + icon.size * 72 / 100, bar_w, bar_w};
        SDL_RenderFillRect(renderer, &bar);
        SDL_RenderFillRect(renderer, &dot);
    }

    SDL_Texture* image(const std::string& path) {
        auto it = images.find(path);
        if (it != images.end()) return it->second;
        SDL_Texture* texture = IMG_LoadTexture(renderer, path.c_str());
        if (!texture) log->warn("content image {} not shown: {}", path, IMG_GetError());
        images.emplace(path, texture);
        return texture;
    }

    void draw_image(const FrameImage& img) {
        SDL_Texture* texture = image(img.path);
        if (!texture) return;  // the content area's background stays: never a blank screen
        int w = 0, h = 0;
        SDL_QueryTexture(texture, nullptr, nullptr, &w, &h);
        if (w <= 0 || h <= 0) return;
        double scale = std::min(static_cast<double>(img.w) / w, static_cast<double>(img.h) / h);
        int dw = static_cast<int>(w * scale);
        int dh = static_cast<int>(h * scale);
        SDL_Rect dst{img.x + (img.w - dw) / 2, img.y + (img.h - dh) / 2, dw, dh};
        SDL_RenderCopy(renderer, texture, nullptr, &dst);
    }
};

SdlRenderer::SdlRenderer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SdlRenderer::~SdlRenderer() = default;

Result<std::unique_ptr<SdlRenderer>> SdlRenderer::create(const RendererOptions& options) {
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    if (options.offscreen) {
        SDL_SetHintWithPriority(SDL_HINT_VIDEODRIVER, "offscreen", SDL_HINT_OVERRIDE);
        // Otherwise SDL shows the software renderer's frame through an OpenGL texture
        // (Mesa's llvmpipe without a GPU): 20-90 ms per present for an image nobody sees.
        SDL_SetHintWithPriority(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0", SDL_HINT_OVERRIDE);
    }
    // Signals belong to the daemon (core/base/daemon.h): SIGTERM must reach our stop flag.
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) return sdl_error("SDL_Init");
    impl->sdl_up = true;
    if (TTF_Init() != 0)
        return make_error(ErrorCode::kInternal, fmt::format("TTF_Init: {}", TTF_GetError()));
    impl->ttf_up = true;
    if ((IMG_Init(IMG_INIT_PNG | IMG_INIT_JPG) & IMG_INIT_PNG) == 0)
        return make_error(ErrorCode::kInternal, fmt::format("IMG_Init: {}", IMG_GetError()));
    impl->img_up = true;

    Uint32 flags = SDL_WINDOW_SHOWN;
    bool fullscreen = options.fullscreen && !options.offscreen;
    if (fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
    impl->window = SDL_CreateWindow("alerthub signage", SDL_WINDOWPOS_CENTERED,
                                    SDL_WINDOWPOS_CENTERED, options.width, options.height, flags);
    if (!impl->window) return sdl_error("SDL_CreateWindow");
    if (fullscreen) SDL_ShowCursor(SDL_DISABLE);

    // We draw a few frames a minute, so the software renderer is plenty and works under
    // every driver; a GPU renderer is used when there is one.
    if (!options.offscreen)
        impl->renderer = SDL_CreateRenderer(impl->window, -1, SDL_RENDERER_ACCELERATED);
    if (!impl->renderer)
        impl->renderer = SDL_CreateRenderer(impl->window, -1, SDL_RENDERER_SOFTWARE);
    if (!impl->renderer) return sdl_error("SDL_CreateRenderer");

    if (auto opened = impl->open_faces(); !opened) return opened.error();
    int hb_major = 0, hb_minor = 0, hb_patch = 0;
    TTF_GetHarfBuzzVersion(&hb_major, &hb_minor, &hb_patch);
    if (hb_major == 0)
        impl->log->warn("SDL_ttf has no HarfBuzz: Devanagari and Thai are drawn unshaped");
    std::unique_ptr<SdlRenderer> r(new SdlRenderer(std::move(impl)));
    r->refresh_size();
    return r;
}

Result<std::unique_ptr<Renderer>> SdlRenderer::make(const RendererOptions& options) {
    auto made = create(options);
    if (!made) return made.error();
    return std::unique_ptr<Renderer>(std::move(*made));
}

int SdlRenderer::width() const {
    return impl_->width;
}
int SdlRenderer::height() const {
    return impl_->height;
}

void SdlRenderer::refresh_size() {
    int w = 0, h = 0;
    if (SDL_GetRendererOutputSize(impl_->renderer, &w, &h) != 0 || w <= 0 || h <= 0) {
        w = impl_->options.width;
        h = impl_->options.height;
    }
    impl_->width = w;
    impl_->height = h;
}

int SdlRenderer::text_width(std::string_view text, FontSpec spec) {
    if (text.empty()) return 0;
    WidthKey key{std::string(text), spec};
    if (auto it = impl_->widths.find(key); it != impl_->widths.end()) return it->second;
    if (impl_->widths.size() >= kMaxCachedWidths) impl_->widths.clear();
    int width = impl_->width_of(text, spec);
    impl_->widths.emplace(std::move(key), width);
    return width;
}

int SdlRenderer::line_height(FontSpec spec) {
    return TTF_FontLineSkip(impl_->sized(impl_->cjk_face(spec), spec.px, "Zyyy"));
}

std::string SdlRenderer::font_file_for(std::string_view text, FontSpec spec) {
    auto runs = impl_->runs(text, spec);
    for (auto& run : runs)
        if (run.face != &impl_->cjk_face(spec)) return run.face->path;
    return impl_->cjk_face(spec).path;
}

Status SdlRenderer::check_image(const std::string& path) {
    auto it = impl_->image_errors.find(path);
    if (it == impl_->image_errors.end()) {
        std::string error;
        if (SDL_Surface* surface = IMG_Load(path.c_str()))
            SDL_FreeSurface(surface);
        else
            error = fmt::format("IMG_Load: {}", IMG_GetError());
        it = impl_->image_errors.emplace(path, std::move(error)).first;
    }
    if (it->second.empty()) return {};
    return make_error(ErrorCode::kInvalidArgument, "image not decodable: " + it->second);
}

int SdlRenderer::draw(const Frame& frame) {
    SDL_Renderer* r = impl_->renderer;
    SDL_SetRenderDrawColor(r, frame.background.r, frame.background.g, frame.background.b, 255);
    SDL_RenderClear(r);
    for (auto& rect : frame.rects) {
        SDL_SetRenderDrawColor(r, rect.colour.r, rect.colour.g, rect.colour.b, 255);
        SDL_Rect box{rect.x, rect.y, rect.w, rect.h};
        SDL_RenderFillRect(r, &box);
    }
    for (auto& image : frame.images) impl_->draw_image(image);
    for (auto& icon : frame.icons) impl_->draw_icon(icon);
    int outside = 0;
    for (auto& t : frame.texts) {
        if (t.text.empty()) continue;
        impl_->draw_text(t);
        if (t.x < 0 || t.y < 0 || t.x + t.w > impl_->width || t.y + t.h > impl_->height) ++outside;
    }
    return outside;
}

Result<Image> SdlRenderer::capture() {
    Image image;
    image.width = impl_->width;
    image.height = impl_->height;
    image.rgb.resize(static_cast<std::size_t>(image.width) *
                     static_cast<std::size_t>(image.height) * 3);
    if (SDL_RenderReadPixels(impl_->renderer, nullptr, SDL_PIXELFORMAT_RGB24, image.rgb.data(),
                             image.width * 3) != 0)
        return sdl_error("SDL_RenderReadPixels");
    return image;
}

void SdlRenderer::present() {
    SDL_RenderPresent(impl_->renderer);
}

std::string SdlRenderer::video_driver() const {
    const char* driver = SDL_GetCurrentVideoDriver();
    return driver ? driver : "";
}

bool SdlRenderer::can_wait() const {
    auto driver = video_driver();
    return driver == "x11" || driver == "wayland";
}

void SdlRenderer::wait_for_events(std::chrono::milliseconds timeout) {
    SDL_WaitEventTimeout(nullptr, static_cast<int>(timeout.count()));
}

Result<std::function<void()>> SdlRenderer::waker() {
    Uint32 type = SDL_RegisterEvents(1);
    if (type == static_cast<Uint32>(-1))
        return make_error(ErrorCode::kInternal, "SDL_RegisterEvents: no user events left");
    std::function<void()> wake = [type] {
        SDL_Event event{};
        event.type = type;
        SDL_PushEvent(&event);
    };
    return wake;
}

WindowEvents SdlRenderer::take_events() {
    WindowEvents out;
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
        if (e.type == SDL_QUIT) {
            out.closed = true;
        } else if (e.type == SDL_WINDOWEVENT) {
            switch (e.window.event) {
                case SDL_WINDOWEVENT_SIZE_CHANGED:
                case SDL_WINDOWEVENT_DISPLAY_CHANGED:
                    refresh_size();
                    out.redraw = true;
                    break;
                case SDL_WINDOWEVENT_EXPOSED:
                case SDL_WINDOWEVENT_SHOWN:
                case SDL_WINDOWEVENT_RESTORED:
                    out.redraw = true;
                    break;
                default:
                    break;
            }
        } else if (e.type == SDL_DISPLAYEVENT) {
            // A monitor was plugged in, removed or turned: lay out again for its size.
            impl_->log->info("display event {} on display {}", static_cast<int>(e.display.event),
                             e.display.display);
            refresh_size();
            out.redraw = true;
        } else if (e.type == SDL_RENDER_TARGETS_RESET || e.type == SDL_RENDER_DEVICE_RESET) {
            out.redraw = true;
        }
    }
    return out;
}

Status write_png(const Image& image, const std::string& path) {
    // SDL only reads through the pointer; the surface does not outlive this call.
    SDL_Surface* surface = SDL_CreateRGBSurfaceWithFormatFrom(
        const_cast<std::uint8_t*>(image.rgb.data()), image.width, image.height, 24, image.width * 3,
        SDL_PIXELFORMAT_RGB24);
    if (!surface) return sdl_error("SDL_CreateRGBSurfaceWithFormatFrom");
    int rc = IMG_SavePNG(surface, path.c_str());
    SDL_FreeSurface(surface);
    if (rc != 0)
        return make_error(ErrorCode::kInternal,
                          fmt::format("IMG_SavePNG {}: {}", path, IMG_GetError()));
    return {};
}

}  // namespace alerthub::player

namespace alerthub::player {

Result<Image> read_image(const std::string& path) {
    SDL_Surface* loaded = IMG_Load(path.c_str());
    if (!loaded)
        return make_error(ErrorCode::kNotFound,
                          fmt::format("IMG_Load {}: {}", path, IMG_GetError()));
    SDL_Surface* rgb = SDL_ConvertSurfaceFormat(loaded, SDL_PIXELFORMAT_RGB24, 0);
    SDL_FreeSurface(loaded);
    if (!rgb) return sdl_error("SDL_ConvertSurfaceFormat");
    Image image;
    image.width = rgb->w;
    image.height = rgb->h;
    image.rgb.resize(static_cast<std::size_t>(rgb->w) * static_cast<std::size_t>(rgb->h) * 3);
    auto* pixels = static_cast<const std::uint8_t*>(rgb->pixels);
    for (int y = 0; y < rgb->h; ++y)
        std::copy_n(pixels + static_cast<std::ptrdiff_t>(y) * rgb->pitch, rgb->w * 3,
                    image.rgb.begin() + static_cast<std::ptrdiff_t>(y) * rgb->w * 3);
    SDL_FreeSurface(rgb);
    return image;
}

}  // namespace alerthub::player
