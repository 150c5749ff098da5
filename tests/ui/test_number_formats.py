"""Every page writes money, counts, percentages and dates through insights.core.numbers — no ad-hoc format."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = sorted([*ROOT.glob("app_pages/*.py"), *ROOT.glob("insights/ui/*.py"), ROOT / "app.py"])

RULES = [
    # f"{x:,.2f}", f"{x:,.0f}": a thousands-separated decimal is money or a count
    (re.compile(r"\{[^{}]*:[^{}]*,\.\d+f\}"), "a thousands-separated decimal: use numbers.money or numbers.count"),
    # amounts go through numbers.money (2 decimals, the symbol), not format_money with decimals of its own
    (re.compile(r"\bformat_money\("), "format_money called from a page: use numbers.money"),
    # a table column of amounts without the currency symbol and thousands separators
    (re.compile(r"NumberColumn\(.*(money_unit|currenc).*format=\""),
     "a money column formatted by hand: use format=numbers.money_column_format(currency)"),
    # a metric card's value as a percentage with a format of its own
    (re.compile(r"\.metric\([^)]*:\.\d%"), "a metric value formatted by hand: use numbers.percent"),
    # dates in a format of the page's own (numbers.day, numbers.month)
    (re.compile(r"strftime\(|\{[^{}]*:%[a-zA-Z][^{}]*\}"), "a date formatted by hand: use numbers.day or numbers.month"),
]


def findings(text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for pattern, why in RULES:
            if pattern.search(line):
                found.append(f"{number}: {why}: {line.strip()}")
    return found


def test_the_scan_catches_each_kind_of_ad_hoc_format():
    bad = ['st.write(f"{total:,.2f} EUR")', 'x = format_money(v, cur, 2)',
           '"clv": st.column_config.NumberColumn(f"CLV ({money_unit})", format="%.2f"),',
           'c1.metric("Share", f"{s:.0%}")', 'label = m.strftime("%b %Y")', 'f"as of {d:%d %b %Y}"']
    assert all(findings(line) for line in bad), [line for line in bad if not findings(line)]
    good = ['st.write(numbers.money(total, cur))', 'f"{n:,} customers"',
            'NumberColumn(f"CLV ({money_unit})", format=numbers.money_column_format(currency))']
    assert not any(findings(line) for line in good)


def test_pages_and_ui_use_the_one_number_formatter():
    assert len(SCANNED) > 20
    problems = [f"{path.relative_to(ROOT)}:{f}" for path in SCANNED for f in findings(path.read_text())]
    assert not problems, "\n".join(problems)
