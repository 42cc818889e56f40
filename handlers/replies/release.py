"""What the release-permit flow (放行条) says, to the applicant, the owner and the gate."""

NEED_BINDING = (
    "开放行条需要先绑定您的房屋（物品出小区须经业主确认）。请发送“绑定房屋”，按提示完成验证后再来办理。"
    "还有什么可以帮您？"
)
ASK_ITEMS = "请问要带出小区的是哪些物品？（如“双人床一张、冰箱一台”，搬家可以回复“搬家，整车家具家电”）"
ASK_WHEN = "请问哪一天搬出？（如“周六”“明天上午”）"
PAST_DAY = "{window}已经过去了，请告诉我哪一天搬出，例如“明天”或“周六”。"
TOO_FAR = "目前只能办理{days}天内的放行条，请告诉我{days}天内的搬出日期。"
CONFIRM = (
    "请确认放行条信息：\n房屋：{room}\n物品：{items}\n日期：{window}\n车牌：{plate}\n{tenant_note}"
    "确认无误请回复“确认”；需要修改请直接告诉我（如“改成周日”），回复“取消”放弃。"
)
NO_PLATE = "未登记"
NO_PLATE_ON_CARD = "未登记（有车辆进出请直接告诉我车牌号）"  # the owner's card only, not the guards' notice
DAY_AND_HOUR = "{day}{hour}（放行条当天全天有效）"  # the hour the owner gave; the pass is good all day
TENANT_NOTE = "您是租户，提交后需业主确认同意，放行条才会生效。\n"

CREATED = (
    "放行条已开好！\n放行条号：{number}\n放行码：{code}\n日期：{window}\n物品：{items}\n"
    "搬运时请向门岗出示放行码，保安核对物品后放行。{move_note}还有什么可以帮您？"
)
MOVE_NOTE = "搬家当天请注意保护电梯和公共区域，如需预约电梯保护请联系物业服务中心。"
TENANT_SUBMITTED = (
    "放行条申请已提交，单号 {number}。我们已通知业主确认，业主同意后会把放行码发给您。"
    "如比较着急，也可以直接联系业主回复。还有什么可以帮您？"
)
TENANT_NO_OWNER = (
    "放行条申请已登记，单号 {number}。该房屋的业主还没有在公众号绑定，暂时无法线上确认。"
    "请业主本人到物业服务中心或致电 {hotline} 确认后放行。还有什么可以帮您？"
)

CONSENT_REQUEST = (
    "您好，您的房屋 {room} 的租户{tenant}申请放行条 {number}：\n物品：{items}\n日期：{window}\n车牌：{plate}\n"
    "同意请回复“同意 {number}”，不同意请回复“拒绝 {number}”。"
)
SOME_TENANT = "（租户）"

OWNER_APPROVED = "已同意放行条 {number}，我们已把放行码发给租户。感谢您的配合！还有什么可以帮您？"
OWNER_REJECTED = "已拒绝放行条 {number}，我们会告知租户。如有疑问，欢迎联系物业服务中心。还有什么可以帮您？"
TENANT_APPROVED = (
    "您好，业主已同意您的放行条 {number}。\n放行码：{code}\n日期：{window}\n物品：{items}\n"
    "搬运时请向门岗出示放行码，保安核对物品后放行。"
)
TENANT_REJECTED = "您好，业主没有同意放行条 {number}（{items}）。如有疑问请与业主沟通，或联系物业服务中心 {hotline}。"
NO_SUCH_REQUEST = "没有找到需要您确认的放行条 {number}，请核对单号。"
ALREADY_DECIDED = "放行条 {number} {status}，不需要再确认了。还有什么可以帮您？"
DAY_PASSED = "放行条 {number} 的日期（{window}）已经过去，无需再确认。如还需要搬运，请让租户重新申请。"

LIST_HEADER = "您最近的放行条："
LIST_LINE = "{number}｜{window}｜{items}｜{status}{code}"
LIST_CODE = "｜放行码 {code}"
LIST_FOOTER = "取消请回复“取消放行条 单号”。还有什么可以帮您？"
LIST_EMPTY = "您还没有办理过放行条。需要的话请告诉我搬出的物品和日期，如“周六搬两个衣柜出去”。"

CANCELLED = "已为您取消放行条 {number}，放行码已失效。还有什么可以帮您？"
NOT_FOUND = "没有找到您的放行条 {number}，请核对单号。发送“我的放行条”可以查看记录。"
NOT_CANCELLABLE = "放行条 {number} {status}，无需取消。还有什么可以帮您？"

GATE_NOTICE = "**放行条 {number}**\n> 房屋：{room}\n> 日期：{window}\n> 物品：{items}\n> 车牌：{plate}"
