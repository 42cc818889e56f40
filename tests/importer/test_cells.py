"""One cell at a time: normal forms and the clerk's reasons."""

from __future__ import annotations

from decimal import Decimal

import pytest

from handlers.importer import cells
from handlers.importer.addresses import parse_address
from handlers.importer.cells import CellError
from handlers.importer.vocabulary import COMPLAINT_CATEGORIES, REPAIR_CATEGORIES, STAFF_ROLE_NAMES
from models.staff import STAFF_ROLES


class TestPhone:
    @pytest.mark.parametrize(
        "text", ["13800000001", "138 0000 0001", "138-0000-0001", "+86 13800000001", "8613800000001"]
    )
    def test_accepted_forms(self, text: str) -> None:
        assert cells.phone(text) == "13800000001"

    @pytest.mark.parametrize(
        "text", ["1380013800", "138000000011", "23800000001", "12800000001", "0755-28886666", "abc"]
    )
    def test_not_a_mobile(self, text: str) -> None:
        with pytest.raises(CellError) as caught:
            cells.phone(text)
        assert caught.value.reason == f"“{text}” 不是11位手机号"

    def test_empty(self) -> None:
        with pytest.raises(CellError, match="不能为空"):
            cells.phone("")


class TestAmount:
    @pytest.mark.parametrize(
        ("text", "value"),
        [("12.5", "12.50"), ("12", "12.00"), ("0", "0.00"), ("0.01", "0.01"), (".5", "0.50"), ("12.", "12.00"),
         ("¥1,234.50", "1234.50"), ("￥88", "88.00"), ("100元", "100.00"), ("1,000,000", "1000000.00"),
         ("12.50", "12.50"), ("12.500", "12.50")],
    )
    def test_exact_decimal_with_two_places(self, text: str, value: str) -> None:
        result = cells.amount(text)
        assert isinstance(result, Decimal)
        assert result == Decimal(value) and str(result) == value

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("-1", "“-1” 金额不能是负数"),
            ("-0.01", "“-0.01” 金额不能是负数"),
            ("12.345", "“12.345” 金额最多两位小数"),
            ("abc", "“abc” 不是有效的金额"),
            ("1e3", "“1e3” 不是有效的金额"),
            ("NaN", "“NaN” 不是有效的金额"),
            ("12,34", "“12,34” 不是有效的金额"),
            ("1.2.3", "“1.2.3” 不是有效的金额"),
            ("", "不能为空"),
            ("99999999", "“99999999” 金额过大，请核对"),
        ],
    )
    def test_rejected(self, text: str, reason: str) -> None:
        with pytest.raises(CellError) as caught:
            cells.amount(text)
        assert caught.value.reason == reason


class TestArea:
    def test_empty_is_allowed(self) -> None:
        assert cells.area("") is None

    @pytest.mark.parametrize(("text", "value"), [("89.5", "89.50"), ("120", "120.00"), ("89.37㎡", "89.37")])
    def test_values(self, text: str, value: str) -> None:
        assert cells.area(text) == Decimal(value)

    @pytest.mark.parametrize(("text", "reason"), [("0", "“0” 面积必须大于0"), ("-3", "“-3” 面积不能是负数"),
                                                   ("八十", "“八十” 不是有效的面积")])
    def test_rejected(self, text: str, reason: str) -> None:
        with pytest.raises(CellError) as caught:
            cells.area(text)
        assert caught.value.reason == reason


class TestPeriod:
    @pytest.mark.parametrize(
        "text",
        ["2025-03", "2025-3", "2025/03", "2025.3", "2025年3月", "2025年03月", "202503", "2025-03-01", "2025/3/1"],
    )
    def test_accepted_forms(self, text: str) -> None:
        assert cells.period(text) == "2025-03"

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("2025-13", "“2025-13” 不是有效账期：没有13月"),
            ("2025-00", "“2025-00” 不是有效账期：没有0月"),
            ("2025-03-15", "“2025-03-15” 不是有效账期，账期只写年月，例如 2025-03"),
            ("三月", "“三月” 不是有效账期，应写成 年-月，例如 2025-03"),
            ("1899-01", "“1899-01” 不是有效账期：年份1899不对"),
        ],
    )
    def test_rejected(self, text: str, reason: str) -> None:
        with pytest.raises(CellError) as caught:
            cells.period(text)
        assert caught.value.reason == reason


