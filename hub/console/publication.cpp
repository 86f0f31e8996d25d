#include "hub/console/publication.h"

#include <fmt/format.h>

#include "core/base/crypto.h"
#include "core/base/log.h"
#include "core/base/time_format.h"
#include "hub/console/draft_store.h"
#include "hub/console/facility_desk.h"
#include "hub/output/cap_writer.h"
#include "hub/policy/phrase_bank.h"

namespace alerthub::hub::console {
namespace {

LocalizedText non_empty(const LocalizedText& texts) {
    LocalizedText out;
    for (const auto& [lang, text] : texts)
        if (!text.empty()) out[lang] = text;
    return out;
}

}  // namespace

Alert alert_of(const DraftContent& content, const NoticeTemplate& t, WallTime sent,
               const PhraseBank* phrases) {
    Alert a;
    a.status = content.status == "exercise" ? AlertStatus::kExercise : AlertStatus::kActual;
    a.source.kind = SourceKind::kStaff;
    a.event_code = "alerthub:" + t.id;
    a.event_name = t.name;
    if (phrases)
        for (auto lang : kPhraseLanguages)
            if (auto name = phrases->staff_phrase(lang, t.id + "_name"))
                a.event_name[std::string(lang)] = *name;
    a.category = t.category;
    a.level = t.level;
    a.severity = t.severity;
    a.urgency = t.urgency;
    a.certainty = t.certainty;
    a.effective = sent;
    if (content.expires_hours > 0) a.expires = sent + std::chrono::hours(content.expires_hours);
    a.headline = non_empty(content.headline);
    a.description = non_empty(content.description);
    a.instruction = non_empty(content.instruction);
    for (const auto& area : content.areas) a.areas.push_back({"town", area.code, area.name});
    // The whole ward, as chosen (Drafts refuses a draft without blocks otherwise): JIS X 0402
    // 港区, as players and adapters key it.
    if (a.areas.empty()) a.areas.push_back({"jisx0402", "131032", "港区"});
    if (!content.link.empty()) a.links.push_back({"web", content.link, {}});
    return a;
}

Status Publication::seal(const Actor& actor, Draft& d, std::string_view how,
                         std::string_view break_glass_reason) {
    const NoticeTemplate* t = find_template(d.content.template_id);
    if (!t)
        return make_error(ErrorCode::kInvalidArgument,
                          "下書きのテンプレートがありません / the draft names no known template");
    SqliteDb& db = store_.db();
    std::vector<CapReference> references;
    if (d.action != DraftAction::kIssue) {
        auto chain = published_chain(db, d.alert_id);
        if (!chain) return chain.error();
        if (chain->cancelled)
            return make_error(ErrorCode::kAlreadyExists,
                              fmt::format("この情報 ({}) は既に取り消されています / {} is already "
                                          "cancelled",
                                          d.alert_id, d.alert_id));
        references = chain->references;
    }
    const WallTime now = store_.clock().now();
    const WallTime sent = std::chrono::floor<std::chrono::seconds>(now);
    Alert a = alert_of(d.content, *t, sent, store_.config().phrases.get());
    CapEnvelope env;
    // Unique even after the journal is restored from an older backup.
    env.identifier = fmt::format("alerthub-staff-{}-{}", d.id, random_token_hex(4));
    env.sender = store_.config().cap_sender;
    env.sent = sent;
    env.msg_type = d.action == DraftAction::kIssue    ? MsgType::kAlert
                   : d.action == DraftAction::kUpdate ? MsgType::kUpdate
                                                      : MsgType::kCancel;
    env.references = references;
    env.note = d.content.note.value_or("");
    d.cap_xml = write_cap(a, env);
    d.identifier = env.identifier;
    d.sender = env.sender;
    d.sent = cap_time(sent);
    d.decided_by = actor.user;
    d.decided_at = format_rfc3339_jst(now);
    d.break_glass_reason = std::string(break_glass_reason);
    d.state = DraftState::kApproved;
    if (auto r = store_approved(db, d); !r) return r;
    AuditDetail detail = {{"drafted_by", d.drafted_by}, {"action", to_string(d.action)},
                          {"alert_id", d.alert_id},     {"identifier", d.identifier},
                          {"status", d.status},         {"cap_sha256", sha256_hex(d.cap_xml)}};
    if (!break_glass_reason.empty()) detail["reason"] = std::string(break_glass_reason);
    return store_.record(actor, how, fmt::format("draft {}", d.id), std::move(detail));
}

Result<Draft> Publication::publish(const Actor& actor, std::int64_t id) {
    std::string cap_xml;
    std::vector<std::string> facilities_before;  // what the notice named before this draft
    {
        std::lock_guard lock(store_.mu());
        auto d = load_draft(store_.db(), id);
        if (!d) return d.error();
        if (d->state != DraftState::kApproved)
            return make_error(ErrorCode::kAlreadyExists,
                              fmt::format("下書き #{} は発信できる状態ではありません ({}) / draft "
                                          "{} is {}",
                                          id, to_string(d->state), id, to_string(d->state)));
        cap_xml = d->cap_xml;
        if (d->action != DraftAction::kIssue) {
            auto chain = published_chain(store_.db(), d->alert_id);
            if (chain)
                for (const auto& f : chain->latest_content.facilities)
                    facilities_before.push_back(f.id);
        }
    }
    // The same bytes on every retry: the journal's dedupe makes a second submission a
    // duplicate, never a second alert.
    IngestReport report = publish_(cap_xml, "console:" + actor.user);

    std::lock_guard lock(store_.mu());
    SqliteDb& db = store_.db();
    auto d = load_draft(db, id);
    if (!d) return d.error();
    if (d->state == DraftState::kPublished) return d;  // a concurrent retry got there first
    Status s;
    // Journaled but not published (superseded by a newer version of its chain): never
    // reported as published. Staff chains are ordered by the hub (Lifecycle L9), so only a
    // version from another door can be newer.
    if (report.kind == IngestOutcome::kSuperseded) {
        const std::string why =
            fmt::format("superseded: version {} of {} is newer; journaled, not published",
                        report.version, report.alert_id);
        s = store_.in_transaction([&]() -> Status {
            if (auto r = store_failed(db, id, why); !r) return r;
            return store_.record(actor, "publish_failed", fmt::format("draft {}", id),
                                 {{"reason", why}, {"alert_id", report.alert_id}});
        });
        if (!s) return s.error();
        get_logger("hub")->error("console: draft {}: {}", id, why);
        return make_error(ErrorCode::kAlreadyExists, "the notice was not published: " + why);
    }
    if (report.acknowledged()) {
        s = store_.in_transaction([&]() -> Status {
            if (auto r = store_published(db, id, report.alert_id, report.version); !r) return r;
            if (auto r = store_.record(actor, "publish", fmt::format("draft {}", id),
                                       {{"alert_id", report.alert_id},
                                        {"version", report.version},
                                        {"action", to_string(d->action)},
                                        {"duplicate", report.kind == IngestOutcome::kDuplicate}});
                !r)
                return r;
            if (!desk_) return {};
            auto published = load_draft(db, id);
            if (!published) return published.error();
            return desk_->notice_published(actor, *published, facilities_before);
        });
        if (!s) return s.error();
        get_logger("hub")->info("[alert={} v={}] staff notice (draft {}) published by {}",
                                report.alert_id, report.version, id, actor.user);
        return load_draft(db, id);
    }
    if (report.kind == IngestOutcome::kRejected) {
        s = store_.in_transaction([&]() -> Status {
            if (auto r = store_failed(db, id, report.reason); !r) return r;
            return store_.record(actor, "publish_failed", fmt::format("draft {}", id),
                                 {{"reason", report.reason}});
        });
        if (!s) return s.error();
        get_logger("hub")->error("console: draft {} was refused by the pipeline: {}", id,
                                 report.reason);
        return make_error(ErrorCode::kInternal,
                          "ハブが発信文を受け付けませんでした / the hub refused the notice it "
                          "built: " +
                              report.reason);
    }
    (void)store_.in_transaction([&]() -> Status {
        return store_.record(actor, "publish_failed", fmt::format("draft {}", id),
                             {{"reason", report.reason}, {"retry", true}});
    });
    return make_error(
        ErrorCode::kUnavailable,
        fmt::format("承認しましたがまだ保存されていません。もう一度承認してください / approved but "
                    "not stored yet ({}): approve again to retry",
                    report.reason));
}

}  // namespace alerthub::hub::console
