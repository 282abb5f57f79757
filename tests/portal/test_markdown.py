import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.blocks.markdown import render_markdown


def test_renders_markdown():
    html = render_markdown("# Title\n\nSome **bold** text and a [link](https://example.org).")
    assert "<h2>Title</h2>" in html  # the page's own title is the only h1
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer"' in html


@pytest.mark.parametrize(
    "attack, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ("<style>body{display:none}</style>", "<style"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript:"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<p style="position:fixed">x</p>', "style="),
        ("<svg><script>alert(1)</script></svg>", "<script"),
    ],
)
def test_dangerous_input_never_reaches_the_page(attack, forbidden):
    assert forbidden not in render_markdown(attack).lower()


@given(st.text())
def test_any_text_renders_without_script(text):
    html = render_markdown(text).lower()
    assert "<script" not in html
    assert 'href="javascript:' not in html


def test_empty_text():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_one_text_leaves_nothing_behind_for_the_next():
    # The converter is reused: definitions from one text must not reach another.
    render_markdown("Made of hanji.[^1]\n\n[^1]: Korean paper.\n\n*[UCCN]: Creative Cities Network")
    html = render_markdown("UCCN member.")
    assert "<abbr" not in html and "footnote" not in html
    assert html == "<p>UCCN member.</p>"
