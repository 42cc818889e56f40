"""What the rating flow (回访评价) says to owners, and what supervisors read about a poor score."""

ASK_SCORE = "请问您对工单 {number}（{what}）的服务满意吗？请回复 1-5 分（5分最满意），也欢迎说说您的意见。"
THANKS = "感谢您的评价（{score}分）！工单 {number} 已完成回访，欢迎您继续监督我们的服务。还有什么可以帮您？"
SORRY_SECOND_VISIT = (
    "非常抱歉这次服务没有让您满意！您的意见已转给主管，主管会尽快联系您做二次回访，跟进处理。"
    "感谢您的反馈，我们一定改进。"
)
ASK_WHICH = "您有{count}张工单在等待评价：\n{tickets}\n请问您评价的是哪一张？请回复序号或工单号。"
WHICH_AGAIN = "不好意思，没有对上是哪一张。请回复序号（1-{count}）或工单号。"
NO_TICKET = (
    "谢谢您的评价！不过我没有找到需要您评价的服务。请问您评价的是哪一次服务呢？"
    "可以告诉我工单号（如 R20261123001）或者具体是什么事情。"
)
ALREADY_RATED = "已经收到您对工单 {number} 的评价，谢谢您！还有什么可以帮您？"

# Staff
STAFF_POOR_REOPENED = (
    "【不满意回访】工单 {number}（{what}）业主评分 {score} 分：“{words}”。"
    "工单已重新打开，请尽快安排复修；请主管安排二次回访。"
)
STAFF_POOR = "【不满意回访】工单 {number}（{what}）业主评分 {score} 分：“{words}”。请主管安排二次回访并跟进。"
