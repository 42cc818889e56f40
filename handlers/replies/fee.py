"""What the fee query (查询费用) says: the bill of a bound home, and how to pay."""

STATEMENT = "您好，{room} 的待缴费用如下：\n{months}\n合计：{total}"
MONTH = "{month}：{items}"
ITEM = "{item} {amount}"
ITEM_SEPARATOR = "，"
PREPAID = "预存余额：{balance}，缴费时可抵扣，抵扣后还需缴纳 {due}。"
PREPAID_COVERS = "预存余额：{balance}，足以抵扣以上全部费用。"
PREPAID_ONLY = "预存余额：{balance}。"
CUSTODY = "该房屋为托管房屋，物业费按标准的{percent}%收取，以上物业费金额已按托管标准计算。"
PAY = "缴费方式：\n{methods}"
CLOSING = "如对账单有疑问，请致电 {hotline}。还有什么可以帮您？"
OTHER_HOMES = "您还绑定了 {rooms}，如需查询请发送“{example}的物业费”。"

NOTHING_OWED = "您好，{room} 目前没有欠费，费用已全部缴清，感谢您按时缴费！"
NOTHING_OWED_CLOSING = "还有什么可以帮您？"

METHODS = ("您好，{estate}的物业费、停车费等费用可以通过以下方式缴纳：\n{methods}\n"
           "如需发票或收据，请联系物业服务中心（{hotline}）。还有什么可以帮您？")

# Never says whether a room exists or who lives there: the same words for any room not bound here.
NEED_BINDING = (
    "为保护业主隐私，查询费用前需要先绑定房屋。请发送“绑定房屋”，按提示提供房号、姓名和登记手机号即可。"
    "如只是想了解缴费方式，请发送“怎么交物业费”。"
)
ROOM_NOT_BOUND = "为保护业主隐私，只能查询本微信已绑定房屋的费用。如需查询 {room}，请先发送“绑定房屋”完成绑定。"
PENDING = "您的绑定申请正在等待业主确认，确认后即可查询费用。如只是想了解缴费方式，请发送“怎么交物业费”。"
