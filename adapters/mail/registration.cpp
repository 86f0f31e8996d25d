#include "adapters/mail/registration.h"

#include <fmt/format.h>

#include <algorithm>

#include "adapters/mail/mail_message.h"
#include "core/base/crypto.h"

namespace alerthub::mail {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// One page: Japanese, then English, both in full.
WebPage page(int status, std::string_view title_ja, std::string_view title_en,
             std::string_view body) {
    WebPage p;
    p.status = status;
    p.html = fmt::format(
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>{0} / {1}</title>"
        "<style>body{{font-family:sans-serif;max-width:44em;margin:1em auto;padding:0 1em;"
        "line-height:1.6}}fieldset{{margin:1em 0}}label{{display:inline-block;margin-right:1em}}"
        "button{{font-size:1.1em;padding:.4em 1.2em}}.en{{color:#444}}</style></head>\n"
        "<body><h1>{0}<br><span class=\"en\" lang=\"en\">{1}</span></h1>\n{2}\n"
        "<p><small>港区 防災情報メール / Minato City disaster information mail</small></p>"
        "</body></html>\n",
        html_escape(title_ja), html_escape(title_en), body);
    return p;
}

// A paragraph in Japanese followed by its English.
std::string para(std::string_view ja, std::string_view en) {
    return fmt::format("<p>{}<br><span class=\"en\" lang=\"en\">{}</span></p>\n", ja, en);
}

WebPage bad_link() {
    return page(
        404, "リンクが無効です", "This link is not valid",
        para("このリンクは無効か、期限が切れています。お手数ですが、もう一度登録してください。",
             "This link is not valid or has expired. Please register again."));
}

WebPage unavailable() {
    return page(503, "ただいま処理できません", "Please try again later",
                para("しばらくしてから、もう一度お試しください。",
                     "Something went wrong on our side. Please try again in a few minutes."));
}

}  // namespace

const std::vector<LanguageChoice>& language_choices() {
    static const std::vector<LanguageChoice> kChoices = {
        {"ja", "日本語"},        {"ja-x-easy", "やさしい日本語"},
        {"en", "English"},       {"zh-Hans", "简体中文"},
        {"zh-Hant", "繁體中文"}, {"ko", "한국어"},
        {"vi", "Tiếng Việt"},    {"ne", "नेपाली"},
        {"pt", "Português"}};
    return kChoices;
}

Registration::Registration(WebSettings web, std::string from_address, std::string from_name,
                           SubscriberStore& store, SmtpClient& smtp, const TownBlocks& towns,
                           MailLinks links, const Clock& clock)
    : web_(std::move(web)),
      from_address_(std::move(from_address)),
      from_name_(std::move(from_name)),
      store_(store),
      smtp_(smtp),
      towns_(towns),
      links_(std::move(links)),
      clock_(clock),
      log_(get_logger("mail")) {}

std::string Registration::invalid_choice(std::vector<std::string>& areas,
                                         const std::string& language) const {
    auto& langs = language_choices();
    if (std::none_of(langs.begin(), langs.end(),
                     [&](const LanguageChoice& c) { return c.tag == language; }))
        return "言語を選んでください。 / Please choose a language.";
    if (std::find(areas.begin(), areas.end(), "all") != areas.end()) {
        areas.clear();
        return {};
    }
    for (auto& a : areas)
        if (!towns_.find(a)) return "地域の指定が正しくありません。 / Unknown area.";
    std::sort(areas.begin(), areas.end());
    areas.erase(std::unique(areas.begin(), areas.end()), areas.end());
    return {};
}

std::string Registration::choice_fields(const std::vector<std::string>& areas,
                                        const std::string& language) const {
    auto checked = [&](std::string_view code) {
        return std::find(areas.begin(), areas.end(), code) != areas.end() ? " checked" : "";
    };
    std::string out = "<fieldset><legend>地域 / Areas</legend>\n";
    out += fmt::format(
        "<p><label><input type=\"checkbox\" name=\"areas\" value=\"all\"{}> 港区全域 / All of "
        "Minato City</label></p>\n",
        areas.empty() ? " checked" : "");
    for (auto& town : towns_.towns()) {
        out += "<p>" + html_escape(town) + ": ";
        for (auto* b : towns_.blocks_of(town))
            out += fmt::format(
                "<label><input type=\"checkbox\" name=\"areas\" value=\"{}\"{}> {}</label>",
                html_escape(b->code), checked(b->code), html_escape(b->name));
        out += "</p>\n";
    }
    out += "</fieldset>\n<fieldset><legend>言語 / Language</legend>\n";
    for (auto& c : language_choices())
        out += fmt::format(
            "<label><input type=\"radio\" name=\"language\" value=\"{}\"{}> {}</label>\n", c.tag,
            c.tag == language ? " checked" : "", html_escape(c.name));
    return out + "</fieldset>\n";
}

