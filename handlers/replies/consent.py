"""What an owner reads when answering a tenant's requests with a bare 同意 / 不同意."""

WHICH = ("您有{count}个租户申请在等您确认：\n{lines}\n请回复“同意 编号”或“拒绝 编号”，例如“同意 {example}”。")
LINE_BINDING = "· 编号 {code}：租户绑定房屋 {room}"
LINE_PERMIT = "· 编号 {code}：租户放行条（{items}）"
