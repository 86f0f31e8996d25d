#pragma once
// The phrase bank (config/phrases/): what a JMA alert says in languages other than the
// telegram's Japanese. Written and reviewed by people, keyed by event and 警戒レベル; nothing
// is machine-translated. A phrase that is missing is reported (never invented): the alert
// keeps the telegram's Japanese and gets the bank's generic English.
//
// Files: events.toml (which event codes read with which phrases and which instruction) and
// one <language>.toml per language (kPhraseLanguages). The format is in config/phrases/
// README.md.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/protocol/alert.h"
#include "hub/policy/ward_reading.h"
#include "hub/sources/jma/jmx_area_table.h"

namespace alerthub::hub {

// Every language the bank must fill, in the order channels show them. "ja" holds only the
// instructions: the event name and headline in Japanese come from the telegram.
inline constexpr std::string_view kPhraseLanguages[] = {"ja", "en", "zh-Hans", "zh-Hant",  "ko",
                                                        "vi", "ne", "pt",      "ja-x-easy"};

// One thing the bank could not say.
struct PhraseGap {
    std::string event_code;  // as the parser wrote it ("VPWW53:33"), or the cancelled type
    std::optional<int> level;
    std::string key;       // the bank's key ("VPWW:33"; "" when the event has no entry)
    std::string language;  // "" when no language has it (no entry in events.toml)
    std::string what;      // "name", "instruction", "event"

    std::string describe() const;
    bool operator==(const PhraseGap&) const = default;
};

// An event a parser can emit, for checking the bank ahead of time.
struct KnownEvent {
    std::string event_code;
    std::optional<int> level;
    bool cancel = false;  // the type's 取消 (event_code is then the bare type code)
};

// Everything parse_jmx can emit (jmx_event_codes), plus a 取消 of each type.
std::vector<KnownEvent> jmx_known_events();

// The keys every language's [staff] table holds: the shared parts (whole_ward, place,
// list_separator, hazard, shelter_line, hazard_<id>), each notice's <template>_name,
// _headline, _description and _instruction, and what an end says (lifted_*: an order lifted;
// ended_*: a notice such as an opening ended).
const std::vector<std::string>& staff_phrase_keys();

class PhraseBank {
public:
    // Reads events.toml and every <language>.toml from `dir`. Any problem (a missing file or
    // language, an unknown key, a template naming an unknown placeholder, an event pointing at
    // an instruction no language defines) fails the load with every reason, file and line.
    static Result<PhraseBank> load(const std::string& dir);
    // The same from file contents keyed by file name ("events.toml", "en.toml", ...).
    static Result<PhraseBank> parse(const std::map<std::string, std::string>& files);

    PhraseBank(PhraseBank&&) noexcept;
    PhraseBank& operator=(PhraseBank&&) noexcept;
    ~PhraseBank();

    // Fills event_name, headline and instruction of a JMA alert in every language the bank
    // has a phrase for (event_name.ja and headline.ja stay the telegram's). Place names are
    // shown in Japanese with their romaji (or, in やさしい日本語, their reading) from
    // `places` where known. Returns what was missing; the alert then keeps its Japanese and
    // gets the generic English of its kind. Alerts of other sources are left alone.
    // With a ward reading that tells the ward something (hub/policy/ward_reading.h), the
    // headline names the ward's kinds ({events}: "Minato-ku (港区): Storm Warning, High Wave
    // Warning"), and its facts fill the placeholders of their name ({intensity}, {height},
    // {arrival}, {place}: the area the facts are for, with its reading). A class's
    // "ward_<class>" headline (ward_quake: the ward's intensity) comes before "<class>" (quake:
    // the telegram's maximum, for the telegram-wide reading only).
    std::vector<PhraseGap> apply(Alert& alert, const JmaAreaTable* places,
                                 const WardReading* reading = nullptr) const;

    // A phrase of the ward's own notices ([staff] of <language>.toml: the console's templates,
    // hub/console/notice_templates.h), unfilled; nullopt for a language the bank lacks. Every
    // language has every key of staff_phrase_keys() (the load refuses a bank without).
    std::optional<std::string> staff_phrase(std::string_view language, std::string_view key) const;

    // What apply() would report for each of `events`.
    std::vector<PhraseGap> check(const std::vector<KnownEvent>& events) const;

    // Who wrote each language and whether a native speaker has reviewed it.
    struct LanguageInfo {
        std::string language;
        std::string written_by;
        bool reviewed = false;
        std::string reviewed_by;
    };
    std::vector<LanguageInfo> languages() const;

    // The bank's key for an event code ("VPWW55:03" -> "VPWW:03", "VXKO:41" at level 4 ->
    // "VXKO@4", "VXSE53:5+" -> "VXSE53:int", a cancellation -> "cancelled", everything lifted
    // -> "lifted").
    static std::string key_of(std::string_view event_code, std::optional<int> level, bool cancel);

private:
    struct Impl;
    explicit PhraseBank(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace alerthub::hub
