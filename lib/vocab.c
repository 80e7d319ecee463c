/* vocab: the tables of columns, vocabularies and record kinds. */
#include "pb/vocab.h"

#include <string.h>

#define A(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct pb_vocab_entry unit_types[] = {
	{ "village_group", "村民小组", "village group", A("村小组", "自然村") },
	{ "econ_coop", "经济社", "economic co-operative",
	  A("经济合作社", "股份合作经济社", "经济联合社", "股份经济合作社") },
	{ "village", "行政村", "village", A("村", "建制村") },
	{ "community", "社区", "community", A("居委会", "社区居委会") },
	{ "residential", "物业住宅小区", "residential compound",
	  A("住宅小区", "物业小区", "小区") },
	{ "key_project", "重点项目", "key project", A("重大项目", "项目", "在建项目") },
	{ "enterprise", "非公企业", "non-public enterprise",
	  A("非公有制企业", "民营企业", "企业") },
	{ "social_org", "社会组织", "social organization", A("社团", "民办非企业单位") },
	{ "agency", "机关事业单位", "agency", A("机关", "事业单位", "机关单位") },
	{ "building", "商务楼宇", "office building", A("楼宇", "商务楼") },
	{ "park", "园区", "park", A("产业园区", "工业园区", "开发区") },
	{ "market", "商圈市场", "market", A("商圈", "市场", "专业市场") },
	{ "other", "其他", "other", A("其它") },
	{ NULL, NULL, NULL, NULL }
};

static const struct pb_vocab_entry org_modes[] = {
	{ "single", "单独组建", "own organization",
	  A("单建", "独立组建", "单独建立", "单独建", "单独") },
	{ "joint", "联合组建", "joint organization", A("联建", "联合建立", "联合建", "联合") },
	{ "work", "工作覆盖", "work coverage",
	  A("选派党建指导员", "党建指导员", "工作覆盖(党建指导员)", "选派党建工作指导员") },
	{ "none", "空白", "blank",
	  A("未建", "无", "空白点", "未覆盖", "empty", "未组建", "未建立党组织", "无党组织") },
	{ NULL, NULL, NULL, NULL }
};

static const struct pb_vocab_entry org_kinds[] = {
	{ "committee", "党委", "Party committee", A("基层党委") },
	{ "general_branch", "党总支", "general branch", A("总支", "党总支部") },
	{ "branch", "党支部", "branch", A("支部") },
	{ "temp_branch", "临时党支部", "temporary branch", A("临时支部") },
	{ NULL, NULL, NULL, NULL }
};

static const struct pb_vocab_entry bools[] = {
	{ "1", "是", "yes",
	  A("yes", "true", "y", "t", "已签约", "已签订", "已认领", "已解决", "√") },
	{ "0", "否", "no",
	  A("no", "false", "n", "f", "未签约", "未签订", "未认领", "未解决", "×") },
	{ NULL, NULL, NULL, NULL }
};

static const struct pb_vocab_entry gaps[] = { { "none", "空白", "blank", NULL },
	                                      { "work", "仅工作覆盖", "work coverage only", NULL },
	                                      { "should_build", "应建未建", "should build", NULL },
	                                      { NULL, NULL, NULL, NULL } };

const struct pb_vocab_entry *pb_vocab_entries(enum pb_vocab_id v)
{
	switch (v) {
	case PB_VOCAB_UNIT_TYPE: return unit_types;
	case PB_VOCAB_ORG_MODE: return org_modes;
	case PB_VOCAB_ORG_KIND: return org_kinds;
	case PB_VOCAB_BOOL: return bools;
	case PB_VOCAB_GAP: return gaps;
	default: return NULL;
	}
}

/*
 * Does s equal the word z, ASCII letters in either case when ci? Compared
 * byte by byte with no strlen, since most words differ from s at once.
 */
static int eq_word(struct pb_str s, const char *z, int ci)
{
	size_t i;

	for (i = 0; i < s.n; i++) {
		unsigned char a = (unsigned char)s.p[i], b = (unsigned char)z[i];
		if (a == b && b)
			continue;
		if (!ci || !b || (a | 0x20) != (b | 0x20) || (unsigned)((a | 0x20) - 'a') > 25u)
			return 0;
	}
	return z[s.n] == '\0';
}

