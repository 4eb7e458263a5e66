"""The demo resources' PDF documents, drawn with ReportLab and stored as Wagtail documents."""

from __future__ import annotations

from django.core.files.base import ContentFile


def _pdf(title: str, sections: list[tuple[str, list[str]]], *, pages: int, summary: str) -> bytes:
    """The resource as a real A4 PDF of exactly ``pages`` pages (reportlab): a cover, the
    contents, then one chapter per section followed by its worksheet pages."""
    import io
    import textwrap

    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    navy, teal, grey = HexColor("#14213d"), HexColor("#0f766e"), HexColor("#5b6472")
    width, height = A4
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor("EmenTech")
    pdf.setSubject(summary)

    def paragraph(text: str, y: float, size: int = 11, wrap: int = 88) -> float:
        pdf.setFont("Helvetica", size)
        pdf.setFillColor(navy)
        for line in textwrap.wrap(text, wrap):
            pdf.drawString(56, y, line)
            y -= size * 1.45
        return y - 8

    def footer(number: int) -> None:
        pdf.setFont("Helvetica", 8)
        pdf.setFillColor(grey)
        pdf.drawString(56, 32, f"{title} · EmenTech")
        pdf.drawRightString(width - 56, 32, f"{number} / {pages}")

    # Cover.
    pdf.setFillColor(navy)
    pdf.rect(0, height - 330, width, 330, stroke=0, fill=1)
    pdf.setFillColor(HexColor("#ffffff"))
    pdf.setFont("Helvetica-Bold", 26)
    y = height - 140
    for line in textwrap.wrap(title, 32):
        pdf.drawString(56, y, line)
        y -= 34
    pdf.setFont("Helvetica", 12)
    pdf.drawString(56, height - 300, "EmenTech · practical AI for B2B companies")
    paragraph(summary, height - 400, size=13, wrap=70)
    footer(1)
    pdf.showPage()

    body_pages = max(pages - 2, len(sections))
    per_section = [body_pages // len(sections)] * len(sections)
    for n in range(body_pages - sum(per_section)):
        per_section[n] += 1
    starts, page_no = [], 3
    for count in per_section:
        starts.append(page_no)
        page_no += count

    # Contents.
    pdf.setFont("Helvetica-Bold", 20)
    pdf.setFillColor(navy)
    pdf.drawString(56, height - 90, "Contents")
    y = height - 140
    for number, ((heading, _paragraphs), start) in enumerate(
        zip(sections, starts, strict=True), start=1
    ):
        pdf.setFont("Helvetica", 12)
        pdf.drawString(56, y, f"{number}. {heading}")
        pdf.drawRightString(width - 56, y, str(start))
        y -= 24
    footer(2)
    pdf.showPage()

    page_no = 3
    for number, ((heading, paragraphs), count) in enumerate(
        zip(sections, per_section, strict=True), 1
    ):
        for part in range(count):
            if page_no > pages:
                break
            pdf.setFillColor(teal)
            pdf.setFont("Helvetica-Bold", 10)
            pdf.drawString(56, height - 60, f"CHAPTER {number}")
            pdf.setFillColor(navy)
            pdf.setFont("Helvetica-Bold", 18)
            label = heading if part == 0 else f"{heading}: worksheet {part}"
            pdf.drawString(56, height - 88, label[:60])
            y = height - 130
            if part == 0:
                for text in paragraphs:
                    y = paragraph(text, y)
            else:
                y = paragraph(
                    f"Use this page to apply “{heading}” to your own organisation. Note the "
                    "owner, the figure you will measure and the date you will review it.",
                    y,
                )
                pdf.setStrokeColor(HexColor("#c9ced6"))
                for row in range(14):
                    pdf.line(56, y - 24 * row, width - 56, y - 24 * row)
            footer(page_no)
            pdf.showPage()
            page_no += 1
    pdf.save()
    return buffer.getvalue()


def _document(data: dict):
    """The resource's PDF document, (re)rendered when missing or not the promised length."""
    from wagtail.documents import get_document_model

    Document = get_document_model()  # noqa: N806
    title, slug = data["title"], data["slug"]
    document = Document.objects.filter(title=title).first()
    if document is not None and (document.file_size or 0) > 5000:
        return document
    content = _pdf(title, data["sections"], pages=data["page_count"], summary=data["summary"])
    if document is None:
        document = Document(title=title)
    document.file.save(f"{slug}.pdf", ContentFile(content), save=False)
    document.file_size = len(content)
    document.save()
    return document
