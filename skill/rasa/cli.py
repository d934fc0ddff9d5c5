"""``skill rasa-senders``: map a Rasa conversation's ``sender_id`` to a user of the service.

``map GATEWAY SENDER USER``: calls made with GATEWAY's API key as the action endpoint token
and that ``sender_id`` act as USER; ``unmap GATEWAY SENDER``; ``list [GATEWAY]``.
See ``docs/rasa.md``.
"""

from __future__ import annotations

import argparse
import asyncio

from skill.config import Settings
from skill.rasa.senders import SenderMap
from skill.storage import open_store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("map", help="act as USER for SENDER on GATEWAY's token")
    add.add_argument("gateway")
    add.add_argument("sender")
    add.add_argument("user")
    remove = sub.add_parser("unmap", help="forget a sender's mapping")
    remove.add_argument("gateway")
    remove.add_argument("sender")
    listing = sub.add_parser("list", help="list the mappings")
    listing.add_argument("gateway", nargs="?")


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    senders = SenderMap(settings.db_path)
    store = open_store(settings)
    try:
        if args.action == "map":
            for name in (args.gateway, args.user):
                user = await store.get_user(name)
                if user is None or not user.active:
                    print(f"skill: no active user named {name!r}")
                    return 1
            await senders.map(args.gateway, args.sender, args.user)
            print(f"sender {args.sender!r} on {args.gateway}'s token now acts as {args.user}")
        elif args.action == "unmap":
            if not await senders.unmap(args.gateway, args.sender):
                print(f"skill: no mapping for sender {args.sender!r} on {args.gateway}")
                return 1
            print(f"sender {args.sender!r} on {args.gateway}'s token acts as {args.gateway}")
        else:
            mappings = await senders.list(args.gateway)
            if not mappings:
                print("no sender mappings: every conversation acts as its token's user")
            for m in mappings:
                print(f"{m.gateway_user:<20} {m.sender_id:<32} -> {m.user_id}")
        return 0
    finally:
        senders.close()
        store.close()


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_run(args, settings))
