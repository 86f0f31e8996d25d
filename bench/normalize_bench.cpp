// Normalization throughput over the whole fixture corpus (every XML file under
// ../shared/fixtures/jma and ../shared/fixtures/cap and tests/fixtures/lalert, accepted or
// refused), beside
// a bare pugixml parse of the same bytes: the ratio is what our checks, mapping and text
// handling cost on top of reading the XML at all.
//
// usage: normalize_bench [FIXTURES_DIR] [ROUNDS]   (prints a table; best round of ROUNDS)

#include <pugixml.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "hub/ingest/ingest_pipeline.h"
#include "hub/sources/source_reader.h"

namespace {

namespace fs = std::filesystem;

// The real JMA and CAP samples, and the constructed L-Alert documents (no public sample).
std::vector<std::string> load_corpus(const fs::path& fixtures) {
    std::vector<std::string> docs;
    for (const auto& folder :
         {fixtures / "jma", fixtures / "cap", fs::path(ALERTHUB_LALERT_FIXTURES)}) {
        for (const auto& entry : fs::recursive_directory_iterator(folder)) {
            const auto ext = entry.path().extension();
            if (!entry.is_regular_file() || (ext != ".xml" && ext != ".cap")) continue;
            std::ifstream in(entry.path(), std::ios::binary);
            docs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
    }
    return docs;
}

// Seconds for the best of `rounds` passes over the corpus.
double best_pass(const std::vector<std::string>& docs, int rounds,
                 const std::function<void(const std::string&)>& work) {
    double best = 1e300;
    for (int r = 0; r < rounds; ++r) {
        const auto start = std::chrono::steady_clock::now();
        for (const auto& doc : docs) work(doc);
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        best = std::min(best, took.count());
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && argv[1][0] == '-') {
        std::fprintf(stderr, "usage: normalize_bench [FIXTURES_DIR [ROUNDS]]\n");
        return 2;
    }
    const fs::path fixtures = argc > 1 ? argv[1] : ALERTHUB_SHARED_FIXTURES;
    std::error_code ec;
    if (!fs::is_directory(fixtures, ec)) {
        std::fprintf(stderr, "normalize_bench: %s is not a folder\n", fixtures.c_str());
        return 2;
    }
    const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 20;
    const auto docs = load_corpus(fixtures);
    std::size_t bytes = 0;
    for (const auto& d : docs) bytes += d.size();
    if (docs.empty()) {
        std::fprintf(stderr, "no fixtures under %s\n", fixtures.c_str());
        return 1;
    }

    std::size_t accepted = 0;
    for (const auto& d : docs) accepted += alerthub::hub::read_source_document(d, 16 << 20) ? 1 : 0;

    const double pugi = best_pass(docs, rounds, [](const std::string& d) {
        pugi::xml_document xml;
        volatile bool ok = xml.load_buffer(d.data(), d.size());
        (void)ok;
    });
    const double ours = best_pass(docs, rounds, [](const std::string& d) {
        volatile bool ok = alerthub::hub::read_source_document(d, 16 << 20).ok();
        (void)ok;
    });

    const double mb = static_cast<double>(bytes) / 1e6;
    std::printf("corpus: %zu documents (%zu normalized, %zu refused), %.2f MB; best of %d\n",
                docs.size(), accepted, docs.size() - accepted, mb, rounds);
    std::printf("%-22s %12s %10s\n", "", "docs/s", "MB/s");
    std::printf("%-22s %12.0f %10.1f\n", "bare pugixml parse", docs.size() / pugi, mb / pugi);
    std::printf("%-22s %12.0f %10.1f\n", "normalize", docs.size() / ours, mb / ours);
    std::printf("normalize / pugixml time ratio: %.2f\n", ours / pugi);
    return 0;
}
