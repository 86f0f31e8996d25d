#pragma once
// The 防災情報メール subscribers and who each mail job goes to (SQLite, WAL; the same file as
// the job store, on its own connection). Addresses live only here: logs name subscribers
// by id.
//
// A job's audience is fixed when the job is first seen (snapshot_audience): one row per
// recipient in job_recipients, numbered 0.., in batches of batch_size. Each row ends
// accepted (2xx), refused (5xx) or skipped (unsubscribed since); 4xx leaves it pending for
// the next attempt. A batch's outcomes are written in one transaction as it finishes, so a
// restart sends only rows still pending and never a finished batch again.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/protocol/town_blocks.h"
#include "core/storage/sqlite_db.h"

namespace alerthub::mail {

enum class SubscriberState { kPending, kActive, kUnsubscribed, kBounced };
std::string to_string(SubscriberState state);
Result<SubscriberState> parse_subscriber_state(std::string_view text);

struct Subscriber {
    std::int64_t id = 0;
    std::string email;
    std::vector<std::string> areas;  // town-block codes; empty: the whole ward
    std::string language = "ja";
    SubscriberState state = SubscriberState::kPending;
    WallTime created{};
    std::optional<WallTime> confirmed;
    int hard_bounces = 0;  // consecutive permanent refusals
};

enum class RecipientOutcome { kPending, kAccepted, kRefused, kSkipped };

// One recipient of one job, as the sender needs it.
struct JobRecipient {
    int seq = 0;                     // 0.., fixed at the snapshot
    std::int64_t subscriber_id = 0;  // 0: a staff copy (address below)
    std::string email;               // the current address (subscribers) or the staff address
    std::string language = "ja";
    bool active = true;  // false: unsubscribed or bounced since the snapshot
};

struct RecipientResult {
    int seq = 0;
    std::int64_t subscriber_id = 0;
    RecipientOutcome outcome = RecipientOutcome::kPending;
    int code = 0;  // the server's reply code
    WallTime sent{};
};

struct JobCounts {
    int audience = 0;
    int accepted = 0;
    int refused = 0;
    int skipped = 0;
    int pending = 0;
};

struct Confirmation {
    std::int64_t subscriber_id = 0;
    std::vector<std::string> areas;
    std::string language;
};

class SubscriberStore {
public:
    static Result<SubscriberStore> open(const std::string& path);

    // --- subscribers
    Result<std::optional<Subscriber>> find(std::int64_t id);
    Result<std::optional<Subscriber>> find_by_email(const std::string& email);
    // A new subscriber in `state`, or the id of the one with this address (unchanged).
    Result<std::int64_t> add(const Subscriber& subscriber, WallTime now);
    // Replaces areas, language, state, confirmed and bounce count of subscriber `s.id`.
    Status update(const Subscriber& subscriber);
    // All of them or none (one transaction); returns how many were new (addresses already
    // present are left as they are).
    Result<int> add_all(const std::vector<Subscriber>& subscribers, WallTime now);
    Result<std::vector<Subscriber>> all();
    Result<int> count(SubscriberState state);

    // --- double opt-in: single-use tokens, stored as their SHA-256 only
    Status add_confirmation(const std::string& token_hash, const Confirmation& c, WallTime expires);
    // The confirmation for `token_hash` if it exists and has not expired; it is used up.
    // An expired one is left for forget_unconfirmed.
    Result<std::optional<Confirmation>> take_confirmation(const std::string& token_hash,
                                                          WallTime now);
    // The subscriber a used-up token confirmed, for kUsedTokenKept after its use: opening the
    // link again then says "already registered", not "register again".
    Result<std::optional<std::int64_t>> used_confirmation(const std::string& token_hash,
                                                          WallTime now);
    static constexpr std::chrono::hours kUsedTokenKept{24 * 30};
    // Forgets the registrations whose confirmation links have all expired unused: those
    // pending subscribers (with their addresses) and the expired tokens. Pending rows that
    // never had a token (a CSV import's) stay. Returns how many subscribers went.
    Result<int> forget_unconfirmed(WallTime now);
    // Registration mails sent to `address_hash` since `since`, then notes one more at `now`
    // unless that reaches `limit`: returns whether this one may be sent.
    Result<bool> allow_registration_mail(const std::string& address_hash, WallTime since,
                                         WallTime now, int limit);

    // --- delivery
    // Fixes `job_id`'s audience unless it already has one (a redelivered or resumed job):
    // active subscribers whose areas `targeting` names (or who chose
    // the whole ward), then `staff` addresses. Returns the audience size.
    Result<int> snapshot_audience(const std::string& job_id, const AreaTargeting& targeting,
                                  const std::vector<std::string>& staff);
    // Pending recipients of the job, by seq, with their current address and state.
    Result<std::vector<JobRecipient>> pending_recipients(const std::string& job_id);
    // Records one batch's outcomes, and the bounce policy's verdict on each refused
    // subscriber (marked bounced at `bounce_limit` consecutive refusals), in one transaction.
    // Returns the ids of subscribers newly marked bounced.
    Result<std::vector<std::int64_t>> record_batch(const std::string& job_id,
                                                   const std::vector<RecipientResult>& results,
                                                   int bounce_limit);
    Result<JobCounts> counts(const std::string& job_id);
    // Per batch of `batch_size` recipients, in order: counts and first and last send time.
    struct BatchSummary {
        int index = 0;  // 1-based
        JobCounts counts;
        std::optional<WallTime> first_send;
        std::optional<WallTime> last_send;
    };
    Result<std::vector<BatchSummary>> batch_summaries(const std::string& job_id, int batch_size);
    // For a job recorded by an earlier version, whose recipients were all in the job store:
    // `addresses` as staff rows, the first `done` of them already accepted then.
    Status adopt_addresses(const std::string& job_id, const std::vector<std::string>& addresses,
                           int done);
    // Forgets the recipients of jobs the job store has forgotten (state.keep_days).
    Status forget_pruned_jobs();

private:
    explicit SubscriberStore(SqliteDb db) : db_(std::move(db)) {}
    // The subscriber whose `column` (id, email) equals `key`.
    template <typename Key>
    Result<std::optional<Subscriber>> find_where(const char* column, const Key& key);
    SqliteDb db_;
};

}  // namespace alerthub::mail
