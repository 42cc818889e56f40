"""What owners and staff hear when an owner calls off what they reported (撤销)."""

NOTHING_TO_CANCEL = "好的。目前没有进行中的登记，也没有刚提交、可以撤销的工单。还有什么可以帮您？"
WITHDRAWN = (
    "好的，已为您撤销{kind} {number}，记录会保留，{who}也已收到通知。\n"
    "如果情况再有变化，请立即拨打24小时应急电话 {emergency_phone}，或直接告诉我。"
)
NOT_NEEDED = (
    "好的，{kind} {number} 的处理人员已经在处理中，我已把您的话转告他们，由他们确认后结单。"
    "如有需要请拨打 {emergency_phone}。"
)
WHO_EMERGENCY = "值班人员和主管"
WHO_REPAIR = "维修人员"

STAFF_WITHDRAWN = "【业主撤销】工单 {number} 已由业主撤销：“{words}”。无需再前往处理，谢谢！"
STAFF_NOT_NEEDED = "【业主告知】工单 {number} 业主表示不再需要：“{words}”。请与业主确认后结单。"
