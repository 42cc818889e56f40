"""One cell at a time: text from the file to a typed value in its normal form, or a CellError
whose reason an office clerk understands (written in Chinese, quoting the cell as written)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from handlers.importer.vocabulary import PAID_VALUES, RESIDENT_ROLES, SKILLS, STAFF_ROLE_NAMES

MAX_AMOUNT = Decimal("9999999.99")
MAX_AREA = Decimal("99999.99")
_CENT = Decimal("0.01")


class CellError(Exception):
    """A cell that cannot be used; ``reason`` is the Chinese sentence for the report."""

    def __init__(self, reason: str, column: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.column = column  # set when the problem belongs to another column than the one parsed


def quoted(text: str) -> str:
    return f"“{text}”"


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def required(text: str) -> str:
    if not text:
        raise CellError("不能为空")
    return text


_PHONE_NOISE = re.compile(r"[\s\-()（）]")
_MOBILE = re.compile(r"1[3-9]\d{9}")


def phone(text: str) -> str:
    """An 11-digit mainland mobile, digits only: ``138 1234 5678`` and ``+86 138…`` are fine."""
    required(text)
    digits = _PHONE_NOISE.sub("", nfkc(text))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not _MOBILE.fullmatch(digits):
        raise CellError(f"{quoted(text)} 不是11位手机号")
    return digits


def name(text: str, limit: int = 50) -> str:
    required(text)
    text = re.sub(r"\s+", " ", nfkc(text))
    if len(text) > limit:
        raise CellError(f"{quoted(text)} 太长，最多{limit}个字")
    return text


_PLAIN_NUMBER = re.compile(r"(\d+(\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d*)?")


def _decimal(text: str, what: str) -> Decimal:
    """A plain decimal as written; ``¥1,234.50`` and ``12.5元`` are fine, ``1e3`` and ``12,34`` are not."""
    cleaned = nfkc(text).replace(" ", "")
    negative = cleaned.startswith("-")
    body = cleaned.removeprefix("-").removeprefix("¥").removeprefix("￥").removesuffix("元")
    if _GROUPED.fullmatch(body):
        body = body.replace(",", "")
    if not _PLAIN_NUMBER.fullmatch(body):
        raise CellError(f"{quoted(text)} 不是有效的{what}")
    try:
        value = Decimal(body)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        raise CellError(f"{quoted(text)} 不是有效的{what}") from None
    if negative and value != 0:
        raise CellError(f"{quoted(text)} {what}不能是负数")
    if value != value.quantize(_CENT):
        raise CellError(f"{quoted(text)} {what}最多两位小数")
    return value.quantize(_CENT)


def amount(text: str) -> Decimal:
    """Yuan, exact: Decimal with 2 places, never a float; 12.5 → 12.50."""
    required(text)
    value = _decimal(text, "金额")
    if value > MAX_AMOUNT:
        raise CellError(f"{quoted(text)} 金额过大，请核对")
    return value


def area(text: str) -> Decimal | None:
    """Floor area in m²; may be left empty (a tenant's row need not repeat it)."""
    if not text:
        return None
    value = _decimal(text.removesuffix("㎡").removesuffix("m2").removesuffix("平方米").removesuffix("平米"), "面积")
    if value <= 0:
        raise CellError(f"{quoted(text)} 面积必须大于0")
    if value > MAX_AREA:
        raise CellError(f"{quoted(text)} 面积过大，请核对")
    return value


_PERIOD_FORMS = (
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月?"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})"),
    # Excel turns a typed 2025-03 into the date 2025-03-01: the first of a month is accepted.
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?"),
)


def period(text: str) -> str:
    """A billing month ``YYYY-MM`` with a real month; 2025/3, 2025年3月, 202503 are fine too."""
    required(text)
    cleaned = nfkc(text).replace(" ", "")
    for form in _PERIOD_FORMS:
        match = form.fullmatch(cleaned)
        if match:
            break
    else:
        raise CellError(f"{quoted(text)} 不是有效账期，应写成 年-月，例如 2025-03")
    year, month = int(match["y"]), int(match["m"])
    if match.groupdict().get("d") is not None and int(match["d"]) != 1:
        raise CellError(f"{quoted(text)} 不是有效账期，账期只写年月，例如 2025-03")
    if not 1 <= month <= 12:
        raise CellError(f"{quoted(text)} 不是有效账期：没有{month}月")
    if not 2000 <= year <= 2099:
        raise CellError(f"{quoted(text)} 不是有效账期：年份{year}不对")
    return f"{year:04d}-{month:02d}"


def item(text: str) -> str:
    return name(text, limit=20)


def paid(text: str) -> bool:
    value = PAID_VALUES.get(nfkc(text).lower())
    if value is None:
        raise CellError(f"{quoted(text)} 应为 1（已缴）或 0（未缴）" if text
                        else "不能为空，应为 1（已缴）或 0（未缴）")
    return value


def resident_role(text: str) -> str:
    value = RESIDENT_ROLES.get(nfkc(text).lower())
    if value is None:
        shown = f"{quoted(text)} " if text else "不能为空，"
        raise CellError(f"{shown}应为 owner（业主）或 tenant（租户）")
    return value


def staff_role(text: str) -> str:
    value = STAFF_ROLE_NAMES.get(nfkc(text).lower())
    if value is None:
        shown = f"{quoted(text)} " if text else "不能为空，"
        raise CellError(f"{shown}应为 staff（员工）、supervisor（主管）或 admin（管理员）")
    return value


_SKILL_SEPARATORS = re.compile(r"[|、,/;；\s]+")


def skills(text: str) -> tuple[str, ...]:
    """Repair and complaint categories of docs/nlu.md, ``|``-separated (、 and / are tolerated)."""
    found = tuple(dict.fromkeys(part for part in _SKILL_SEPARATORS.split(nfkc(text)) if part))
    unknown = [skill for skill in found if skill not in SKILLS]
    if unknown:
        listed = "、".join(quoted(skill) for skill in unknown)
        raise CellError(f"{listed} 不是报修或投诉分类，可用：{'、'.join(SKILLS)}")
    return found


_OPENID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def openid(text: str) -> str | None:
    if not text:
        return None
    if not _OPENID.fullmatch(text):
        raise CellError(f"{quoted(text)} 不是有效的 openid（字母、数字、- 或 _，最多64位）")
    return text
