"""What the dialogue engine itself says: cancelling, expiry, clarifying, resuming, re-asking."""

CANCEL_NAME = "取消"  # the dialogue's own intent; every other intent is named where its flow declares it
FORM_NAME = "登记"  # a form whose flow is gone (a version later) is called this
SLOT_NAMES = {
    "room": "房号", "phone": "手机号", "plate": "车牌号", "time": "时间", "ticket": "工单号",
    "category": "问题类型", "score": "评分",
}

CANCELLED = "好的，已为您取消本次{flow}。还有什么可以帮您？"
NOTHING_TO_CANCEL = "好的。目前没有进行中的登记。还有什么可以帮您？"
EXPIRED = "您之前未完成的{flow}已超过{minutes}分钟没有回复，已自动取消。"
CLARIFY = "不好意思，我想确认一下：您是想{first}，还是想{second}？请回复“{first}”或“{second}”。"
OFFER_HUMAN = "不好意思，我可能没有理解您的意思。需要为您转接人工客服吗？回复“转人工”即可，或拨打 {hotline}。"
RESUME = "我们继续刚才的{flow}：{question}"
REASK = "不好意思，没有识别到{slot}。{question}"
UPDATED = "好的，{slot}已改为“{value}”。"
CONFIRM_AGAIN = "请回复“确认”提交，回复“取消”放弃，或直接告诉我要修改的内容。"
SWITCHED = "好的，先不办{old}了。"
NEXT_REQUEST = "接着为您办理“{request}”：\n"
QUEUED = "您还提到{requests}，这件事办完后马上为您处理。"
ENGLISH_CLARIFY = "Sorry, I want to be sure what you need (the question below is in Chinese):"
ENGLISH_UNDERSTOOD = "Thank you for your message; the answer below is in Chinese."
ENGLISH_CONTACT = ("Hotline {hotline} ({start}-{end}); emergencies, 24 hours: {emergency_phone}. "
                   "To talk to a person, reply “转人工”.")
