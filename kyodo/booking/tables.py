"""The rows of the two big booking tables, made in one pass with format_html.

A room's month has about a hundred cells and the availability search a hundred and forty;
through template loops every cell cost several variable lookups and tags, which at a shared
machine's load was most of the page. The markup is the templates' own (a table with a row
heading per day or room, each cell's mark with its words), escaped by format_html.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kyodo.booking import selectors
from kyodo.booking.models import Room


def link_free_cells(room: Room, calendar: list[selectors.Day]) -> None:
    """Give each free cell its booking link (the URL reversed and the words translated once
    for the whole page)."""
    base = reverse("booking:book", args=[room.pk])
    words = _("%(d)s %(t)sから予約する")
    for day in calendar:
        if not day.free_count:
            continue
        date, short = day.day.isoformat(), f"{day.day.month}/{day.day.day}"
        for cell in day.cells:
            if cell.state != selectors.FREE:
                continue
            start = f"{cell.slot.starts_at:%H:%M}"  # slots are made in Japan time
            which = f"slot={cell.slot.block}" if cell.slot.block else f"start={start}"
            cell.href = f"{base}?day={date}&{which}"
            cell.link_text = words % {"d": short, "t": start}


def _cell(cell: selectors.Cell) -> SafeString:
    if cell.href:
        return format_html('<li>{} <a href="{}">{}</a></li>', cell.text, cell.href, cell.link_text)
    return format_html("<li>{}</li>", cell.text)


def room_rows(room: Room, calendar: list[selectors.Day]) -> SafeString:
    """A room's calendar: a row per day, its heading the date and weekday, its cell the day's
    slots (each with its mark, its words and, when free, a link to book it) or why it is
    closed."""
    link_free_cells(room, calendar)
    rows: list[tuple[str, SafeString]] = []
    for day in calendar:
        if day.closed:
            body = format_html("－ {}", day.closed)
        else:
            body = format_html(
                '<ul class="slots">{}</ul>',
                format_html_join("", "{}", ((_cell(c),) for c in day.cells)),
            )
        rows.append((day.heading, body))
    return format_html_join("", '<tr>\n    <th scope="row">{}</th>\n    <td>{}</td>\n  </tr>', rows)


def search_rows(rows: list[tuple[Room, list[selectors.Day]]]) -> SafeString:
    """The availability search: a row per room (its name links to its calendar), a cell per
    day saying 休館, 空き n or 空きなし."""
    capacity = _("定員%(n)s人")
    return format_html_join(
        "",
        '<tr>\n    <th scope="row"><a href="{}">{} {}</a><br>'
        '<span class="muted">{}</span></th>\n    {}\n  </tr>',
        (
            (
                reverse("booking:room", args=[room.pk]),
                room.facility.name,
                room.name,
                capacity % {"n": room.capacity},
                format_html_join("", "<td>{}</td>", ((day.summary,) for day in week)),
            )
            for room, week in rows
        ),
    )
