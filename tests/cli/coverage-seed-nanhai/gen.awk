# 2,047 economic co-operatives in seven towns: 1,700 with their own branch, 347 sharing
# 135 joint branches (each joint branch within one town): 1,700 + 135 = 1,835 branches.
BEGIN {
	OFS = "\t"
	split("桂城街道 九江镇 西樵镇 丹灶镇 狮山镇 大沥镇 里水镇", t, " ")
	print "unit_id", "unit_name", "unit_type", "district", "town", "org_mode", "org_id", "org_kind", "members"
	for (k = 1; k <= 2047; k++) {
		if (k <= 1700) {
			town = t[1 + k % 7]; mode = "single"; org = sprintf("s%04d", k)
		} else {
			j = (k - 1701) % 135; town = t[1 + j % 7]; mode = "joint"; org = sprintf("j%03d", j)
		}
		print sprintf("c%04d", k), "经济社" k, "econ_coop", "南海区", town, mode, org, "branch", k % 9
	}
}
