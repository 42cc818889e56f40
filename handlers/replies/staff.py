"""What staff read: new tickets, offers, alerts and the answers to their chat commands."""

ASSIGNED = "【新工单】{summary}\n工单号 {number}，请回复“接单 {number}”确认。"
OFFER = "【抢单】{summary}\n工单号 {number}，回复“接单 {number}”即可接单，先到先得。"
TEAM_NOTICE = "【协同】{summary}\n工单号 {number}，需要您按约定时间到场。"
EMERGENCY_ALERT = "【紧急】{summary}\n工单号 {number}，请立即处理并联系业主！"
TAKEN = "工单 {number} 已由您接单，请按时上门。完成后回复“完工 {number}”。"
ALREADY_TAKEN = "工单 {number} 已被{name}接单，谢谢！"
STARTED = "已记录：工单 {number} 开始处理。"
COMPLETED = "已记录：工单 {number} 完工，已请业主确认。"
REASSIGNED = "工单 {number} 已转派给 {name}。"
REASSIGNED_TO_YOU = "【转派】{name}把工单 {number} 转给您：{summary}\n请回复“接单 {number}”确认。"
NOTED = "已为工单 {number} 添加备注。"
NO_SUCH_TICKET = "没有找到工单 {number}，请核对工单号。"
NO_SUCH_STAFF = "没有找到名为“{name}”的员工，请核对姓名。"
USAGE = "格式：{usage}"
MY_TICKETS_EMPTY = "您目前没有未完成的工单。"
MY_TICKETS = "您的未完成工单（{count}）：\n{lines}"
OVERDUE_EMPTY = "目前没有超时工单。"
OVERDUE = "超时工单（{count}）：\n{lines}"
TICKET_LINE = "{number} {status} {where} {category} 截止 {due}"
CHASED = "【催单】业主催问工单 {number}：{summary}，请尽快处理并回复业主。"
ESCALATION = {
    1: "【即将超时】工单 {number}（{deadline}）将于 {due} 到期，请抓紧处理。",
    2: "【已超时】工单 {number}（{deadline}）已于 {due} 超时，处理人：{assignee}。请主管跟进。",
    3: "【严重超时】工单 {number}（{deadline}）超时未处理（截止 {due}），处理人：{assignee}。请管理处主任关注。",
}
DEADLINE_NAMES = {
    "on_site": "上门", "resolve": "完成", "acknowledge": "响应", "report": "上报", "answer": "答复",
}
