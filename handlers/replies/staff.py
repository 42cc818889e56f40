"""What staff read: new tickets, offers, alerts and the answers to their chat commands."""

# {details}: the booked visit time and the contact phone, one line each, when the ticket has them.
ASSIGNED = "【新工单】{summary}{details}\n工单号 {number}，请回复“接单 {number}”确认。"
OFFER = "【抢单】{summary}{details}\n工单号 {number}，回复“接单 {number}”即可接单，先到先得。"
TEAM_NOTICE = "【协同】{summary}{details}\n工单号 {number}，需要您按约定时间到场。"
EMERGENCY_ALERT = "【紧急】{summary}{details}\n工单号 {number}，请立即处理并联系业主！"
DETAIL_APPOINTMENT = "上门时间：{when}"
DETAIL_PHONE = "联系电话：{phone}"
TAKEN = "工单 {number} 已由您接单，请按时上门。完成后回复“完工 {number}”。"
ALREADY_TAKEN = "工单 {number} 已被{name}接单，谢谢！"
# Who may act on a ticket (handlers/domain/workflow.py)
NOT_OFFERED = "工单 {number} 没有推送给您抢单，不能接单。如需接手，请联系主管转派。"
ASSIGNED_TO_OTHER = "工单 {number} 已派给{name}，不能由您接单。如需接手，请联系主管转派。"
SEVERAL_STAFF = "有几位同事都叫{name}（手机 {phones}），请用手机号指明转派给谁，如“转派 {number} {example}”。"
OTHER_ESTATE = "工单 {number} 属于{estate}，不在{name}服务的小区范围内，不能处理。如有需要请联系该小区的主管。"
NOT_YOURS = "工单 {number} 的处理人是{name}，只有处理人或主管可以{action}。如需接手，请联系主管转派。"
NOT_YOURS_TO_REASSIGN = "只有工单 {number} 的处理人本人或主管可以转派（当前处理人：{name}）。"
TAKEN_OVER = "工单 {number} 已由您接手并接单（原派给{name}，已通知其不必再处理）。完成后回复“完工 {number}”。"
TAKEN_OVER_NOTICE = "【改派】工单 {number} 已由{name}接手处理，您不必再处理此单。"
SUPERVISOR_ALREADY_TAKEN = "工单 {number} 已被{name}接单。如需改由他人处理，请发送“转派 {number} 姓名”。"
NOBODY = "暂无"
STARTED = "已记录：工单 {number} 开始处理。"
COMPLETED = "已记录：工单 {number} 完工，已请业主确认。"
REASSIGNED = "工单 {number} 已转派给 {name}。"
REASSIGNED_TO_YOU = "【转派】{name}把工单 {number} 转给您：{summary}{details}\n请回复“接单 {number}”确认。"
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
