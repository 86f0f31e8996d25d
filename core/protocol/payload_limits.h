#pragma once
// What every consumer of the hub's alerts must take (docs/protocol.md, "Limits"): the hub
// refuses a document whose alert would not fit, rather than publish what screens drop.

#include <cstddef>

namespace alerthub {

// The largest signed alert payload ({root}/alerts/{id}) a signage player takes; it refuses
// larger ones.
inline constexpr std::size_t kMaxAlertPayloadBytes = 1 << 20;

}  // namespace alerthub

namespace alerthub {

// The largest signed facilities payload ({root}/facilities/{location}) a player takes; the
// hub leaves out the farthest facilities until its payload fits.
inline constexpr std::size_t kMaxFacilitiesPayloadBytes = 32 * 1024;

}  // namespace alerthub
