#pragma once
// [site] in hub.toml: the public static site (hub/site/). Documented key by key in
// config/hub.toml.example.

#include <string>

#include "core/config/config.h"

namespace alerthub::hub::site {

struct SiteConfig {
    bool enabled = false;
    // Where the trees are written; the web server serves <dir>/current.
    std::string dir = "/var/lib/alerthub/site";
    // The site's public address ("https://bousai.example.jp"): every published alert links
    // its page first (rel "site"), so LINE, mail and the screens' QR codes lead there.
    std::string base_url;
    std::string templates_dir = "/etc/alerthub/site";
    std::string emergency_sites_file = "/etc/alerthub/shelters/131032-emergency-sites.geojson";
    std::string shelters_file = "/etc/alerthub/shelters/131032-designated-shelters.geojson";
    // The ward's 一時滞在施設 (config/shelters/README.md); "": none listed.
    std::string stay_facilities_file;
    // The screens' locations (config/site/locations.tsv); "": no per-screen pages.
    std::string locations_file;
    // What the GSI licence requires every page to show.
    std::string attribution = "出典：国土地理院 指定緊急避難場所・指定避難所データ";
    std::string ward_name = "港区";
    std::string cap_sender = "bousai@city.minato.tokyo.jp";
    // Run by /bin/sh after each new tree, with ALERTHUB_SITE_TREE (the new tree's folder)
    // in its environment: copies the site to another server or an object store.
    std::string publish_hook;
    // Rendered again at least this often, so that expiries show without a new document.
    int refresh_s = 60;
    int max_alerts = 200;
};

void read_site_config(ConfigReader& c, SiteConfig& o);

}  // namespace alerthub::hub::site
