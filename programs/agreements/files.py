"""What a signed copy must be before it is kept: a PDF, not empty, within the size limit.

Three checks, because each alone is easy to fool: the name's extension, the type the browser
declares, and the first bytes (``%PDF-``). An HTML page renamed ``.pdf`` fails the last one.
Whatever passes is stored under an unguessable name outside the web root and only ever sent
back as a download (``Content-Disposition: attachment``, ``nosniff``, a sandboxing CSP), never
shown inline or executed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF_MAGIC = b"%PDF-"
# Browsers declare a PDF as application/pdf; a few older tools say application/x-pdf.
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})


def max_bytes() -> int:
    return int(settings.PILOT_AGREEMENT_MAX_BYTES)


def check_signed_copy(upload: UploadedFile) -> None:
    """Refuse anything but a non-empty PDF within the limit, with a message for the form."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty. Choose the scanned, signed agreement."))
    if size > max_bytes():
        raise ValidationError(
            _("The file is %(size)s; a signed copy may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
        )
    name = (upload.name or "").lower()
    if not name.endswith(".pdf"):
        raise ValidationError(_("Only PDF files are accepted: the file name must end in .pdf."))
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    if declared not in PDF_TYPES:
        raise ValidationError(
            _("Only PDF files are accepted: the file was sent as “%(type)s”.")
            % {"type": declared or "?"}
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(
            _("The file is not a PDF, whatever its name says. Save or scan it as PDF.")
        )
