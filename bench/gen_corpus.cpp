// Generates a deterministic synthetic migration corpus for the benchmark: N files of mixed DDL
// (tables, columns, indexes, constraints), PL/pgSQL functions and data statements, plus one
// large file. Usage: gen-corpus DIR [FILES=3000] [BIG_MB=20]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

std::mt19937_64 rng(20261121);
size_t pick(size_t n) {
  return static_cast<size_t>(rng() % n);
}

const std::vector<std::string> kWords = {
    "user",    "account", "order", "invoice", "payment",  "item",   "product", "event", "visit",
    "address", "note",    "audit", "ledger",  "shipment", "coupon", "review",  "tag",   "team"};
const std::vector<std::string> kTypes = {"bigint",  "integer",     "text",          "varchar(120)",
                                         "boolean", "timestamptz", "numeric(12,2)", "jsonb",
                                         "uuid",    "date"};

std::string name() {
  return kWords[pick(kWords.size())] + "_" + kWords[pick(kWords.size())];
}

std::string create_table(const std::string& t) {
  std::string s =
      "CREATE TABLE " + t + " (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
  size_t cols = 3 + pick(8);
  for (size_t i = 0; i < cols; ++i) {
    s += ",\n    " + kWords[pick(kWords.size())] + "_" + std::to_string(i) + " " +
         kTypes[pick(kTypes.size())];
    if (pick(3) == 0) s += " NOT NULL";
    if (pick(5) == 0) s += " DEFAULT now()";
  }
  s += ",\n    created_at timestamptz NOT NULL DEFAULT now()\n);\n";
  s += "CREATE INDEX " + t + "_created_idx ON " + t + " (created_at);\n";
  return s;
}

std::string function(const std::string& t) {
  return "CREATE OR REPLACE FUNCTION " + t +
         "_touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
         "  NEW.created_at := coalesce(NEW.created_at, now());\n  IF NEW.id IS NULL THEN\n"
         "    RAISE EXCEPTION 'missing id in %', TG_TABLE_NAME;\n  END IF;\n  RETURN "
         "NEW;\nEND;\n$$;\n"
         "CREATE TRIGGER " +
         t + "_touch BEFORE INSERT ON " + t + " FOR EACH ROW EXECUTE FUNCTION " + t + "_touch();\n";
}

std::string alter(const std::string& t) {
  switch (pick(8)) {
    case 0:
      return "ALTER TABLE " + t + " ADD COLUMN " + name() + " " + kTypes[pick(kTypes.size())] +
             ";\n";
    case 1:
      return "CREATE INDEX CONCURRENTLY " + t + "_" + std::to_string(pick(1000)) + "_idx ON " + t +
             " (id);\n";
    case 2:
      return "ALTER TABLE " + t + " ADD CONSTRAINT " + t + "_chk CHECK (id > 0) NOT VALID;\n";
    case 3:
      return "ALTER TABLE " + t + " VALIDATE CONSTRAINT " + t + "_chk;\n";
    case 4:
      return "CREATE INDEX " + t + "_" + std::to_string(pick(1000)) + "_idx ON " + t +
             " (created_at DESC);\n";
    case 5:
      return "ALTER TABLE " + t + " ALTER COLUMN created_at SET DEFAULT now();\n";
    case 6:
      return "COMMENT ON TABLE " + t + " IS 'owned by the " + kWords[pick(kWords.size())] +
             " team';\n";
    default:
      return "ALTER TABLE " + t + " ADD COLUMN " + name() + " text NOT NULL DEFAULT '';\n";
  }
}

std::string data(const std::string& t, size_t rows) {
  std::string s = "INSERT INTO " + t + " (id, label, amount, created_at) VALUES\n";
  for (size_t i = 0; i < rows; ++i) {
    s += "    (" + std::to_string(i + 1) + ", '" + kWords[pick(kWords.size())] + " " +
         std::to_string(pick(100000)) + "', " + std::to_string(pick(1000000)) + ".25, '2024-01-" +
         std::to_string(1 + pick(28)) + "')";
    s += i + 1 < rows ? ",\n" : ";\n";
  }
  s += "UPDATE " + t + " SET amount = amount * 2 WHERE id BETWEEN 1 AND 1000;\n";
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: gen-corpus DIR [FILES] [BIG_MB]\n");
    return 2;
  }
  std::filesystem::path dir = argv[1];
  size_t files = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 3000;
  size_t big_mb = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 20;
  std::filesystem::create_directories(dir);
  for (size_t i = 0; i < files; ++i) {
    std::string t = name() + "_" + std::to_string(i);
    std::string sql =
        "-- migration " + std::to_string(i) + ": " + t + "\nSET lock_timeout = '5s';\n";
    switch (i % 5) {
      case 0:
        sql += create_table(t) + function(t);
        break;
      case 1:
        sql += create_table(t) + alter(t) + alter(t);
        break;
      case 2:
        for (int k = 0; k < 6; ++k) sql += alter(name());
        break;
      case 3:
        sql += "BEGIN;\n" + create_table(t) + data(t, 10 + pick(40)) + "COMMIT;\n";
        break;
      default:
        sql += function(name()) + alter(name()) + data(name(), 5 + pick(20));
        break;
    }
    char fname[64];
    std::snprintf(fname, sizeof fname, "V%05zu__%s.sql", i + 1, t.c_str());
    std::ofstream(dir / fname) << sql;
  }
  if (big_mb > 0) {
    std::ofstream big(dir / "V99999__bulk_seed_data.sql");
    size_t written = 0, chunk = 0;
    while (written < big_mb * 1024 * 1024) {
      std::string t = "seed_" + std::to_string(chunk++ % 50);
      std::string block = (chunk % 20 == 1 ? create_table(t) : std::string()) + data(t, 200);
      big << block;
      written += block.size();
    }
  }
  std::printf("wrote %zu files%s to %s\n", files, big_mb ? " and one large file" : "", dir.c_str());
  return 0;
}
