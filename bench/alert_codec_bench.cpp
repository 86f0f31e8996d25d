// Encoding and decoding the canonical alert: done for every alert on every hop.

#include <benchmark/benchmark.h>

#include "core/base/time_format.h"
#include "core/protocol/alert.h"

namespace {

alerthub::Alert sample() {
    using namespace alerthub;
    Alert a;
    a.id = "cap-0123456789abcdef01234567";
    a.source = {SourceKind::kCap, "bousai@city.minato.tokyo.jp", "MINATO-2026-0001",
                *parse_rfc3339("2026-11-23T10:05:00+09:00"), std::string(64, 'a')};
    a.level = 4;
    a.headline = {{"ja", "港区全域に避難指示"}, {"en", "Evacuation order for all of Minato"}};
    a.instruction = {{"ja", std::string(600, 'x')}, {"en", std::string(600, 'y')}};
    for (int i = 0; i < 20; ++i) a.areas.push_back({"town", std::to_string(131032000 + i), "芝"});
    return a;
}

void BM_EncodeAlert(benchmark::State& state) {
    auto a = sample();
    for (auto _ : state) benchmark::DoNotOptimize(alerthub::encode_alert(a));
}
BENCHMARK(BM_EncodeAlert);

void BM_DecodeAlert(benchmark::State& state) {
    auto json = alerthub::encode_alert(sample());
    for (auto _ : state) benchmark::DoNotOptimize(alerthub::decode_alert(json));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
}
BENCHMARK(BM_DecodeAlert);

}  // namespace
