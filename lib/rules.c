/* rules: unit_type inference from names with PCRE2. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "pb/rules.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pb/text.h"
#include "pb/vocab.h"

/* Tried after the user's rules, in order: the first match wins. */
static const char *const builtin[][2] = {
	{ "(村民|村)?小组$", "village_group" },
	{ "(股份)?经济(合作|联合)?社$|股份合作社$", "econ_coop" },
	{ "(社区|居委会|居民委员会)$", "community" },
	{ "(小区|花园|豪园|家园|新村|公寓|山庄|华庭|名苑|雅苑|嘉园|雅居|花苑|[^村]苑)$|小区",
	  "residential" },
	{ "(村|村委会|村民委员会)$", "village" },
	{ "(项目|工程|[一二三四五六七八九十0-9]期)$", "key_project" },
	{ "(商务楼|商务中心|大厦|大楼|写字楼|商务广场|总部大楼)$", "building" },
	{ "(产业园|工业园|科技园|创业园|园区|开发区|高新区)$", "park" },
	{ "(市场|商圈|商城|步行街|批发城)$", "market" },
	{ "(协会|商会|学会|促进会|联合会|基金会|研究会|联谊会|服务社)$|^民办", "social_org" },
	{ "(局|委员会|办公室|人民政府|政府|法院|检察院|学校|中学|小学|幼儿园|医院|卫生院|"
	  "卫生服务中心|"
	  "派出所|中心|站|所|馆)$",
	  "agency" },
	{ "(公司|集团|厂|企业|商行|工作室|酒店|门店|店)$", "enterprise" },
};

struct rule {
	pcre2_code *code;
	const char *type; /* canonical, static */
};

struct pb_rules {
	struct rule *rules;
	size_t n, cap;
	pcre2_match_data *md;
};

static int add_rule(struct pb_rules *r, const char *pattern, size_t plen, const char *type,
                    const char *file, long line, struct pb_error *err)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re;

	re = pcre2_compile((PCRE2_SPTR)pattern, plen, PCRE2_UTF | PCRE2_UCP, &code, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof msg);
		return pb_error_set(err, PB_EXIT_FATAL, file, line, "bad pattern at offset %zu: %s",
		                    (size_t)off, (char *)msg);
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* optional: falls back to the interpreter */
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct rule *p = realloc(r->rules, cap * sizeof *p);
		if (!p) {
			pcre2_code_free(re);
			return pb_error_set(err, PB_EXIT_FATAL, file, line, "out of memory");
		}
		r->rules = p;
		r->cap = cap;
	}
	r->rules[r->n].code = re;
	r->rules[r->n].type = type;
	r->n++;
	return 0;
}

static int load_file(struct pb_rules *r, const char *path, struct pb_error *err)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int rc = 0;

	if (!f)
		return pb_error_set(err, PB_EXIT_FATAL, path, 0, "cannot open rules:");
	while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
		char *tab;
		const struct pb_vocab_entry *e;
		struct pb_str type;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		tab = strchr(line, '\t');
		if (!tab) {
			rc = pb_error_set(err, PB_EXIT_FATAL, path, lineno,
			                  "expected PATTERN<TAB>unit_type");
			break;
		}
		type = pb_text_trim((struct pb_str){ tab + 1, (size_t)(line + len - tab - 1) });
		e = pb_vocab_lookup(PB_VOCAB_UNIT_TYPE, type);
		if (!e) {
			rc = pb_error_set(err, PB_EXIT_FATAL, path, lineno,
			                  "unknown unit_type '%.*s'; expected one of %s",
			                  (int)type.n, type.p, pb_vocab_list(PB_VOCAB_UNIT_TYPE));
			break;
		}
		rc = add_rule(r, line, (size_t)(tab - line), e->value, path, lineno, err);
	}
	free(line);
	fclose(f);
	return rc;
}

struct pb_rules *pb_rules_new(const char *path, struct pb_error *err)
{
	struct pb_rules *r = calloc(1, sizeof *r);
	size_t i;

	if (!r) {
		pb_error_set(err, PB_EXIT_FATAL, path, 0, "out of memory");
		return NULL;
	}
	if (path && load_file(r, path, err) < 0)
		goto fail;
	for (i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
		if (add_rule(r, builtin[i][0], PCRE2_ZERO_TERMINATED, builtin[i][1],
		             "built-in rules", (long)i + 1, err) < 0)
			goto fail;
	r->md = pcre2_match_data_create(4, NULL);
	if (!r->md) {
		pb_error_set(err, PB_EXIT_FATAL, path, 0, "out of memory");
		goto fail;
	}
	return r;
fail:
	pb_rules_free(r);
	return NULL;
}

const char *pb_rules_match(struct pb_rules *r, struct pb_str name)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (pcre2_match(r->rules[i].code, (PCRE2_SPTR)name.p, name.n, 0, 0, r->md, NULL) >=
		    0)
			return r->rules[i].type;
	return NULL;
}

void pb_rules_free(struct pb_rules *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++)
		pcre2_code_free(r->rules[i].code);
	free(r->rules);
	pcre2_match_data_free(r->md);
	free(r);
}
