"""What the ticket-status flow (进度查询, 催单, 没修好) says to owners, and what staff read about it."""

PASS_KIND_NAMES = {"visitor": "访客通行证", "release": "放行条"}
PASS_STATUS_NAMES = {
    "pending_owner": "待业主确认", "active": "有效", "used": "已使用", "cancelled": "已取消", "rejected": "未通过",
}

OPEN_LIST = "您有 {count} 张处理中的工单：\n{lines}\n如需催办，请回复“催单 工单号”。还有什么可以帮您？"
LIST_LINE = "{index}. {number} {kind}{what}｜{status}｜{assignee}｜{due}"
NO_OPEN = "您目前没有处理中的工单。{latest}还有什么可以帮您？"
LATEST = "最近的一张是 {number}（{kind}，{status}）。"

DETAIL = ("工单 {number}（{kind}{what}）\n状态：{status}\n处理人：{assignee}\n"
          "{due_line}问题：{description}\n{hint}还有什么可以帮您？")
DUE_LINE = "时限：{due}\n"
HINT_COMPLETED = "如已修好，请回复 1-5 分评价（5分最满意）；如果问题还在，请回复“没修好”。\n"
HINT_OPEN = "如需催办，请回复“催单 {number}”。\n"
NOT_FOUND = "没有找到您名下的这个工单号，请核对后再发给我。发送“我的工单”可以查看您所有工单的进度。还有什么可以帮您？"

PASS_DETAIL = "{kind} {number}\n状态：{status}\n有效期：{start} 至 {end}\n还有什么可以帮您？"

UNASSIGNED = "待安排"
DUE = "{when}前{deadline}"
DUE_OVERDUE = "原定{when}前{deadline}，已超时，非常抱歉让您久等了"
NO_DUE = "—"

CHOOSE_TO_CHASE = ("您有 {count} 张处理中的工单，请问要催办哪一张？\n{lines}\n"
                   "请回复“催单 工单号”，例如“催单 {example}”。")
NOTHING_TO_CHASE = "您目前没有处理中的工单，不需要催办。如有新的问题，请直接告诉我。还有什么可以帮您？"

REOPENED_WHO_ASSIGNEE = "维修师傅和主管"
REOPENED_WHO_SUPERVISOR = "主管"
NOTHING_TO_REOPEN = (
    "不好意思，没有找到您最近完成的维修工单。请告诉我具体是什么问题、在哪里（如“3栋2单元501卫生间还在漏水”），"
    "我马上帮您报修。"
)
STILL_OPEN = "工单 {number} 还在处理中（{status}），我们已提醒处理人员尽快解决。给您带来不便，非常抱歉！"
CANNOT_REOPEN = "工单 {number} 当前{status}，无法重新打开。请直接描述问题，我帮您重新报修，或回复“转人工”。"

# Staff
STAFF_REOPENED = ("【返修】业主反映工单 {number}（{what}）没有修好：“{words}”。"
                  "工单已重新打开，请尽快安排复修并联系业主。")
