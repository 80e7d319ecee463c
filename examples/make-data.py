#!/usr/bin/env python3
"""Writes the example registers in examples/data/ (already committed; rerun to
regenerate them exactly). The figures are those of the seed reports:

  foshan-units.csv     佛山: 1,232 物业住宅小区 all covered; 437 重点项目 each with a
                       临时党支部; 南海 2,047 经济社 under 1,835 党支部; 禅城 41 小区党支部
                       by 16 June 2022 against a target of 80 (GB18030, as WPS saves it)
  foshan-targets.csv   the 80-branch target
  devzone-units.csv    冠县经济开发区: 68 重点企业, 65 党组织, 466 党员, 100% coverage,
                       92.6% 单独组建率
  liaocheng-units.csv  非公企业 and 社会组织 whose 单独组建率 rose 14 and 15 points from
                       2023 to 2024
"""
import random

rnd = random.Random(2022)
HEAD = ["单位编号", "单位名称", "类型", "所属县区", "镇街", "村居", "组建方式", "党组织名称",
        "党组织类别", "党员人数", "党建指导员", "成立时间", "开工时间", "竣工时间"]


def row(uid, name, typ, district, town, comm, mode, org, kind, members, instructor="",
        established="", opened="", closed=""):
    return [uid, name, typ, district, town, comm, mode, org, kind, str(members), instructor,
            established, opened, closed]


def write_csv(path, rows, encoding="utf-8-sig"):
    def q(f):
        return '"' + f.replace('"', '""') + '"' if any(c in f for c in ',"\n') else f
    with open(path, "w", encoding=encoding, newline="") as fh:
        for r in [HEAD] + rows:
            fh.write(",".join(q(f) for f in r) + "\r\n")


def date(y, m, d):
    return f"{y}年{m}月{d}日" if rnd.random() < 0.3 else f"{y}/{m}/{d}"


districts = {"禅城区": ["祖庙街道", "石湾镇街道", "张槎街道", "南庄镇"],
             "南海区": ["桂城街道", "大沥镇", "里水镇", "狮山镇", "西樵镇"],
             "顺德区": ["大良街道", "容桂街道", "北滘镇", "乐从镇"],
             "高明区": ["荷城街道", "杨和镇", "明城镇"],
             "三水区": ["西南街道", "云东海街道", "白坭镇"]}
rows = []
n = 0
# 1,232 residential compounds: Chancheng 96 (41 branches by 16 June), the rest before
compounds = {"禅城区": 96, "南海区": 402, "顺德区": 438, "高明区": 131, "三水区": 165}
for d, count in compounds.items():
    for i in range(count):
        n += 1
        town = rnd.choice(districts[d])
        name = f"{town[:2]}{rnd.choice(['花园', '豪园', '家园', '新村', '小区'])}{i + 1}号"
        members = rnd.randint(1, 40)
        if d == "禅城区":
            if i < 41:
                est = date(2022, rnd.randint(3, 5), rnd.randint(1, 28)) if i < 40 else "2022年6月12日"
            else:
                est = date(2022, 7, rnd.randint(1, 28))
            rows.append(row(f"FS{n:05d}", name, "物业住宅小区", d, town, "", "单独组建", name + "党支部",
                            "党支部", members, "指导员" + str(i), est))
        elif i % 10 == 9:
            org = f"{town}{i // 20}片联合党支部"
            rows.append(row(f"FS{n:05d}", name, "物业住宅小区", d, town, "", "联合组建", org, "党支部",
                            members, "", date(2021, rnd.randint(1, 12), rnd.randint(1, 28))))
        else:
            rows.append(row(f"FS{n:05d}", name, "物业住宅小区", d, town, "", "单建", name + "党支部",
                            "党支部", members, "", date(2021, rnd.randint(1, 12), rnd.randint(1, 28))))
