"""What the human-handoff flow (转人工) says to owners and to the staff who take over."""

HANDED_OVER = (
    "已为您转接人工客服，工作人员会尽快在这里回复您，必要时会给您打电话。"
    "接下来{minutes}分钟内您发的消息都会直接转给工作人员。\n"
    "人工服务时间每天 {office_hours}，客服热线 {hotline}；紧急情况请拨打 {emergency_phone}。"
)
HANDED_OVER_NIGHT = (
    "现在是非工作时间（人工服务时间每天 {office_hours}），已为您通知值班人员，会尽快回复您。"
    "接下来{minutes}分钟内您发的消息都会直接转给值班人员。\n"
    "紧急情况请直接拨打 {emergency_phone}。"
)
NOBODY = (
    "不好意思，暂时没有可以接待的客服人员。请拨打客服热线 {hotline}（每天 {office_hours}），"
    "紧急情况请拨打 {emergency_phone}。您也可以直接告诉我需要办理的事情。"
)
ENDED = "人工服务已结束，如有需要随时找我。"
HOLDING = "您的消息已转给人工客服，工作人员会尽快在这里回复您，请稍候。紧急情况请拨打 {emergency_phone}。"
STAFF_ANSWER = "【人工客服·{name}】{text}"
TAKEN = "您好，我是客服{name}，现在由我为您服务，请问有什么可以帮您？"
EMERGENCY_DURING_HANDOFF = "已把您的紧急情况转告工作人员。情况紧急请立即拨打 {emergency_phone}，先确保人身安全！"

# Staff
STAFF_HANDOFF = (
    "【转人工】业主请求人工服务\n房屋：{home}\n联系人：{contact}\n最近的消息：\n{messages}\n"
    "请尽快联系业主。直接答复业主请发“回复 {ref} 内容”；处理完毕请回复“结束人工 {ref}”；"
    "{minutes}分钟后机器人自动恢复接待。"
)
STAFF_EMERGENCY_PREFIX = "【紧急】"
STAFF_FORWARD = "【转人工·{home}】业主说：{text}\n（答复请发“回复 {ref} 内容”；处理完毕请回复“结束人工 {ref}”）"
MESSAGE_LINE = "{time} {text}"
NO_MESSAGES = "（无）"
NOT_BOUND = "未绑定房屋"
NO_CONTACT = "未登记"
STAFF_ENDED = "已结束 {ref} 的人工服务，机器人客服已恢复接待，并已告知业主。"
STAFF_NOT_IN_HANDOFF = "{ref} 当前没有进行中的人工服务。"
STAFF_USAGE = "格式：结束人工 房号（如 3-2-501）或业主 openid"
STAFF_NO_SUCH_OWNER = "没有找到房号或业主“{ref}”，请核对（房号如 3-2-501）。"
STAFF_REPLY_USAGE = "格式：回复 房号（如 3-2-501）或业主 openid 内容，例如“回复 3-2-501 师傅下午3点上门”。"
STAFF_REPLY_NOT_IN_HANDOFF = "{ref} 当前没有进行中的人工服务，消息没有发出。业主转人工后才能用“回复”答复。"
STAFF_REPLY_SENT = "已发送给 {ref} 的业主：{text}\n（处理完毕请回复“结束人工 {ref}”）"
STAFF_OUTSIDE_WINDOW = (
    "{ref} 的业主最后一条消息已超过48小时，微信不再允许给他发客服消息，消息没有发出。请电话联系业主：{contact}"
)
STAFF_OTHER_ESTATE = "{ref} 是{estate}的房屋，不在您服务的小区范围内；请由{estate}的同事回复业主。"

# The handoff's thread, as the console shows it
THREAD_STARTED = "业主请求转人工（“{text}”）"
THREAD_TAKEN = "{name} 接待了业主"
THREAD_ENDED = "{name} 结束了人工服务"
