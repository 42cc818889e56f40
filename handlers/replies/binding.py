"""What the home-binding flow (绑定房屋) says: verification, tenant consent, unbinding, several homes."""

ASK_ROOM = "好的，为您绑定房屋。请告诉我房号（如 3栋2单元501）。"
ASK_FULL_ROOM = "请告诉我完整的房号，包括楼栋、单元和房号（如 3栋2单元501）。"
ASK_ESTATE = ("{room} 这个房号在我们服务的几个小区都有，请问您的房屋在哪个小区？\n{choices}\n"
              "回复小区名称或序号即可，如“{example}”。")
ASK_NAME = "请告诉我业主档案中登记的姓名（业主或登记租户本人的姓名）。"
ASK_PHONE = "请告诉我业主档案中登记的手机号。"

OWNER_BOUND = "绑定成功！您已作为业主绑定 {room}。现在可以直接查询物业费、报修、登记访客了。还有什么可以帮您？"
OWNER_BOUND_NOT_CURRENT = (
    "绑定成功！您已作为业主绑定 {room}。您的当前房屋仍是 {current}，"
    "如需切换请发送“切换到 {room}”。还有什么可以帮您？"
)
TENANT_PENDING = (
    "身份核验通过。租户绑定需要业主同意，我们已通知 {room} 的业主，业主确认后会第一时间告诉您，请耐心等待。"
)
TENANT_NO_OWNER = (
    "身份核验通过。租户绑定需要业主同意，但 {room} 的业主暂未绑定本公众号，无法在线确认。"
    "请业主先绑定房屋后您再申请，或与业主一起到{office}办理。咨询电话 {hotline}。"
)
ALREADY_BOUND = "您已经绑定了 {room}，无需重复绑定。还有什么可以帮您？"
ALREADY_BOUND_NOT_CURRENT = "您已经绑定了 {room}，无需重复绑定。如需把它设为当前房屋，请发送“切换到 {room}”。"
ALREADY_PENDING = "您绑定 {room} 的申请正在等待业主确认，确认后会第一时间通知您。"

# One message for every mismatch: it never says which of room, name and phone was wrong.
MISMATCH_RETRY = (
    "不好意思，您提供的房号、姓名和手机号与业主档案登记的信息不一致，暂时无法绑定（今天还可以尝试{left}次）。"
    "请直接回复业主档案中登记的姓名重试，或重新发送“绑定房屋”从头填写，回复“取消”放弃。"
    "如登记信息需要更新，请携带身份证件到{office}办理。"
)
LOCKED = (
    "为保障业主信息安全，今天的绑定尝试次数已达上限（{limit}次），请明天再试。"
    "如需帮助，请携带身份证件到{office}办理，或致电 {hotline}。"
)

# The owner's consent to a tenant (pushed to every owner account bound to the home).
CONSENT_REQUEST = (
    "您好，租户 {name}（手机 {phone}）申请绑定您的房屋 {room}，绑定后可查询该房屋的费用并办理报修等业务。\n"
    "同意请回复“同意 {code}”，不同意请回复“拒绝 {code}”。"
)
CONSENT_GIVEN = "好的，已同意 {name} 绑定 {room}，我们已通知对方。谢谢您！"
CONSENT_REFUSED = "好的，已拒绝 {name} 绑定 {room} 的申请，我们已告知对方。谢谢您！"
CONSENT_UNKNOWN = "没有找到编号为 {code} 的待确认绑定申请，请核对编号。只有该房屋已绑定的业主可以确认租户的绑定申请。"
CONSENT_ALREADY = "编号为 {code} 的绑定申请已经处理过了，无需重复操作。"
TENANT_APPROVED = "好消息：业主已同意您绑定 {room}，绑定成功！现在可以查询费用、报修、登记访客了。"
TENANT_APPROVED_NOT_CURRENT = ("好消息：业主已同意您绑定 {room}，绑定成功！您的当前房屋仍是 {current}，"
                               "如需切换请发送“切换到 {room}”。")
TENANT_REFUSED = "不好意思，业主未同意您绑定 {room} 的申请。如有疑问请与业主联系，或致电物业服务中心 {hotline}。"

# Several homes, switching, unbinding.
NOTHING_BOUND = "您目前还没有绑定房屋。发送“绑定房屋”，按提示提供房号、姓名和登记手机号即可绑定。"
HOMES = "您目前绑定的房屋：\n{homes}\n{hint}还有什么可以帮您？"
HOME_LINE = "{index}. {room}（{role}）{mark}"
CURRENT_MARK = "← 当前房屋"
PENDING_MARK = "等待业主确认"
ROLE_NAMES = {"owner": "业主", "tenant": "租户"}
SWITCH_HINT = "查询费用、报修默认使用当前房屋，发送“切换到 房号”可切换；"
MORE_HINT = "一个微信可以绑定多套房屋，再绑定一套请发送“绑定房屋”。"
SWITCHED = "已将当前房屋切换为 {room}，之后查询费用、报修默认使用这套房屋。还有什么可以帮您？"
ALREADY_CURRENT = "{room} 已经是您的当前房屋了。还有什么可以帮您？"
WHICH_OF_SEVERAL = "您绑定的房屋中有几套都符合，请说明是哪一套，如“{verb} {example}”。\n{homes}"
NOT_BOUND_ROOM = "您还没有绑定 {room}。如需绑定，请发送“绑定房屋”。"
ASK_WHICH_SWITCH = "请告诉我要切换到哪套房屋，如“切换到 {example}”。\n" + HOMES
ASK_WHICH_UNBIND = "您绑定了多套房屋，请告诉我要解除哪一套，如“解除绑定 {example}”。\n{homes}"
UNBOUND = "已解除 {room} 的绑定。如需重新绑定，请发送“绑定房屋”。还有什么可以帮您？"
UNBOUND_NEW_CURRENT = "已解除 {room} 的绑定，您的当前房屋现在是 {current}。还有什么可以帮您？"
WITHDRAWN = "已撤回您绑定 {room} 的申请。还有什么可以帮您？"
NO_ROOM_READ = "不好意思，没有识别到房号，请按“{verb} 3栋2单元501”的格式发送。"