const struct pb_vocab_entry *pb_vocab_lookup(enum pb_vocab_id v, struct pb_str s)
{
	const struct pb_vocab_entry *e = pb_vocab_entries(v);
	const char *const *a;

	for (; e && e->value; e++) {
		if (eq_word(s, e->value, 1) || eq_word(s, e->zh, 0))
			return e;
		for (a = e->aliases; a && *a; a++)
			if (eq_word(s, *a, 1))
				return e;
	}
	return NULL;
}

const char *pb_vocab_label(enum pb_vocab_id v, struct pb_str value, int en)
{
	const struct pb_vocab_entry *e = pb_vocab_entries(v);

	for (; e && e->value; e++)
		if (pb_str_eqz(value, e->value))
			return en ? e->en : e->zh;
	return NULL;
}

const char *pb_vocab_list(enum pb_vocab_id v)
{
	switch (v) {
	case PB_VOCAB_UNIT_TYPE:
		return "village_group, econ_coop, village, community, residential, key_project, "
		       "enterprise, social_org, agency, building, park, market, other (or their "
		       "Chinese labels)";
	case PB_VOCAB_ORG_MODE: return "single 单独组建, joint 联合组建, work 工作覆盖, none 空白";
	case PB_VOCAB_ORG_KIND:
		return "committee 党委, general_branch 党总支, branch 党支部, temp_branch "
		       "临时党支部";
	case PB_VOCAB_BOOL: return "1/0, 是/否";
	case PB_VOCAB_GAP: return "none, work, should_build";
	default: return "";
	}
}

#define C(name, zh, en, kind, vocab, aliases)                                                      \
	{                                                                                          \
		name, zh, en, kind, vocab, aliases                                                 \
	}
#define NOAL NULL

