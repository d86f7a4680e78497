"""Email through SMTP_URL with the standard library: one message, one connection.

`smtp://user:pass@host:587` uses STARTTLS whenever the server offers it (and logs in only after
it, when a user is given); `smtps://host:465` is TLS from the start. Like a webhook POST, a send
answers "" or a short error class, never the server's words.
"""

import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

# A refused address will be refused again; anything else (busy, down, 4xx) is worth a retry.
PERMANENT_ERRORS = frozenset({"smtp_recipient_refused", "smtp_not_configured_scheme"})


def message(sender: str, to: str, subject: str, text: str, unsubscribe: str = "") -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    if unsubscribe:  # RFC 8058: mail clients show their own one-click button
        msg["List-Unsubscribe"] = f"<{unsubscribe}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text)
    return msg


def _connect(url: str, timeout: float) -> smtplib.SMTP:
    parts = urlsplit(url)
    if parts.scheme == "smtps":
        server = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, timeout=timeout,
                                  context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=timeout)
        server.ehlo()
        if server.has_extn("starttls"):
            server.starttls(context=ssl.create_default_context())
            server.ehlo()
    if parts.username:
        server.login(unquote(parts.username), unquote(parts.password or ""))
    return server


def send(url: str, msg: EmailMessage, timeout: float = 10) -> str:
    """Send once: "" when the server took the message, else a short error class."""
    if not url:
        return "smtp_not_configured"
    if urlsplit(url).scheme not in ("smtp", "smtps"):
        return "smtp_not_configured_scheme"
    try:
        with _connect(url, timeout) as server:
            server.send_message(msg)
    except smtplib.SMTPRecipientsRefused:
        return "smtp_recipient_refused"
    except smtplib.SMTPAuthenticationError:
        return "smtp_auth_error"
    except smtplib.SMTPResponseException as exc:
        return f"smtp_{exc.smtp_code}"
    except (smtplib.SMTPException, ssl.SSLError) as exc:
        return "tls_error" if isinstance(exc, ssl.SSLError) else "smtp_error"
    except TimeoutError:
        return "timeout"
    except OSError:
        return "connection_error"
    return ""
