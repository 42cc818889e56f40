"""Questions about which of an owner's homes a request is for."""

WHICH_HOME = "您在几个小区都有房屋，请问这次是哪一套？\n{homes}\n回复序号或小区名称即可，如“{example}”。"
