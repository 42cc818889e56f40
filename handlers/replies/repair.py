"""What the repair flow (报修) says."""

ASK_WHERE = "请问是哪里需要维修？请告诉我房号（如 3栋2单元501），或者小区的位置（如 3栋电梯、地下车库B区）。"
ASK_CATEGORY = "请问是哪一类问题？水电、漏水、下水堵塞、门窗门锁、电梯、燃气、墙面地面、公共设施，或者其他。"
ASK_PHONE = "请留一个联系电话，方便维修师傅和您联系。"
ASK_TIME = "请问什么时间方便师傅上门？（如“明天下午3点”，或者“随时都可以”）"
REASK_TIME = "不好意思，没有识别到上门时间。请告诉我具体时间（如“明天下午3点”），或者回复“随时都可以”。"
UNKNOWN_ROOM = "没有在业主档案里找到房号 {room}，请核对后重新告诉我（如 3栋2单元501），或者说明小区内的位置。"
NOT_BOUND = (
    "{room} 不是您绑定的房屋：您的微信（尚未绑定房屋）还不能为住户登记上门维修。请先绑定房屋（回复“绑定房屋”），"
    "或者告诉我小区内需要维修的公共位置（如 3栋电梯）。"
)
NOT_YOUR_HOME = (
    "{room} 不是您绑定的房屋，我不能为它登记上门维修。您绑定的是：{homes}。"
    "请告诉我是哪一套，或者说明小区内的位置；如需为其他房屋报修，请该房屋的业主报修或联系前台 {hotline}。"
)
CONFIRM = (
    "请确认报修信息：\n位置：{where}\n问题：{category}，{description}\n联系电话：{phone}\n{time_line}{price}"
    "确认无误请回复“确认”，需要修改请直接告诉我，回复“取消”放弃。"
)
TIME_LINE = "上门时间：{time}\n"
ANY_TIME_LINE = "上门时间：随时（师傅会先电话联系您）\n"
SHARED_PLACE_NOTE = "这是公共区域维修，师傅会直接到现场处理，不用等您在家。\n"
PRICE = "温馨提示：{category}属于有偿服务，收费标准：{price}。师傅上门后会先告知费用，您同意后再施工。\n"
CREATED = (
    "您好，报修已登记，工单号 {number}。\n维修人员将在{on_site_days}个工作日内（{on_site}前）上门，"
    "{trade}维修在{days}个工作日内（{resolve}前）完成。师傅接单后会通知您。还有什么可以帮您？"
)
CREATED_BOOKED = (
    "您好，报修已登记，工单号 {number}。\n已按您约定的时间 {appointment} 安排上门，"
    "{trade}维修在{resolve}前完成。师傅接单后会通知您。还有什么可以帮您？"
)
CREATED_SHARED = (
    "您好，公共区域报修已登记，工单号 {number}。\n维修人员将在{on_site_days}个工作日内（{on_site}前）到现场，"
    "{trade}维修在{days}个工作日内（{resolve}前）完成。处理进展会通知您。还有什么可以帮您？"
)
SINGLE_TRADE = "单项"
MULTI_TRADE = "综合"
