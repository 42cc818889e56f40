"""The closed lists a cell must come from: roles (docs/api.md) and skills (docs/nlu.md categories).

The categories repeat ``bot.nlu.labels`` because ``models`` must not import ``bot``; a test keeps
the two equal.
"""

from __future__ import annotations

REPAIR_CATEGORIES: tuple[str, ...] = (
    "水电", "渗漏水", "管道堵塞", "门窗门锁", "电梯", "燃气", "墙面地面", "公共设施", "其他",
)
COMPLAINT_CATEGORIES: tuple[str, ...] = (
    "噪音", "养犬宠物", "高空抛物", "违章搭建", "空调滴水", "住改商", "停车", "环境卫生", "服务态度", "安全秩序",
    "其他",
)
SKILLS: tuple[str, ...] = tuple(dict.fromkeys(REPAIR_CATEGORIES + COMPLAINT_CATEGORIES))

# A role as written (English or Chinese) → the stored role; staff roles are models.staff.STAFF_ROLES.
RESIDENT_ROLES: dict[str, str] = {
    "owner": "owner", "业主": "owner", "产权人": "owner",
    "tenant": "tenant", "租户": "tenant", "租客": "tenant", "承租人": "tenant",
}
STAFF_ROLE_NAMES: dict[str, str] = {
    "staff": "staff", "员工": "staff", "职员": "staff",
    "supervisor": "supervisor", "主管": "supervisor",
    "admin": "admin", "管理员": "admin",
}

PAID_VALUES: dict[str, bool] = {
    "1": True, "是": True, "已缴": True, "已缴费": True, "已交": True, "已付": True, "true": True, "yes": True,
    "y": True,
    "0": False, "否": False, "未缴": False, "未缴费": False, "未交": False, "未付": False, "false": False, "no": False,
    "n": False,
}
