import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cshub.core.exports import csv_response, safe_cell


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+441226000000", "'+441226000000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("plain", "plain"),
        (None, ""),
        (42, "42"),
    ],
)
def test_formula_cells_are_escaped(value, expected):
    assert safe_cell(value) == expected


@given(st.text())
def test_no_cell_ever_starts_a_formula(text):
    assert not safe_cell(text).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_response_is_an_escaped_attachment():
    response = csv_response("x.csv", ["a", "b"], [["=1+1", "ok"]])
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["a", "b"], ["'=1+1", "ok"]]
