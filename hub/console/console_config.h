#pragma once
// [console] in hub.toml: the staff console and its HTTP API, the Atom/CAP output feed.
// Documented key by key in config/hub.toml.example.

#include <memory>
#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/http/http_server.h"

namespace alerthub::hub {
class PhraseBank;
}
namespace alerthub::hub::site {
struct Facilities;
}

namespace alerthub::hub::console {

struct ConsoleConfig {
    bool enabled = false;
    std::string listen_host = "127.0.0.1";
    int listen_port = 8081;
    std::string web_dir = "/usr/share/alerthub/console";  // index.html, *.js, *.css
    // Both set: HTTPS, and the session cookie is Secure. secure_cookie alone is for a
    // console behind a TLS-terminating proxy.
    std::string tls_cert_file;
    std::string tls_key_file;
    bool secure_cookie = false;
    int session_idle_s = 3600;  // a session unused this long ends
    int session_max_s = 43200;  // and every session ends after this long
    int max_failed_logins = 5;  // per user name; an address gets four times as many
    int lockout_s = 900;
    std::string cap_sender = "bousai@city.minato.tokyo.jp";  // <sender> of staff notices
    std::string town_blocks_file = "/etc/alerthub/minato_town_blocks.tsv";  // "": none
    // A レベル5 (緊急安全確保) draft may be published by its author alone, with a reason;
    // both are in the audit log.
    bool break_glass_level5 = false;
    // A training hub: every notice is an exercise, and the console says so on every page.
    bool training = false;
    std::string feed_base_url;  // absolute URL of this server for links in the Atom feed
    std::string feed_title = "港区 防災情報 / Minato City disaster information";
    // After every audit entry the head (seq and hash) is written here, atomically, so that
    // deleting the newest entries is caught by `hubctl audit verify`. Empty: not kept.
    std::string audit_head_file;
    // The signage preview runs `signage-player --render`; empty: signage-player next to the
    // hub's own binary. Not installed: the preview says so.
    std::string player_binary;
    // [http] (filled by load_hub_config): the request deadline, workers, trusted proxies.
    HttpServerOptions http;
    // The adapters a notice goes to beside the screens ([delivery] channels, read from the
    // same file): what the approver is told goes out.
    std::vector<std::string> channels = {"line", "mail"};
    // Not a key: the hub's phrase bank ([phrases] dir), which gives the notices' texts in
    // every language (notice_templates.h). Null: staff write every text themselves.
    std::shared_ptr<const PhraseBank> phrases;
    // Not a key: the ward's shelters and facilities ([site]'s data), which notices pick and
    // whose status staff set (FacilityDesk). Null: none listed (shelters typed by hand).
    std::shared_ptr<const site::Facilities> facilities;
};

// Reads every console.* key into `out`, reporting problems through `c`.
void read_console_config(ConfigReader& c, ConsoleConfig& out);

}  // namespace alerthub::hub::console
