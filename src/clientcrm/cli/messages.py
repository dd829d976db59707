"""``clientcrm message``: email one client or a selection, through an SMTP server."""

from __future__ import annotations

from typing import IO, Any

import click
from rich.table import Table

from clientcrm.cli.context import App, pass_app
from clientcrm.cli.filters import filter_options, query_of
from clientcrm.cli.render import dumps
from clientcrm.messaging import Security, SMTPSender
from clientcrm.models.actor import Actor
from clientcrm.models.messages import MessagePurpose, MessageReport
from clientcrm.models.query import ClientQuery
from clientcrm.serialization import converter

__all__ = ["COMMANDS"]


@click.command("message")
@click.argument("email", required=False)
@filter_options
@click.option("--subject", required=True, help="The subject; {first_name} and {name} work.")
@click.option(
    "--body-file", type=click.File("r", encoding="utf-8"), required=True,
    help="The plain-text body ('-' reads it from standard input); {first_name} and {name} work.",
)  # fmt: skip
@click.option(
    "--purpose", type=click.Choice([p.value for p in MessagePurpose]), default="re_engagement",
    show_default=True, help="Re-engagement messages are rationed by the contact policy.",
)  # fmt: skip
@click.option("--reply-to", envvar="CLIENTCRM_REPLY_TO", required=True, help="Your address.")
@click.option("--dry-run", is_flag=True, help="Check and show what would be sent; send nothing.")
@click.option("--smtp-host", envvar="CLIENTCRM_SMTP_HOST", help="The mail server.")
@click.option("--smtp-port", envvar="CLIENTCRM_SMTP_PORT", type=int, default=587, show_default=True)
@click.option(
    "--smtp-security", envvar="CLIENTCRM_SMTP_SECURITY", default="starttls", show_default=True,
    type=click.Choice([s.value for s in Security]),
)  # fmt: skip
@click.option("--smtp-user", envvar="CLIENTCRM_SMTP_USER")
@click.option(
    "--smtp-password", envvar="CLIENTCRM_SMTP_PASSWORD", help="Better in the environment."
)
@click.option("--from-address", envvar="CLIENTCRM_SMTP_FROM", help="The sending address.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@pass_app
def message_command(
    app: App,
    /,
    email: str | None,
    subject: str,
    body_file: IO[str],
    purpose: str,
    reply_to: str,
    dry_run: bool,
    smtp_host: str | None,
    smtp_port: int,
    smtp_security: str,
    smtp_user: str | None,
    smtp_password: str | None,
    from_address: str | None,
    as_json: bool,
    **filters: Any,
) -> None:
    """Email the client EMAIL, or every client the filters select (--status lapsed, --tag
    ...), Reply-To your address, each message logged on the client's timeline. Clients who
    may not be messaged (erased, BLOCKED, contacted too often lately) are listed with why."""
    query = query_of(filters, limit=500)
    if (email is None) == (query == _no_filter(query)):
        raise click.UsageError("give either a client's EMAIL or filters (--status, --tag, ...)")
    crm = app.crm()
    if not dry_run:
        if smtp_host is None or from_address is None:
            msg = "set --smtp-host and --from-address (or CLIENTCRM_SMTP_*), or use --dry-run"
            raise click.UsageError(msg)
        crm.sender = SMTPSender(
            smtp_host, smtp_port, from_address=from_address, username=smtp_user,
            password=smtp_password, security=smtp_security,
        )  # fmt: skip
    actor = Actor(app.actor.id, app.actor.workspace_id, app.actor.role, email=reply_to)
    body = body_file.read()
    why = MessagePurpose(purpose)
    if email is not None:
        one = crm.send_message(
            app.client(email).id, subject, body, actor, purpose=why, dry_run=dry_run
        )
        report = MessageReport((one,), (), dry_run)
    else:
        report = crm.send_messages(query, subject, body, actor, purpose=why, dry_run=dry_run)
    if as_json:
        click.echo(dumps(converter.unstructure(report)))
        return
    _print(app, report)


def _no_filter(query: ClientQuery) -> ClientQuery:
    return ClientQuery(sort=query.sort, limit=query.limit)


def _print(app: App, report: MessageReport) -> None:
    verb = "Would send" if report.dry_run else "Sent"
    if report.sent:
        table = Table("To", "Subject", title=f"{verb} {len(report.sent)}", header_style="bold")
        for sent in report.sent:
            table.add_row(f"{sent.email.to_name} <{sent.email.to}>", sent.email.subject)
        app.console.print(table)
    if report.refused:
        table = Table("Client", "Why not", title="Not messaged", header_style="bold")
        for refusal in report.refused:
            table.add_row(refusal.email, refusal.reason)
        app.console.print(table)
    if not report.sent and not report.refused:
        app.console.print("No client matched.")


COMMANDS = (message_command,)
