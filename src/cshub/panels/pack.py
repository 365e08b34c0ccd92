"""The agenda and minutes pack as a Word document (python-docx), built from the same redacted
context as the printable HTML page: an item the recipient may not see keeps its number and says
so, nothing more."""

from __future__ import annotations

import io

from django.utils import timezone
from docx import Document
from docx.shared import Pt


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%d %B %Y, %H:%M")


def docx(context: dict) -> bytes:
    meeting = context["meeting"]
    doc = Document()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_paragraph("OFFICIAL-SENSITIVE: do not forward. Prepared for one recipient.")
    doc.add_heading(f"{meeting.panel.name}: agenda and minutes", level=0)
    doc.add_paragraph(
        f"{_when(meeting.starts_at)}" + (f", {meeting.location}" if meeting.location else "")
    )
    doc.add_paragraph(f"Chair: {meeting.chair.get_full_name() or meeting.chair.username}")
    recipient = context["recipient"]
    doc.add_paragraph(
        f"Prepared for {recipient.get_full_name() or recipient.username} on "
        f"{_when(context['printed_at'])}; redacted to their access "
        f"({context['redacted']} item(s) withheld)."
    )

    doc.add_heading("Attendance", level=1)
    table = doc.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Name", "Agency", "Attendance"), strict=True):
        cell.text = text
    for inv in context["invitees"]:
        row = table.add_row().cells
        row[0].text = inv.user.get_full_name() or inv.user.username
        row[1].text = inv.agency.name
        row[2].text = inv.get_attendance_display()

    if context["carried"] or context["carried_withheld"]:
        doc.add_heading("Overdue actions from earlier meetings", level=1)
        for a in context["carried"]:
            doc.add_paragraph(
                f"{a.description} – {a.owner_agency.name}, due {a.due_on:%d %b %Y} "
                f"({a.get_four_p_display()})",
                style="List Bullet",
            )
        if context["carried_withheld"]:
            doc.add_paragraph(
                f"{context['carried_withheld']} more about people you may not see: withheld."
            )

    doc.add_heading("Items", level=1)
    for entry in context["items"]:
        item = entry.item
        if not entry.shown:
            doc.add_heading(f"Item {item.position}: restricted", level=2)
            doc.add_paragraph("You do not have access to this item's subject; it is withheld.")
            continue
        doc.add_heading(f"Item {item.position}: {item.subject}", level=2)
        doc.add_paragraph(f"Purpose: {item.purpose}")
        for label, text in (
            ("Information shared", item.information_shared),
            ("Discussion", item.discussion),
            ("Decision", item.decision),
        ):
            if text:
                p = doc.add_paragraph()
                p.add_run(f"{label}: ").bold = True
                p.add_run(text)
        if entry.judgements:
            stage = entry.judgements[0].get_stage_display()
            doc.add_paragraph(f"Risk judgements ({stage.lower()})").runs[0].bold = True
            table = doc.add_table(rows=1, cols=4)
            heads = ("Harm", "Level", "Rationale", "Child's voice")
            for cell, text in zip(table.rows[0].cells, heads, strict=True):
                cell.text = text
            for j in entry.judgements:
                row = table.add_row().cells
                row[0].text = j.get_harm_type_display()
                row[1].text = j.level_label
                row[2].text = j.rationale
                row[3].text = j.child_voice
        for a in entry.actions:
            owner = a.owner_user.get_full_name() if a.owner_user_id else ""
            doc.add_paragraph(
                f"Action ({a.get_four_p_display()}): {a.description} – "
                f"{owner + ', ' if owner else ''}{a.owner_agency.name}, due {a.due_on:%d %b %Y}, "
                f"{a.get_status_display().lower()}",
                style="List Bullet",
            )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
