"""The reports' words: titles, headers, the definitions (口径) shown beside each rate, the pushes.

Kept in one place so staff can change a heading or a sentence without reading the computation.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

NOTHING = "—"  # a rate with nothing to divide
UNSET = "未分类"

TITLES = {"weekly": "投诉处理周报", "monthly": "服务月报"}
COMPANY = "全公司"  # after the company's name in a heading: 阳光物业全公司
COMPANY_ROW = "全公司合计"
COMPARISON_SHEET = "各小区对比"
COMPANY_SHEET = "全公司"
ONE_ESTATE_HINT = "单个小区的完整报表：加 --estate 小区代码（wuyebot estates list 列出代码）"
TIERS = {"major": "重大投诉", "important": "重要投诉", "minor": "一般投诉"}
TIER_ORDER = ("major", "important", "minor")
LADDER = {"reminder": "提醒缴费", "letter": "发催缴函", "legal": "法律程序"}
VISIT_STATES = {"answered": "已评价", "phone": "转电话回访", "pending": "未完成"}

# 口径: what each rate divides by what. The README's "Reports" section says the same.
DEFINITIONS = {
    "on_time": "本期完成的报修中，“上门”和“完成”两个期限都按时达成（达成时间不晚于期限）的比例；"
               "重新打开的报修按最后一次的期限计，计入最后一次完成的期间",
    "return_visit": "本期到期的回访中，业主已评价或已转电话回访的比例",
    "satisfaction": "本期收到的回访评分中 4-5 分的比例",
    "complaint_closure": "本期受理的投诉（不含撤销）中，统计时已结案的比例",
    "complaint_on_time": "上述已结案投诉中，“完成”期限按时达成的比例（重新打开的按最后一次期限）",
    "suggestion_reply": "本期提出的建议（不含撤销）中，在答复期限内答复的比例；统计时未到期且未答复的不计入",
    "collection": "账期为本月的账单中，已缴金额占应收金额的比例",
}

# Pushes to supervisors. The first two lines become a template message's fields (20 characters at
# most each), so they carry the headline figures; the third is for the customer-service message.
WEEKLY_PUSH = "{title} {week} 新增{new}\n已结{closed} 未结{open} 超时{overdue}\n{tiers}"
WEEKLY_TITLE, ESTATE_WEEKLY_TITLE = "投诉周报", "{estate}周报"  # an estate's name says whose figures they are
WEEKLY_TIERS = "重大{major} 重要{important} 一般{minor}（未结）"
MONTHLY_TITLE, ESTATE_MONTHLY_TITLE = "服务月报", "{estate}月报"
MONTHLY_PUSH = ("{title} {month} 收缴{collection}\n按时{on_time} 满意{satisfaction} 回访{visits}\n"
                "报修{repairs} 投诉{complaints} 结案{closure} 建议答复{suggestions} 欠费{arrears}户")


def percent(rate: Decimal | None) -> str:
    """A rate as 66.67%, or — when there was nothing to divide."""
    return NOTHING if rate is None else f"{rate * 100:.2f}%"


def whole_percent(rate: Decimal | None) -> str:
    """For pushes: rounded down, so 100% means every one of them."""
    return NOTHING if rate is None else f"{(rate * 100).to_integral_value(ROUND_DOWN)}%"


def yuan(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"
SATISFACTION_TARGET = "{definition}（目标不低于{target}{verdict}）"
BELOW_TARGET = "，本期未达标"
