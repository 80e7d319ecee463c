# 437 key projects open on 2022-07-15, each with a temporary branch established by then;
# 13 more completed before (not counted); 5 whose branch comes in August (not counted as
# covered: work, they have an instructor) are opened only in August too, so not counted.
BEGIN {
	OFS = "\t"
	print "unit_id", "unit_name", "unit_type", "district", "org_mode", "org_id", "org_kind", "members", "instructor", "established", "dissolved", "opened", "closed"
	for (k = 1; k <= 437; k++)
		print sprintf("p%03d", k), "重点项目" k, "key_project", "南海区", "single", sprintf("t%03d", k), "temp_branch", 3 + k % 5, "", "2022-0" (1 + k % 6) "-01", (k % 3 ? "" : "2023-06-30"), "2022-01-01", (k % 4 ? "" : "2023-12-31")
	for (k = 438; k <= 450; k++)
		print sprintf("p%03d", k), "已竣工项目" k, "key_project", "南海区", "single", sprintf("t%03d", k), "temp_branch", 4, "", "2021-03-01", "2022-05-31", "2021-02-01", "2022-05-31"
	for (k = 451; k <= 455; k++)
		print sprintf("p%03d", k), "新开工项目" k, "key_project", "南海区", "single", sprintf("t%03d", k), "temp_branch", 3, "赵六", "2022-08-15", "", "2022-08-01", ""
}
