"""Email over SMTP (aiosmtplib): plain text with an HTML alternative, and a one-click
unsubscribe per category (RFC 8058: `List-Unsubscribe` with an https link, and
`List-Unsubscribe-Post: List-Unsubscribe=One-Click`; the same link in the footer).

`VIVIDSHIFT_SMTP_URL`: `smtp://[user:password@]host[:port]` (port 587 by default;
STARTTLS required unless `VIVIDSHIFT_SMTP_STARTTLS=false`) or `smtps://…` (TLS from the
first byte, port 465). Certificates are checked unless
`VIVIDSHIFT_SMTP_VERIFY_CERTIFICATES=false`.
"""

from __future__ import annotations

import html
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

import aiosmtplib

from vividshift.config import Settings
from vividshift.notifications.messages import Message
from vividshift.notifications.senders import Outcome


def build(
    settings: Settings, to: str, message: Message, unsubscribe_url: str, message_id: str
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = settings.smtp_sender
    mail["To"] = to
    mail["Subject"] = message.title
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(idstring=message_id, domain="vividshift")
    # The delivery id, stable over retries, so a duplicate can be recognised.
    mail["X-VividShift-Delivery"] = message_id
    mail["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(f"{message.text}\n\n--\nUnsubscribe from these emails: {unsubscribe_url}\n")
    link = html.escape(unsubscribe_url, quote=True)
    mail.add_alternative(
        message.html(f'<a href="{link}">Unsubscribe from these emails</a>'), subtype="html"
    )
    return mail


async def send(settings: Settings, mail: EmailMessage) -> Outcome:
    """Hand the message to the SMTP server; a 2xx/3xx acceptance is a success."""
    if settings.smtp_url is None:
        return Outcome(False, error="email is not configured (VIVIDSHIFT_SMTP_URL)", permanent=True)
    parts = urlsplit(settings.smtp_url.get_secret_value())
    implicit_tls = parts.scheme == "smtps"
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        return Outcome(
            False, error="VIVIDSHIFT_SMTP_URL must be smtp:// or smtps://", permanent=True
        )
    context = ssl.create_default_context()
    if not settings.smtp_verify_certificates:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        await aiosmtplib.send(
            mail,
            hostname=parts.hostname,
            port=parts.port or (465 if implicit_tls else 587),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=implicit_tls,
            start_tls=None if implicit_tls else settings.smtp_starttls,
            tls_context=context,
            timeout=settings.notification_timeout_seconds,
        )
    except aiosmtplib.SMTPResponseException as exc:
        # 5xx is the server refusing for good (unknown mailbox); 4xx is worth retrying.
        return Outcome(False, exc.code, f"SMTP {exc.code}: {exc.message}"[:500], exc.code >= 500)
    except (aiosmtplib.SMTPException, OSError) as exc:
        return Outcome(False, error=f"{type(exc).__name__}: {exc}"[:500])
    return Outcome(True, 250)
