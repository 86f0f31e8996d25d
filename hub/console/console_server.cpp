#include "hub/console/console_server.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "core/base/crypto.h"
#include "core/base/log.h"
#include "core/http/http_server.h"
#include "hub/console/console_json.h"
#include "hub/console/signage_preview.h"

namespace alerthub::hub::console {
namespace {

using nlohmann::json;

constexpr const char* kJson = "application/json; charset=utf-8";
constexpr std::size_t kMaxBodyBytes = 256 * 1024;
constexpr std::string_view kAlertIdPattern = "([A-Za-z0-9._:-]{1,200})";
constexpr const char* kRoleMessage =
    "役割は operator・approver・admin・facility のどれかです / role must be operator, approver, "
    "admin or facility";

int http_status(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidArgument:
            return 422;
        case ErrorCode::kNotFound:
            return 404;
        case ErrorCode::kAlreadyExists:
            return 409;
        case ErrorCode::kPermissionDenied:
            return 403;
        case ErrorCode::kRateLimited:
            return 429;
        case ErrorCode::kUnavailable:
        case ErrorCode::kTimeout:
            return 503;
        case ErrorCode::kResourceExhausted:
            return 413;
        case ErrorCode::kInternal:
            return 500;
    }
    return 500;
}

void reply_json(HttpServerResponse& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), kJson);
}

void reply_error(HttpServerResponse& res, int status, std::string_view error) {
    reply_json(res, status, {{"error", error}});
}

void reply_error(HttpServerResponse& res, const Error& e) {
    reply_error(res, http_status(e.code), e.message);
}

std::int64_t path_id(const HttpServerRequest& req) {
    std::int64_t id = 0;
    const std::string& m = req.captures.at(0);
    std::from_chars(m.data(), m.data() + m.size(), id);
    return id;
}

// "ja", "zh-Hans", "ja-x-easy": passed to the player as one argument.
bool valid_language(std::string_view tag) {
    return !tag.empty() && tag.size() <= 35 && std::all_of(tag.begin(), tag.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-';
    }) && tag.front() != '-';
}

Result<json> draft_result(const Result<Draft>& d) {
    if (!d) return d.error();
    return draft_json(*d);
}

}  // namespace

struct ConsoleServer::Impl {
    ConsoleService& service;
    DeviceScreenshots* screenshots;
    SignagePreview signage;
    std::unique_ptr<HttpServer> listener;  // made by start(): plain or TLS

    Impl(ConsoleService& s, DeviceScreenshots* shots)
        : service(s), screenshots(shots), signage(s.config().player_binary) {}

    const ConsoleConfig& config() const { return service.config(); }

    // __Host- cookies must be Secure, Path=/ and without Domain: a sibling host can then
    // neither set nor overwrite them.
    std::string cookie_name() const {
        return config().secure_cookie ? "__Host-alerthub_session" : "alerthub_session";
    }

    std::string session_token(const HttpServerRequest& req) const {
        const std::string name = cookie_name() + "=";
        auto header = req.header("Cookie");
        std::string_view rest = header;
        while (!rest.empty()) {
            auto end = rest.find(';');
            auto part = rest.substr(0, end);
            while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
            if (part.starts_with(name)) return std::string(part.substr(name.size()));
            if (end == std::string_view::npos) break;
            rest.remove_prefix(end + 1);
        }
        return {};
    }

