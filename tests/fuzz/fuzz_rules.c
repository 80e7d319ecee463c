/*
 * fuzz_rules: pb-import's --rules files (rules.h): PCRE2 patterns with a
 * unit_type each, loaded ahead of the built-in rules, then matched against
 * unit names.
 *
 * Input: the rules file. Names tried: a fixed list of register names, and
 * each line of the file itself (so a rule is tried on text like its own).
 *
 * Properties: a file loads or fails with a fatal error that names its line;
 * a match is always a canonical unit_type.
 */
#include "fuzz.h"

#include "pb/rules.h"
#include "pb/vocab.h"

static const char *const names[] = { "南浦村第三村民小组",
	                             "石湾股份经济合作社",
	                             "祖庙社区居委会",
	                             "金色家园",
	                             "翠湖花园小区",
	                             "张槎村",
	                             "地铁三号线工程",
	                             "广佛智城二期",
	                             "创意产业园",
	                             "顺联机械有限公司",
	                             "区委组织部",
	                             "佛山市商会",
	                             "",
	                             "\xff\xfe",
	                             NULL };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

static void check_match(struct pb_rules *r, struct pb_str name)
{
	const char *t = pb_rules_match(r, name);
	const struct pb_vocab_entry *e;

	if (!t)
		return;
	e = pb_vocab_lookup(PB_VOCAB_UNIT_TYPE, pb_str_z(t));
	FUZZ_CHECK(e && strcmp(e->value, t) == 0, "'%s' is not a unit_type", t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pb_error err = PB_ERROR_INIT;
	struct pb_rules *r = pb_rules_new(fuzz_file(0, data, size), &err);
	const char *p = (const char *)data, *end = p + size;
	size_t i;

	if (!r) {
		FUZZ_CHECK(err.code == PB_EXIT_FATAL && err.msg[0], "code %d", err.code);
		return 0;
	}
	for (i = 0; names[i]; i++)
		check_match(r, pb_str_z(names[i]));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		check_match(r, (struct pb_str){ p, n });
		p += n + 1;
	}
	pb_rules_free(r);
	return 0;
}
