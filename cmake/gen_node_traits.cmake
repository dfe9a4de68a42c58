# Generates node_traits.inc from libpg_query's protobuf-c header: one line per message type,
#   MIGSAFE_MESSAGE(PgQuery__IndexStmt, pg_query__index_stmt__descriptor)
# so rules can subscribe to a node kind by its C type. Run at build time: -DHEADER= -DOUT=
file(READ "${HEADER}" content)
string(REGEX MATCHALL "void   pg_query__[a-z0-9_]+__init\n +\\(PgQuery__[A-Za-z0-9_]+ +\\*message\\)" inits "${content}")
set(out "// Generated from ${HEADER} by cmake/gen_node_traits.cmake. Do not edit.\n")
foreach(item IN LISTS inits)
  string(REGEX REPLACE "void   (pg_query__[a-z0-9_]+)__init\n +\\((PgQuery__[A-Za-z0-9_]+) +\\*message\\)" "MIGSAFE_MESSAGE(\\2, \\1__descriptor)\n" line "${item}")
  string(APPEND out "${line}")
endforeach()
file(WRITE "${OUT}.tmp" "${out}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