    void set_cookie(HttpServerResponse& res, std::string_view token, int max_age) const {
        res.set_header(
            "Set-Cookie",
            fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", cookie_name(),
                        token, max_age, config().secure_cookie ? "; Secure" : ""));
    }

    // The caller's session, or the answer already written (401 without one, 403 when a
    // state-changing request lacks the CSRF token or a JSON body).
    std::optional<Session> authenticate(const HttpServerRequest& req, HttpServerResponse& res) {
        auto token = session_token(req);
        if (token.empty()) {
            reply_error(res, 401, "ログインしてください / not logged in");
            return std::nullopt;
        }
        auto session = service.accounts().session(token, req.client_address);
        if (!session) {
            set_cookie(res, "", 0);
            reply_error(res, 401, session.error().message);
            return std::nullopt;
        }
        if (req.method != "GET" && req.method != "HEAD") {
            auto given = req.header("X-CSRF-Token");
            if (given.empty() || !constant_time_equal(given, session->csrf_token)) {
                get_logger("hub")->warn(
                    "console: {} {} by {} from {}: missing or wrong CSRF "
                    "token",
                    req.method, req.path, session->actor.user, req.client_address);
                reply_error(res, 403,
                            "ページを読み込み直してください (CSRF トークンがありません) / missing "
                            "or wrong CSRF token (X-CSRF-Token)");
                return std::nullopt;
            }
        }
        return std::move(*session);
    }

    // A facility account (role facility) only sets facility status: true, with the answer
    // written, for every other endpoint.
    static bool refused_to_facility_staff(const Session& session, HttpServerResponse& res) {
        if (session.actor.role != Role::kFacility) return false;
        reply_error(res, 403,
                    "施設担当は施設の状況だけを変えられます (facility.html) / a facility account "
                    "only sets facility status");
        return true;
    }

    // A JSON object body, or the answer already written.
    std::optional<json> body_of(const HttpServerRequest& req, HttpServerResponse& res) {
        auto type = req.header("Content-Type");
        if (!type.starts_with("application/json")) {
            reply_error(
                res, 415,
                "本文は JSON です / the body must be JSON (Content-Type: application/json)");
            return std::nullopt;
        }
        auto body = json::parse(req.body, nullptr, false);
        if (body.is_discarded() || !body.is_object()) {
            reply_error(res, 400,
                        "本文が JSON オブジェクトではありません / the body is not a JSON object");
            return std::nullopt;
        }
        return body;
    }

    // Authenticated (and, for POST, CSRF-checked) JSON endpoint. A facility account (role
    // facility) reaches only the endpoints made with `for_facility_staff`: its session,
    // password and facilities.
    template <typename F>
    auto api(F handler, bool for_facility_staff = false) {
        return [this, handler, for_facility_staff](const HttpServerRequest& req,
                                                   HttpServerResponse& res) {
            auto session = authenticate(req, res);
            if (!session) return;
            if (!for_facility_staff && refused_to_facility_staff(*session, res)) return;
            json body = json::object();
            if (req.method == "POST") {
                auto parsed = body_of(req, res);
                if (!parsed) return;
                body = std::move(*parsed);
            }
            Result<json> result = make_error(ErrorCode::kInternal, "not handled");
            try {
                result = handler(*session, req, body);
            } catch (const json::exception& e) {
                result = make_error(
                    ErrorCode::kInvalidArgument,
                    fmt::format("項目の型が違います / a field has the wrong type: {}", e.what()));
            }
            if (!result) return reply_error(res, result.error());
            const bool created = result->is_object() && result->value("created", false);
            reply_json(res, req.method == "POST" && created ? 201 : 200, *result);
        };
    }

    void routes(HttpServer& http) {
        http.post("/api/v1/login", [this](const HttpServerRequest& req, HttpServerResponse& res) {
            auto body = body_of(req, res);
            if (!body) return;
            const auto& user_field = (*body)["user"];
            const auto& password_field = (*body)["password"];
            if (!user_field.is_string() || !password_field.is_string())
                return reply_error(res, 400,
                                   "ユーザー名とパスワードを入れてください / user and password "
                                   "must be strings");
            const auto& name = user_field.get_ref<const std::string&>();
            const auto& password = password_field.get_ref<const std::string&>();
            std::int64_t retry_after_s = 0;
            auto login =
                service.accounts().login(name, password, req.client_address, &retry_after_s);
            if (!login) {
                // Staff read Japanese first; Accounts' English reason follows.
                if (login.error().code == ErrorCode::kPermissionDenied)
                    return reply_error(
                        res, 401,
                        "ユーザー名またはパスワードが違います / " + login.error().message);
                if (login.error().code == ErrorCode::kRateLimited)
                    res.set_header("Retry-After", std::to_string(retry_after_s));
                return reply_error(res, login.error());
            }
            set_cookie(res, login->token, config().session_max_s);
            reply_json(res, 200, session_json(login->session));
        });
        http.post("/api/v1/logout", [this](const HttpServerRequest& req, HttpServerResponse& res) {
            auto session = authenticate(req, res);
            if (!session) return;
            if (auto st = service.accounts().logout(session_token(req), req.client_address); !st)
                return reply_error(res, st.error());
            set_cookie(res, "", 0);
            reply_json(res, 200, {{"logged_out", true}});
        });
        http.get("/api/v1/session",
                 api([this](const Session& s, const auto&,
                            const json&) -> Result<json> { return session_json(s); },
                     true));
        http.post("/api/v1/password",
                  api(
                      [this](const Session& s, const auto&, const json& body) -> Result<json> {
                          auto st = service.accounts().change_own_password(
                              s.actor, body.value("current", ""), body.value("password", ""));
                          if (!st) return st.error();
                          return json{{"changed", true}};
                      },
                      true));
        facility_routes(http);
        http.get("/api/v1/reference",
                 api([this](const Session&, const auto&, const json&) -> Result<json> {
                     return reference_json(service.drafts().reference());
                 }));
        http.post("/api/v1/compose",
                  api([this](const Session& s, const auto&, const json& body) -> Result<json> {
                      // The template's own texts: what staff wrote is not looked at.
                      json texts_left_out = body;
                      for (auto field : {"headline", "description", "instruction"})
                          texts_left_out.erase(field);
                      auto request = draft_request_from_json(texts_left_out);
                      if (!request) return request.error();
                      auto content = service.drafts().compose(s.actor, std::move(*request));
                      if (!content) return content.error();
                      json out = draft_content_json(*content);
                      // An update: what it changes against the version in force, as the
                      // officer chooses.
                      if (content->action == DraftAction::kUpdate) {
                          auto changes = service.drafts().changes(s.actor, *content);
                          if (!changes) return changes.error();
                          out["changes"] = draft_changes_json(*changes);
                      }
                      return out;
                  }));
        // A staff notice as it is in force, and the update an officer starts from.
        http.get(fmt::format("/api/v1/notices/{}", kAlertIdPattern),
                 api([this](const Session& s, const HttpServerRequest& req,
                            const json&) -> Result<json> {
                     auto notice = service.drafts().notice(s.actor, req.captures.at(0));
                     if (!notice) return notice.error();
                     return notice_json(*notice);
                 }));
        http.get("/api/v1/drafts", api([this](const Session& s, const HttpServerRequest& req,
                                              const json&) -> Result<json> {
                     json out = json::array();
                     std::optional<DraftState> state;
                     if (auto filter = req.param("state"); !filter.empty()) {
                         state = parse_draft_state(filter);
                         if (!state) return out;  // no draft is in a state that does not exist
                     }
                     auto drafts = service.drafts().list(s.actor, state);
                     if (!drafts) return drafts.error();
                     for (const auto& d : *drafts) out.push_back(draft_json(d));
                     return out;
                 }));
        http.post("/api/v1/drafts",
                  api([this](const Session& s, const auto&, const json& body) -> Result<json> {
                      auto request = draft_request_from_json(body);
                      if (!request) return request.error();
                      bool reused = false;
                      auto d = service.drafts().create(s.actor, *request, &reused);
                      if (!d) return d.error();
                      json out = draft_json(*d);
                      // 200 with the earlier draft for a repeated request, 201 for a new one.
                      out["created"] = !reused;
                      return out;
                  }));
        http.get(R"(/api/v1/drafts/(\d{1,18}))",
                 api([this](const Session& s, const HttpServerRequest& req,
                            const json&) -> Result<json> {
                     auto view = service.drafts().get(s.actor, path_id(req));
                     if (!view) return view.error();
                     return draft_view_json(*view);
                 }));
        // The draft as a signage screen would show it (?lang=en for its English texts).
        http.get(R"(/api/v1/drafts/(\d{1,18})/preview\.png)", [this](const HttpServerRequest& req,
                                                                     HttpServerResponse& res) {
            auto session = authenticate(req, res);
            if (!session || refused_to_facility_staff(*session, res)) return;
            auto d = service.drafts().get(session->actor, path_id(req));
            if (!d) return reply_error(res, d.error());
            if (!d->preview)
                return reply_error(
                    res, 422,
                    d->preview_error.value_or(
                        "この下書きにはプレビューがありません / this draft has no preview"));
            auto lang = req.has_param("lang") ? req.param("lang") : "ja";
            if (!valid_language(lang))
                return reply_error(res, 422, "lang は言語タグです / lang must be a language tag");
            auto png = signage.render(json::parse(encode_alert(*d->preview)).dump(), lang);
            if (!png) return reply_error(res, png.error());
            res.set_content(*png, "image/png");
        });
        http.post(R"(/api/v1/drafts/(\d{1,18})/approve)",
                  api([this](const Session& s, const HttpServerRequest& req, const json&) {
                      return draft_result(service.drafts().approve(s.actor, path_id(req)));
                  }));
        http.post(R"(/api/v1/drafts/(\d{1,18})/break-glass)",
                  api([this](const Session& s, const HttpServerRequest& req, const json& body) {
                      return draft_result(service.drafts().break_glass(s.actor, path_id(req),
                                                                       body.value("reason", "")));
                  }));
        http.post(R"(/api/v1/drafts/(\d{1,18})/reject)",
                  api([this](const Session& s, const HttpServerRequest& req, const json& body) {
                      return draft_result(
                          service.drafts().reject(s.actor, path_id(req), body.value("reason", "")));
                  }));
        http.get("/api/v1/board",
                 api([this](const Session& s, const auto&, const json&) -> Result<json> {
                     auto board = service.board().board(s.actor);
                     if (!board) return board.error();
                     return board_json(*board);
                 }));
        // A screen's picture, on request: the command goes out now, the PNG comes later.
        http.post(
            fmt::format("/api/v1/devices/{}/screenshot", kAlertIdPattern),
            api([this](const Session&, const HttpServerRequest& req, const json&) -> Result<json> {
                if (!screenshots)
                    return make_error(ErrorCode::kUnavailable,
                                      "画面の取得にはハブのメッセージバスが必要です / screenshots "
                                      "need the hub's message bus");
                auto device = req.captures.at(0);
                auto id = screenshots->request(device);
                if (!id) return id.error();
                return json{{"device_id", device}, {"request_id", *id}};
            }));
        http.get(
            fmt::format("/api/v1/devices/{}/screenshots/([0-9a-f]{{16}})\\.png", kAlertIdPattern),
            [this](const HttpServerRequest& req, HttpServerResponse& res) {
                auto session = authenticate(req, res);
                if (!session || refused_to_facility_staff(*session, res)) return;
                auto png = screenshots ? screenshots->png(req.captures.at(0), req.captures.at(1))
                                       : std::nullopt;
                if (!png)
                    return reply_error(res, 404, "画面はまだ届いていません / no screenshot (yet)");
                res.set_content(*png, "image/png");
            });
        http.get("/api/v1/audit", api([this](const Session& s, const HttpServerRequest& req,
                                             const json&) -> Result<json> {
                     std::int64_t before = 0;
                     int limit = 100;
                     auto b = req.param("before");
                     auto l = req.param("limit");
                     std::from_chars(b.data(), b.data() + b.size(), before);
                     std::from_chars(l.data(), l.data() + l.size(), limit);
                     auto entries = service.audit().list(s.actor, before, limit);
                     if (!entries) return entries.error();
                     json out = json::array();
                     for (const auto& e : *entries) out.push_back(audit_entry_json(e));
                     return out;
                 }));
        http.get("/api/v1/audit/verify",
                 api([this](const Session&, const auto&, const json&) -> Result<json> {
                     auto v = service.audit().verify(std::nullopt);
                     if (!v) return v.error();
                     return audit_verification_json(*v);
                 }));
        http.get("/api/v1/users",
                 api([this](const Session& s, const auto&, const json&) -> Result<json> {
                     auto users = service.accounts().users(s.actor);
                     if (!users) return users.error();
                     json out = json::array();
                     for (const auto& u : *users) out.push_back(user_json(u));
                     return out;
                 }));
        http.post("/api/v1/users",
                  api([this](const Session& s, const auto&, const json& body) -> Result<json> {
                      auto role = parse_role(body.value("role", ""));
                      if (!role) return make_error(ErrorCode::kInvalidArgument, kRoleMessage);
                      auto name = body.value("name", "");
                      auto facilities = body.value("facilities", std::vector<std::string>{});
                      auto st = service.accounts().add_user(s.actor, name, *role,
                                                            body.value("password", ""), facilities);
                      if (!st) return st.error();
                      return json{{"created", true},
                                  {"name", name},
                                  {"role", to_string(*role)},
                                  {"facilities", facilities}};
                  }));
        http.post(R"(/api/v1/users/([a-z0-9._-]{1,64}))",
                  api([this](const Session& s, const HttpServerRequest& req,
                             const json& body) -> Result<json> {
                      UserChange change;
                      if (body.contains("role")) {
                          change.role = parse_role(body.value("role", ""));
                          if (!change.role)
                              return make_error(ErrorCode::kInvalidArgument, kRoleMessage);
                      }
                      if (body.contains("facilities"))
                          change.facilities = body.value("facilities", std::vector<std::string>{});
                      if (body.contains("password")) change.password = body.value("password", "");
                      if (body.contains("disabled"))
                          change.disabled = body.value("disabled", false);
                      change.unlock = body.value("unlock", false);
                      auto name = req.captures.at(0);
                      auto st = service.accounts().change_user(s.actor, name, change);
                      if (!st) return st.error();
                      return json{{"changed", true}, {"name", name}};
                  }));

        // The public output feed: no session, read-only.
        http.get("/feed/alerts.atom", [this](const HttpServerRequest&, HttpServerResponse& res) {
            auto feed = service.feed().atom();
            if (!feed) return reply_error(res, feed.error());
            res.set_header("Cache-Control", "max-age=30");
            res.set_content(*feed, "application/atom+xml; charset=utf-8");
        });
        http.get(fmt::format("/feed/cap/{}\\.xml", kAlertIdPattern),
                 [this](const HttpServerRequest& req, HttpServerResponse& res) {
                     auto cap = service.feed().cap_document(req.captures.at(0));
                     if (!cap) return reply_error(res, cap.error());
                     res.set_header("Cache-Control", "max-age=30");
                     res.set_content(*cap, "application/cap+xml; charset=utf-8");
                 });
        http.get("/healthz", [](const HttpServerRequest&, HttpServerResponse& res) {
            reply_json(res, 200, {{"status", "ok"}});
        });
    }

    // The operator page's API (web/console/facility.html): the facilities the caller may see
    // and setting one's status. Any role may list; FacilityDesk decides who may set.
    void facility_routes(HttpServer& http) {
        http.get("/api/v1/facilities",
                 api(
                     [this](const Session& s, const auto&, const json&) -> Result<json> {
                         auto list = service.facilities().list(s.actor);
                         if (!list) return list.error();
                         json out = json::array();
                         for (const auto& v : *list) out.push_back(facility_json(v));
                         return out;
                     },
                     true));
        http.post(R"(/api/v1/facilities/([A-Za-z0-9._-]{1,64})/status)",
                  api(
                      [this](const Session& s, const HttpServerRequest& req,
                             const json& body) -> Result<json> {
                          const auto& taken_in =
                              body.contains("taken_in") ? body["taken_in"] : json(0);
                          if (!taken_in.is_number_integer())
                              return make_error(ErrorCode::kInvalidArgument,
                                                "受入人数は整数です / taken_in must be a whole "
                                                "number");
                          auto view = service.facilities().set_status(
                              s.actor, {.facility_id = req.captures.at(0),
                                        .state = body.value("state", ""),
                                        .taken_in = taken_in.get<std::int64_t>()});
                          if (!view) return view.error();
                          return facility_json(*view);
                      },
                      true));
    }

    json session_json(const Session& s) const {
        return {{"user", s.actor.user},
                {"role", to_string(s.actor.role)},
                {"csrf_token", s.csrf_token},
                {"expires_ms", s.expires_ms},
                {"training", config().training}};
    }
};

