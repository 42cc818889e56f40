"""What the FAQ flow (办事指南) says around the answers kept in kb.yaml."""

ANSWER = "【{question}】\n{answer}\n还有什么可以帮您？"
UNKNOWN = (
    "这个问题我暂时回答不了，不好意思。{suggestions}"
    "需要的话回复“转人工”，请工作人员为您解答，或拨打客服热线 {hotline}（{office_hours}）。"
)
SUGGESTIONS = "您是不是想问：{titles}？可以换个说法再问我。\n"
UNAVAILABLE = (
    "不好意思，办事指南暂时无法查询。请回复“转人工”由工作人员为您解答，"
    "或拨打客服热线 {hotline}（{office_hours}）。"
)
NO_PRICE = "以服务中心公示为准"
PAID_SERVICE_LINE = "· {category}：{price}"
NO_PAID_SERVICES = "· 收费标准以物业服务中心公示为准"
