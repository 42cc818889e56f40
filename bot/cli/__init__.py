"""The ``wuyebot`` command line. Imports are lazy so `wuyebot nlu predict` starts fast."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wuyebot", description="物业客服机器人 wuyebot")
    commands = parser.add_subparsers(title="commands")

    serve = commands.add_parser("serve", help="run the webhook, admin API and scheduler")
    serve.add_argument("--demo", action="store_true", help="load a sample estate when the database is empty")
    serve.set_defaults(run=_serve)

    chat = commands.add_parser("chat", help="chat with the running service as an owner")
    chat.add_argument("--openid", default="demo-owner", help="the WeChat openid to speak as")
    chat.add_argument("--url", default=None, help="base URL of the running service (default from settings)")
    chat.set_defaults(run=_chat)

    db = commands.add_parser("db", help="database schema").add_subparsers(title="db commands")
    db.add_parser("upgrade", help="create or migrate the schema").set_defaults(run=_db_upgrade)
    backup = db.add_parser("backup", help="a consistent copy of the database while serving (docs/deploy.md)")
    backup.add_argument("file", help="where to write it (SQLite: a database file; PostgreSQL: pg_dump's custom format)")
    backup.set_defaults(run=_db_backup)

    imp = commands.add_parser("import", help="load owners, bills or staff from .csv/.xlsx")
    imp.add_argument("kind", choices=("owners", "bills", "staff"), help="which register the file holds")
    imp.add_argument("file", help="a .csv (UTF-8, UTF-8 with BOM, GBK) or .xlsx file")
    imp.add_argument("--estate", default=None,
                     help="the estate code of every row (for a file without an estate column; see `estates list`)")
    imp.set_defaults(run=_import)

    report = commands.add_parser("report", help="the weekly complaint report or the monthly service report")
    report.add_argument("kind", choices=("weekly", "monthly"), help="weekly (投诉处理周报) or monthly (服务月报)")
    report.add_argument("--period", default=None, help="2026-W47 or 2026-10 (default: the last complete week or month)")
    report.add_argument("--out", default=None, help="also write the report to this .xlsx file (one sheet per table)")
    report.add_argument("--estate", default=None,
                        help="one estate's report (its code); default: the company and each estate")
    report.set_defaults(run=_report)

    estates = commands.add_parser("estates", help="the estates this deployment serves").add_subparsers(
        title="estates commands")
    estates.add_parser("list", help="codes, names, aliases and offices of the estates").set_defaults(run=_estates_list)

    jobs = commands.add_parser("jobs", help="scheduled jobs").add_subparsers(title="jobs commands")
    run_due = jobs.add_parser("run-due", help="run every job and push due now (or at --now), then exit")
    run_due.add_argument("--now", default=None, help="ISO time, e.g. 2026-12-05T10:00 (estate time zone if no offset)")
    run_due.set_defaults(run=_jobs_run_due)

    staff = commands.add_parser("staff", help="staff accounts").add_subparsers(title="staff commands")
    bind_code = staff.add_parser("bind-code", help="a one-time code that binds a staff member's WeChat account")
    bind_code.add_argument("phone", help="the staff member's phone, as in the staff file")
    bind_code.add_argument("--hours", type=int, default=24, help="how long the code works (default 24)")
    bind_code.set_defaults(run=_staff_bind_code)
    invite = staff.add_parser("invite", help="a one-time link where a staff member sets their console password")
    invite.add_argument("phone", help="the staff member's phone, as in the staff file")
    invite.set_defaults(run=_staff_invite)

    notice = commands.add_parser("notice", help="notices to the homes they concern (停水, 停电 …)").add_subparsers(
        title="notice commands")
    create = notice.add_parser("create", help="make a notice and send it to the bound owners and tenants")
    create.add_argument("--kind", required=True, help="停水, 停电, 电梯维保, 消防演练, 消杀, 台风预警 or 其他")
    create.add_argument("--start", required=True, help="ISO time, e.g. 2026-12-05T09:00 (estate's zone if no offset)")
    create.add_argument("--end", required=True, help="ISO time")
    create.add_argument("--text", required=True, help="what owners should know: the reason, what to do")
    create.add_argument("--estate", default=None, help="estate code (default: the company's default estate)")
    create.add_argument("--buildings", default=None, help="building codes, e.g. 3,5 (default: the whole estate)")
    create.add_argument("--units", default=None, help="building-unit pairs, e.g. 3-2,3-1")
    create.add_argument("--urgent", action="store_true", help="an unplanned cut: sent in quiet hours too")
    create.set_defaults(run=_notice, action="create")
    for name, words in (("cancel", "call a notice off (those told hear so)"),
                        ("end", "it is over now: the all clear goes at once")):
        changed = notice.add_parser(name, help=words)
        changed.add_argument("number", help="the notice's number, N20261204001")
        changed.set_defaults(run=_notice, action=name)
    extend = notice.add_parser("extend", help="move a notice's end (those told hear the new time)")
    extend.add_argument("number", help="the notice's number")
    extend.add_argument("--end", required=True, help="ISO time")
    extend.set_defaults(run=_notice, action="extend")
    notice.add_parser("list", help="the latest notices with their delivery").set_defaults(run=_notice, action="list")

    menu = commands.add_parser("menu", help="the official account's custom menu").add_subparsers(title="menu commands")
    push = menu.add_parser("push", help="set the custom menu from config.yaml through the WeChat API")
    push.add_argument("--dry-run", action="store_true", help="check the menu and print its JSON; send nothing")
    push.set_defaults(run=_menu_push)

    nlu = commands.add_parser("nlu", help="owner-message understanding").add_subparsers(title="nlu commands")
    nlu.add_parser("predict", help="JSON Lines in (text, now), predictions out").set_defaults(run=_nlu_predict)
    evaluate = nlu.add_parser("eval", help="score the NLU on a labelled JSON Lines file")
    evaluate.add_argument("--data", required=True, help="labelled JSON Lines file")
    evaluate.set_defaults(run=_nlu_eval)
    return parser


def _settings() -> Settings:
    from bot.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as error:
        print(f"wuyebot: configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def _logging(level: int = logging.INFO) -> None:
    from bot.logs import configure_logging

    configure_logging(level, json_lines=os.environ.get("WUYEBOT_LOG_FORMAT", "").strip().lower() == "json")


def _serve(args: argparse.Namespace) -> int:
    from bot.cli.serve import serve

    _logging()
    return serve(_settings(), demo=args.demo)


def _chat(args: argparse.Namespace) -> int:
    import asyncio

    from bot.cli.chat import ChatSettings, chat
    from bot.settings import SettingsError

    try:
        settings = ChatSettings.load(args.url)
    except SettingsError as error:
        print(f"wuyebot: configuration error: {error} (or give --url of the running service)", file=sys.stderr)
        return 2
    url = args.url or settings.url
    return asyncio.run(chat(settings, url.rstrip("/"), args.openid))


def _db_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.storage.backup import BackupError, backup

    settings = _settings()
    try:
        print(backup(settings.database_url, Path(args.file)))
    except BackupError as error:
        print(f"wuyebot db backup: {error}", file=sys.stderr)
        return 1
    return 0


def _db_upgrade(_args: argparse.Namespace) -> int:
    from models.migrate import upgrade

    settings = _settings()
    _logging()
    upgrade(settings.database_url)
    print("database schema is up to date")
    return 0


def _import(args: argparse.Namespace) -> int:
    from handlers.importer import run_import_command

    return run_import_command(args.kind, args.file, _settings(), estate=args.estate)


def _report(args: argparse.Namespace) -> int:
    from handlers.reports.command import run_report_command

    return run_report_command(args.kind, args.period, args.out, _settings(), estate=args.estate)


def _estates_list(args: argparse.Namespace) -> int:
    from handlers.domain.estates import print_estates

    return print_estates(_settings())


def _jobs_run_due(args: argparse.Namespace) -> int:
    import asyncio

    from bot.cli.run_due import parse_now, run_due

    settings = _settings()
    try:
        now = parse_now(args.now, settings)
    except ValueError:
        print(f"wuyebot: --now {args.now!r} is not an ISO time such as 2026-12-05T10:00", file=sys.stderr)
        return 2
    _logging(logging.WARNING)
    return asyncio.run(run_due(settings, now))


def _staff_bind_code(args: argparse.Namespace) -> int:
    import asyncio
    from datetime import UTC, datetime

    from handlers.flows.staff_binding import issue_code_command

    settings = _settings()
    if not 1 <= args.hours <= 24 * 7:
        print("wuyebot: --hours must be between 1 and 168", file=sys.stderr)
        return 2
    if is_sqlite_url(settings.database_url):
        from models.migrate import upgrade

        upgrade(settings.database_url)
    issued = asyncio.run(issue_code_command(settings, args.phone, hours=args.hours, now=datetime.now(UTC)))
    if issued is None:
        print(f"wuyebot: no staff member has the phone {args.phone}", file=sys.stderr)
        return 1
    until = issued.expires_at.astimezone(settings.tz)
    print(f"{issued.staff.name}：请在本人微信里向公众号发送“员工绑定 {issued.code}”"
          f"（{until:%m月%d日%H:%M}前有效，仅限一次）。")
    return 0


def _staff_invite(args: argparse.Namespace) -> int:
    import asyncio
    from datetime import UTC, datetime

    from handlers.domain.staff_access import invite_command

    settings = _settings()
    if is_sqlite_url(settings.database_url):
        from models.migrate import upgrade

        upgrade(settings.database_url)
    issued = asyncio.run(invite_command(settings, args.phone, datetime.now(UTC)))
    if issued is None:
        print(f"wuyebot: no staff member has the phone {args.phone}", file=sys.stderr)
        return 1
    name, token, until = issued
    base = settings.console.public_url or f"http://{settings.host}:{settings.port}"
    print(f"{name}：请用浏览器打开下面的链接设置工作台登录密码"
          f"（{until.astimezone(settings.tz):%m月%d日%H:%M}前有效，仅限一次）：\n"
          f"{base.rstrip('/')}/console/invite/{token}")
    return 0


def _notice(args: argparse.Namespace) -> int:
    import asyncio

    from handlers.domain.notice_command_line import run

    settings = _settings()
    if is_sqlite_url(settings.database_url):
        from models.migrate import upgrade

        upgrade(settings.database_url)
    options = {key: value for key, value in vars(args).items() if key not in ("run", "action")}
    return asyncio.run(run(settings, args.action, options, sys.stdout, sys.stderr))


def _menu_push(args: argparse.Namespace) -> int:
    import asyncio

    from bot.cli.menu import push_menu

    settings = _settings()
    _logging(logging.WARNING)
    return asyncio.run(push_menu(settings, dry_run=args.dry_run))


def is_sqlite_url(url: str) -> bool:
    from bot.storage.db import is_sqlite

    return is_sqlite(url)


def _nlu_predict(_args: argparse.Namespace) -> int:
    from bot.nlu.cli import main_predict

    return main_predict(sys.stdin, sys.stdout)


def _nlu_eval(args: argparse.Namespace) -> int:
    from bot.nlu.cli import main_eval

    return main_eval(args.data, sys.stdout)
