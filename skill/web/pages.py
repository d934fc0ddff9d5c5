"""The few HTML pages of the link flow (callback results and the confirmation form)."""

from __future__ import annotations

import html

from starlette.responses import HTMLResponse

from skill.errors import SkillError
from skill.spotify.oauth import Linked, NeedsConfirmation

_STYLE = "body{font-family:sans-serif;max-width:38em;margin:2em auto;line-height:1.4}"


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    doc = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    # The page is reached through a URL carrying a code and state: keep it out of caches
    # and of any Referer header.
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    return HTMLResponse(doc, status_code=status, headers=headers)


def _account(account_id: str | None, display_name: str | None) -> str:
    shown = html.escape(account_id or "(unknown)")
    if display_name:
        return f"<strong>{html.escape(display_name)}</strong> (account id <code>{shown}</code>)"
    return f"account id <code>{shown}</code>"


def linked_page(result: Linked) -> HTMLResponse:
    body = (
        f"<p>The account <strong>{html.escape(result.user_id)}</strong> of this service is now "
        f"linked to the Spotify account {_account(result.account_id, result.display_name)}.</p>"
        f"<p>Granted permissions: {html.escape(', '.join(sorted(result.scopes)) or 'none')}.</p>"
        "<p>You can close this window.</p>"
    )
    return _page("Spotify linked", body)


def confirm_page(pending: NeedsConfirmation) -> HTMLResponse:
    token = html.escape(pending.confirm_token)
    body = (
        "<p>This link was started in another browser or device.</p>"
        f"<p>Link the Spotify account {_account(pending.account_id, pending.display_name)} to "
        f"the account <strong>{html.escape(pending.user_id)}</strong> of this service?</p>"
        "<p>If you did not start this, or that is not your account here, choose "
        "<em>Do not link</em>: someone may be trying to attach your Spotify to their "
        "account.</p>"
        '<form method="post" action="confirm">'
        f'<input type="hidden" name="confirm" value="{token}">'
        '<button type="submit" name="decision" value="confirm">Link these accounts</button> '
        '<button type="submit" name="decision" value="cancel">Do not link</button>'
        "</form>"
    )
    return _page("Confirm the Spotify link", body)


def cancelled_page(user_id: str) -> HTMLResponse:
    body = (
        f"<p>Nothing was linked to the account <strong>{html.escape(user_id)}</strong>.</p>"
    )
    return _page("Link cancelled", body)


def error_page(error: SkillError) -> HTMLResponse:
    body = (
        f"<p>{html.escape(error.message)}</p>"
        f"<p>Error code: <code>{html.escape(error.code)}</code></p>"
    )
    return _page("Spotify link failed", body, status=error.status)
