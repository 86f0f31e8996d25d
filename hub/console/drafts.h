#pragma once
// Drafts and their approval: what staff may compose (templates, hazards, town blocks), the
// checks every request passes, and the two-person rule before Publication sends anything.
// Thread-safe; shares the console's connection (ConsoleStore).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/protocol/town_blocks.h"
#include "hub/console/actor.h"
#include "hub/console/console_store.h"
#include "hub/console/draft.h"
#include "hub/console/facility_desk.h"
#include "hub/console/notice_templates.h"
#include "hub/console/publication.h"

namespace alerthub::hub::console {

// What the compose form offers.
struct ComposeReference {
    struct Template {
        NoticeTemplate notice;
        bool break_glass = false;  // the author alone may publish it (console.break_glass_level5)
    };
    std::vector<Template> templates;
    std::vector<Hazard> hazards;
    std::vector<TownBlock> town_blocks;
    std::vector<std::string> languages;  // of the texts staff may write
    std::vector<std::string> channels;   // where a notice goes beside the screens
    bool training = false;
    bool break_glass_level5 = false;
};

// Why a draft's texts do not fit its areas ("" when they do): they say 港区全域 for some
// blocks, name blocks not chosen, leave chosen blocks out of a headline that names blocks, or
// name blocks of a whole-ward notice. Saving and approving refuse such a draft.
std::string texts_disagree_with_areas(const DraftContent& content, const TownBlocks& blocks);

// What an update changes in `before` (version `base_version`) to make `after`; texts compared
// without the update mark (core/protocol/alert_text.h update_mark(), which opens every
// headline of an update).
DraftChanges changes_between(const DraftContent& before, const DraftContent& after,
                             std::int64_t base_version);

// A staff notice as it is in force, and the update draft an officer starts from: the same
// choices and texts, marked as an update.
struct NoticeForUpdate {
    std::string alert_id;
    std::int64_t version = 0;
    DraftContent content;
    DraftContent update;
};

class Drafts {
public:
    Drafts(ConsoleStore& store, const TownBlocks& blocks, Publication& publication,
           const FacilityDesk& desk)
        : store_(store), blocks_(blocks), publication_(publication), desk_(desk) {}
    Drafts(const Drafts&) = delete;
    Drafts& operator=(const Drafts&) = delete;

    ComposeReference reference() const;
    // The template's texts for a request (its own texts are ignored): what a draft of it
    // would hold (see docs/protocol.md, "Staff console API"). Compose and create are refused
    // to a facility account (role facility).
    Result<DraftContent> compose(const Actor& actor, DraftRequest request);
    // A new pending draft; or, with `*reused` set, the draft the same user saved with the
    // same idempotency key, or the cancel already waiting for the same notice.
    Result<Draft> create(const Actor& actor, const DraftRequest& request, bool* reused = nullptr);
    // The notice's latest published version and an update of it to edit; kNotFound for a
    // notice the console did not publish, kAlreadyExists for a cancelled one.
    Result<NoticeForUpdate> notice(const Actor& actor, std::string_view alert_id);
    // What an update's content changes against the version in force.
    Result<DraftChanges> changes(const Actor& actor, const DraftContent& update);
    // Newest first; every state when `state` is unset.
    Result<std::vector<Draft>> list(const Actor& actor, std::optional<DraftState> state);
    // With the preview: the canonical alert as it would be published.
    Result<DraftView> get(const Actor& actor, std::int64_t id);
    // Two-person rule: an approver or admin other than the author; then published.
    Result<Draft> approve(const Actor& actor, std::int64_t id);
    // The author alone, for a レベル5 draft, when console.break_glass_level5 is on.
    Result<Draft> break_glass(const Actor& actor, std::int64_t id, std::string_view reason);
    // An approver or admin, or the author withdrawing their own draft.
    Result<Draft> reject(const Actor& actor, std::int64_t id, std::string_view reason);

private:
    // The request checked and completed; the caller holds the store's mutex.
    Result<DraftContent> validate(const DraftRequest& request);
    // The template's facts of a content: its blocks (with their readings), shelters, hazard.
    NoticeFacts facts_of(const DraftContent& content) const;
    // The texts of `t` for `content` from the console's phrase bank (notice_templates.h).
    ComposedTexts default_texts(const NoticeTemplate& t, const DraftContent& content) const;
    // A cancel's texts: what ends, in every language, never an instruction to move.
    void end_texts(DraftContent& content) const;
    // An update's headlines, each opened by the update mark of its language (once).
    void mark_update(DraftContent& content) const;
    // What `content` (an update) changes against the version it follows: the version in
    // force, or for a published update (`published_version`) the version before it.
    Result<DraftChanges> changes_against_chain(const DraftContent& content,
                                               std::int64_t published_version);

    ConsoleStore& store_;
    const TownBlocks& blocks_;
    Publication& publication_;
    const FacilityDesk& desk_;  // the ward's facilities a notice names by id
};

}  // namespace alerthub::hub::console
