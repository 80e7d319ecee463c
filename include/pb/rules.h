/*
 * rules: infers a unit's type from its name with PCRE2 rules
 * (PATTERN<TAB>unit_type), the user's first, then the built-in ones.
 * Each pattern is compiled once (and JIT-compiled when available).
 */
#ifndef PB_RULES_H
#define PB_RULES_H

#include "pb/buf.h"
#include "pb/diag.h"

struct pb_rules;

/*
 * Loads path's rules (NULL: none) ahead of the built-in rules.
 * Returns a rule set the caller frees with pb_rules_free, or NULL with err.
 */
struct pb_rules *pb_rules_new(const char *path, struct pb_error *err);
/* The canonical unit_type of the first rule matching name, or NULL. */
const char *pb_rules_match(struct pb_rules *r, struct pb_str name);
void pb_rules_free(struct pb_rules *r);

#endif