# 437 key projects, each with its own temporary branch (Nanhai's ten set up on 15 July)
projects = {"禅城区": 71, "南海区": 120, "顺德区": 110, "高明区": 56, "三水区": 80}
for d, count in projects.items():
    for i in range(count):
        n += 1
        town = rnd.choice(districts[d])
        name = f"{town[:2]}重点工程{i + 1}期项目"
        est = "2022-7-15" if d == "南海区" and i < 10 else date(2022, rnd.randint(1, 6), rnd.randint(1, 28))
        rows.append(row(f"FS{n:05d}", name, "重点项目", d, town, "", "单独组建", name + "临时党支部",
                        "临时党支部", rnd.randint(3, 15), "", est, "2021-10-1", ""))
# Nanhai: 2,047 economic co-operatives, 1,835 branches (1,700 own + 347 in 135 joint ones)
for i in range(2047):
    n += 1
    town = rnd.choice(districts["南海区"])
    village = f"{town[:2]}{i // 12 + 1}村"
    name = f"{village}第{i % 12 + 1}经济合作社"
    if i < 1700:
        rows.append(row(f"FS{n:05d}", name, "", "南海区", town, village, "单建", name + "党支部", "党支部",
                        rnd.randint(3, 30), "", date(2020, rnd.randint(1, 12), rnd.randint(1, 28))))
    else:
        j = (i - 1700) % 135
        rows.append(row(f"FS{n:05d}", name, "", "南海区", town, village, "联建", f"南海区经济社第{j + 1}联合党支部",
                        "党支部", rnd.randint(0, 4), "", "2020-6-30"))
write_csv("data/foshan-units.csv", rows, encoding="gb18030")
with open("data/foshan-targets.csv", "w", encoding="utf-8-sig", newline="") as fh:
    fh.write("区,单位类型,目标数,开始日期,截止日期\r\n禅城区,物业住宅小区,80,2022-01-01,2022-12-31\r\n")

# 冠县经济开发区: 68 key firms; 63 own branches, 5 in 2 joint ones; 466 members
rows = []
members = [7] * 58 + [6] * 10  # 466 members
for i in range(68):
    name = f"冠县经开区重点企业{i + 1}有限公司"
    if i < 63:
        rows.append(row(f"GX{i + 1:03d}", name, "非公企业", "冠县", "冠县经济开发区", "", "单独组建", name + "党支部",
                        "党支部", members[i], "", date(2023, rnd.randint(1, 12), rnd.randint(1, 28))))
    else:
        org = "开发区非公企业第一联合党支部" if i < 66 else "开发区非公企业第二联合党支部"
        rows.append(row(f"GX{i + 1:03d}", name, "非公企业", "冠县", "冠县经济开发区", "", "联合组建", org, "党支部",
                        members[i], "", "2023-3-1"))
write_csv("data/devzone-units.csv", rows)

# 聊城: 500 enterprises (single 150 -> 220) and 200 social organizations (40 -> 70)
rows = []
for typ, count, before, after in (("非公企业", 500, 150, 220), ("社会组织", 200, 40, 70)):
    for i in range(count):
        uid = f"LC{'E' if typ == '非公企业' else 'S'}{i + 1:04d}"
        name = f"聊城{'企业' if typ == '非公企业' else '协会'}{i + 1}" + ("有限公司" if typ == "非公企业" else "")
        district = rnd.choice(["东昌府区", "茌平区", "临清市", "冠县", "东阿县"])
        if i < before:
            rows.append(row(uid, name, typ, district, "", "", "单独组建", name + "党支部", "党支部", rnd.randint(3, 20),
                            "", date(2022, rnd.randint(1, 12), rnd.randint(1, 28))))
        elif i < after:
            rows.append(row(uid, name, typ, district, "", "", "单独组建", name + "党支部", "党支部", rnd.randint(3, 20),
                            "党建指导员" + str(i), date(2024, rnd.randint(1, 11), rnd.randint(1, 28))))
        else:
            rows.append(row(uid, name, typ, district, "", "", "选派党建指导员", "", "", rnd.randint(0, 2),
                            "党建指导员" + str(i)))
write_csv("data/liaocheng-units.csv", rows)
