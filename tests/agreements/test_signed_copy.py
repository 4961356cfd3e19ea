"""The signed copy: PDF only (extension, declared type and content), size-limited, kept
outside MEDIA_ROOT under an unguessable name, and served only as a download to people who
may read the initiative. A replaced copy is kept and can still be downloaded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from programs.agreements.models import PilotAgreement
from tests.agreements.helpers import PDF, agreement_for, pilot, url

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def _upload(
    client,
    initiative,
    content: bytes = PDF,
    name: str = "Avtal signerat.pdf",
    content_type: str = "application/pdf",
    signed_on: str = "2026-02-20",
):
    return client.post(
        url("upload", initiative),
        {
            "signed_copy": SimpleUploadedFile(name, content, content_type=content_type),
            "signed_on": signed_on,
        },
        **EN,
    )


@pytest.fixture
def agreement(world) -> PilotAgreement:
    return agreement_for(pilot(world))


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_a_signed_pdf_is_kept_outside_media_root_under_an_unguessable_name(
    agreement, as_persona, private_media_root, media_root, world
):
    response = _upload(as_persona("coordinator"), agreement.initiative)

    assert response.status_code == 302
    assert response["Location"] == url("initiative", agreement.initiative) + "#signed-copy"
    agreement.refresh_from_db()
    assert agreement.is_signed
    assert agreement.signed_on == dt.date(2026, 2, 20)
    assert agreement.signed_copy_uploaded_by == world.coordinator
    assert agreement.signed_copy_uploaded_at is not None
    stored = Path(agreement.signed_copy.path)
    assert stored.is_relative_to(private_media_root)
    assert not stored.is_relative_to(media_root)
    assert stored.read_bytes() == PDF
    assert _files(media_root) == []
    # Nothing of the uploader's file name; a long random one, always .pdf.
    assert "Avtal" not in stored.name
    assert stored.suffix == ".pdf" and len(stored.stem) >= 24
    # The private storage has no URL: it cannot be linked to by mistake.
    with pytest.raises(ValueError, match="no URL"):
        agreement.signed_copy.url  # noqa: B018


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        (
            "avtal.pdf",
            HTML,
            "application/pdf",
            "The file is not a PDF, whatever its name says.",
        ),
        (
            "avtal.pdf",
            PDF,
            "text/html",
            "Only PDF files are accepted: the file was sent as “text/html”.",
        ),
        (
            "avtal.html",
            PDF,
            "application/pdf",
            "Only PDF files are accepted: the file name must end in .pdf.",
        ),
        (
            "avtal.pdf",
            b"",
            "application/pdf",
            "The file is empty. Choose the scanned, signed agreement.",
        ),
        (
            "avtal.pdf",
            b"%PDF",
            "application/pdf",
            "The file is not a PDF, whatever its name says.",
        ),
    ],
    ids=["html-renamed-pdf", "declared-html", "wrong-extension", "empty", "truncated-magic"],
)
def test_what_is_not_a_pdf_is_refused_with_a_message(
    agreement, as_persona, private_media_root, name, content, content_type, message
):
    response = _upload(as_persona("coordinator"), agreement.initiative, content, name, content_type)

    assert response.status_code == 200
    assert message in response.context["form"].errors["signed_copy"][0]
    assert "aria-describedby" in response.content.decode() or "invalid-feedback" in (
        response.content.decode()
    )
    agreement.refresh_from_db()
    assert not agreement.is_signed
    assert _files(private_media_root) == []


def test_a_file_over_the_limit_is_refused(agreement, as_persona, private_media_root, settings):
    settings.PILOT_AGREEMENT_MAX_BYTES = 100
    response = _upload(as_persona("coordinator"), agreement.initiative, PDF + b"%" + b"x" * 100)

    assert response.status_code == 200
    error = response.context["form"].errors["signed_copy"][0]
    assert "a signed copy may be at most 100" in error
    assert _files(private_media_root) == []
    # Right at the limit is fine.
    exact = PDF + b"%" * (100 - len(PDF))
    assert _upload(as_persona("coordinator"), agreement.initiative, exact).status_code == 302


def test_a_signing_date_in_the_future_is_refused(agreement, as_persona):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = _upload(as_persona("coordinator"), agreement.initiative, signed_on=tomorrow)
    assert "signed_on" in response.context["form"].errors
    agreement.refresh_from_db()
    assert not agreement.is_signed


def test_the_service_checks_the_file_whatever_the_form_did(agreement, world):
    from django.core.exceptions import ValidationError

    from programs.agreements.services import agreement_signed_copy_upload

    with pytest.raises(ValidationError):
        agreement_signed_copy_upload(
            agreement=agreement,
            actor=world.coordinator,
            signed_copy=SimpleUploadedFile("a.pdf", HTML, content_type="application/pdf"),
            signed_on=dt.date(2026, 2, 20),
        )


def test_no_upload_before_an_agreement_is_written(world, as_persona):
    initiative = pilot(world)
    response = _upload(as_persona("coordinator"), initiative)
    assert response.status_code == 302
    assert not PilotAgreement.objects.filter(initiative=initiative).exists()


# --- downloading ----------------------------------------------------------------------------


def _signed(agreement: PilotAgreement, client) -> PilotAgreement:
    assert _upload(client, agreement.initiative).status_code == 302
    agreement.refresh_from_db()
    return agreement


@pytest.mark.parametrize("persona", ["coordinator", "viewer", "partner", "manager", "admin"])
def test_readers_download_the_signed_copy_as_an_attachment(agreement, as_persona, persona):
    _signed(agreement, as_persona("coordinator"))

    response = as_persona(persona).get(url("signed_copy", agreement.initiative))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="pilot-agreement-{agreement.initiative_id}-signed-2026-02-20.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("persona", ["other_coordinator", "outsider", "other_manager"])
def test_outside_the_initiatives_scope_the_signed_copy_answers_404(agreement, as_persona, persona):
    _signed(agreement, as_persona("coordinator"))
    for name in ("signed_copy", "initiative", "pdf", "upload"):
        assert as_persona(persona).get(url(name, agreement.initiative)).status_code == 404, name


def test_a_reader_cannot_put_in_a_signed_copy(agreement, as_persona):
    for persona in ("viewer", "partner", "manager"):
        assert _upload(as_persona(persona), agreement.initiative).status_code == 403
    agreement.refresh_from_db()
    assert not agreement.is_signed


def test_an_unsigned_agreement_has_no_signed_copy_to_download(agreement, as_persona):
    assert (
        as_persona("coordinator").get(url("signed_copy", agreement.initiative)).status_code == 404
    )


def test_a_file_missing_from_storage_answers_404(agreement, as_persona):
    signed = _signed(agreement, as_persona("coordinator"))
    Path(signed.signed_copy.path).unlink()
    assert (
        as_persona("coordinator").get(url("signed_copy", agreement.initiative)).status_code == 404
    )


def test_replacing_the_signed_copy_keeps_the_earlier_one(agreement, as_persona, private_media_root):
    client = as_persona("coordinator")
    first = _signed(agreement, client)
    first_name = first.signed_copy.name
    second_pdf = PDF + b"% corrected scan\n"
    assert (
        _upload(client, agreement.initiative, second_pdf, signed_on="2026-02-25").status_code == 302
    )
    agreement.refresh_from_db()

    assert agreement.signed_copy.name != first_name
    assert agreement.signed_on == dt.date(2026, 2, 25)
    # Both files are kept; the history names the first.
    assert len(_files(private_media_root)) == 2
    record = agreement.history.filter(signed_copy=first_name).order_by("history_id").first()
    assert record is not None
    page = client.get(url("initiative", agreement.initiative), **EN).content.decode()
    assert "Earlier signed copies" in page
    assert "signed copy replaced" in page
    earlier = url("earlier_signed_copy", agreement.initiative, history_id=record.history_id)
    assert earlier in page

    response = as_persona("viewer").get(earlier)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF
    current = as_persona("viewer").get(url("signed_copy", agreement.initiative))
    assert b"".join(current.streaming_content) == second_pdf


def test_an_earlier_copy_of_another_agreement_answers_404(world, as_persona):
    client = as_persona("coordinator")
    mine = agreement_for(pilot(world))
    other = _signed(agreement_for(pilot(world)), client)
    record = other.history.exclude(signed_copy="").get()
    address = url("earlier_signed_copy", mine.initiative, history_id=record.history_id)
    assert client.get(address).status_code == 404
    # A history row without a file is no signed copy either.
    unsigned = mine.history.get()
    address = url("earlier_signed_copy", mine.initiative, history_id=unsigned.history_id)
    assert client.get(address).status_code == 404


def test_after_the_pilot_the_signed_copy_can_still_be_put_in(world, as_persona):
    agreement = agreement_for(pilot(world, stage="implementation"))
    assert _upload(as_persona("coordinator"), agreement.initiative).status_code == 302
    agreement.refresh_from_db()
    assert agreement.is_signed


def test_changing_the_terms_after_signing_is_flagged(agreement, as_persona):
    from tests.agreements.helpers import terms

    client = as_persona("coordinator")
    _signed(agreement, client)
    page = client.get(url("initiative", agreement.initiative), **EN).content.decode()
    assert "no longer matches" not in page

    assert client.post(url("edit", agreement.initiative), terms()).status_code == 302
    agreement.refresh_from_db()
    assert agreement.changed_since_signing
    page = client.get(url("initiative", agreement.initiative), **EN).content.decode()
    assert "it no longer matches what is shown here" in page
