"""What the staff console says to staff: notices after an action and the reasons for a refusal."""

# Sign-in and sessions
BAD_SIGNIN = "手机号或密码不正确。"
LOCKED = "连续输错密码次数过多，账号已锁定，请在 {until} 后再试，或联系管理员。"
IDLE = "长时间未操作，已自动退出，请重新登录。"
CSRF = "页面已过期或来源不明，请返回刷新页面后再试。"
INVITE_GONE = "这个链接已失效（已使用或已过期），请联系管理员重新生成。"
PASSWORD_SET = "密码已设置，请用手机号和新密码登录。"
INVITE_MADE = "请把这个一次性链接发给{name}（{hours}小时内有效）：{link}"
ADMINS_ONLY_INVITE = "只有管理员可以生成登录邀请链接。"
SUPERVISORS_ONLY = "这个页面只对主管和管理员开放。"
NO_STAFF = "没有这位员工"

# Requests the console cannot read
NO_PAGE = "没有这个页面，请从上方菜单进入。"
FORM_TOO_LARGE = "提交的内容太长，请删减后再试。"
FORM_UNREADABLE = "提交的内容无法识别（编码不对），请在页面上重新填写后提交。"

# Tickets
NO_TICKET = "没有找到这张工单，或它不属于您服务的小区。"
BAD_FILTER = "筛选条件有误：{reason}"
UNKNOWN_ACTION = "不支持的操作"
SUPERVISOR_ACTION = "只有主管可以{action}工单"
DONE_ACTION = "工单 {number} 已{action}。"
NOTE_NEEDED = "请填写备注内容"
CHOOSE_STAFF = "请选择要派给的员工"

# Handoff inbox
NO_HANDOFF = "没有找到这个人工会话，或它不属于您服务的小区。"
EMPTY_REPLY = "请输入要回复的内容"
TAKEN = "已接待，业主已收到“客服已接入”的消息。"
TAKEN_UNTOLD = "已接待。业主最后一条消息已超过48小时，微信不允许发消息，业主没有收到通知，请点“显示电话”后电话联系。"
SENT = "已发送。"
ENDED = "已结束人工服务，机器人客服已恢复接待，并已告知业主。"
HANDOFF_OVER = "这个人工会话已经结束或已超时，消息没有发出。"
OUTSIDE_WINDOW = ("业主最后一条消息已超过48小时，微信不允许再发客服消息，消息没有发出。"
                  "请点“显示电话”后电话联系业主。")

# Outbox, FAQ
NO_PUSH = "没有这条推送，或它不属于您服务的小区。"
NO_VIEW = "没有这个分类"
RETRIED = "已重新排队发送。"
NOT_RETRIED = "这条推送已发送或正在发送，无需重发。"
NO_ESTATE = "没有这个小区，或您不服务这个小区"
NO_ENTRY = "没有这个问题"
FAQ_SAVED = "已保存，业主现在问到这个问题会收到新答案。"
FAQ_RESET = "已恢复默认答案。"

OUTBOX_VIEWS = {"failed": "发送失败待重试", "dead": "已放弃", "held": "等待业主上线", "pending": "待发送",
                "sent": "已发送"}
AUDIT_ACTIONS = {"signin": "登录", "signin_failed": "登录失败", "signin_locked": "账号锁定", "password_set": "设置密码",
                 "invite": "生成邀请链接", "reveal_phone": "查看完整电话", "faq_edit": "修改办事指南",
                 "faq_reset": "恢复默认答案", "outbox_retry": "重发推送",
                 "notice_send": "发布通知", "notice_drop": "放弃通知草稿", "notice_extend": "延长通知",
                 "notice_end": "提前结束通知", "notice_cancel": "取消通知"}
