"""What the complaint flow (投诉) says. Thank, apologise where the service is at fault, never argue."""

ASK_WHAT = "请您具体说一下发生了什么事（时间、地点、情况），我们好尽快处理。"
ASK_CATEGORY = (
    "请问您要投诉哪一类问题？噪音、养犬宠物、高空抛物、违章搭建、空调滴水、住改商、停车、环境卫生、服务态度、"
    "安全秩序，或者其他（直接描述也可以）。"
)
ASK_TARGET = "请问是针对哪位人员/哪户/哪个部门？（不清楚可以回复“不清楚”）"
ASK_WISH = "您希望我们怎么处理？（如“尽快处理”，没有特别要求可以回复“没有”）"
ANGRY = "非常抱歉让您这么生气，您反映的问题我们一定认真处理。如需人工客服，回复“转人工”。\n"
CONFIRM = (
    "请确认投诉内容：\n类型：{category}\n对象：{target}\n情况：{description}\n您的诉求：{wish}\n{deadline}"
    "确认无误请回复“确认”，需要修改请直接告诉我，回复“取消”放弃。"
)
OWNER_DEADLINE = "期望处理时间：{when}前\n"
UNKNOWN_TARGET = "不详"
NOT_NAMED = "未说明"
NO_WISH = "无具体要求"

THANKS = "感谢您的反馈！"
APOLOGY = "给您带来不好的体验，我们深表歉意。"
CREATED = "{thanks}{apology}投诉已登记，工单号 {number}。\n{limits}\n处理进展会及时通知您。还有什么可以帮您？"
LIMITS = {
    "major": "此事已上报管理处主任，我们会在{answer}前给您明确答复，{resolve}前处理完毕。",
    "important": "此事已转交部门主管跟进，我们会在{resolve}前处理完毕。",
    "minor": "我们会在{resolve}前处理完毕。",
}
LIMITS_OWNER_DATE = "我们会按您的要求，在{resolve}前处理完毕。"

# For staff.
MANAGER_ALERT = "【重大投诉】{summary}\n工单号 {number}，分级依据：{reason}。请今天内关注处理。"
TIER_NOTE = "分级：{tier}（{reason}）"

# What the owner hears as staff work on a complaint (the kind's updates; no repair words).
ACCEPTED = "您好，您的投诉 {number} 已由{name}负责跟进{phone}，我们会尽快核实处理，结果会及时告诉您。"
STARTED = "您好，{name}已开始处理您的投诉 {number}。"
COMPLETED = (
    "您好，您的投诉 {number} 已处理完毕{note}。\n请问您对处理结果满意吗？请回复 1-5 分（5分最满意）；"
    "如果问题仍然存在，请直接告诉我们。感谢您的监督！"
)
REOPENED = (
    "非常抱歉问题还没有解决！投诉 {number} 已重新打开，主管会亲自跟进，会在{on_site}前给您答复。"
    "感谢您的耐心。"
)
RATED_POOR = (
    "非常抱歉这次处理没有让您满意！投诉 {number} 已重新打开，主管会亲自跟进并联系您做二次回访，"
    "会在{on_site}前给您答复。感谢您的反馈，我们一定改进。"
)
