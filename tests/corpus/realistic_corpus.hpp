// A deterministic, realism-focused migration corpus: migration histories written the way Rails,
// Django (sqlmigrate), Alembic (--sql), Prisma, golang-migrate, Flyway, dbmate and hand-written
// playbook migrations look, plus pg_dump --schema-only files and a few deliberately invalid or
// odd files. Every file is labelled in MANIFEST.tsv: a safe recipe (no error-level finding
// expected), an unsafe one (with the rule ids it must trigger), a down script, a schema dump, an
// invalid file (a syntax error expected) or an odd-but-valid one. Generated from scratch: no
// third-party file is copied. bench/gen_corpus.cpp is the separate, speed-focused corpus.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace migsafe::corpus {

struct Entry {
  std::string path;                 // relative to the corpus directory
  std::string kind;                 // safe, unsafe, down, dump, invalid, odd
  std::vector<std::string> expect;  // unsafe: rule ids the file must trigger
  std::string style;                // rails, django, alembic, prisma, golang-migrate, ...
  std::string recipe;               // what the migration does, e.g. add-index
};

struct Options {
  size_t apps = 96;       // migration histories (spread over the styles)
  uint64_t seed = 20240;  // same seed, same bytes
  size_t min_steps = 14;  // recipes per history
  size_t max_steps = 30;
};

// Writes the corpus into `dir` (created; existing files with the same names are overwritten)
// and MANIFEST.tsv (path, kind, expected ids, style, recipe). Returns the manifest.
std::vector<Entry> generate(const std::filesystem::path& dir, const Options& options);

// Reads MANIFEST.tsv back.
std::vector<Entry> read_manifest(const std::filesystem::path& dir);

}  // namespace migsafe::corpus
