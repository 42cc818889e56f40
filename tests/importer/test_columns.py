"""Header rows: docs/api.md names, Chinese aliases, and the one clear line when they are wrong."""

from __future__ import annotations

import pytest

from handlers.importer import HeaderError
from handlers.importer.columns import match_header


def test_contract_names() -> None:
    header = match_header("owners", ["building", "unit", "room", "area_m2", "name", "phone", "role"])
    assert header.index == {"building": 0, "unit": 1, "room": 2, "area_m2": 3, "name": 4, "phone": 5, "role": 6}


def test_chinese_aliases_in_any_order_with_extra_columns() -> None:
    header = match_header("owners", ["序号", "姓名", "手机", "楼栋", "单元", "房号", "面积（㎡）", "身份", "备注"])
    assert header.index == {"name": 1, "phone": 2, "building": 3, "unit": 4, "room": 5, "area_m2": 6, "role": 7}
    assert header.written["area_m2"] == "面积（㎡）"


def test_bills_and_staff_aliases() -> None:
    assert match_header("bills", ["楼栋", "单元", "房号", "账期", "项目", "金额(元)", "已缴"]).index["amount"] == 5
    assert match_header("staff", ["姓名", "手机", "OpenID", "角色", "技能"]).index["openid"] == 2


def test_spaces_bom_and_case() -> None:
    header = match_header("bills", ["\ufeffBuilding ", " UNIT", "Room", "period", " Item ", "amount", "paid*"])
    assert header.written["building"] == "Building"


def test_missing_column() -> None:
    with pytest.raises(HeaderError) as caught:
        match_header("owners", ["楼栋", "单元", "房号", "面积", "姓名", "电话号码x", "身份"])
    assert str(caught.value) == (
        "表头有误：缺少 phone（手机）列；应为 building,unit,room,area_m2,name,phone,role"
        "（或 楼栋,单元,房号,面积,姓名,手机,身份），文件中是 楼栋,单元,房号,面积,姓名,电话号码x,身份"
    )


def test_wrong_file_kind() -> None:
    with pytest.raises(HeaderError) as caught:
        match_header("staff", ["building", "unit", "room", "period", "item", "amount", "paid"])
    assert str(caught.value) == (
        "表头有误：缺少 name（姓名）、phone（手机）、openid（openid）、role（角色）、skills（技能）列；"
        "应为 name,phone,openid,role,skills（或 姓名,手机,openid,角色,技能），"
        "文件中是 building,unit,room,period,item,amount,paid"
    )


def test_column_given_twice() -> None:
    with pytest.raises(HeaderError) as caught:
        match_header("staff", ["姓名", "手机", "电话", "openid", "角色", "技能"])
    assert str(caught.value).startswith(
        "表头有误：“手机”和“电话”都是手机列，只能有一列；应为 name,phone,openid,role,skills")
