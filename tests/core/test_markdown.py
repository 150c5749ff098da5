"""Customer-supplied text reaches markdown as typed: no link, image, bold or maths."""

from insights.core.markdown import escape_markdown


def test_customer_text_is_literal_in_markdown():
    assert escape_markdown("[win](http://x.example)") == r"\[win\]\(http\://x.example\)"
    assert escape_markdown("![](http://t.example/p.gif)").startswith(r"\!\[\]\(")
    assert escape_markdown("**Big** :red[x] $1$") == r"\*\*Big\*\* \:red\[x\] \$1\$"
    assert escape_markdown("zoe_m@example.com") == r"zoe\_m@example.com"
    assert escape_markdown("two\nlines") == "two lines" and escape_markdown(None) == ""
