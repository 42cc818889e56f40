"""The label set of nlu/SPEC.md: intents, slot names and the category vocabularies.

One place for them, so the classifier, the rules, the extractors and the evaluation agree.
"""

from __future__ import annotations

INTENTS: tuple[str, ...] = (
    "repair",
    "emergency",
    "complaint",
    "suggestion",
    "fee_query",
    "visitor_pass",
    "release_permit",
    "ticket_status",
    "rating",
    "bind_unit",
    "faq",
    "human",
    "greeting",
    "cancel",
    "other",
)

SLOTS: tuple[str, ...] = ("room", "phone", "plate", "time", "ticket", "category", "score")

# 报修/紧急 share one vocabulary, 投诉 has its own.
REPAIR_CATEGORIES: tuple[str, ...] = (
    "水电", "渗漏水", "管道堵塞", "门窗门锁", "电梯", "燃气", "墙面地面", "公共设施", "其他",
)
COMPLAINT_CATEGORIES: tuple[str, ...] = (
    "噪音", "养犬宠物", "高空抛物", "违章搭建", "空调滴水", "住改商", "停车", "环境卫生", "服务态度", "安全秩序", "其他",
)

# Slots that mean nothing for an intent are dropped: a time in a joke is not an appointment.
CATEGORY_INTENTS = frozenset({"repair", "emergency", "complaint"})
TIMELESS_INTENTS = frozenset({"greeting", "other", "human"})
