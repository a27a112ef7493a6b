"""Show mail and contacts accounts with their last sync, add and remove them, sync now."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from amity.config import parse_list
from amity.sync import services
from amity.sync.mail import SyncFailed
from amity.sync.models import ContactBook, MailAccount
from amity.sync.tasks import sync_account


class MailAccountForm(forms.Form):
    """An IMAP account: server, login and (optionally) folders and addresses."""

    name = forms.CharField(max_length=80, help_text="A name for this account, e.g. work.")
    host = forms.CharField(max_length=255, help_text="imap.gmail.com, imap.fastmail.com, …")
    port = forms.IntegerField(required=False, min_value=1, max_value=65535)
    security = forms.ChoiceField(choices=MailAccount.Security.choices)
    username = forms.CharField(max_length=255)
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        help_text="Gmail and Fastmail need an app password. Stored encrypted, never shown.",
    )
    folders = forms.CharField(
        required=False, help_text="Comma-separated; empty means INBOX and Sent."
    )
    addresses = forms.CharField(
        required=False, help_text="Your other addresses, comma-separated (mail from them is yours)."
    )


class ContactBookForm(forms.Form):
    """A CardDAV address book: its URL and login."""

    name = forms.CharField(max_length=80, help_text="A name for this address book, e.g. phone.")
    url = forms.URLField(
        max_length=500, assume_scheme="https", help_text="The address book's own CardDAV URL."
    )
    username = forms.CharField(max_length=255)
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False), help_text="Stored encrypted, never shown."
    )


def _page(request: HttpRequest, mail_form: Any, book_form: Any, status: int = 200) -> HttpResponse:
    owner = request.user
    rows = [
        {"kind": services.MAIL, "account": a, "where": f"{a.host}:{a.port}"}
        for a in services.mail_accounts(owner=owner)
    ] + [
        {"kind": services.CONTACTS, "account": b, "where": b.url}
        for b in services.contact_books(owner=owner)
    ]
    for row in rows:
        row["result"] = services.last_result(row["account"])
    context = {"rows": rows, "mail_form": mail_form, "book_form": book_form}
    return render(request, "amity/sync.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def sync_page(request: HttpRequest) -> HttpResponse:
    """List the accounts; on POST, add a mail account or an address book."""
    mail_form, book_form = MailAccountForm(prefix="mail"), ContactBookForm(prefix="book")
    if request.method != "POST":
        return _page(request, mail_form, book_form)
    adding = request.POST.get("add")
    form = (MailAccountForm if adding == "mail" else ContactBookForm)(
        request.POST, prefix="mail" if adding == "mail" else "book"
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if adding == "mail":
                services.add_mail_account(
                    owner=request.user,
                    name=data["name"],
                    host=data["host"],
                    port=data["port"],
                    security=data["security"],
                    username=data["username"],
                    password=data["password"],
                    folders=parse_list(data["folders"]),
                    addresses=parse_list(data["addresses"]),
                )
            else:
                services.add_contact_book(
                    owner=request.user,
                    name=data["name"],
                    url=data["url"],
                    username=data["username"],
                    password=data["password"],
                )
        except (services.AccountError, SyncFailed) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Added {data['name']}. It syncs within minutes.")
            return redirect("sync")
    if adding == "mail":
        mail_form = form
    else:
        book_form = form
    return _page(request, mail_form, book_form, status=400)


def _account(request: HttpRequest, kind: str, pk: int) -> Any:
    models = {services.MAIL: MailAccount, services.CONTACTS: ContactBook}
    if kind not in models:
        raise Http404("no such kind of account")
    return get_object_or_404(models[kind], owner=request.user, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def sync_now(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Queue a sync of one account for the background worker (GET shows the page)."""
    account = _account(request, kind, pk)
    if request.method == "POST":
        sync_account.enqueue(request.user.pk, kind, account.name)
        messages.success(request, f"Syncing {account.name}: the result shows here when done.")
    return redirect("sync")


@login_required
@require_http_methods(["GET", "POST"])
def sync_remove(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Forget an account; what it brought stays (GET shows the page)."""
    account = _account(request, kind, pk)
    if request.method == "POST":
        services.remove_account(owner=request.user, kind=kind, name=account.name)
        messages.success(request, f"Removed {account.name}.")
    return redirect("sync")
