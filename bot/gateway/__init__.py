"""The WeChat gateway: verify, decrypt, parse and answer; dedupe and deadlines live in bot.inbox."""
