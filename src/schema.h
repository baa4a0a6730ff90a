/*
 * schema.h - the job store's migrations, embedded from the schema/ folder's .sql
 * files at build time (cmake/embed_schema.cmake). schema_migrations[i] takes a store from
 * user_version i to i + 1; schema_version is the newest version.
 */
#ifndef OB_SCHEMA_H
#define OB_SCHEMA_H

extern const char *const schema_migrations[];
extern const int schema_version;

#endif
