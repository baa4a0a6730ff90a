# Turns schema/NNN_name.sql files into a C array, one migration per file, in
# order. Migration i (1-based) brings the store to PRAGMA user_version = i.
set(out "/* generated from the schema folder by cmake/embed_schema.cmake; do not edit */\n")
string(APPEND out "#include \"schema.h\"\n\nconst char *const schema_migrations[] = {\n")
file(GLOB FILES ${DIR}/*.sql)
list(SORT FILES)
set(n 0)
foreach(f IN LISTS FILES)
  file(READ "${f}" sql HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" sql "${sql}")
  # Break the literal so that a hex escape is never followed by a hex digit.
  string(REGEX REPLACE "(\\\\x[0-9a-f][0-9a-f])" "\\1\"\"" sql "${sql}")
  string(APPEND out "\t\"${sql}\",\n")
  math(EXPR n "${n} + 1")
endforeach()
string(APPEND out "};\nconst int schema_version = ${n};\n")
file(WRITE "${OUT}" "${out}")
