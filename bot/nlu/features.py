"""Features of one normalised message for the intent classifier.

jieba words carry meaning (报修, 放行条, 物业费); character bigrams carry it through what jieba
splits badly (typos, Cantonese leftovers, voice text with no punctuation); a word after 不/没/别
is marked as negated (不用修 is not 修); and the slots found say a lot on their own (a ticket
number is usually about progress, a plate about a visitor). Digits are folded to one symbol so a
room number or a phone does not become a word of its own.
"""

from __future__ import annotations

import re

from bot.nlu.tokenize import tokens

_DIGITS = re.compile(r"\d+")
_LATIN = re.compile(r"[A-Za-z]+")
_SKIP = frozenset(" ,.;:、。~…\"'()[]{}<>《》“”‘’-_/\\|")
_NEGATIONS = frozenset({"不", "没", "没有", "别", "不用", "不要", "不必", "无需", "不需要", "未", "并未", "不是",
                        "甭", "莫", "no", "not", "never"})


_NOT = re.compile(r"n[’']t\b", re.IGNORECASE)  # don't → do not: jieba would split it at the apostrophe


def _fold(text: str) -> str:
    return _LATIN.sub("a", _DIGITS.sub("0", text))


def _word(token: str) -> str:
    """An English word is kept (lower-case, crudely stemmed: leaking, leaked, leaks → leak); letters
    mixed with digits (a plate, a ticket number, 12B) and single letters are folded like digits."""
    if len(token) >= 2 and token.isascii() and token.isalpha():
        return _stem(token.lower())
    return _fold(token).lower()


def _stem(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


# Emoji by what they say, so that one angry face teaches the model about the others.
_EMOJI_MOODS: tuple[tuple[str, frozenset[str]], ...] = (
    ("angry", frozenset("😡😠🤬😤💢👎🖕💩😾👿")),
    ("happy", frozenset("👍👌😊🙂😄😁😀🥰😍❤💯👏🙏✌🤝😘🌹")),
    ("alarm", frozenset("🆘🔥🚒🚑🚨⚠😱")),
    ("sad", frozenset("😭😢😞😔😩😫🥺")),
    ("unsure", frozenset("🤔❓❔😕🤨😶🙄")),
)
_URL = re.compile(r"https?://|www\.|\.(?:com|cn|net)\b", re.IGNORECASE)
# A bare Chinese name (张伟, 陈大文): a common surname and one or two more characters, nothing else.
_SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
                      "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
                      "莫孔向汤欧区麦冼岑")
_NAME = re.compile(r"^[\u4e00-\u9fff]{2,3}$")


def _shape(text: str) -> set[str]:
    found = {"emo:" + mood for mood, faces in _EMOJI_MOODS if not faces.isdisjoint(text)}
    if _URL.search(text):
        found.add("shape:url")
    if _NAME.match(text) and text[0] in _SURNAMES:
        found.add("shape:name")
    return found


def features(text: str, slot_names: frozenset[str] | set[str] = frozenset()) -> set[str]:
    """The feature set of ``text`` (already normalised) given the names of the slots found in it."""
    found: set[str] = set()
    words = [_word(word) for word in tokens(_NOT.sub(" not", text))]
    words = [word for word in words if word not in _SKIP]
    previous = "<s>"
    negated = False
    for word in words:
        found.add("w:" + word)
        found.add("b:" + previous + "|" + word)
        if negated:
            found.add("n:" + word)
        negated = word in _NEGATIONS
        previous = word
    found.add("b:" + previous + "|</s>")
    chars = [ch for ch in _fold(text) if ch not in _SKIP]
    for index, ch in enumerate(chars):
        found.add("c:" + ch)
        if index:
            found.add("cc:" + chars[index - 1] + ch)
    found.add("cc:<s>" + (chars[0] if chars else ""))
    found.add("cc:" + (chars[-1] if chars else "") + "</s>")
    for name in slot_names:
        found.add("slot:" + name)
    found |= _shape(text)
    length = len(chars)
    found.add("len:" + ("1-2" if length <= 2 else "3-5" if length <= 5 else "6-10" if length <= 10
                        else "11-20" if length <= 20 else "21+"))
    return found
