"""What the suggestion flow (建议) says."""

ASK_CONTENT = "欢迎您提建议！请直接告诉我您的建议内容，我们会认真记录。"
CONFIRM = (
    "请确认您的建议：\n{content}\n我们会在{days}天内给您答复。确认无误请回复“确认”，"
    "需要修改请直接告诉我，回复“取消”放弃。"
)
CREATED = (
    "感谢您的宝贵建议！已为您记录，编号 {number}。\n我们会在{days}天内（{due}前）给您答复，"
    "无论是否采纳都会告诉您结果；不采纳的也会说明原因。还有什么可以帮您？"
)

# What the owner hears as staff work on a suggestion (the kind's updates).
ACCEPTED = "您好，您的建议 {number} 已由{name}负责跟进，我们会按时给您答复。"
STARTED = "您好，{name}已开始研究您的建议 {number}。"
COMPLETED = "您好，您的建议 {number} 已有答复{note}。感谢您对社区的关心，欢迎继续提出宝贵意见！"
