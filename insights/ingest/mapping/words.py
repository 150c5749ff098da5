"""A header's own words, without the qualifier a shop system puts around them: ``Billing: Email``, ``customer.email``,
``Email (Billing)``, ``Default Address City``, ``Ship Country`` and ``Lineitem price`` all name an e-mail, a city, a
country or a price. :func:`header_cores` gives the words that remain, so a header is matched by what it names;
:data:`STAFF_HEADERS` are the columns that name the person who served, never the customer."""

from __future__ import annotations

import re

# qualifiers that say whose or which copy of a value a column holds (the billing e-mail, the shipping country);
# never "order": an order total is not a line amount
_QUALIFIERS = ("default address", "billing address", "shipping address", "bill to", "ship to", "billing",
               "shipping", "ship", "customer", "buyer", "contact", "lineitem", "line item", "recipient")
_QUALIFIER_RE = re.compile(r"^(?:" + "|".join(re.escape(q) for q in _QUALIFIERS) + r")\b[\s_:.\-]*", re.I)
_SUFFIX_RE = re.compile(r"\s*[(\[]\s*(?:" + "|".join(re.escape(q) for q in _QUALIFIERS) + r")\s*[)\]]\s*$", re.I)

# the fields a header may name with a qualifier around it (a qualified "Customer Note" is no score, a qualified
# "Customer type" no event)
CORE_FIELDS = frozenset({"email", "phone", "country", "city", "name", "first_name", "last_name", "unit_price",
                         "quantity", "product_id", "product_name"})

# the person who rang up the sale: a till's user, staff member, employee or cashier is never the customer
# (compared normalised: lower case, letters and digits only)
STAFF_HEADERS = frozenset({"user", "username", "staff", "staffname", "staffmember", "staffid", "employee",
                           "employeename", "employeeid", "cashier", "cashiername", "servedby", "salesperson",
                           "salesrep", "clerk", "operator", "register", "teammember", "seller"})


def header_cores(header: str) -> list[str]:
    """The header without its qualifiers, most specific first (``[]`` when it has none):
    ``'Billing: Email'`` → ``['Email']``, ``'customer.email'`` → ``['email']``, ``'Email (Billing)'`` →
    ``['Email']``, ``'Default Address Phone'`` → ``['Phone']``."""
    text = str(header or "").strip()
    cores: list[str] = []
    unsuffixed = _SUFFIX_RE.sub("", text)
    if unsuffixed != text and unsuffixed:
        cores.append(unsuffixed)
    for sep in (":", "."):
        head, found, tail = text.partition(sep)
        if found and tail.strip() and _QUALIFIER_RE.match(head.strip() + " "):
            cores.append(tail.strip())
    unprefixed = _QUALIFIER_RE.sub("", text)
    if unprefixed != text and unprefixed.strip():
        cores.append(unprefixed.strip())
    return [c for i, c in enumerate(cores) if c not in cores[:i]]


_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.\-]*$")


def looks_like_person_name(value: str) -> bool:
    """``Sophie Peeters``, ``Lotte de Graaf``: two to four words of letters, the first capitalised, no digits."""
    words = str(value).split()
    return (2 <= len(words) <= 4 and all(_NAME_WORD.match(w) for w in words) and words[0][:1].isupper()
            and words[-1][:1].isupper())
