/* bench/gen: the seeded registers `make bench` times pb on.
 *
 *   gen units N SEED CSV TSV   N units: CSV as staff keep it (Chinese headers, aliases,
 *                              mixed date styles, some quoted names, CRLF) and TSV, the
 *                              same units as `pb-import --kind units --as-of 2026-01-01`
 *                              writes them (the benchmark checks that it does)
 *   gen scores N SEED TSV      N entities in wide form: entity_id, entity_name, district, score
 *
 * The same N and SEED give the same bytes on every machine (splitmix64, no libc rand).
 * Written in C because a 10-million-row register takes minutes in awk or Python. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* uniform in [0, n) (the tiny modulo bias does not matter for test data) */
static unsigned rng_below(unsigned n)
{
	return (unsigned)(rng_next() % n);
}

/* 12 cities x 10 districts = 120 districts; names are made up but read like real ones */
static const char *const cities[] = { "佛山", "广州", "深圳", "东莞", "中山", "江门",
	                              "肇庆", "惠州", "珠海", "汕头", "湛江", "茂名" };
static const char *const district_suffix[] = { "城区", "南区", "北区",   "东区", "西区",
	                                       "新区", "县",   "高新区", "港区", "经开区" };
#define NCITY (sizeof cities / sizeof *cities)
#define NDSUF (sizeof district_suffix / sizeof *district_suffix)

/* canonical unit_type, then the label or alias the CSV uses (two per type) */
static const char *const types[][3] = {
	{ "village_group", "村民小组", "村小组" },
	{ "econ_coop", "经济社", "经济合作社" },
	{ "village", "行政村", "村" },
	{ "community", "社区", "居委会" },
	{ "residential", "物业住宅小区", "小区" },
	{ "key_project", "重点项目", "在建项目" },
	{ "enterprise", "非公企业", "民营企业" },
	{ "social_org", "社会组织", "社团" },
	{ "agency", "机关事业单位", "事业单位" },
	{ "building", "商务楼宇", "楼宇" },
	{ "park", "园区", "工业园区" },
	{ "market", "商圈市场", "专业市场" },
	{ "other", "其他", "其它" },
};
#define NTYPE (sizeof types / sizeof *types)
static const char *const name_suffix[] = { "花园",   "家园", "新村", "有限公司", "合作社",
	                                   "项目部", "协会", "大厦", "市场",     "服务中心" };
#define NNSUF (sizeof name_suffix / sizeof *name_suffix)

/* org_mode: canonical and two CSV spellings */
static const char *const modes[][3] = {
	{ "single", "单独组建", "单建" },
	{ "joint", "联合组建", "联建" },
	{ "work", "工作覆盖", "党建指导员" },
	{ "none", "空白", "未建" },
};

static const char *const kinds[][2] = { { "branch", "党支部" },
	                                { "general_branch", "党总支" },
	                                { "committee", "党委" } };

