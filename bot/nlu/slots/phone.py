"""Mainland mobile numbers (11 digits, 1[3-9]…), normal form digits only.

Separators inside a number were removed by normalisation (138 1234 5678, +86 138-1234-5678).
An 11-digit run that is part of a longer run, or follows 订单号/账号/卡号…, is some other number.
"""

from __future__ import annotations

import re

_PHONE = re.compile(r"(?<![\dA-Za-z])1[3-9]\d{9}(?!\d)")
_OTHER_NUMBER_BEFORE = re.compile(
    r"(?:订单|单号|账号|帐号|账户|卡号|编号|工单|快递|运单|身份证|户号|会员|尾号|流水|交易|银行|缴费号|学号|工号|证号|条码|"
    r"序列|qq|QQ|微信号|户口|合同|发票|票号|代码|密码)[号码是为的:\s]{0,3}$"
)


def extract_phone(text: str) -> str | None:
    """The first mobile number the message states."""
    for match in _PHONE.finditer(text):
        if _OTHER_NUMBER_BEFORE.search(text[max(0, match.start() - 12):match.start()]):
            continue
        return match.group()
    return None