static const struct pb_column_def columns[] = {
	/* units */
	C("unit_id", "单位编号", "unit id", PB_COL_ID, 0, A("编号", "单位编号", "单位代码", "id")),
	C("unit_name", "单位名称", "unit", PB_COL_TEXT, 0,
	  A("单位名称", "小区名称", "项目名称", "企业名称", "组织名称", "名称", "单位", "name")),
	C("unit_type", "单位类型", "type", PB_COL_VOCAB, PB_VOCAB_UNIT_TYPE,
	  A("单位类型", "类型", "领域", "所属领域", "type")),
	C("city", "市", "city", PB_COL_TEXT, 0, A("市", "所属市", "地市")),
	C("district", "区县", "district", PB_COL_TEXT, 0,
	  A("区", "区县", "县区", "所属区", "所属县区", "县(市、区)", "区(县)")),
	C("town", "镇街", "town", PB_COL_TEXT, 0,
	  A("镇街", "镇(街道)", "所属镇街", "镇/街道", "镇街道", "街道")),
	C("community", "村居", "village/community", PB_COL_TEXT, 0,
	  A("村居", "村(社区)", "所属村居", "村/社区", "村居委")),
	C("org_mode", "组建方式", "coverage", PB_COL_VOCAB, PB_VOCAB_ORG_MODE,
	  A("组建方式", "覆盖方式", "组建形式", "组建情况")),
	C("org_id", "党组织编号", "organization id", PB_COL_ID, 0, A("党组织编号", "党组织代码")),
	C("org_name", "党组织名称", "organization", PB_COL_TEXT, 0, A("党组织名称", "所属党组织")),
	C("org_kind", "党组织类别", "organization kind", PB_COL_VOCAB, PB_VOCAB_ORG_KIND,
	  A("党组织类别", "党组织类型", "组织类别")),
	C("members", "党员数", "members", PB_COL_INT, 0, A("党员数", "党员人数", "正式党员数")),
	C("instructor", "党建指导员", "instructor", PB_COL_TEXT, 0, A("党建指导员", "指导员")),
	C("established", "成立时间", "established", PB_COL_DATE, 0,
	  A("成立时间", "建立时间", "成立日期", "组建时间")),
	C("dissolved", "撤销时间", "dissolved", PB_COL_DATE, 0, A("撤销时间", "撤销日期")),
	C("opened", "开工时间", "opened", PB_COL_DATE, 0, A("开工时间", "开工日期", "启用时间")),
	C("closed", "竣工时间", "closed", PB_COL_DATE, 0, A("竣工时间", "竣工日期", "关闭时间")),
	/* scores */
	C("entity_id", "编号", "id", PB_COL_ID, 0,
	  A("编号", "单位编号", "参评单位编号", "对象编号", "id")),
	C("entity_name", "名称", "name", PB_COL_TEXT, 0,
	  A("名称", "单位名称", "参评单位", "参评对象", "单位", "姓名", "name")),
	C("indicator", "指标", "indicator", PB_COL_TEXT, 0,
	  A("指标", "考核指标", "评价指标", "指标名称")),
	C("judge", "评委", "judge", PB_COL_TEXT, 0, A("评委", "评分人", "打分人", "评委编号")),
	C("score", "得分", "score", PB_COL_NUM, 0, A("得分", "分数", "评分", "分值")),
	C("period", "期间", "period", PB_COL_TEXT, 0,
	  A("期间", "时期", "考核期", "季度", "月份", "年度")),
	/* links */
	C("from_id", "单位编号", "unit id", PB_COL_ID, 0,
	  A("单位编号", "发起单位编号", "机关编号", "编号")),
	C("to_id", "结对单位编号", "partner id", PB_COL_ID, 0,
	  A("结对单位编号", "共建单位编号", "结对对象编号")),
	C("link_type", "结对类型", "link type", PB_COL_TEXT, 0,
	  A("结对类型", "共建类型", "结对方式")),
	C("signed", "已签约", "signed", PB_COL_VOCAB, PB_VOCAB_BOOL,
	  A("是否签约", "签约", "已签约", "是否签订协议")),
	/* targets */
	/* a target on amounts (with a measure) may be a decimal */
	C("target", "目标数", "target", PB_COL_NUM, 0, A("目标", "目标数", "计划数", "目标任务")),
	C("period_start", "起始日期", "period start", PB_COL_DATE, 0,
	  A("开始日期", "起始日期", "起始时间", "开始时间")),
	C("period_end", "截止日期", "period end", PB_COL_DATE, 0,
	  A("截止日期", "结束日期", "截止时间", "完成时限", "结束时间")),
	C("measure", "计量指标", "measure", PB_COL_TEXT, 0, A("计量指标", "考核指标")),
	/* pb-coverage output */
	C("units", "单位数", "units", PB_COL_OUTPUT, 0, NOAL),
	C("single", "单独组建", "own org.", PB_COL_OUTPUT, 0, NOAL),
	C("joint", "联合组建", "joint org.", PB_COL_OUTPUT, 0, NOAL),
	C("work", "工作覆盖", "work only", PB_COL_OUTPUT, 0, NOAL),
	C("none", "空白", "blank", PB_COL_OUTPUT, 0, NOAL),
	C("orgs", "党组织数", "organizations", PB_COL_OUTPUT, 0, NOAL),
	C("should_build", "应建未建", "should build", PB_COL_OUTPUT, 0, NOAL),
	C("org_rate", "组织覆盖率", "organization rate", PB_COL_OUTPUT, 0, NOAL),
	C("single_rate", "单独组建率", "own-org. rate", PB_COL_OUTPUT, 0, NOAL),
	C("work_rate", "工作覆盖率", "work coverage rate", PB_COL_OUTPUT, 0, NOAL),
	C("done", "已建成", "done", PB_COL_OUTPUT, 0, NOAL),
	C("progress_rate", "完成率", "progress", PB_COL_OUTPUT, 0, NOAL),
	C("time_rate", "时序进度", "time elapsed", PB_COL_OUTPUT, 0, NOAL),
	C("ahead_pp", "超时序进度", "ahead of calendar", PB_COL_OUTPUT, 0, NOAL),
	C("gap", "问题类型", "gap", PB_COL_OUTPUT, 0, NOAL),
	C("covered", "已覆盖", "covered", PB_COL_OUTPUT, 0, NOAL),
	C("covered_rate", "覆盖率", "coverage rate", PB_COL_OUTPUT, 0, NOAL),
	C("built_since", "期内新建", "built since", PB_COL_OUTPUT, 0, NOAL),
	C("change", "变动", "change", PB_COL_OUTPUT, 0, NOAL),
	C("prev_org_mode", "上期组建方式", "previous coverage", PB_COL_OUTPUT, 0, NOAL),
	/* pb-rank output */
	C("rank", "排名", "rank", PB_COL_OUTPUT, 0, NOAL),
	C("n", "参评数", "n", PB_COL_OUTPUT, 0, NOAL),
	C("pct", "百分位", "percentile", PB_COL_OUTPUT, 0, NOAL),
	C("stars", "星级", "stars", PB_COL_OUTPUT, 0, NOAL),
	C("grade", "等次", "grade", PB_COL_OUTPUT, 0, NOAL),
	C("flag", "标记", "flag", PB_COL_OUTPUT, 0, NOAL),
	C("prev_rank", "上期排名", "previous rank", PB_COL_OUTPUT, 0, NOAL),
	C("rank_change", "名次变化", "rank change", PB_COL_OUTPUT, 0, NOAL),
	C("streak", "连续期数", "streak", PB_COL_OUTPUT, 0, NOAL),
	C("rank_lo", "最好名次", "best rank", PB_COL_OUTPUT, 0, NOAL),
	C("rank_hi", "最差名次", "worst rank", PB_COL_OUTPUT, 0, NOAL),
	C(NULL, NULL, NULL, 0, 0, NULL)
};

