"""The printable agreement: an A4 PDF drawn from the terms and parties, in the reader's
language, with a signature block per party. Rendered by WeasyPrint like the progress reports
(DejaVu Sans, which the image ships, so å, ä, ö and æ, ø print everywhere)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from programs.agreements.models import PilotAgreement
from programs.agreements.selectors import AgreementPage

STYLESHEET = Path(__file__).with_name("agreement_pdf.css")


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The PDF needs nothing from outside: a URL in it (a person's text never becomes one,
    but should a template ever link one) is refused rather than fetched from the server."""
    raise ValueError(f"The agreement PDF fetches no resources ({url!r} refused).")


def agreement_pdf(agreement: PilotAgreement, page: AgreementPage) -> bytes:
    """The agreement as a PDF in the active language (the reader's)."""
    from weasyprint import CSS, HTML  # heavy: loaded only when a PDF is asked for

    html = render_to_string(
        "agreements/agreement_pdf.html",
        {
            "agreement": agreement,
            "initiative": agreement.initiative,
            "parties": page.parties,
            "total_cost_share": page.total_cost_share,
            "printed_on": timezone.localdate(),
            "language": translation.get_language(),
        },
    )
    # The styles come from a file beside this module, not a <style> in the template: every
    # template under templates/ must pass the pages' strict CSP check (tests/test_headers.py).
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=_no_fetching)]
    )
