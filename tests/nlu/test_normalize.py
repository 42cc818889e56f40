"""Normalisation: width, script, Cantonese, typos, spoken numbers, separators, fillers."""

from __future__ import annotations

import pytest

from bot.nlu.normalize import normalize, to_simplified, to_traditional
from bot.nlu.numerals import convert_numerals, to_int


class TestWidthAndScript:
    def test_full_width_digits_and_letters(self) -> None:
        assert normalize("３栋２单元５０１，电话１３８１２３４５６７８").text == "3栋2单元501,电话13812345678"

    def test_traditional_is_converted_and_flagged(self) -> None:
        result = normalize("廚房水管漏水")
        assert result.text == "厨房水管漏水"
        assert result.traditional

    def test_simplified_is_not_flagged(self) -> None:
        assert not normalize("厨房水管漏水，麻烦明天上午来").traditional

    def test_hong_kong_variant_forms(self) -> None:
        assert normalize("衞生間的電綫").text == "卫生间的电线"

    def test_one_traditional_character_in_cantonese_counts(self) -> None:
        assert normalize("水喉爆咗浸晒成間屋").traditional

    def test_stray_traditional_character_in_simplified_text_does_not_count(self) -> None:
        _, traditional = to_simplified("我家的卫生间里面一直漏水，楼下说他们的天花板也湿了，這")
        assert not traditional

    def test_reply_in_hong_kong_traditional(self) -> None:
        assert to_traditional("为什么里面没有") == "為什麼裏面沒有"


class TestCantoneseAndTypos:
    @pytest.mark.parametrize(
        ("said", "meant"),
        [
            ("屋企跳咗閘", "家跳了闸"),
            ("水喉爆咗浸晒成間屋", "水管爆了淹了整个家"),
            ("冇水", "没有水"),
            ("𨋢壞咗", "电梯坏了"),
            ("唔使嚟啦", "不用来啦"),
            ("漏睡了", "漏水了"),
            ("电悌坏了", "电梯坏了"),
        ],
    )
    def test_mandarin_reading(self, said: str, meant: str) -> None:
        assert normalize(said).text == meant

    def test_words_that_look_cantonese_are_kept(self) -> None:
        assert normalize("缴费渠道有哪些 企业能开发票吗").text == "缴费渠道有哪些 企业能开发票吗"


class TestSpokenNumbers:
    @pytest.mark.parametrize(
        ("said", "written"),
        [
            ("三号楼二单元五零一", "3号楼2单元501"),
            ("十二栋一单元一一零二", "12栋1单元1102"),
            ("幺三八零零一三八零零零", "13800138000"),
            ("下午两点到四点", "下午2点到4点"),
            ("三点半", "3点半"),
            ("三点四十", "3点40"),
            ("十二月一号", "12月1号"),
            ("给个五分吧", "给个5分吧"),
            ("二零二六年", "2026年"),
            ("三天后", "3天后"),
        ],
    )
    def test_quantities_become_digits(self, said: str, written: str) -> None:
        assert convert_numerals(said) == written

    @pytest.mark.parametrize(
        "word", ["一般吧", "一直滴水", "十分满意", "唯一一个", "有一点漏水", "好一点", "下周三", "星期五", "三分之一",
                 "一时半会"]
    )
    def test_words_stay_words(self, word: str) -> None:
        assert convert_numerals(word) == word

    @pytest.mark.parametrize(
        "phrase", ["延长晚一点", "师傅能不能晚一点到", "早一点来", "快一点", "便宜一点", "声音小一点", "再稍一点"]
    )
    def test_a_bit_after_a_comparative_is_no_clock(self, phrase: str) -> None:
        assert convert_numerals(phrase) == phrase

    @pytest.mark.parametrize(
        ("said", "written"),
        [
            ("晚上一点", "晚上1点"),  # 晚上 is the evening, not "later"
            ("今晚一点", "今晚1点"),
            ("明早一点到", "明早1点到"),
            ("下午一点", "下午1点"),
            ("晚一点半", "晚1点半"),  # the half hour makes it a clock after all
            ("晚一点钟", "晚1点钟"),
            ("凌晨一点", "凌晨1点"),
        ],
    )
    def test_one_oclock_with_a_period_stays_a_clock(self, said: str, written: str) -> None:
        assert convert_numerals(said) == written

    @pytest.mark.parametrize(
        ("run", "value"), [("二十一", 21), ("一百零二", 102), ("一千二", 1200), ("三百五", 350), ("十", 10)]
    )
    def test_positional_values(self, run: str, value: int) -> None:
        assert to_int(run) == value


class TestSeparatorsAndFillers:
    @pytest.mark.parametrize(
        ("raw", "joined"),
        [
            ("电话159 8765 4321", "电话15987654321"),
            ("+86 138-1234-5678", "13812345678"),
            ("幺三八 零零一三 八零零零", "13800138000"),
            ("车牌粤a·12345", "车牌粤A12345"),
            ("沪B 2C3D4", "沪B2C3D4"),
            ("京Q・7Y2Z1", "京Q7Y2Z1"),
            ("车牌粤A·12345 3栋2单元501", "车牌粤A12345 3栋2单元501"),
        ],
    )
    def test_separators_removed(self, raw: str, joined: str) -> None:
        assert normalize(raw).text == joined

    def test_voice_fillers_removed(self) -> None:
        text = normalize("嗯 那个 我想问一下 我家那个 就是五号楼一单元三零二 物业费交到什么时候了").text
        assert text == "我想问一下 我家那个 就是5号楼1单元302 物业费交到什么时候了"

    def test_filler_words_inside_a_sentence_are_kept(self) -> None:
        assert normalize("那个保安态度很差").text == "那个保安态度很差"


class TestMoreForms:
    @pytest.mark.parametrize(
        ("raw", "written"),
        [
            ("嗯", "嗯"),  # a hum that is the whole answer stays: it is an acknowledgement
            ("嗯嗯嗯", "嗯嗯嗯"),
            ("然后呢", ""),  # pause words alone are nothing
            ("👍🏽👍🏽", "👍👍"),  # skin tones and variation selectors dropped
            ("❤️", "❤"),
            ("dianti li mian kunren le", "电梯 li mian 困人 le"),  # key words typed in full pinyin
            ("瓦斯味好重", "煤气味好重"),
            ("净系我屋企冇电", "只是我家没有电"),
        ],
    )
    def test_more_forms(self, raw: str, written: str) -> None:
        assert normalize(raw).text == written

    @pytest.mark.parametrize(
        ("raw", "written"),
        [
            ("tomorrow 3pm", "明天 下午3点"),
            ("next Tuesday evening", "下周二 晚上"),
            ("Block 3 Unit 2 Room 501", "3栋 2单元 501室"),
            ("flat 1203 tower 5", "5栋1203室"),
        ],
    )
    def test_english_times_and_rooms_in_the_forms_the_extractors_read(self, raw: str, written: str) -> None:
        assert normalize(raw).text == written
