# Regenerates units.tsv, the example register of examples/coverage-parallel.sh:
#   awk -f make-units.awk >units.tsv
# 1,500 units of five Foshan districts, seeded so every run gives the same file.
BEGIN {
	srand(2022); OFS = "\t"
	nd = split("禅城区 南海区 顺德区 高明区 三水区", d, " ")
	nt = split("residential key_project enterprise social_org econ_coop", t, " ")
	split("物业住宅小区 重点项目 非公企业 社会组织 经济社", zh, " ")
	print "unit_id", "unit_name", "unit_type", "city", "district", "town", "org_mode", "org_id", "org_name", "org_kind", "members", "instructor", "established", "dissolved", "opened", "closed"
	for (i = 1; i <= 1500; i++) {
		di = 1 + int(rand() * nd); ti = 1 + int(rand() * nt); r = rand()
		mode = r < 0.45 ? "single" : r < 0.70 ? "joint" : r < 0.85 ? "work" : "none"
		town = d[di] "第" (1 + int(rand() * 4)) "街道"
		org = ""; oname = ""; kind = ""; est = ""; dis = ""; opened = ""; closed = ""
		if (mode == "single") {
			org = sprintf("o%04d", i); oname = zh[ti] i "党支部"
			kind = t[ti] == "key_project" ? "temp_branch" : "branch"
		} else if (mode == "joint") {
			j = int(rand() * 12); org = sprintf("j%s%02d", di, j); oname = town "联合党支部" j; kind = "branch"
		}
		if (org != "")
			est = sprintf("20%02d-%02d-%02d", 19 + int(rand() * 4), 1 + int(rand() * 12), 1 + int(rand() * 28))
		if (t[ti] == "key_project") {
			opened = sprintf("2022-%02d-01", 1 + int(rand() * 9))
			if (rand() < 0.3) closed = "2022-12-31"
			if (kind == "temp_branch" && rand() < 0.3) dis = "2022-12-31"
		}
		print sprintf("FS%05d", i), zh[ti] i, t[ti], "佛山市", d[di], town, mode, org, oname, kind,
			(rand() < 0.1 ? "" : int(rand() * 12)), (mode != "single" && rand() < 0.5 ? "指导员" i : ""),
			est, dis, opened, closed
	}
}
