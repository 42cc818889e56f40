"""What the bot says about the custom menu's buttons (docs/menu.md)."""

# A button that starts a registration asks for the owner's words first, keyed by the intent it
# starts; the answer is then read as if the owner had opened with it. Intents not listed here are
# answered at once (查缴费, 我的工单, 办事指南, 转人工).
OPENING = {
    "repair": "好的，请说说哪里需要维修、是什么情况，比如“卫生间水管接头漏水了”。方便的上门时间也可以一起告诉我。",
    "complaint": "好的，请说说您要投诉的事情：发生了什么、在哪里，希望我们怎么处理。",
    "suggestion": "好的，请说说您的建议，我们会认真记录并按时答复。",
    "visitor_pass": (
        "好的，请告诉我访客是谁、什么时候来、开不开车（开车请告诉我车牌号），比如“明天下午3点朋友小王来，不开车”。"
    ),
    "release_permit": "好的，请告诉我要搬出的物品和时间，比如“明天上午搬出两个衣柜和一台冰箱”。",
    "lock_change": "好的，请说说换锁或开锁的情况，以及方便上门的时间。",
}

GUIDE = "常见的办事指南有这些，直接把问题发给我就可以（比如“门禁卡丢了怎么补办”）：\n{questions}"

NO_GUIDE = "办事指南暂时无法查看，不好意思。您可以直接把问题发给我，或拨打客服热线 {hotline}。"

UNKNOWN_KEY = (
    "不好意思，这个菜单按钮已经更新了。请问需要办理什么业务？\n"
    "您可以重新打开菜单再点一次，也可以直接告诉我，比如“厨房水管漏水了”“查一下物业费”。"
)

# Follows UNKNOWN_KEY when the menu has buttons.
UNKNOWN_KEY_BUTTONS = "现在的菜单有：{buttons}。"

IN_HANDOFF = (
    "人工客服正在为您服务，您在这里发的消息会直接转给工作人员。"
    "人工服务结束后，菜单的各项功能就可以继续使用了。"
)
