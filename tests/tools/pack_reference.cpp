// libpg_query's own protobuf output, for tests/fastpack_test.cpp: this program is built
// without migsafe's interposed serializer, so its bytes come from protobuf-c itself.
// Usage: pack-reference parse|scan FILE...
// For each file, writes "<length>\n" and the serialized tree (or "-1\n" when it does not parse).
#include <pg_query.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  bool scan = std::strcmp(argv[1], "scan") == 0;
  for (int i = 2; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::string sql((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (scan) {
      PgQueryScanResult r = pg_query_scan(sql.c_str());
      if (r.error)
        std::printf("-1\n");
      else {
        std::printf("%zu\n", r.pbuf.len);
        std::fwrite(r.pbuf.data, 1, r.pbuf.len, stdout);
      }
      pg_query_free_scan_result(r);
    } else {
      PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql.c_str());
      if (r.error)
        std::printf("-1\n");
      else {
        std::printf("%zu\n", r.parse_tree.len);
        std::fwrite(r.parse_tree.data, 1, r.parse_tree.len, stdout);
      }
      pg_query_free_protobuf_parse_result(r);
    }
  }
  return 0;
}