WebPage Registration::form() {
    std::lock_guard lock(mu_);
    auto body = para(
        "港区の防災情報（避難指示、警報など）をメールでお届けします。メールアドレスと地域、言語を"
        "選んでください。確認メールのリンクを開くと登録が完了します。",
        "Minato City sends disaster information (evacuation orders, warnings) by e-mail. Enter "
        "your address and choose your areas and language. Open the link in the confirmation "
        "mail to finish.");
    body +=
        "<form method=\"post\" action=\"register\">\n<p><label>メールアドレス / E-mail "
        "<input type=\"email\" name=\"email\" required maxlength=\"254\"></label></p>\n";
    body += choice_fields({}, "ja");
    body +=
        "<p><button type=\"submit\">確認メールを送る / Send confirmation mail</button></p>"
        "</form>";
    return page(200, "防災情報メールの登録", "Register for disaster information mail", body);
}

WebPage Registration::register_address(const std::string& email_in,
                                       const std::vector<std::string>& areas_in,
                                       const std::string& language) {
    std::lock_guard lock(mu_);
    auto email = email_in;
    while (!email.empty() && std::isspace(static_cast<unsigned char>(email.back())))
        email.pop_back();
    while (!email.empty() && std::isspace(static_cast<unsigned char>(email.front())))
        email.erase(0, 1);
    auto areas = areas_in;
    std::string problem = plausible_address(email)
                              ? invalid_choice(areas, language)
                              : "メールアドレスが正しくありません。 / Not a valid e-mail address.";
    if (!problem.empty())
        return page(400, "入力を確認してください", "Please check your entry",
                    "<p>" + html_escape(problem) + "</p>");

    auto now = clock_.now();
    auto allowed = store_.allow_registration_mail(sha256_hex(lower(email)), now - web_.rate_window,
                                                  now, web_.max_mails_per_address);
    if (!allowed) {
        log_->error("registration: {}", allowed.error().message);
        return unavailable();
    }
    if (!*allowed) {
        log_->warn("registration: confirmation mails to one address over the limit ({} per {} h)",
                   web_.max_mails_per_address, web_.rate_window.count());
        return page(429, "しばらくお待ちください", "Please wait",
                    para("このアドレスには確認メールを送ったばかりです。届いたメールのリンクを"
                         "開いてください。届かない場合は、時間をおいてもう一度お試しください。",
                         "We have just sent a confirmation mail to this address. Please open "
                         "the link in it, or try again later."));
    }

    // Registrations left unconfirmed past their link's lifetime go first: the same address
    // may be registering again, and nobody keeps an address we cannot use.
    if (auto gone = store_.forget_unconfirmed(now); !gone)
        log_->warn("registration: cannot forget unconfirmed registrations: {}",
                   gone.error().message);
    else if (*gone > 0)
        log_->info("registration: {} unconfirmed registration(s) expired", *gone);

    Subscriber s;
    s.email = email;
    s.areas = areas;
    s.language = language;
    s.state = SubscriberState::kPending;
    auto id = store_.add(s, now);
    if (!id) {
        log_->error("registration: {}", id.error().message);
        return unavailable();
    }
    auto token = random_token_hex();
    if (auto st = store_.add_confirmation(sha256_hex(token), {*id, areas, language},
                                          now + web_.confirm_ttl);
        !st) {
        log_->error("registration: {}", st.error().message);
        return unavailable();
    }

    auto link = links_.confirm_url(token);
    auto hours = web_.confirm_ttl.count();
    auto text = fmt::format(
        "港区 防災情報メールへの登録を受け付けました。\n"
        "次のリンクを開くと登録が完了します（{0}時間有効）。\n{1}\n\n"
        "お心当たりのない場合は、このメールを破棄してください。登録はされません。\n\n"
        "We received a registration for Minato City disaster information mail.\n"
        "Open this link to confirm it (valid for {0} hours):\n{1}\n\n"
        "If you did not register, ignore this mail: nothing will be sent to you.\n",
        hours, link);
    MailEnvelopeHeaders h;
    h.from_address = from_address_;
    h.from_name = from_name_;
    h.to_address = email;
    h.subject = "【港区 防災情報メール】登録の確認 / Please confirm your registration";
    h.date = format_rfc5322_date(now);
    h.message_id = make_message_id("confirm-" + token.substr(0, 16), 0, from_address_);
    auto reply =
        smtp_.send({from_address_, {email}, compose_mail(h, text, text_to_html(text, "ja"))});
    if (!reply || reply->code >= 400 || !reply->rejected.empty()) {
        log_->warn("registration: confirmation mail to subscriber #{} not sent: {}", *id,
                   reply ? reply->text : reply.error().message);
        if (reply && reply->code >= 500)
            return page(
                400, "メールを送れませんでした", "We could not send the mail",
                para("このアドレスにはメールを送れませんでした。アドレスを確認してください。",
                     "The mail server refused this address. Please check it."));
        return unavailable();
    }
    log_->info("registration: confirmation mail sent to subscriber #{}", *id);
    return page(200, "確認メールを送りました", "Confirmation mail sent",
                para(fmt::format("入力されたアドレスに確認メールを送りました。{}時間以内にメールの"
                                 "リンクを開いて、登録を完了してください。",
                                 hours),
                     fmt::format("We sent a confirmation mail. Open the link in it within {} "
                                 "hours to finish your registration.",
                                 hours)));
}

