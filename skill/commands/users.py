"""``skill users``: users of the service and their API keys.

``create NAME`` prints the new key on its last line (it is stored hashed and never shown
again); ``rotate NAME`` issues a new one; ``revoke NAME`` disables the key; ``list``.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime

from skill.config import Settings
from skill.storage import open_store
from skill.storage.base import SPOTIFY


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = sub.add_parser("create", help="create a user; prints its API key last")
    create.add_argument("name")
    rotate = sub.add_parser("rotate", help="issue a new API key (the old one stops working)")
    rotate.add_argument("name")
    revoke = sub.add_parser("revoke", help="revoke the user's API key")
    revoke.add_argument("name")
    sub.add_parser("list", help="list users, their key prefixes and link state")


def _when(ts: float | None) -> str:
    if ts is None:
        return "-"
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings)
    try:
        now = time.time()
        if args.action == "create":
            user, key = await store.create_user(args.name, at=now)
            print(f"created user {user.user_id}; API key (shown once, stored hashed):")
            print(key)
        elif args.action == "rotate":
            key = await store.rotate_key(args.name, at=now)
            print(f"new API key for {args.name} (the old one no longer works):")
            print(key)
        elif args.action == "revoke":
            if not await store.revoke_user(args.name, at=now):
                print(f"skill: no active user named {args.name!r}")
                return 1
            print(f"revoked the API key of {args.name}")
        else:
            users = await store.list_users()
            if not users:
                print("no users; create one with: skill users create NAME")
            for user in users:
                record = await store.get_token(user.user_id, SPOTIFY)
                link = "not linked" if record is None else (
                    f"{record.link_state} to {record.account_id}"
                )
                status = "active" if user.active else f"revoked {_when(user.revoked_at)}"
                print(f"{user.user_id:<20} {user.key_prefix}…  {status:<24} "
                      f"created {_when(user.created_at)}  spotify: {link}")
        return 0
    finally:
        store.close()


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_run(args, settings))
