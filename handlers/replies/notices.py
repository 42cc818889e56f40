"""What notices say to owners, and to the staff who make them (docs/notices.md)."""

# To owners
ANNOUNCE = "【{estate}·{title}】{scope}：{when}。{text}\n给您带来不便，敬请谅解。如有疑问请致电 {hotline}。"
REMIND = "【温馨提醒】{scope}{kind}将于 {start} 开始（至 {end}）。{text}\n请提前做好准备。"
CLEAR = "【恢复通知】{scope}{kind}已结束，{done}。感谢您的理解与配合！如家中仍有问题，请直接回复告诉我们。"
EXTENDED = "【时间调整】{scope}{kind}预计结束时间调整为 {end}。{text}\n给您带来不便，敬请谅解。"
CANCELLED_SHORT = "已取消，一切照常"
CANCELLED = "【取消通知】原定 {when} 的{scope}{kind}已取消，一切照常。"
ANSWER = "您好，{estate}已发布{kind}通知：{scope}，{when}。{text}\n{until}如家中另有故障，请直接告诉我们。"
UNTIL = "预计 {end} 结束。"
DONE = {"停水": "已恢复供水", "停电": "已恢复供电", "电梯维保": "电梯已恢复使用", "消杀": "消杀作业已完成",
        "消防演练": "演练已结束", "台风预警": "台风预警已解除"}
DONE_OTHER = "一切恢复正常"
WHOLE_ESTATE = "全小区"

# To staff
DRAFT = ("请核对通知 {number}：\n{estate} {scope} {kind}{urgent}\n时间：{when}\n内容：{text}\n"
         "将发给 {count} 位业主/住户。\n回复“确认通知”发送，回复“取消通知”放弃。")
URGENT_MARK = "（紧急，免打扰时段也立即发送）"
SENT = "通知 {number} 已发出：{reached} 位业主/住户将收到。{unreachable}"
UNREACHABLE = "另有 {count} 位超过48小时未与公众号互动、且未配置模板消息，无法送达，请电话或张贴告知。"
NOT_ANNOUNCER = "通知由前台或主管发布。如需发布停水停电等通知，请联系前台或主管。"
NO_DRAFT = "没有待确认的通知。发布通知请发送：通知 3栋 停水 明天9:00-12:00 管道维修"
DRAFT_DROPPED = "通知 {number} 已放弃，没有发出。"
CANCELLED_STAFF = "通知 {number} 已取消。{told}"
TOLD_CANCEL = "已通知收到过它的 {count} 位业主/住户。"
EXTENDED_STAFF = "通知 {number} 已延长至 {end}，已告知 {count} 位业主/住户。"
ENDED_STAFF = "通知 {number} 已结束，恢复通知正在发给 {count} 位业主/住户。"
NO_NOTICE = "没有找到通知 {number}，或它不属于您服务的小区。"
NOT_ACTIVE = "通知 {number} 已{status}，不能再修改。"
STATUS_NAMES = {"draft": "草稿", "active": "生效", "ended": "结束", "cancelled": "取消"}
USAGE = ("发布通知的格式：通知 [楼栋] 类型 时间 内容，例如：\n通知 3栋 停水 明天9:00-12:00 管道维修\n"
         "类型：停水、停电、电梯维保、消防演练、消杀、台风预警、其他；不写楼栋即全小区。")
USAGE_CHANGE = "格式：{command} 通知编号{extra}，例如：{command} N20261204001{example}"
FROM_TICKET = ("工单 {ticket} 已转为通知 {number}（{kind}，{when}），已发给 {reached} 位业主/住户，"
               "包括报修的 {reporters} 位。")
FROM_TICKET_NO_BUILDING = "工单 {number} 没有楼栋，无法确定通知范围，请用“通知 3栋 停水 …”发布。"
FROM_TICKET_ALREADY = "工单 {ticket} 已转为通知 {number}，如需调整请用“延长通知”或“结束通知”。"
UNPLANNED = {"停水": "供水设施突发故障，正在抢修，请暂时储水、关好水龙头。",
             "停电": "供电设施突发故障，正在抢修，请关闭大功率电器。",
             "电梯维保": "电梯突发故障，正在抢修，请暂时走楼梯，注意安全。"}
UNPLANNED_OTHER = "设施突发故障，正在抢修。"
FROM_TICKET_USAGE = "格式：转通知 工单号 [类型] [预计HH:MM恢复]，例如：转通知 R20261204001 停水 预计16:00恢复"
NO_TICKET = "没有找到工单 {number}，或它不属于您服务的小区。"
WHICH_ESTATE = "您服务多个小区，请在通知里写上小区名，例如：通知 {example} 3栋 停水 明天9:00-12:00 管道维修"

# Why a notice is refused (command line, chat, console, API)
BAD_KIND = "通知类型“{kind}”不对，可选：停水、停电、电梯维保、消防演练、消杀、台风预警、其他"
BAD_TIMES = "结束时间要晚于开始时间"
ENDED_ALREADY = "结束时间已经过去"
EMPTY_TEXT = "请写上通知内容（原因、注意事项）"
TEXT_TOO_LONG = "通知内容太长（最多 {limit} 字）"
NO_BUILDING = "{estate}没有 {building} 栋"
NO_UNIT = "{estate}没有 {unit}"
NO_ESTATE = "没有这个小区：{estate}"
BAD_SCOPE = "没看懂楼栋“{words}”，请写成 3栋、3栋 5栋 或 3栋2单元（不写即全小区）"
FAR_START = "开始时间要在今天起 {days} 天以内"
TOO_LONG = "一条通知最长 {days} 天"
NO_TIME_ISO = "时间“{text}”看不懂，请写成 2026-12-05T09:00"
NO_TIME = "没看懂通知的时间，请写成“明天9:00-12:00”或“12月5日 8:30-17:00”"