WebPage Registration::confirm(const std::string& token) {
    std::lock_guard lock(mu_);
    if (token.empty() || token.size() > 128) return bad_link();
    auto c = store_.take_confirmation(sha256_hex(token), clock_.now());
    if (!c) {
        log_->error("confirm: {}", c.error().message);
        return unavailable();
    }
    if (!*c) return bad_link();
    auto s = store_.find((*c)->subscriber_id);
    if (!s || !*s) return s ? bad_link() : unavailable();
    auto& sub = **s;
    sub.areas = (*c)->areas;
    sub.language = (*c)->language;
    sub.state = SubscriberState::kActive;
    sub.confirmed = clock_.now();
    sub.hard_bounces = 0;
    if (auto st = store_.update(sub); !st) {
        log_->error("confirm: {}", st.error().message);
        return unavailable();
    }
    log_->info("subscriber #{} confirmed ({} area(s), {})", sub.id, sub.areas.size(), sub.language);
    auto link = html_escape(links_.preferences_url(sub.id));
    return page(200, "登録が完了しました", "You are registered",
                para("防災情報メールの登録が完了しました。地域や言語はいつでも<a href=\"" + link +
                         "\">こちら</a>から変更できます。",
                     "Your registration is complete. You can change your areas or language <a "
                     "href=\"" +
                         link + "\">here</a> at any time."));
}

WebPage Registration::preferences_form(const std::string& token) {
    std::lock_guard lock(mu_);
    auto id = links_.verify(token);
    if (!id) return bad_link();
    auto s = store_.find(*id);
    if (!s) return unavailable();
    if (!*s) return bad_link();
    auto body =
        fmt::format("<form method=\"post\" action=\"preferences?t={}\">\n", html_escape(token));
    body += choice_fields((*s)->areas, (*s)->language);
    body += "<p><button type=\"submit\">変更する / Save</button></p></form>";
    return page(200, "地域・言語の変更", "Change areas or language", body);
}

WebPage Registration::save_preferences(const std::string& token,
                                       const std::vector<std::string>& areas_in,
                                       const std::string& language) {
    std::lock_guard lock(mu_);
    auto id = links_.verify(token);
    if (!id) return bad_link();
    auto areas = areas_in;
    if (auto problem = invalid_choice(areas, language); !problem.empty())
        return page(400, "入力を確認してください", "Please check your entry",
                    "<p>" + html_escape(problem) + "</p>");
    auto s = store_.find(*id);
    if (!s) return unavailable();
    if (!*s) return bad_link();
    (*s)->areas = areas;
    (*s)->language = language;
    if (auto st = store_.update(**s); !st) return unavailable();
    log_->info("subscriber #{} changed preferences ({} area(s), {})", *id, areas.size(), language);
    return page(200, "変更しました", "Saved",
                para("地域と言語の設定を変更しました。", "Your areas and language are saved."));
}

WebPage Registration::unsubscribe_form(const std::string& token) {
    std::lock_guard lock(mu_);
    if (!links_.verify(token)) return bad_link();
    // GET never unsubscribes: mail scanners open links; only the button (or a one-click
    // POST from the mail program) does.
    auto body = para("防災情報メールの配信を停止しますか。",
                     "Do you want to stop receiving disaster information mail?");
    body += fmt::format(
        "<form method=\"post\" action=\"unsubscribe?t={}\"><p><button type=\"submit\" "
        "name=\"confirm\" value=\"yes\">配信を停止する / Unsubscribe</button></p></form>",
        html_escape(token));
    return page(200, "配信の停止", "Unsubscribe", body);
}

WebPage Registration::unsubscribe(const std::string& token) {
    std::lock_guard lock(mu_);
    auto id = links_.verify(token);
    if (!id) return bad_link();
    auto s = store_.find(*id);
    if (!s) return unavailable();
    if (!*s) return bad_link();
    if ((*s)->state != SubscriberState::kUnsubscribed) {
        (*s)->state = SubscriberState::kUnsubscribed;
        if (auto st = store_.update(**s); !st) return unavailable();
        log_->info("subscriber #{} unsubscribed", *id);
    }
    return page(
        200, "配信を停止しました", "Unsubscribed",
        para("防災情報メールの配信を停止しました。再開するには、もう一度登録してください。",
             "You will not receive disaster information mail any more. To start again, "
             "register again.") +
            fmt::format("<p><a href=\"{0}\">{0}</a></p>", html_escape(links_.register_url())));
}

}  // namespace alerthub::mail
