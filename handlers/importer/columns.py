"""The columns of each import file (docs/api.md) and matching a header row to them.

Header cells are compared after trimming spaces and a BOM, ignoring case, full-width forms and a
trailing unit in brackets (``面积（㎡）``, ``金额(元)``, ``姓名*``), so both the English names of
docs/api.md and the Chinese names an office uses are accepted. Extra columns (备注 …) are ignored.
Every kind may also carry the optional ``estate`` column (小区, docs/importing.md).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from handlers.importer.errors import HeaderError


@dataclass(frozen=True)
class Column:
    name: str  # docs/api.md's name
    label: str  # the Chinese name, shown in the header error
    aliases: tuple[str, ...] = ()
    optional: bool = False  # may be left out of the file; its cells then read as empty


# The estate a row belongs to (its code); optional in every kind (handlers.importer.estates).
ESTATE = Column("estate", "小区", ("小区代码", "小区编码", "所属小区", "estate_code", "服务小区", "负责小区"),
                optional=True)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "owners": (
        Column("building", "楼栋", ("楼栋号", "楼号", "栋", "栋号", "楼宇", "楼座")),
        Column("unit", "单元", ("单元号",)),
        Column("room", "房号", ("房间", "房间号", "房屋", "房号/地址", "门牌号", "室")),
        Column("area_m2", "面积", ("area", "建筑面积", "面积m2", "面积㎡", "面积平方米")),
        Column("name", "姓名", ("业主姓名", "住户姓名", "名字")),
        Column("phone", "手机", ("手机号", "手机号码", "电话", "联系电话", "电话号码", "联系方式")),
        Column("role", "身份", ("角色", "类型", "业主/租户")),
        ESTATE,
    ),
    "bills": (
        Column("building", "楼栋", ("楼栋号", "楼号", "栋", "栋号", "楼宇", "楼座")),
        Column("unit", "单元", ("单元号",)),
        Column("room", "房号", ("房间", "房间号", "房屋", "房号/地址", "门牌号", "室")),
        Column("period", "账期", ("月份", "账单月份", "所属月份", "计费月份", "期间")),
        Column("item", "项目", ("收费项目", "费用项目", "费项", "科目")),
        Column("amount", "金额", ("应收", "应收金额", "应缴", "应缴金额", "费用")),
        Column("paid", "已缴", ("是否已缴", "已缴费", "缴费状态", "是否缴费", "已付")),
        ESTATE,
    ),
    "staff": (
        Column("name", "姓名", ("员工姓名", "名字")),
        Column("phone", "手机", ("手机号", "手机号码", "电话", "联系电话", "电话号码")),
        Column("openid", "openid", ("微信openid", "微信id", "微信号")),
        Column("role", "角色", ("身份", "岗位角色", "权限")),
        Column("skills", "技能", ("擅长", "专长", "负责类别", "技能分类")),
        ESTATE,
    ),
}

_BRACKETED_UNIT = re.compile(r"\(.*\)$")


def header_key(text: str) -> str:
    """A header cell reduced to what identifies it."""
    text = unicodedata.normalize("NFKC", text).strip(" \t\r\n\u3000\ufeff\u200b\u00a0").lower()
    return re.sub(r"\s+", "", text).rstrip("*")


@dataclass(frozen=True)
class HeaderMap:
    """Where each column is, and its name as written in the file (used in the error report)."""

    index: dict[str, int]
    written: dict[str, str]

    def cell(self, cells: list[str], column: str) -> str:
        try:
            position = self.index[column]
        except KeyError:  # an optional column the file does not have
            return ""
        return cells[position] if position < len(cells) else ""

    def has(self, column: str) -> bool:
        return column in self.index


def match_header(kind: str, header: list[str]) -> HeaderMap:
    """Map the header row to the kind's columns, or raise HeaderError with one clear line."""
    columns = COLUMNS[kind]
    lookup: dict[str, str] = {}
    for column in columns:
        for spelling in (column.name, column.label, *column.aliases):
            lookup[header_key(spelling)] = column.name
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    for position, cell in enumerate(header):
        key = header_key(cell)
        name = lookup.get(key) or lookup.get(_BRACKETED_UNIT.sub("", key))
        if name is None:
            continue
        if name in index:
            raise HeaderError(
                f"表头有误：“{written[name]}”和“{cell.strip()}”都是{_label(kind, name)}列，只能有一列；"
                + _expected_and_found(kind, header)
            )
        index[name] = position
        written[name] = cell.strip(" \t\r\n\u3000\ufeff\u200b\u00a0")
    missing = [column for column in columns if column.name not in index and not column.optional]
    if missing:
        names = "、".join(f"{column.name}（{column.label}）" for column in missing)
        raise HeaderError(f"表头有误：缺少 {names}列；" + _expected_and_found(kind, header))
    return HeaderMap(index, written)


def expected_columns(kind: str) -> str:
    """The required columns, as docs/api.md names them (the optional estate column is not listed)."""
    return ",".join(column.name for column in COLUMNS[kind] if not column.optional)


def _label(kind: str, name: str) -> str:
    return next(column.label for column in COLUMNS[kind] if column.name == name)


def _expected_and_found(kind: str, header: list[str]) -> str:
    chinese = ",".join(column.label for column in COLUMNS[kind] if not column.optional)
    found = ",".join(cell.strip(" \t\r\n\u3000\ufeff\u200b\u00a0") for cell in header if cell.strip()) or "（空）"
    return f"应为 {expected_columns(kind)}（或 {chinese}），文件中是 {found}"
