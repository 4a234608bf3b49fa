"""Name lists and fixed facts of the demo county (禾溪县, a FICTIONAL county).

Everything here is invented for demonstration: the county, its towns, streets, codes
and people do not exist. Nothing is copied from a real government's content. The
generator (`generator.py`) combines these lists with a seeded `random.Random`.

Notes on "fictional" numbers:

* Region code 990101 in the credit codes: no province-level division starts with 99.
* Landlines: the area code 0999 was asked for, but it is a real area code (Ili,
  Xinjiang); the local numbers therefore start with 0, which no real subscriber
  number can (0 is the trunk prefix), so no generated landline can reach anyone.
* Mobiles have the ordinary 11-digit form (the validators accept nothing else) and
  may collide with real numbers: the demo only ever "sends" SMS through the logging
  backend; never point a demo database at a real SMS gateway.
"""

# --- the county ---------------------------------------------------------------------------

COUNTY_NAME = "禾溪县"
COUNTY_ABBR = "禾"  # first character: the root of every 代字 (禾政发, 禾教发 ...)
COUNTY_LOGIN_PREFIX = "hx"  # ordinary staff log-ins: hx00001, hx00002 ...
REGION_CODE = "990101"  # invented 6-digit division code (no province code starts with 99)
AREA_CODE = "0999"
POSTCODE = "990100"
FICTION_MARK = "（虚构演示数据）"
COUNTY_FICTION_MARK = "（虚构演示县）"

COUNTY_STREETS = ["禾兴大道", "溪岸路", "澄明街", "惠民路", "稻香路", "望山路", "文昌街"]
TOWN_STREETS = ["正街", "新街", "政府路", "兴隆街", "河滨路"]

DEMO_PASSWORD = "Demo-2026-zt"

# --- people -------------------------------------------------------------------------------

# Common surnames, the most frequent repeated so that they come up more often.
SURNAMES = (
    "王李张刘陈杨黄赵吴周" * 3
    + "徐孙马朱胡郭何高林罗" * 2
    + "郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    + "金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)

GIVEN_MALE = (
    "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林建国志文海东峰晨博振亮"
    "成立新德永兴荣庆春松涵毅坤锋昊哲瑞泽楷祥源"
)
GIVEN_FEMALE = (
    "芳娜敏静丽艳娟霞秀玲桂英洁婷雪琳晶颖慧燕萍红玉兰梅琴倩璐欣怡悦佳雯蕾薇月彤蓉岚莉"
    "珊琪菲露婧婉淑馨"
)

# Names never to be generated: present and past national leaders. A common name such
# as 李强 would otherwise come up now and then and make the demo awkward.
BLOCKED_NAMES = frozenset(
    "李强 李克强 赵乐际 王沪宁 蔡奇 丁薛祥 李希 韩正 王毅 王岐山 汪洋 张德江 俞正声 "
    "刘云山 张高丽 胡锦涛 温家宝 江泽民 朱镕基 李鹏 吴邦国 贾庆林 李长春 习近平".split()
)

MOBILE_PREFIXES = ["139", "138", "137", "136", "135", "158", "186", "188", "133", "177", "199"]

# --- units --------------------------------------------------------------------------------


def _departments(table):
    """Rows "name suffix | short name | 代字 middle | 大 (large) or - | duties" into tuples
    (suffix, short, middle, large, head title, deputy title, duties). Each department
    becomes "禾溪县<suffix>", short name "县<short>", 代字 "禾<middle>发"."""
    rows = []
    for line in table.strip().splitlines():
        suffix, short, middle, size, duties = (part.strip() for part in line.split("|"))
        head = (
            "主任" if suffix.endswith("委员会") else ("部长" if suffix.endswith("部") else "局长")
        )
        rows.append((suffix, short, middle, size == "大", head, "副" + head, duties))
    return rows


