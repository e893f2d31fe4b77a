/* SPDX-License-Identifier: MIT */
/*
 * The script a fake vendor library (fake_nvml, fake_rocm_smi) answers from: the file an
 * environment variable names, one "KEY VALUE" per line, '#' starting a comment, blanks
 * around both trimmed. Header-only C: each fake includes it once and keeps its own entries.
 * Not thread-safe: the fakes call it under their own lock.
 */
#ifndef BENCHLAB_TESTS_FAKE_SCRIPT_H
#define BENCHLAB_TESTS_FAKE_SCRIPT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_SCRIPT_MAX_ENTRIES 512

struct fake_script_entry {
  char key[64];
  char value[128];
};
static struct fake_script_entry fake_script_entries[FAKE_SCRIPT_MAX_ENTRIES];
static int fake_script_entry_count;

/* The value of `key` in the script last read, or NULL when it has none. */
static const char* script_lookup(const char* key) {
  for (int i = 0; i < fake_script_entry_count; ++i)
    if (strcmp(fake_script_entries[i].key, key) == 0) return fake_script_entries[i].value;
  return NULL;
}

/* Reads the script that the environment variable `variable` names, replacing the last one:
   1, or 0 after telling stderr (as "WHO: ...") that it is unset or cannot be opened. */
static int script_read(const char* variable, const char* who) {
  const char* path = getenv(variable);
  if (path == NULL) {
    fprintf(stderr, "%s: %s is not set\n", who, variable);
    return 0;
  }
  FILE* f = fopen(path, "r");
  if (f == NULL) {
    fprintf(stderr, "%s: cannot open %s=%s\n", who, variable, path);
    return 0;
  }
  char line[256];
  fake_script_entry_count = 0;
  while (fgets(line, sizeof line, f) != NULL && fake_script_entry_count < FAKE_SCRIPT_MAX_ENTRIES) {
    char* hash = strchr(line, '#');
    if (hash != NULL) *hash = '\0';
    char* end = line + strlen(line);
    while (end > line && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t')) *--end = '\0';
    char* key = line + strspn(line, " \t");
    if (*key == '\0') continue;
    char* value = key + strcspn(key, " \t");
    if (*value != '\0') *value++ = '\0';
    value += strspn(value, " \t");
    struct fake_script_entry* e = &fake_script_entries[fake_script_entry_count++];
    snprintf(e->key, sizeof e->key, "%s", key);
    snprintf(e->value, sizeof e->value, "%s", value);
  }
  fclose(f);
  return 1;
}

#endif
