#pragma once
// What the resident pages do, without HTTP (web_server.h serves it): double opt-in
// registration, confirmation, preference changes and unsubscribing. Every page is in the
// resident's language (Japanese first: the form's default; language links on the form;
// after registering, the language chosen for the mails), areas grouped by district (地区,
// config/minato_town_blocks.tsv) with a search (areas_script(), optional), and every answer
// repeats the chosen areas and language. Requests are handled one at a time (one SQLite connection
// and one SMTP connection of its own); logs name subscribers by id, never by address.
//
//   register     email + areas + language -> a confirmation mail with a random single-use
//                link (stored as its SHA-256, expiring); the same answer whether or not the
//                address is known, and at most max_mails_per_address per rate_window
//   confirm      the link -> active, with the areas and language asked for; opened again
//                (within SubscriberStore::kUsedTokenKept) -> "already registered"
//   preferences  signed link -> form; POST -> new areas and language
//   unsubscribe  signed link: GET -> a page with a button; POST (also RFC 8058 one-click)
//                -> unsubscribed

#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/mail/mail_config.h"
#include "adapters/mail/mail_links.h"
#include "adapters/mail/smtp_client.h"
#include "adapters/mail/subscriber_store.h"
#include "core/base/clock.h"
#include "core/base/log.h"
#include "core/protocol/town_blocks.h"

namespace alerthub::mail {

struct WebPage {
    int status = 200;
    std::string html;
};

// The languages a subscriber can choose: tag and the name in that language.
struct LanguageChoice {
    std::string tag;
    std::string name;
};
const std::vector<LanguageChoice>& language_choices();

// Everything the resident pages and the confirmation mail say in `language`, as (field, text)
// in a fixed order; empty for a language without texts of its own. For the tests (every
// language of language_choices() has every text, none falls back) and for reviewers.
std::vector<std::pair<std::string_view, std::string_view>> page_texts(std::string_view language);

// The form's optional script (served as /mail/areas.js): search the areas as one types, a
// district's box checks its blocks.
const std::string& areas_script();

class Registration {
public:
    Registration(WebSettings web, std::string from_address, std::string from_name,
                 SubscriberStore& store, SmtpClient& smtp, const TownBlocks& towns, MailLinks links,
                 const Clock& clock);

    // `page_language`: one of language_choices(), else Japanese.
    WebPage form(const std::string& page_language = "ja");
    // `areas`: town-block codes, "district:<地区>" for all blocks of a district, or "all" (also:
    // none given) for the whole ward. `page_language`: the form's (its hidden "ui" field);
    // "" for the language chosen for the mails.
    WebPage register_address(const std::string& email, const std::vector<std::string>& areas,
                             const std::string& language, const std::string& page_language = "");
    WebPage confirm(const std::string& token);
    WebPage preferences_form(const std::string& token);
    WebPage save_preferences(const std::string& token, const std::vector<std::string>& areas,
                             const std::string& language);
    WebPage unsubscribe_form(const std::string& token);
    WebPage unsubscribe(const std::string& token);

private:
    // Checks the choices; on success `areas` is normalized (sorted, "all" -> empty).
    // The problem in `page_language`, or "".
    std::string invalid_choice(std::vector<std::string>& areas, const std::string& language,
                               const std::string& page_language) const;
    // `whole_ward_checked`: a subscriber's current choice (a new form checks nothing:
    // nothing chosen is the whole ward, and a checked box would override blocks picked later).
    std::string choice_fields(const std::vector<std::string>& areas, const std::string& language,
                              const std::string& page_language, bool whole_ward_checked) const;
    // What the resident chose, repeated back: areas (or the whole ward) and language.
    std::string chosen_summary(const std::vector<std::string>& areas, const std::string& language,
                               const std::string& page_language) const;
    static std::string page_language_of(const std::string& requested);

    WebSettings web_;
    std::string from_address_;
    std::string from_name_;
    SubscriberStore& store_;
    SmtpClient& smtp_;
    const TownBlocks& towns_;
    MailLinks links_;
    const Clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
    std::mutex mu_;
};

}  // namespace alerthub::mail
