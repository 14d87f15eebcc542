"""CSV export: attachment, raw values, and safe against formula injection."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.urls import reverse

from reports.export import csv_response, safe_text
from reports.tables import DATE, INT, LINK, SCORE, TEXT, Column, Link, Table


def parse(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_cells_that_start_like_formulas_are_quoted():
    for risky in ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"):
        assert safe_text(risky) == "'" + risky
    assert safe_text("plain") == "plain"
    assert safe_text("a=b") == "a=b"


def test_csv_response_writes_raw_values_and_links():
    table = Table(
        "items",
        "Items",
        [
            Column("Item", LINK),
            Column("Who", TEXT),
            Column("Views", INT),
            Column("Sentiment", SCORE),
            Column("Day", DATE),
        ],
        rows=[
            [Link('=HYPERLINK("http://evil")', "/q/1/x/"), "@alice", 3, -0.25, date(2025, 3, 1)],
            [Link("An item in a private community"), "-bob", None, None, None],
        ],
    )
    response = csv_response(table, filename="report-items.csv", base_url="https://intranet")
    assert response["Content-Disposition"] == 'attachment; filename="report-items.csv"'
    rows = parse(response)
    assert rows[0] == ["Item", "Item URL", "Who", "Views", "Sentiment", "Day"]
    assert rows[1] == [
        '\'=HYPERLINK("http://evil")',
        "https://intranet/q/1/x/",
        "'@alice",
        "3",
        "-0.25",
        "2025-03-01",
    ]
    assert rows[2] == ["An item in a private community", "", "'-bob", "", "", ""]


def test_a_report_csv_escapes_a_dangerous_title(make_user, make_question, client_for, staff):
    make_question(author=make_user(), title="=cmd|' /C calc'!A0")
    response = client_for(staff).get(reverse("reports:responsiveness_csv"), {"table": "unanswered"})
    rows = parse(response)
    assert rows[1][0] == "'=cmd|' /C calc'!A0"
    assert rows[1][1].startswith("/q/")


def test_format_parameter_and_unknown_table(client_for, staff):
    client = client_for(staff)
    response = client.get(reverse("reports:participation"), {"format": "csv", "table": "weeks"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert parse(response)[0][0] == "Week of"
    assert client.get(reverse("reports:participation_csv"), {"table": "nope"}).status_code == 404
