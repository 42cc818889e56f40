"""What the repair flow (报修) says."""

ASK_WHERE = "请问是哪里需要维修？请告诉我房号（如 3栋2单元501），或者小区的位置（如 3栋电梯、地下车库B区）。"
ASK_CATEGORY = "请问是哪一类问题？水电、漏水、下水堵塞、门窗门锁、电梯、燃气、墙面地面、公共设施，或者其他。"
ASK_PHONE = "请留一个联系电话，方便维修师傅和您联系。"
ASK_TIME = "请问什么时间方便师傅上门？（如“明天下午3点”，或者“随时都可以”）"
UNKNOWN_ROOM = "没有在业主档案里找到房号 {room}，请核对后重新告诉我（如 3栋2单元501），或者说明小区内的位置。"
CONFIRM = (
    "请确认报修信息：\n位置：{where}\n问题：{category}，{description}\n联系电话：{phone}\n上门时间：{time}\n{price}"
    "确认无误请回复“确认”，需要修改请直接告诉我，回复“取消”放弃。"
)
PRICE = "温馨提示：{category}属于有偿服务，收费标准：{price}。师傅上门后会先告知费用，您同意后再施工。\n"
CREATED = (
    "您好，报修已登记，工单号 {number}。\n维修人员将在1个工作日内（{on_site}前）上门，"
    "{trade}维修在{days}个工作日内（{resolve}前）完成。师傅接单后会通知您。还有什么可以帮您？"
)
SINGLE_TRADE = "单项"
MULTI_TRADE = "综合"
ANY_TIME = "随时"
