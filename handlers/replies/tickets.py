"""What owners hear about their tickets as staff work on them."""

ACCEPTED = "您好，您的工单 {number} 已由{name}接单{phone}，预计{when}上门处理，请保持电话畅通。"
STARTED = "您好，{name}已开始处理您的工单 {number}。"
COMPLETED = (
    "您好，您的工单 {number} 已处理完成{note}。\n请确认是否满意：回复 1-5 分（5分最满意），"
    "如果问题还没有解决，请回复“没修好”。感谢您的支持！"
)
REOPENED = (
    "非常抱歉给您带来不便！工单 {number} 已重新打开，我们已通知{who}尽快安排复修，"
    "维修人员将在{on_site}前上门。感谢您的反馈！"
)
RATED_POOR = (
    "非常抱歉这次服务没有让您满意！您的意见已转给主管，工单 {number} 已重新打开，"
    "维修人员将在{on_site}前上门复修，主管也会联系您做二次回访。感谢您的反馈，我们一定改进。"
)
CHASE_SENT = "已为您催促工单 {number}，处理人员会尽快联系您。不好意思，让您久等了。"
CHASE_TOO_SOON = "您在{minutes}分钟内已经催过工单 {number}，我们正在加紧处理，请您稍候。"
CHASE_CLOSED = "工单 {number} 已经{status}，不需要催办。还有什么可以帮您？"
MERGED = ("您反映的{where}{category}问题已有其他业主报修（工单 {number}），"
          "我们已把您加入通知名单，处理进展会同步告诉您。")