GOVERNMENT_DEPARTMENTS = _departments("""
发展和改革局 | 发改局 | 发改 | - | 负责全县国民经济和社会发展规划、重大项目统筹与价格管理
教育局 | 教育局 | 教 | 大 | 负责全县学前教育、义务教育和高中阶段教育的统筹管理
工业和信息化局 | 工信局 | 工信 | - | 负责全县工业经济运行、中小企业发展和信息化推进
公安局 | 公安局 | 公 | 大 | 负责全县社会治安、户籍管理和道路交通安全管理
民政局 | 民政局 | 民 | - | 负责全县社会救助、养老服务、社会组织和区划地名管理
司法局 | 司法局 | 司 | - | 负责全县法治建设、行政复议、人民调解和法律援助
财政局 | 财政局 | 财 | 大 | 负责全县财政收支、预算编制和国有资产管理
人力资源和社会保障局 | 人社局 | 人社 | 大 | 负责全县就业创业、社会保险和人事人才工作
自然资源局 | 自然资源局 | 自然资 | 大 | 负责全县国土空间规划、自然资源调查与确权登记
生态环境分局 | 生态环境分局 | 环 | - | 负责全县生态环境保护、污染防治和环境监测
住房和城乡建设局 | 住建局 | 建 | 大 | 负责全县城乡建设、住房保障和建筑市场管理
交通运输局 | 交通运输局 | 交 | - | 负责全县公路建设养护、道路运输和农村客运管理
水利局 | 水利局 | 水 | - | 负责全县水资源管理、水利工程建设和防汛抗旱
农业农村局 | 农业农村局 | 农 | 大 | 负责全县农业生产、农村改革和乡村振兴推进
商务局 | 商务局 | 商 | - | 负责全县商贸流通、对外贸易和电子商务发展
文化和旅游局 | 文旅局 | 文旅 | - | 负责全县文化事业、文物保护和旅游产业发展
卫生健康委员会 | 卫健委 | 卫健 | 大 | 负责全县医疗卫生服务、疾病预防控制和人口监测
退役军人事务局 | 退役军人事务局 | 退役 | - | 负责全县退役军人安置、优抚和权益保障
应急管理局 | 应急局 | 应急 | - | 负责全县安全生产监管、应急救援和防灾减灾
审计局 | 审计局 | 审 | - | 负责全县财政收支和国有资产的审计监督
市场监督管理局 | 市场监管局 | 市监 | 大 | 负责全县市场主体登记、食品药品安全和质量监管
统计局 | 统计局 | 统 | - | 负责全县统计调查、数据发布和统计监督
医疗保障局 | 医保局 | 医保 | - | 负责全县医疗保险、医疗救助和医药价格管理
林业局 | 林业局 | 林 | - | 负责全县森林资源保护、造林绿化和森林防火
信访局 | 信访局 | 访 | - | 负责全县群众来信来访的受理、交办和督办
投资促进局 | 投促局 | 投促 | - | 负责全县招商引资、项目洽谈和投资服务
行政审批服务局 | 行政审批局 | 审批 | 大 | 负责全县政务服务大厅运行和行政许可事项办理
数据资源管理局 | 数据局 | 数据 | - | 负责全县政务数据资源整合、共享开放和数字政府建设
""")

COMMITTEE_DEPARTMENTS = _departments("""
组织部 | 组织部 | 组 | - | 负责全县党的组织建设和干部人才工作
宣传部 | 宣传部 | 宣 | - | 负责全县理论学习、新闻宣传和精神文明建设
""")

# Internal sections (股/室/队) of some large departments, by name suffix above.
SECTIONS = {
    "教育局": ["基础教育股", "计划财务股"],
    "财政局": ["预算股", "国库股"],
    "公安局": ["政工室", "治安管理大队"],
    "卫生健康委员会": ["医政医管股"],
    "行政审批服务局": ["综合受理科", "社会事务审批科"],
}

# Town names: two syllables + 镇 / 乡, drawn with the seed.
TOWN_FIRST = "丰清石桂松柳梅莲竹云泉枫桃杏菱茶榆槐樟柏杉荷兰芝稻麦谷"
TOWN_SECOND = "丰源坪塘湾桥岭冈田口坝溪湖泉林埠山洲"
TOWN_COUNT = 10  # 镇
TOWNSHIP_COUNT = 3  # 乡

# --- sample content -----------------------------------------------------------------------

# Kinds of the demo's sample work items (the subsystems will file their own).
WORK_ITEM_KINDS = {
    "sign_for": "demo.sign_for",
    "review": "demo.review",
    "handle": "demo.handle",
    "sign_off": "demo.sign_off",
    "reply": "demo.reply",
    "edit": "demo.edit",
    "admin": "demo.admin",
    "report": "demo.report",
}
