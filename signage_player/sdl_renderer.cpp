#include "signage_player/sdl_renderer.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <fmt/format.h>

#include <utility>

#include "core/log.h"

namespace alerthub::player {
namespace {

constexpr int kFaceJapanese = 0;  // face 0 of the Noto CJK collection is "Noto Sans CJK JP"

Error sdl_error(std::string_view call) {
    return make_error(ErrorCode::kInternal, fmt::format("{}: {}", call, SDL_GetError()));
}

SDL_Color sdl_colour(Colour c) {
    return SDL_Color{c.r, c.g, c.b, 255};
}

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
    // One face per weight, resized on demand: a face of the CJK collection is large, and
    // fitting text to the screen tries many sizes (a face per size cost 100 MB and more).
    struct Face {
        TTF_Font* font = nullptr;
        int px = 0;
    };
    Face faces[2];  // regular, bold
    std::shared_ptr<spdlog::logger> log = get_logger("player");

    ~Impl() {
        for (auto& face : faces)
            if (face.font) TTF_CloseFont(face.font);
        if (renderer) SDL_DestroyRenderer(renderer);
        if (window) SDL_DestroyWindow(window);
        if (img_up) IMG_Quit();
        if (ttf_up) TTF_Quit();
        if (sdl_up) SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
    }

    Status open_faces() {
        for (bool bold : {false, true}) {
            const std::string& path = bold ? options.bold_font : options.font;
            Face& face = faces[bold];
            face.px = 32;
            face.font = TTF_OpenFontIndex(path.c_str(), face.px, kFaceJapanese);
            if (!face.font)
                return make_error(ErrorCode::kInvalidArgument,
                                  fmt::format("TTF_OpenFontIndex {}: {}", path, TTF_GetError()));
        }
        return {};
    }

    // Never null once create() succeeded; a size that cannot be set keeps the last one.
    TTF_Font* font(FontSpec spec) {
        Face& face = faces[spec.bold];
        if (face.px != spec.px) {
            if (TTF_SetFontSize(face.font, spec.px) == 0)
                face.px = spec.px;
            else
                log->error("TTF_SetFontSize {} px: {}", spec.px, TTF_GetError());
        }
        return face.font;
    }
};

SdlRenderer::SdlRenderer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SdlRenderer::~SdlRenderer() = default;

Result<std::unique_ptr<SdlRenderer>> SdlRenderer::create(const RendererOptions& options) {
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    if (options.offscreen)
        SDL_SetHintWithPriority(SDL_HINT_VIDEODRIVER, "offscreen", SDL_HINT_OVERRIDE);
    // Signals belong to the daemon (core/daemon.h): SIGTERM must reach our stop flag.
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) return sdl_error("SDL_Init");
    impl->sdl_up = true;
    if (TTF_Init() != 0)
        return make_error(ErrorCode::kInternal, fmt::format("TTF_Init: {}", TTF_GetError()));
    impl->ttf_up = true;
    if ((IMG_Init(IMG_INIT_PNG) & IMG_INIT_PNG) == 0)
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
    std::unique_ptr<SdlRenderer> r(new SdlRenderer(std::move(impl)));
    r->refresh_size();
    return r;
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
    int w = 0, h = 0;
    std::string s(text);
    if (TTF_SizeUTF8(impl_->font(spec), s.c_str(), &w, &h) != 0) return 0;
    return w;
}

int SdlRenderer::line_height(FontSpec spec) {
    return TTF_FontLineSkip(impl_->font(spec));
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
    int outside = 0;
    for (auto& t : frame.texts) {
        if (t.text.empty()) continue;
        SDL_Surface* surface =
            TTF_RenderUTF8_Blended(impl_->font(t.font), t.text.c_str(), sdl_colour(t.colour));
        if (!surface) {
            impl_->log->error("TTF_RenderUTF8_Blended: {}", TTF_GetError());
            continue;
        }
        SDL_Texture* texture = SDL_CreateTextureFromSurface(r, surface);
        SDL_Rect dst{t.x, t.y, surface->w, surface->h};
        SDL_FreeSurface(surface);
        if (!texture) {
            impl_->log->error("SDL_CreateTextureFromSurface: {}", SDL_GetError());
            continue;
        }
        SDL_RenderCopy(r, texture, nullptr, &dst);
        SDL_DestroyTexture(texture);
        if (dst.x < 0 || dst.y < 0 || dst.x + dst.w > impl_->width || dst.y + dst.h > impl_->height)
            ++outside;
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