ConsoleServer::ConsoleServer(ConsoleService& service, DeviceScreenshots* screenshots)
    : impl_(std::make_unique<Impl>(service, screenshots)) {}

ConsoleServer::~ConsoleServer() {
    stop();
}

Status ConsoleServer::start() {
    const auto& o = impl_->config();
    HttpServerOptions options = o.http;
    options.max_body_bytes = kMaxBodyBytes;
    options.write_timeout = std::chrono::seconds(30);
    options.tls_cert_file = o.tls_cert_file;
    options.tls_key_file = o.tls_key_file;
    impl_->listener = std::make_unique<HttpServer>("console", "hub", std::move(options));
    auto& s = *impl_->listener;
    const bool tls = !o.tls_cert_file.empty();
    s.add_headers_to_every_answer([tls](const HttpServerRequest& req) {
        HttpFields headers = {{"X-Content-Type-Options", "nosniff"},
                              {"X-Frame-Options", "DENY"},
                              {"Referrer-Policy", "no-referrer"},
                              {"Content-Security-Policy",
                               "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"}};
        if (tls) headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
        if (req.path.starts_with("/api/")) headers.emplace_back("Cache-Control", "no-store");
        return headers;
    });
    impl_->routes(s);
    if (auto served = s.serve_files("/", o.web_dir); served) {
        s.set_file_type("js", "text/javascript; charset=utf-8");
        s.set_file_type("mjs", "text/javascript; charset=utf-8");
    } else {
        get_logger("hub")->warn("console: web_dir {} is not a folder: serving the API only",
                                o.web_dir);
    }

    return impl_->listener->start(o.listen_host, o.listen_port);
}

void ConsoleServer::stop() {
    if (impl_ && impl_->listener) impl_->listener->stop();
}

int ConsoleServer::port() const {
    return impl_->listener ? impl_->listener->port() : 0;
}

}  // namespace alerthub::hub::console