const struct pb_column_def *pb_columns(void)
{
	return columns;
}

const struct pb_column_def *pb_column_find(const char *name)
{
	const struct pb_column_def *c;

	for (c = columns; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int ends_with(const char *s, const char *suffix, size_t *base_len)
{
	size_t n = strlen(s), k = strlen(suffix);

	if (n <= k || strcmp(s + n - k, suffix) != 0)
		return 0;
	*base_len = n - k;
	return 1;
}

int pb_column_label(const char *name, int en, struct pb_buf *out)
{
	/* a column derived from a known one: its label and the suffix's */
	static const char *const suffixes[][3] = { { "_delta_pp", "变化", " change" },
		                                   { "_sum", "合计", " total" },
		                                   { "_distinct", "数", " (distinct)" } };
	const struct pb_column_def *c = pb_column_find(name);
	size_t base, k;

	if (c) {
		pb_buf_adds(out, en ? c->en : c->zh);
		return 1;
	}
	for (k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++)
		if (ends_with(name, suffixes[k][0], &base) && base < 64) {
			char tmp[64];
			memcpy(tmp, name, base);
			tmp[base] = '\0';
			if ((c = pb_column_find(tmp))) {
				pb_buf_adds(out, en ? c->en : c->zh);
				pb_buf_adds(out, suffixes[k][en ? 2 : 1]);
				return 1;
			}
		}
	pb_buf_adds(out, name);
	return 0;
}

static const struct pb_kind_def kinds[] = {
	[PB_KIND_UNITS] = { "units",
	                    A("unit_id", "unit_name", "unit_type", "city", "district", "town",
	                      "community", "org_mode", "org_id", "org_name", "org_kind", "members",
	                      "instructor", "established", "dissolved", "opened", "closed"),
	                    A("unit_name", "org_mode") },
	[PB_KIND_SCORES] = { "scores",
	                     A("entity_id", "entity_name", "city", "district", "town", "community",
	                       "indicator", "judge", "score", "period"),
	                     A("entity_id", "indicator", "score") },
	[PB_KIND_LINKS] = { "links", A("from_id", "to_id", "link_type", "signed"),
	                    A("from_id", "to_id") },
	[PB_KIND_TARGETS] = { "targets",
	                      A("city", "district", "town", "community", "unit_type", "target",
	                        "period_start", "period_end", "measure"),
	                      A("target", "period_start", "period_end") },
	[PB_KIND_RAW] = { "raw", A(NULL), A(NULL) },
};

const struct pb_kind_def *pb_kind_def(enum pb_kind k)
{
	return &kinds[k];
}

int pb_kind_parse(const char *name, enum pb_kind *k)
{
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].name, name) == 0) {
			*k = (enum pb_kind)i;
			return 0;
		}
	return -1;
}
