#include "hub/console/drafts.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/base/log.h"
#include "core/base/time_format.h"
#include "core/base/utf8.h"
#include "core/protocol/alert_text.h"
#include "hub/console/draft_store.h"
#include "hub/output/cap_writer.h"
#include "hub/policy/phrase_bank.h"
#include "hub/sources/source_reader.h"

namespace alerthub::hub::console {
namespace {

constexpr std::size_t kMaxTextChars = 2000;
constexpr std::size_t kMaxShelters = 30;
constexpr std::size_t kMaxShelterChars = 100;
constexpr std::size_t kMaxLinkChars = 500;
constexpr std::size_t kMinBreakGlassReason = 10;
constexpr int kMaxExpiresHours = 168;
constexpr std::size_t kPreviewMaxBytes = 1048576;
// A staff notice may be written in these languages (docs/protocol.md, canonical alert).
const std::set<std::string, std::less<>> kTextLanguages = {"ja", "en", "zh-Hans", "zh-Hant",  "ko",
                                                           "vi", "ne", "pt",      "ja-x-easy"};

// A draft's state as staff read it.
std::string_view state_name_ja(DraftState state) {
    switch (state) {
        case DraftState::kPending:
            return "承認待ち";
        case DraftState::kApproved:
            return "承認済み（発信中）";
        case DraftState::kPublished:
            return "発信済み";
        case DraftState::kRejected:
            return "差し戻し済み";
        case DraftState::kWithdrawn:
            return "取り下げ済み";
        case DraftState::kFailed:
            return "発信失敗";
    }
    return "";
}

Error not_in_state(std::int64_t id, DraftState state) {
    return conflict(fmt::format("下書き #{} は既に{}です / draft {} is {}", id,
                                state_name_ja(state), id, to_string(state)));
}

// Staff text: UTF-8, no control characters but line breaks, not too long.
Status check_text(std::string_view what, std::string_view text, std::size_t max_chars) {
    if (!validate_utf8(text).ok())
        return invalid_request(
            fmt::format("{} が UTF-8 ではありません / {} is not UTF-8", what, what));
    if (utf8_code_points(text) > max_chars)
        return invalid_request(fmt::format("{} は{}文字までです / {} is longer than {} characters",
                                           what, max_chars, what, max_chars));
    for (unsigned char c : text)
        if ((c < 0x20 && c != '\n') || c == 0x7f)
            return invalid_request(fmt::format(
                "{} に制御文字があります / {} contains a control character", what, what));
    return {};
}

std::string trimmed(std::string_view s) {
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return std::string(s);
}

bool valid_link(std::string_view url) {
    if (url.size() > kMaxLinkChars) return false;
    if (!url.starts_with("https://") && !url.starts_with("http://")) return false;
    if (url.size() <= 8) return false;
    return std::none_of(url.begin(), url.end(), [](unsigned char c) {
        return c <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\';
    });
}

// What LINE and mail subscribers read, per language of the notice (core/protocol/alert_text.h, as
// the adapters build it): mail is the subject and alert_text in the reader's language; LINE adds
// English under Japanese for Japanese readers (adapters/line line_message).
std::map<std::string, ChannelTexts> channel_texts(const Alert& a) {
    std::set<std::string> languages = {"ja"};
    for (const auto* field : {&a.headline, &a.instruction})
        for (const auto& [lang, text] : *field) languages.insert(lang);
    std::map<std::string, ChannelTexts> out;
    for (const auto& lang : languages)
        out[lang] = {alert_subject(a, lang), alert_text(a, lang),
                     alert_text(a, lang == "ja" ? "en" : lang)};
    return out;
}

// The town blocks a text names, longest name first at each place (新橋一丁目 inside
// 東新橋一丁目 is 東新橋一丁目).
std::set<std::string> blocks_in_text(std::string_view text, const TownBlocks& blocks) {
    std::set<std::string> found;
    std::size_t i = 0;
    while (i < text.size()) {
        const TownBlock* longest = nullptr;
        for (const auto& b : blocks.all())
            if (text.substr(i).starts_with(b.name) &&
                (!longest || b.name.size() > longest->name.size()))
                longest = &b;
        if (longest) {
            found.insert(longest->code);
            i += longest->name.size();
        } else {
            ++i;
        }
    }
    return found;
}

std::string names_of(const std::set<std::string>& codes, const TownBlocks& blocks) {
    std::string out;
    for (const auto& code : codes) {
        if (!out.empty()) out += "、";
        const TownBlock* b = blocks.find(code);
        out += b ? b->name : code;
    }
    return out;
}

// A text without the update mark at its front (the mark with or without its space).
std::string_view unmarked(std::string_view text, std::string_view mark) {
    std::string_view bare = mark;
    while (!bare.empty() && bare.back() == ' ') bare.remove_suffix(1);
    for (auto m : {mark, bare})
        if (!m.empty() && text.starts_with(m)) {
            text.remove_prefix(m.size());
            break;
        }
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    return text;
}

std::optional<int> level_of(std::string_view template_id) {
    const NoticeTemplate* t = find_template(template_id);
    return t ? t->level : std::nullopt;
}

// The request that makes `content` again, as an update of its notice: what an officer
// starts an update from.
DraftRequest update_request_of(const DraftContent& content) {
    DraftRequest r;
    r.action = to_string(DraftAction::kUpdate);
    r.alert_id = content.alert_id;
    r.template_id = content.template_id;
    r.status = content.status;
    for (const auto& a : content.areas) r.areas.push_back(a.code);
    r.whole_ward = content.whole_ward;
    r.shelters = content.shelters;
    r.hazard = content.hazard;
    r.link = content.link;
    r.expires_hours = content.expires_hours;
    r.headline = content.headline;
    r.description = content.description;
    r.instruction = content.instruction;
    return r;
}

}  // namespace

DraftChanges changes_between(const DraftContent& before, const DraftContent& after,
                             std::int64_t base_version) {
    DraftChanges c;
    c.base_version = base_version;
    c.template_before = before.template_id;
    c.template_after = after.template_id;
    c.level_before = level_of(before.template_id);
    c.level_after = level_of(after.template_id);
    c.whole_ward_before = before.whole_ward;
    c.whole_ward_after = after.whole_ward;
    auto codes = [](const std::vector<DraftArea>& areas) {
        std::set<std::string> out;
        for (const auto& a : areas) out.insert(a.code);
        return out;
    };
    const auto before_codes = codes(before.areas);
    const auto after_codes = codes(after.areas);
    for (const auto& a : after.areas)
        if (!before_codes.count(a.code)) c.areas_added.push_back(a);
    for (const auto& a : before.areas)
        if (!after_codes.count(a.code)) c.areas_removed.push_back(a);
    c.hazard_before = before.hazard;
    c.hazard_after = after.hazard;
    // The places a notice names: the ward's facilities, then those typed by hand.
    auto places = [](const DraftContent& content) {
        std::vector<std::string> out;
        for (const auto& f : content.facilities) out.push_back(f.name);
        out.insert(out.end(), content.shelters.begin(), content.shelters.end());
        return out;
    };
    const auto before_places = places(before);
    const auto after_places = places(after);
    const std::set<std::string> before_set(before_places.begin(), before_places.end());
    const std::set<std::string> after_set(after_places.begin(), after_places.end());
    for (const auto& s : after_places)
        if (!before_set.count(s)) c.shelters_added.push_back(s);
    for (const auto& s : before_places)
        if (!after_set.count(s)) c.shelters_removed.push_back(s);
    c.link_before = before.link;
    c.link_after = after.link;
    c.expires_hours_before = before.expires_hours;
    c.expires_hours_after = after.expires_hours;
    for (auto [field, old_texts, new_texts] :
         {std::tuple{"headline", &before.headline, &after.headline},
          std::tuple{"description", &before.description, &after.description},
          std::tuple{"instruction", &before.instruction, &after.instruction}}) {
        std::set<std::string> languages;
        for (const auto* texts : {old_texts, new_texts})
            for (const auto& [lang, text] : *texts) languages.insert(lang);
        for (const auto& lang : languages) {
            const std::string mark = update_mark(lang);
            const std::string old_text = text_in_language(*old_texts, lang);
            const std::string new_text = text_in_language(*new_texts, lang);
            if (unmarked(old_text, mark) != unmarked(new_text, mark))
                c.texts_changed[field].push_back(lang);
        }
    }
    return c;
}

std::string texts_disagree_with_areas(const DraftContent& c, const TownBlocks& blocks) {
    std::set<std::string> selected;
    for (const auto& a : c.areas) selected.insert(a.code);
    std::set<std::string> named;
    std::set<std::string> named_in_headline;
    bool says_whole_ward = false;
    for (const auto* field : {&c.headline, &c.description, &c.instruction})
        for (const auto& [lang, text] : *field) {
            auto in_text = blocks_in_text(text, blocks);
            named.insert(in_text.begin(), in_text.end());
            if (field == &c.headline && lang == "ja") named_in_headline = in_text;
            if (text.find("港区全域") != std::string::npos) says_whole_ward = true;
        }
    if (c.whole_ward) {
        if (named.empty()) return {};
        return fmt::format(
            "対象は港区全域ですが、文面が {} を名指ししています。文面を作り直してください / the "
            "notice is for the whole ward but its texts name town blocks",
            names_of(named, blocks));
    }
    if (says_whole_ward)
        return fmt::format(
            "文面に「港区全域」とありますが、対象は {} だけです。文面を作り直すか、港区全域を選んで"
            "ください / the texts say the whole ward but only some town blocks are chosen",
            names_of(selected, blocks));
    std::set<std::string> not_chosen;
    for (const auto& code : named)
        if (!selected.count(code)) not_chosen.insert(code);
    if (!not_chosen.empty())
        return fmt::format(
            "文面が選んでいない町丁目 {} を名指ししています。文面を作り直してください / the texts "
            "name town blocks that are not chosen",
            names_of(not_chosen, blocks));
    std::set<std::string> not_named;
    for (const auto& code : selected)
        if (!named_in_headline.count(code)) not_named.insert(code);
    if (!named_in_headline.empty() && !not_named.empty())
        return fmt::format(
            "見出しに選んだ町丁目 {} がありません。文面を作り直してください / the headline leaves "
            "out chosen town blocks",
            names_of(not_named, blocks));
    return {};
}

ComposeReference Drafts::reference() const {
    const ConsoleConfig& config = store_.config();
    ComposeReference r;
    for (const auto& t : notice_templates())
        r.templates.push_back({t, config.break_glass_level5 && t.level == 5});
    r.hazards = hazards();
    r.town_blocks = blocks_.all();
    r.languages.assign(kTextLanguages.begin(), kTextLanguages.end());
    r.channels = config.channels;
    r.training = config.training;
    r.break_glass_level5 = config.break_glass_level5;
    return r;
}

NoticeFacts Drafts::facts_of(const DraftContent& content) const {
    NoticeFacts facts{.area_names = {},
                      .shelters = {},
                      .hazard = content.hazard,
                      .blocks = {},
                      .shelters_latin = {}};
    // The ward's facilities first (names from the data), then those typed by hand.
    for (const auto& f : content.facilities) {
        facts.shelters.push_back(f.name);
        facts.shelters_latin.push_back(f.name_en);
    }
    facts.shelters.insert(facts.shelters.end(), content.shelters.begin(), content.shelters.end());
    for (const auto& area : content.areas) {
        facts.area_names.push_back(area.name);
        if (const TownBlock* b = blocks_.find(area.code)) facts.blocks.push_back(*b);
    }
    return facts;
}

ComposedTexts Drafts::default_texts(const NoticeTemplate& t, const DraftContent& content) const {
    const PhraseBank* phrases = store_.config().phrases.get();
    return phrases ? compose_texts(t, facts_of(content), *phrases)
                   : compose_texts(t, facts_of(content));
}

void Drafts::end_texts(DraftContent& content) const {
    const NoticeTemplate* t = find_template(content.template_id);
    const PhraseBank* phrases = store_.config().phrases.get();
    if (t && phrases) {
        ComposedTexts end = compose_end_texts(*t, facts_of(content), *phrases);
        content.headline = std::move(end.headline);
        content.description = std::move(end.description);
        content.instruction = std::move(end.instruction);
        return;
    }
    // Without the bank's words for an end, at least no instruction to move is repeated.
    content.instruction.clear();
}

void Drafts::mark_update(DraftContent& content) const {
    const PhraseBank* phrases = store_.config().phrases.get();
    // Every language the update carries says it is an update: one with texts but no headline
    // gets the notice's name as its headline, marked.
    std::set<std::string> languages;
    for (const auto* field : {&content.headline, &content.description, &content.instruction})
        for (const auto& [lang, text] : *field)
            if (!text.empty()) languages.insert(lang);
    const NoticeTemplate* t = find_template(content.template_id);
    for (const auto& lang : languages) {
        std::string& headline = content.headline[lang];
        if (headline.empty() && t) {
            auto bank_name = phrases ? phrases->staff_phrase(lang, t->id + "_name") : std::nullopt;
            headline = bank_name ? *bank_name : text_in_language(t->name, lang);
        }
        if (headline.empty()) {
            content.headline.erase(lang);
            continue;
        }
        const std::string mark = update_mark(lang);
        if (!headline.starts_with(mark)) headline = mark + std::string(unmarked(headline, mark));
    }
}

Result<DraftChanges> Drafts::changes_against_chain(const DraftContent& content,
                                                   std::int64_t published_version) {
    auto chain = published_chain(store_.db(), content.alert_id, published_version);
    if (!chain) return chain.error();
    return changes_between(chain->latest_content, content, chain->latest_version);
}

Result<NoticeForUpdate> Drafts::notice(const Actor& actor, std::string_view alert_id) {
    (void)actor;
    std::lock_guard lock(store_.mu());
    auto chain = published_chain(store_.db(), alert_id);
    if (!chain) return chain.error();
    if (chain->cancelled)
        return conflict(fmt::format(
            "この情報 ({}) は既に取り消されています。新しく発表してください / {} has been "
            "cancelled: issue a new notice",
            alert_id, alert_id));
    NoticeForUpdate out;
    out.alert_id = std::string(alert_id);
    out.version = chain->latest_version;
    out.content = chain->latest_content;
    out.content.alert_id = out.alert_id;
    auto update = validate(update_request_of(out.content));
    if (!update) return update.error();
    out.update = std::move(*update);
    return out;
}

Result<DraftChanges> Drafts::changes(const Actor& actor, const DraftContent& update) {
    (void)actor;
    if (update.action != DraftAction::kUpdate)
        return invalid_request("変更点は更新だけにあります / only an update has changes");
    std::lock_guard lock(store_.mu());
    return changes_against_chain(update, 0);
}

Result<DraftContent> Drafts::validate(const DraftRequest& req) {
    const auto action = parse_draft_action(req.action);
    if (!action)
        return invalid_request(
            "action は issue・update・cancel のどれかです / action must be issue, update or "
            "cancel");
    DraftContent out;
    out.action = *action;
    std::optional<PublishedChain> chain;
    if (*action != DraftAction::kIssue) {
        if (req.alert_id.empty())
            return invalid_request(
                fmt::format("更新・取消には対象の情報 (alert_id) が必要です / {} needs the "
                            "alert_id of a notice",
                            req.action));
        auto c = published_chain(store_.db(), req.alert_id);
        if (!c) return c.error();
        if (c->cancelled)
            return conflict(fmt::format(
                "この情報 ({}) は既に取り消されています。新しく発表してください / {} has been "
                "cancelled: issue a new notice",
                req.alert_id, req.alert_id));
        chain = std::move(*c);
        out.alert_id = req.alert_id;
    }
    if (*action == DraftAction::kCancel) {
        // A cancel keeps what it ends (areas, shelters, status); its texts say that it has
        // ended, in every language, and never repeat an instruction to move.
        DraftContent content = chain->latest_content;
        content.action = DraftAction::kCancel;
        content.alert_id = out.alert_id;
        end_texts(content);
        auto note = trimmed(req.reason);
        if (auto s = check_text("理由 reason", note, kMaxTextChars); !s) return s.error();
        content.note = note;
        content.idempotency_key = req.idempotency_key;
        return content;
    }

    const std::string template_id =
        req.template_id.value_or(chain ? chain->latest_content.template_id : "");
    const NoticeTemplate* t = find_template(template_id);
    if (!t)
        return invalid_request(fmt::format("テンプレート「{}」はありません / unknown template '{}'",
                                           template_id, template_id));
    out.template_id = t->id;

    std::string status = req.status.value_or(chain ? chain->status : "actual");
    if (store_.config().training) status = "exercise";
    if (status != "actual" && status != "exercise")
        return invalid_request(
            "種別は実際 (actual) か訓練 (exercise) です / status must be actual or exercise");
    if (chain && status != chain->status)
        return invalid_request(
            fmt::format("更新では実際・訓練の別を変えられません ({}) / an update keeps the "
                        "notice's status ({})",
                        chain->status, chain->status));
    out.status = status;

    std::set<std::string> seen;
    for (const auto& code : req.areas) {
        const TownBlock* b = blocks_.find(code);
        if (!b)
            return invalid_request(fmt::format(
                "「{}」は港区の町丁目ではありません / '{}' is not a town block of the ward", code,
                code));
        if (!seen.insert(b->code).second) continue;
        out.areas.push_back({b->code, b->name});
    }
    // The whole ward is a choice of its own: an order with no block chosen is a mistake,
    // not 港区全域.
    if (req.whole_ward && !out.areas.empty())
        return invalid_request(
            "港区全域と町丁目は同時に選べません。どちらかにしてください / choose either the whole "
            "ward or town blocks, not both");
    if (!req.whole_ward && out.areas.empty())
        return invalid_request(
            "対象の町丁目を選んでください。区全体に出すときは「港区全域」を選んでください / choose "
            "town blocks, or choose the whole ward explicitly");
    out.whole_ward = req.whole_ward;

    if (req.shelters.size() + req.facility_ids.size() > kMaxShelters)
        return invalid_request(
            fmt::format("避難所・施設は{}件までです / shelters must be a list of at most {} names",
                        kMaxShelters, kMaxShelters));
    std::set<std::string> chosen;
    for (const auto& id : req.facility_ids) {
        const site::Facility* f = desk_.find(id);
        if (!f)
            return invalid_request(
                fmt::format("施設「{}」は区の施設一覧にありません / no facility '{}' in the "
                            "ward's list",
                            id, id));
        if (!chosen.insert(f->id).second) continue;
        out.facilities.push_back({.id = f->id,
                                  .kind = std::string(site::facility_kind_key(f->kind)),
                                  .name = f->name,
                                  .name_en = f->name_en});
    }
    for (const auto& s : req.shelters) {
        auto name = trimmed(s);
        if (name.empty()) continue;
        if (auto c = check_text("避難所・施設名 shelter name", name, kMaxShelterChars); !c)
            return c.error();
        if (name.find('\n') != std::string::npos)
            return invalid_request("避難所・施設名は1行です / a shelter name is one line");
        out.shelters.push_back(name);
    }
    if (t->needs_shelters && out.shelters.empty() && out.facilities.empty())
        return invalid_request(fmt::format(
            "{}には避難所・施設を1つ以上入れてください / {} needs at least one shelter or facility",
            t->name.at("ja"), t->id));

    if (!req.hazard.empty() && (!t->takes_hazard || !find_hazard(req.hazard)))
        return invalid_request(
            fmt::format("災害種別「{}」はこのテンプレート ({}) に使えません / hazard '{}' does not "
                        "fit template {}",
                        req.hazard, t->name.at("ja"), req.hazard, t->id));
    out.hazard = req.hazard;

    const std::string link = trimmed(req.link);
    if (!link.empty() && !valid_link(link))
        return invalid_request(
            fmt::format("リンクは空白のない http(s) の URL で{}文字までです / link must be an "
                        "http(s) URL of at most {} characters without spaces",
                        kMaxLinkChars, kMaxLinkChars));
    out.link = link;

    if (req.expires_hours < 0 || req.expires_hours > kMaxExpiresHours)
        return invalid_request(fmt::format(
            "有効時間は0（なし）から{}までの整数です / expires_hours must be a whole number from 0 "
            "(none) to {}",
            kMaxExpiresHours, kMaxExpiresHours));
    out.expires_hours = static_cast<int>(req.expires_hours);

    // Texts: the template's defaults, each language replaced where staff edited it.
    const ComposedTexts defaults = default_texts(*t, out);
    for (auto [field, given, fallback, texts] :
         {std::tuple{"headline", &req.headline, &defaults.headline, &out.headline},
          std::tuple{"description", &req.description, &defaults.description, &out.description},
          std::tuple{"instruction", &req.instruction, &defaults.instruction, &out.instruction}}) {
        *texts = *fallback;
        if (!*given) continue;
        for (const auto& [lang, text] : **given) {
            if (!kTextLanguages.count(lang))
                return invalid_request(
                    fmt::format("{}: 「{}」はコンソールの言語ではありません / '{}' is not a "
                                "language of the console",
                                field, lang, lang));
            auto clean = trimmed(text);
            if (auto c = check_text(fmt::format("{}.{}", field, lang), clean, kMaxTextChars); !c)
                return c.error();
            // Emptied on purpose: that language has no such text (and a Japanese headline
            // is required below).
            if (clean.empty())
                texts->erase(lang);
            else
                (*texts)[lang] = clean;
        }
    }
    if (auto ja = out.headline.find("ja"); ja == out.headline.end() || ja->second.empty())
        return invalid_request(
            "日本語の見出しが必要です / the Japanese headline (headline.ja) is required");
    // An update says it is one, in every language it carries, whatever staff edited.
    if (out.action == DraftAction::kUpdate) mark_update(out);
    if (auto disagree = texts_disagree_with_areas(out, blocks_); !disagree.empty())
        return invalid_request(disagree);
    out.idempotency_key = req.idempotency_key;
    return out;
}

namespace {

Status check_may_compose(const Actor& actor) {
    if (may_compose(actor.role)) return {};
    return denied(
        "施設担当は発信文を作れません（施設の状況だけを変えられます） / a facility account "
        "cannot draft notices (it only sets facility status)");
}

}  // namespace

Result<DraftContent> Drafts::compose(const Actor& actor, DraftRequest request) {
    if (auto s = check_may_compose(actor); !s) return s.error();
    request.headline.reset();
    request.description.reset();
    request.instruction.reset();
    std::lock_guard lock(store_.mu());
    return validate(request);
}

Result<Draft> Drafts::create(const Actor& actor, const DraftRequest& request, bool* reused) {
    if (auto s = check_may_compose(actor); !s) return s.error();
    std::lock_guard lock(store_.mu());
    if (reused) *reused = false;
    // A second click, or the same request sent again: the draft the first one saved.
    if (!request.idempotency_key.empty()) {
        auto earlier = find_draft_by_key(store_.db(), actor.user, request.idempotency_key);
        if (!earlier) return earlier.error();
        if (*earlier) {
            if (reused) *reused = true;
            return std::move(**earlier);
        }
    }
    auto content = validate(request);
    if (!content) return content.error();
    // An update that changes nothing would only repeat the notice with 【更新】 on it.
    if (content->action == DraftAction::kUpdate) {
        auto changes = changes_against_chain(*content, 0);
        if (!changes) return changes.error();
        if (!changes->any())
            return invalid_request(fmt::format(
                "更新する内容がありません（第{}版と同じです）。対象地域・避難所・文面などを変えて"
                "ください / the update changes nothing in version {}",
                changes->base_version, changes->base_version));
    }
    // One cancel at a time per notice: a second one waits for nothing but confusion.
    if (content->action == DraftAction::kCancel) {
        auto waiting = find_open_draft(store_.db(), content->alert_id, DraftAction::kCancel);
        if (!waiting) return waiting.error();
        if (*waiting) {
            if (reused) *reused = true;
            return std::move(**waiting);
        }
    }
    Draft d;
    d.action = content->action;
    d.alert_id = content->alert_id;
    d.template_id = content->template_id;
    d.status = content->status;
    d.content = *content;
    d.state = DraftState::kPending;
    d.drafted_by = actor.user;
    d.drafted_at = format_rfc3339_jst(store_.clock().now());
    auto s = store_.in_transaction([&]() -> Status {
        auto id = insert_draft(store_.db(), d);
        if (!id) return id.error();
        d.id = *id;
        auto ja = d.content.headline.find("ja");
        return store_.record(
            actor, "draft", fmt::format("draft {}", d.id),
            {{"action", to_string(d.action)},
             {"alert_id", d.alert_id},
             {"template", d.template_id},
             {"status", d.status},
             {"headline", ja == d.content.headline.end() ? std::string() : ja->second}});
    });
    if (!s) return s.error();
    return d;
}

Result<std::vector<Draft>> Drafts::list(const Actor& actor, std::optional<DraftState> state) {
    (void)actor;
    std::lock_guard lock(store_.mu());
    return list_drafts(store_.db(), state);
}

Result<DraftView> Drafts::get(const Actor& actor, std::int64_t id) {
    (void)actor;
    std::lock_guard lock(store_.mu());
    auto d = load_draft(store_.db(), id);
    if (!d) return d.error();
    DraftView view{std::move(*d), std::nullopt, {}, std::nullopt, std::nullopt};
    // An update shows what it changes: against the version in force, or once published
    // against the version it followed.
    if (view.draft.action == DraftAction::kUpdate) {
        auto changes = changes_against_chain(
            view.draft.content,
            view.draft.state == DraftState::kPublished ? view.draft.published_version : 0);
        if (changes) view.changes = std::move(*changes);
    }
    // The preview is what the channels will receive: the document the console would submit,
    // read back by the hub's own CAP parser.
    const NoticeTemplate* t = find_template(view.draft.content.template_id);
    if (t) {
        const WallTime now = store_.clock().now();
        Alert a = alert_of(view.draft.content, *t, now, store_.config().phrases.get());
        auto preview = read_source_document(
            write_cap(a, {"preview", store_.config().cap_sender, now, MsgType::kAlert, {}, ""}),
            kPreviewMaxBytes, SourceFormat::kCap);
        if (preview) {
            preview->alert.source.kind = SourceKind::kStaff;
            if (view.draft.action == DraftAction::kCancel)
                preview->alert.state = AlertState::kLifted;  // as the ingest pipeline does
            view.channel_texts = channel_texts(preview->alert);
            view.preview = std::move(preview->alert);
        } else {
            view.preview_error = preview.error().message;
        }
    }
    return view;
}

Result<Draft> Drafts::approve(const Actor& actor, std::int64_t id) {
    if (!may_approve(actor.role))
        return denied(
            "承認できるのは承認者か管理者です / only an approver or an admin may approve");
    {
        std::lock_guard lock(store_.mu());
        auto d = load_draft(store_.db(), id);
        if (!d) return d.error();
        if (d->drafted_by == actor.user)
            return denied(
                "二人制: 作成者は自分の下書きを承認できません / two-person rule: a draft is "
                "approved by someone other than its author");
        // A second click of the same approver: what the first one published, sent once.
        if (d->state == DraftState::kPublished && d->decided_by == actor.user) return d;
        if (d->state != DraftState::kPending && d->state != DraftState::kApproved)
            return not_in_state(id, d->state);
        if (d->state == DraftState::kPending) {
            if (auto disagree = texts_disagree_with_areas(d->content, blocks_); !disagree.empty())
                return invalid_request(disagree);
            auto s = store_.in_transaction(
                [&]() -> Status { return publication_.seal(actor, *d, "approve", ""); });
            if (!s) return s.error();
        }
    }
    return publication_.publish(actor, id);
}

Result<Draft> Drafts::break_glass(const Actor& actor, std::int64_t id, std::string_view reason) {
    if (!store_.config().break_glass_level5)
        return denied(
            "緊急単独発信は無効です (console.break_glass_level5) / break-glass is off "
            "(console.break_glass_level5)");
    const std::string why = trimmed(reason);
    if (utf8_code_points(why) < kMinBreakGlassReason)
        return invalid_request(
            fmt::format("緊急単独発信には{}文字以上の理由が必要です / break-glass needs a reason "
                        "of at least {} "
                        "characters",
                        kMinBreakGlassReason, kMinBreakGlassReason));
    if (auto c = check_text("理由 reason", why, kMaxTextChars); !c) return c.error();
    {
        std::lock_guard lock(store_.mu());
        auto d = load_draft(store_.db(), id);
        if (!d) return d.error();
        const NoticeTemplate* t = find_template(d->content.template_id);
        if (!t || t->level != 5)
            return denied(
                "緊急単独発信はレベル5（緊急安全確保）だけです / break-glass is only for レベル5 "
                "notices");
        if (d->drafted_by != actor.user)
            return denied(
                "緊急単独発信は作成者のためのものです。ほかの人は通常どおり承認してください / "
                "break-glass is for the author; anyone else approves as usual");
        if (d->state == DraftState::kPublished && d->decided_by == actor.user) return d;
        if (d->state != DraftState::kPending && d->state != DraftState::kApproved)
            return not_in_state(id, d->state);
        if (d->state == DraftState::kPending) {
            auto s = store_.in_transaction(
                [&]() -> Status { return publication_.seal(actor, *d, "break_glass", why); });
            if (!s) return s.error();
            get_logger("hub")->warn("console: draft {} published by break-glass by {}", id,
                                    actor.user);
        }
    }
    return publication_.publish(actor, id);
}

Result<Draft> Drafts::reject(const Actor& actor, std::int64_t id, std::string_view reason) {
    const std::string why = trimmed(reason);
    if (auto c = check_text("理由 reason", why, kMaxTextChars); !c) return c.error();
    std::lock_guard lock(store_.mu());
    SqliteDb& db = store_.db();
    auto d = load_draft(db, id);
    if (!d) return d.error();
    const bool own = d->drafted_by == actor.user;
    if (!own && !may_approve(actor.role))
        return denied(
            "差し戻せるのは承認者・管理者・作成者です / only an approver, an admin or the author "
            "may reject a draft");
    const DraftState state = own ? DraftState::kWithdrawn : DraftState::kRejected;
    // A second click: the decision already taken.
    if (d->state == state && d->decided_by == actor.user) return d;
    if (d->state != DraftState::kPending) return not_in_state(id, d->state);
    auto s = store_.in_transaction([&]() -> Status {
        if (auto r = store_decision(db, id, state, actor.user,
                                    format_rfc3339_jst(store_.clock().now()), why);
            !r)
            return r;
        return store_.record(actor, own ? "withdraw" : "reject", fmt::format("draft {}", id),
                             {{"reason", why}, {"drafted_by", d->drafted_by}});
    });
    if (!s) return s.error();
    return load_draft(db, id);
}

}  // namespace alerthub::hub::console
