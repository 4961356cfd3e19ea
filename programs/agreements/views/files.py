"""The agreement's files: the printable PDF drawn from it, and the signed copy.

The signed copy is kept outside the web root (``PRIVATE_MEDIA_ROOT``) under an unguessable
name; it leaves only through ``signed_copy``/``earlier_signed_copy``, for people who may read
the initiative (others get 404), and always as a download: ``Content-Disposition:
attachment``, ``Content-Type: application/pdf``, ``X-Content-Type-Options: nosniff`` and a
``Content-Security-Policy: sandbox``, so a browser never runs or renders it as a page of the
portal, whatever is inside.
"""

from __future__ import annotations

import io
import logging

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from innocities.core.forms import call_service, posted
from innocities.core.permissions import Level
from programs.agreements import services
from programs.agreements.forms import SignedCopyForm
from programs.agreements.models import PilotAgreement
from programs.agreements.pdf import agreement_pdf
from programs.agreements.selectors import agreement_of, agreement_page
from programs.agreements.storage import private_storage
from programs.agreements.views.pages import agreement_url, render_page
from programs.initiatives.permissions import get_initiative_for_user

logger = logging.getLogger(__name__)

# The signed copy must never be shown as a page of the portal: no scripts, no plugins, no
# same-origin access even if a browser were to render it.
SANDBOX = "sandbox; default-src 'none'"


def _readable_agreement(request: HttpRequest, pk: int) -> PilotAgreement:
    initiative = get_initiative_for_user(request, pk).obj
    agreement = agreement_of(initiative)
    if agreement is None:
        raise Http404("The initiative has no pilot agreement.")
    return agreement


def _download(name: str, filename: str) -> FileResponse:
    # Read whole (a signed copy is at most PILOT_AGREEMENT_MAX_BYTES): no file handle outlives
    # the request, whether or not the client reads the body to the end.
    try:
        with private_storage.open(name, "rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        # The row names a file the storage no longer has (a restore without the private
        # folder): the person gets a 404, the operators a log line.
        logger.error("Signed pilot agreement missing from private storage: %s", name)
        raise Http404("The signed copy is missing.") from None
    response = FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The agreement to print and sign, in the reader's language."""
    agreement = _readable_agreement(request, pk)
    content = agreement_pdf(agreement, agreement_page(agreement))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="pilot-agreement-{agreement.initiative_id}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Put in the signed copy (a PDF), or replace it; allowed also after the pilot."""
    initiative = get_initiative_for_user(request, pk, level=Level.EDIT).obj
    agreement = agreement_of(initiative)
    if agreement is None:
        messages.info(request, _("Write the pilot agreement first; then put in its signed copy."))
        return redirect(agreement_url(initiative))
    form = SignedCopyForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.agreement_signed_copy_upload,
            agreement=agreement,
            actor=request.user,
            **form.cleaned_data,
        )
        if saved is not None:
            messages.success(request, _("The signed copy was put in."))
            return redirect(agreement_url(initiative, "signed-copy"))
    return render_page(
        request,
        "upload.html",
        {"initiative": initiative, "agreement": agreement, "form": form},
    )


@require_GET
def signed_copy(request: HttpRequest, pk: int) -> FileResponse:
    agreement = _readable_agreement(request, pk)
    if not agreement.signed_copy:
        raise Http404("The agreement has no signed copy.")
    return _download(
        str(agreement.signed_copy.name),
        f"pilot-agreement-{agreement.initiative_id}-signed-{agreement.signed_on:%Y-%m-%d}.pdf",
    )


@require_GET
def earlier_signed_copy(request: HttpRequest, pk: int, history_id: int) -> FileResponse:
    """A signed copy that was later replaced, as the agreement's history names it."""
    agreement = _readable_agreement(request, pk)
    record = (
        PilotAgreement.history.filter(id=agreement.pk, history_id=history_id)
        .exclude(signed_copy="")
        .first()
    )
    if record is None:
        raise Http404("No such signed copy.")
    day = f"{record.signed_on:%Y-%m-%d}" if record.signed_on else "undated"
    return _download(
        record.signed_copy,
        f"pilot-agreement-{agreement.initiative_id}-signed-{day}-v{history_id}.pdf",
    )
