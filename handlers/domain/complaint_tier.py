"""投诉分级: which tier a complaint gets. Pure rules, no I/O.

The tier decides the time limits (``handlers/domain/sla.py``, numbers from config.yaml) and who hears of
it first. The rules read the owner's own words (normalised to simplified script by the NLU) and
the complaint category; the first rule that holds wins:

1. **major** (重大投诉) — serious harm to safety or to many residents:
   - the category is 高空抛物 (things thrown from height), or
   - the words name a danger or an injury: 安全, 危险, 受伤, 伤人, 咬人, 砸到, 倒塌, 隐患 …, or
   - the fire lane is blocked: 消防通道 / 消防车道 / 生命通道 with 堵 / 占 / 停 / 挡, or
   - many residents are affected: 全楼, 整栋, 很多业主, 好多业主, 大家都, 整个小区 ….
   (So 违章搭建 is major exactly when the words say it endangers: 违建挡住消防通道, 搭建有倒塌危险.)
2. **important** (重要投诉) — a management or service failure:
   - the category is 服务态度, or
   - the words name staff or the office together with a failure: 保安/保洁/客服/前台/管家/物业/
     工作人员 … with 态度, 不作为, 不管, 不理, 推诿, 敷衍, 骂, 凶 …, or
   - the words say the office let it drag: 说了几次, 反映了好几次, 没人管, 没人处理, 不作为,
     维修拖延, 一直没修, 迟迟, 垃圾物业 ….
3. **minor** (一般投诉) — anything else: an isolated, slight matter (a dog barking, a dripping
   air-conditioner, one badly parked car).

Whether the owner is very angry (offered a human at once) is read by the NLU (``details.angry``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAJOR = "major"
IMPORTANT = "important"
MINOR = "minor"
TIER_NAMES = {MAJOR: "重大投诉", IMPORTANT: "重要投诉", MINOR: "一般投诉"}

MAJOR_CATEGORIES = frozenset({"高空抛物"})
SERVICE_CATEGORIES = frozenset({"服务态度"})

DANGER_WORDS = (
    "安全", "危险", "危及", "隐患", "受伤", "伤人", "伤到", "砸到", "砸伤", "砸中", "咬人", "咬伤", "被咬",
    "倒塌", "坍塌", "塌了", "掉下来", "差点砸", "出人命", "高空抛物", "高空坠物", "往下扔", "往楼下扔", "从楼上扔",
)
MANY_RESIDENTS_WORDS = (
    "全楼", "整栋", "整幢", "整座", "整个楼", "整个单元", "整个小区", "全小区", "很多业主", "好多业主", "许多业主",
    "很多住户", "好多住户", "大家都", "业主们", "所有业主", "全体业主", "几十户", "多户",
)
FIRE_LANE = re.compile(r"(消防通道|消防车道|生命通道|消防栓|安全出口).{0,8}(堵|占|停|挡|锁|放)|"
                       r"(堵|占|停|挡|锁|放).{0,8}(消防通道|消防车道|生命通道|安全出口)")

STAFF_WORDS = (
    "保安", "门卫", "门岗", "保洁", "清洁工", "客服", "前台", "管家", "物业", "工作人员", "维修工", "维修师傅",
    "师傅", "经理", "主管", "工程部", "管理处", "绿化工",
)
FAILURE_WORDS = (
    "态度", "不作为", "不管", "不理", "不处理", "不回复", "不回应", "不接电话", "没人接", "推诿", "推脱", "敷衍",
    "骂", "凶", "吼", "不耐烦", "爱理不理", "刁难", "乱收费", "收费不合理", "不负责", "睡觉", "玩手机",
)
NEGLECT_WORDS = (
    "说了几次", "说了好几次", "说了很多次", "反映了几次", "反映了好几次", "反映过几次", "多次反映", "反映多次",
    "投诉了几次", "投诉过几次", "投诉多次", "没人管", "没人理", "没人处理", "没人来", "没有人管", "没有人处理",
    "一直没处理", "一直不处理", "一直没修", "还没修好", "迟迟", "拖延", "一拖再拖", "拖着", "拖了好",
    "拖了很久", "拖了几", "拖了一", "不作为", "垃圾物业",
)

@dataclass(frozen=True)
class TierDecision:
    """The tier, the rule that decided it (for staff), and whether the service itself is at fault."""

    tier: str
    reason: str
    service_at_fault: bool

    @property
    def name(self) -> str:
        return TIER_NAMES[self.tier]


def classify(text: str, category: str | None = None) -> TierDecision:
    """The tier of a complaint from the owner's words (simplified script) and its category."""
    words = text.lower()
    service = _service_failure(words, category)
    if category in MAJOR_CATEGORIES:
        return TierDecision(MAJOR, f"类型为{category}", bool(service))
    danger = _first(words, DANGER_WORDS)
    if danger:
        return TierDecision(MAJOR, f"涉及人身安全（{danger}）", bool(service))
    if FIRE_LANE.search(words):
        return TierDecision(MAJOR, "堵塞消防通道", bool(service))
    many = _first(words, MANY_RESIDENTS_WORDS)
    if many:
        return TierDecision(MAJOR, f"影响众多业主（{many}）", bool(service))
    if service:
        return TierDecision(IMPORTANT, service, True)
    return TierDecision(MINOR, "个别轻微问题", False)


def _service_failure(words: str, category: str | None) -> str:
    """Why the complaint is about the service itself ("" when it is not)."""
    if category in SERVICE_CATEGORIES:
        return f"类型为{category}"
    neglect = _first(words, NEGLECT_WORDS)
    if neglect:
        return f"物业处理不力（{neglect}）"
    blamed = blames_staff(words)
    return f"针对{blamed[0]}（{blamed[1]}）" if blamed else ""


def blames_staff(text: str) -> tuple[str, str] | None:
    """(whom, what) when the words name staff or the office together with a failure (保安…睡觉)."""
    staff = _first(text, STAFF_WORDS)
    failure = _first(text, FAILURE_WORDS)
    return (staff, failure) if staff and failure else None


def _first(text: str, words: tuple[str, ...]) -> str | None:
    return next((word for word in words if word in text), None)
