"""Return visits (回访), fee reminders (催缴) and the supervisors' summaries."""

RETURN_VISIT = (
    "您好，这里是{estate}客服回访。您的工单 {number}（{description}）已处理完成，"
    "请问您对这次服务满意吗？请回复 1-5 分（5分最满意），也欢迎说说您的意见。感谢您的支持！"
)
RETURN_VISIT_REMINDER = "您好，打扰了。您的工单 {number} 还没有评价，方便的话请回复 1-5 分，帮助我们改进服务。谢谢！"
FEE_REMINDER = (
    "尊敬的业主您好：您家 {room} 目前有 {months} 个月的费用未缴（自 {oldest} 起），合计 ¥{amount}。"
    "请于本月底前缴纳，缴费方式：\n{methods}\n如已缴纳请忽略本消息，发送“查物业费”可查看明细。感谢您的支持！"
)
DUNNING_SUMMARY = "【催缴】本月已提醒 {reminded} 户；催缴函名单 {letters} 户；法律程序名单 {legal} 户。明细请见月报。"
WHOLE_COMPANY = "全公司"
DAILY_SUMMARY = (
    "【每日简报 {day}】未完成工单 {open} 张，其中超时 {overdue} 张；昨日新增 {new} 张、完成 {done} 张；"
    "待电话回访 {phone} 户。"
)