class TestChoices:
    @pytest.mark.parametrize(("text", "value"), [("1", True), ("0", False), ("是", True), ("否", False), ("已缴", True),
                                                  ("未缴", False), ("TRUE", True), ("false", False)])
    def test_paid(self, text: str, value: bool) -> None:
        assert cells.paid(text) is value

    def test_paid_rejected(self) -> None:
        with pytest.raises(CellError) as caught:
            cells.paid("2")
        assert caught.value.reason == "“2” 应为 1（已缴）或 0（未缴）"

    @pytest.mark.parametrize(("text", "value"), [("owner", "owner"), ("Owner", "owner"), ("业主", "owner"),
                                                  ("tenant", "tenant"), ("租户", "tenant"), ("租客", "tenant")])
    def test_resident_role(self, text: str, value: str) -> None:
        assert cells.resident_role(text) == value

    @pytest.mark.parametrize(("text", "value"), [("staff", "staff"), ("主管", "supervisor"), ("admin", "admin")])
    def test_staff_role(self, text: str, value: str) -> None:
        assert cells.staff_role(text) == value

    def test_skills(self) -> None:
        assert cells.skills("水电|渗漏水| 管道堵塞 ") == ("水电", "渗漏水", "管道堵塞")
        assert cells.skills("噪音、停车｜水电|水电") == ("噪音", "停车", "水电")
        assert cells.skills("") == ()

    def test_unknown_skill(self) -> None:
        with pytest.raises(CellError) as caught:
            cells.skills("水电|修电脑")
        assert caught.value.reason.startswith("“修电脑” 不是报修或投诉分类，可用：水电、渗漏水、")

    def test_staff_roles_are_the_models(self) -> None:
        assert set(STAFF_ROLE_NAMES.values()) == set(STAFF_ROLES)

    def test_categories_match_the_nlu_labels(self) -> None:
        from bot.nlu import labels

        assert REPAIR_CATEGORIES == labels.REPAIR_CATEGORIES
        assert COMPLAINT_CATEGORIES == labels.COMPLAINT_CATEGORIES

    def test_openid(self) -> None:
        assert cells.openid("demo-staff-wang") == "demo-staff-wang"
        assert cells.openid("") is None
        with pytest.raises(CellError):
            cells.openid("has space")


class TestAddress:
    @pytest.mark.parametrize(
        ("building", "unit", "room", "key"),
        [
            ("3", "2", "501", "3-2-501"),
            ("3栋", "2单元", "501室", "3-2-501"),
            ("3号楼", "2", "501", "3-2-501"),
            ("三号楼", "二单元", "501", "3-2-501"),
            ("03", "02", "501", "3-2-501"),
            ("B座", "", "1203", "B-1203"),
            ("b", "", "1203", "B-1203"),
            ("8幢", "", "602室", "8-602"),
            ("", "", "3栋2单元501", "3-2-501"),
            ("", "", "3-2-501", "3-2-501"),
            ("", "", "三号楼二单元五零一", "3-2-501"),
            ("", "", "B座1203", "B-1203"),
            ("", "", "B-1203", "B-1203"),
            ("3", "2", "3栋2单元501", "3-2-501"),
            ("3栋", "", "3-2-501", "3-2-501"),
            ("十二栋", "", "301", "12-301"),
            ("３", "２", "５０１", "3-2-501"),
        ],
    )
    def test_forms(self, building: str, unit: str, room: str, key: str) -> None:
        assert parse_address(building, unit, room).key == key

    def test_parts_follow_the_key(self) -> None:
        address = parse_address("三号楼", "二单元", "501室")
        assert (address.building, address.unit, address.room) == ("3", "2", "501")
        assert parse_address("B座", "", "1203").unit == ""

    @pytest.mark.parametrize(
        ("building", "unit", "room", "column", "reason"),
        [
            ("3", "2", "5o1", "room", "“5o1” 无法识别为房号（例如 501、3栋2单元501、3-2-501、B座1203）"),
            ("3", "2", "", "room", "不能为空"),
            ("", "", "501", "building", "不能为空（房号 “501” 没有写楼栋）"),
            ("3栋2单元", "", "501", "building", "“3栋2单元” 无法识别为楼栋（例如 3、3栋、3号楼、B座）"),
            ("3", "二单元A", "501", "unit", "“二单元A” 无法识别为单元（例如 2、2单元，没有单元可留空）"),
            ("4", "", "3-2-501", "room", "“3-2-501” 中的楼栋与楼栋列 “4” 不一致"),
            ("3", "1", "3-2-501", "room", "“3-2-501” 中的单元与单元列 “1” 不一致"),
            ("", "", "阳光花园3栋", "room", "“阳光花园3栋” 无法识别为房号（例如 501、3栋2单元501、3-2-501、B座1203）"),
        ],
    )
    def test_rejected(self, building: str, unit: str, room: str, column: str, reason: str) -> None:
        with pytest.raises(CellError) as caught:
            parse_address(building, unit, room)
        assert (caught.value.column, caught.value.reason) == (column, reason)
