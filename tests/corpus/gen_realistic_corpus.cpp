// gen-realistic-corpus DIR [APPS] [SEED]: writes the realism-focused migration corpus (see
// realistic_corpus.hpp) and its MANIFEST.tsv into DIR. Deterministic: same arguments, same bytes.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>

#include "realistic_corpus.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: gen-realistic-corpus DIR [APPS=96] [SEED=20240]\n");
    return 2;
  }
  migsafe::corpus::Options o;
  if (argc > 2) o.apps = std::strtoul(argv[2], nullptr, 10);
  if (argc > 3) o.seed = std::strtoull(argv[3], nullptr, 10);
  try {
    auto entries = migsafe::corpus::generate(argv[1], o);
    std::map<std::string, size_t> kinds;
    for (const auto& e : entries) kinds[e.kind]++;
    std::printf("wrote %zu files to %s:", entries.size(), argv[1]);
    for (const auto& [k, n] : kinds) std::printf(" %zu %s", n, k.c_str());
    std::printf("\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gen-realistic-corpus: %s\n", e.what());
    return 1;
  }
  return 0;
}
