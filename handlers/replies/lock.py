"""What the lock application (破锁/换锁) says."""

PROCEDURE = (
    "破锁、换锁须核实身份，流程如下：\n"
    "1. 申请人出示本人有效身份证件；业主另带房产证明或购房合同；\n"
    "2. 非业主申请（家人、租户）须业主本人电话确认同意，并在业主档案中登记；\n"
    "3. 破锁/换锁时，客服、礼宾（安护）和工程维修人员三方同时到场，并填写《大门破锁/换锁/维修门锁申请书》存档。\n"
    "收费：{price}。"
)
NEED_BINDING = (
    PROCEDURE + "\n您的微信还没有绑定房屋，我暂时不能为您预约。请先绑定房屋（回复“绑定房屋”），"
    "或携带身份证件到{office}办理，电话 {hotline}。"
)
ASK_SLOT = PROCEDURE + "\n请问您希望哪天几点办理？需在服务时间内（{hours}，工作日），如“明天上午10点”。"
NOT_IN_HOURS = "{slot}不在服务时间内（工作日 {hours}），三方人员无法同时到场。请换一个时间，如“后天上午10点”。"
PAST = "{slot}已经过去了，请告诉我之后的时间，如“明天上午10点”。"
NEEDS_HOUR = "请告诉我具体几点，如“{day}上午10点”。"
TENANT_NOTE = "\n您不是登记的业主：物业会先电话联系业主确认同意，并在业主档案中登记，确认后才能办理。"
CONFIRM = (
    "请确认破锁/换锁预约：\n房屋：{room}\n时间：{slot}\n{tenant_note}\n"
    "届时请携带身份证件，客服、礼宾和维修师傅三方到场。确认无误请回复“确认”，修改请直接告诉我，回复“取消”放弃。"
)
CREATED = (
    "破锁/换锁已预约，工单号 {number}。\n时间：{slot}\n已通知客服、礼宾和维修师傅按时到场。{tenant_note}\n"
    "届时请携带身份证件。还有什么可以帮您？"
)
TENANT_TICKET_NOTE = "租户申请：须业主电话确认同意并在业主档案中登记后方可办理"
# What the owner hears as the work goes on (the kind's updates).
ACCEPTED = (
    "您好，您预约的破锁/换锁（工单 {number}）已由{name}接单{phone}，"
    "将于{when}与客服、礼宾一同到场，请携带身份证件。"
)
STARTED = "您好，{name}已到场开始办理破锁/换锁（工单 {number}）。"
COMPLETED = "您好，您的破锁/换锁（工单 {number}）已办理完成{note}，申请书已存档。感谢您的配合！"
