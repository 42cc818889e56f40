"""What the visitor-pass flow (访客登记) says."""

NEED_BINDING = (
    "登记访客需要先绑定您的房屋，以便门岗核对访问的住户。请发送“绑定房屋”，按提示完成验证后再来登记。"
    "还有什么可以帮您？"
)
ASK_PLATE = "请问访客开车来吗？开车的话请告诉我车牌号（如 粤A12345），没开车回复“没有”即可。"
PAST_TIME = "您说的时间（{window}）已经过去了，请告诉我访客什么时候到，例如“今天下午3点”或“明天上午”。"
TOO_FAR = "目前只能登记{days}天内的访客，请告诉我{days}天内的到访时间；更长期的通行请到物业服务中心办理。"
CONFIRM = (
    "请确认访客登记：\n房屋：{room}\n访客：{visitor}\n车牌：{plate}\n有效时间：{window}\n"
    "确认无误请回复“确认”；需要修改请直接告诉我（如“改成明天上午”“车牌粤B12345”），回复“取消”放弃。"
)
NO_PLATE = "无（步行）"
SOME_VISITOR = "访客"
PEOPLE = "（{people}人）"
CREATED = (
    "访客登记成功！\n通行码：{code}（{uses}）\n登记号：{number}\n有效时间：{window}\n"
    "请把通行码转发给访客，到小区门岗出示即可通行。如需取消，请回复“取消访客 {number}”。\n{note}还有什么可以帮您？"
)
SINGLE_USE = "限用1次"
LONG_TERM_NOTE = "温馨提示：长期来访的家政、保姆等人员，可以到物业服务中心办理长期出入证。\n"

LIST_HEADER = "您最近登记的访客："
LIST_LINE = "{number}｜{window}｜{visitor}{plate}｜{status}{code}"
LIST_CODE = "｜通行码 {code}"
LIST_FOOTER = "取消请回复“取消访客 登记号”。还有什么可以帮您？"
LIST_EMPTY = "您还没有登记过访客。需要登记的话，请告诉我访客的到访时间，如“明天下午有朋友来”。"

FORM_CANCELLED = "好的，已为您取消本次访客登记。还有什么可以帮您？"
CANCELLED = "已为您取消访客登记 {number}（{window}），通行码 {code} 已失效。还有什么可以帮您？"
NOT_FOUND = "没有找到您登记的访客 {number}，请核对登记号。发送“我的访客”可以查看您的登记记录。"
NOT_CANCELLABLE = "访客登记 {number} {status}，无需取消。还有什么可以帮您？"
NOTHING_TO_CANCEL = "您目前没有可以取消的访客登记。发送“我的访客”可以查看您的登记记录。"
WHICH_ONE = "您有{count}个有效的访客登记：\n{lines}\n请回复“取消访客 登记号”告诉我取消哪一个。"