/* pb's derived org_id: "o" + FNV-1a 64 of the (already normalized) org_name; see pb(7) */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3u;
	}
	return h;
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static FILE *open_out(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		die(path);
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

static void close_out(FILE *f, const char *path)
{
	if (ferror(f) || fclose(f) != 0)
		die(path);
}

/* a CSV field, quoted when it holds a comma (the generator never writes quotes or newlines) */
static void put_csv(FILE *f, const char *s, int last)
{
	if (strchr(s, ','))
		fprintf(f, "\"%s\"%s", s, last ? "\r\n" : ",");
	else
		fprintf(f, "%s%s", s, last ? "\r\n" : ",");
}

static void gen_units(unsigned long n, FILE *csv, FILE *tsv)
{
	fputs("单位编号,单位名称,类型,所属市,所属县区,镇街,村居,组建方式,党组织名称,党组织类别,"
	      "党员人数,党建指导员,成立时间\r\n",
	      csv);
	fputs("unit_id\tunit_name\tunit_type\tcity\tdistrict\ttown\tcommunity\torg_mode\t"
	      "org_id\torg_name\torg_kind\tmembers\tinstructor\testablished\n",
	      tsv);
	for (unsigned long i = 1; i <= n; i++) {
		unsigned c = rng_below(NCITY), ds = rng_below(NDSUF), t = rng_below(NTYPE);
		unsigned town = 1 + rng_below(20), comm = 1 + rng_below(30);
		unsigned r = rng_below(100), spell = rng_below(2);
		unsigned m = r < 35 ? 0 : r < 60 ? 1 : r < 80 ? 2 : 3;
		char city[32], district[64], towns[96], community[32], name[160], org[192];
		char members[16] = "", instr[32] = "", est_csv[32] = "", est_tsv[16] = "";
		const char *kind = "", *kind_csv = "";

		snprintf(city, sizeof city, "%s市", cities[c]);
		snprintf(district, sizeof district, "%s%s", cities[c], district_suffix[ds]);
		snprintf(towns, sizeof towns, "%s第%u街道", district, town);
		snprintf(community, sizeof community, "第%u社区", comm);
		/* one name in fifty has a comma, so the CSV quotes it */
		snprintf(name, sizeof name, "%s%s%lu%s", district, rng_below(50) ? "" : "一期,", i,
		         name_suffix[rng_below(NNSUF)]);
		org[0] = 0;
		if (m == 0) {
			snprintf(org, sizeof org, "%s党支部", name);
		} else if (m == 1) {
			/* up to 200 joint organizations per town, each shared by several units */
			snprintf(org, sizeof org, "%s第%u联合党支部", towns, rng_below(200));
		}
		if (org[0]) {
			unsigned k = rng_below(20) ? 0 : 1 + rng_below(2);
			unsigned y = 2015 + rng_below(10), mo = 1 + rng_below(12),
			         d = 1 + rng_below(28);
			kind = kinds[k][0];
			kind_csv = kinds[k][1];
			snprintf(est_tsv, sizeof est_tsv, "%04u-%02u-%02u", y, mo, d);
			switch (rng_below(3)) {
			case 0: snprintf(est_csv, sizeof est_csv, "%u/%u/%u", y, mo, d); break;
			case 1: snprintf(est_csv, sizeof est_csv, "%u年%u月%u日", y, mo, d); break;
			default: memcpy(est_csv, est_tsv, sizeof est_tsv); break;
			}
		}
		if (rng_below(20))
			snprintf(members, sizeof members, "%u",
			         m == 0 ? rng_below(41) : rng_below(11));
		if (m == 2 || rng_below(10) < 3)
			snprintf(instr, sizeof instr, "指导员%lu", i % 9973);

		fprintf(csv, "U%09lu,", i);
		const char *const row[] = { name,
			                    types[t][1 + spell],
			                    city,
			                    district,
			                    towns,
			                    community,
			                    modes[m][1 + spell],
			                    org,
			                    kind_csv,
			                    members,
			                    instr,
			                    est_csv };
		for (size_t f = 0; f < sizeof row / sizeof *row; f++)
			put_csv(csv, row[f], f + 1 == sizeof row / sizeof *row);
		fprintf(tsv, "U%09lu\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t", i, name, types[t][0], city,
		        district, towns, community, modes[m][0]);
		if (org[0])
			fprintf(tsv, "o%016" PRIx64, fnv1a(org));
		fprintf(tsv, "\t%s\t%s\t%s\t%s\t%s\n", org, kind, members, instr, est_tsv);
	}
}

static void gen_scores(unsigned long n, FILE *tsv)
{
	fputs("entity_id\tentity_name\tdistrict\tscore\n", tsv);
	for (unsigned long i = 1; i <= n; i++) {
		unsigned c = rng_below(NCITY), ds = rng_below(NDSUF);
		/* one decimal over 0-100: ties within a district, as real scores have */
		unsigned s = rng_below(1001);
		fprintf(tsv, "E%08lu\t参评单位%lu\t%s%s\t%u.%u\n", i, i, cities[c],
		        district_suffix[ds], s / 10, s % 10);
	}
}

static unsigned long parse_count(const char *s, const char *what)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (*s == 0 || *end != 0) {
		fprintf(stderr, "gen: %s: '%s' is not a whole number\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "units") == 0) {
		rng_state = parse_count(argv[3], "SEED");
		FILE *csv = open_out(argv[4]), *tsv = open_out(argv[5]);
		gen_units(parse_count(argv[2], "N"), csv, tsv);
		close_out(csv, argv[4]);
		close_out(tsv, argv[5]);
	} else if (argc == 5 && strcmp(argv[1], "scores") == 0) {
		rng_state = parse_count(argv[3], "SEED");
		FILE *tsv = open_out(argv[4]);
		gen_scores(parse_count(argv[2], "N"), tsv);
		close_out(tsv, argv[4]);
	} else {
		fputs("usage: gen units N SEED CSV TSV\n       gen scores N SEED TSV\n", stderr);
		return 2;
	}
	return 0;
}
