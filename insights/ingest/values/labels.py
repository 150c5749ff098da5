"""Categorical labels written one way: ``Paid Social``, ``paid_social`` and ``PAID-SOCIAL`` are one channel, and
``DE``, ``DEU``, ``Germany`` and ``Deutschland`` one country.

Which fields: :data:`LABEL_FIELDS` (channel, country, status, device, category). Ids, names, pages and free text
are never touched. Labels are grouped by :func:`label_key` (case, accents kept; spaces, ``_`` and ``-`` in any
number count as one space), countries by their ISO 3166 code (:func:`country_code`: ``pycountry``'s names and
codes, plus :data:`COUNTRY_ALIASES` for the everyday names it lacks).

How a group is shown (:class:`LabelBook`): a spelling the workspace already holds stays (a later upload never
renames what the pages showed yesterday); a new group is shown in the spelling written for people — mixed
case before all capitals before snake_case or lower case — that occurs most often in the file (ties:
alphabetical), and a recognised
country by its English short name (``pycountry``'s common name where it has one: ``South Korea``, not
``Korea, Republic of``). Normalising at load means every page, mart and segment sees one label; the cells as
read stay in each row's hash.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Callable, Iterable

import pyarrow as pa
import pyarrow.compute as pc
import pycountry

LABEL_FIELDS = ("channel", "country", "status", "device", "category")

# everyday names and codes of countries that pycountry (ISO 3166 names, codes) does not know, lower case
COUNTRY_ALIASES = {
    "uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "usa": "US", "u.s.a.": "US", "u.s.": "US", "america": "US",
    "united states of america": "US", "deutschland": "DE", "allemagne": "DE", "alemania": "DE",
    "nederland": "NL", "holland": "NL", "the netherlands": "NL", "pays-bas": "NL", "belgie": "BE",
    "belgië": "BE", "belgique": "BE", "belgien": "BE", "frankreich": "FR", "francia": "FR", "espana": "ES",
    "españa": "ES", "spanien": "ES", "espagne": "ES", "italia": "IT", "italien": "IT", "italie": "IT",
    "osterreich": "AT", "österreich": "AT", "schweiz": "CH", "suisse": "CH", "svizzera": "CH",
    "sverige": "SE", "schweden": "SE", "norge": "NO", "danmark": "DK", "dänemark": "DK", "suomi": "FI",
    "polska": "PL", "polen": "PL", "eire": "IE", "éire": "IE", "irland": "IE", "czech republic": "CZ",
    "russia": "RU", "south korea": "KR", "korea": "KR", "rsa": "ZA", "brasil": "BR", "méxico": "MX",
    "luxemburg": "LU", "portugal": "PT", "griechenland": "GR", "ellada": "GR", "türkiye": "TR",
    "turkey": "TR", "uae": "AE", "vietnam": "VN", "taiwan": "TW", "iran": "IR", "syria": "SY", "laos": "LA",
    "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "north korea": "KP",
}
# how a few countries are shown where pycountry has neither a short nor a common name
_COUNTRY_SHOWN = {"RU": "Russia", "CZ": "Czechia", "GB": "United Kingdom", "US": "United States"}

_SEPARATORS = re.compile(r"[\s_\-]+")


def label_key(text: str) -> str:
    """What two spellings of one label share: ``' Paid__Social '`` and ``'paid-social'`` → ``'paid social'``."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return _SEPARATORS.sub(" ", folded).strip()


def country_code(text: str | None) -> str | None:
    """ISO 3166 alpha-2 code of a country as shops write it (``'DEU'``, ``'Deutschland'``, ``'UK'`` …); None
    when it is not a country Clueboard knows (``'Channel Islands'``, ``'Unspecified'``, a number)."""
    if text is None:
        return None
    key = label_key(text)
    if not key or key.isdigit():
        return None
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    plain = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    if plain in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[plain]
    try:
        return pycountry.countries.lookup(key).alpha_2
    except LookupError:
        return None


def country_name(code: str) -> str:
    """The name a country is shown by: ``'KR'`` → ``'South Korea'``, ``'DE'`` → ``'Germany'``."""
    if code in _COUNTRY_SHOWN:
        return _COUNTRY_SHOWN[code]
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or country.name


def _machine_likeness(spelling: str) -> int:
    """0 for a spelling written for people (``Paid Social``), 1 all upper case (``PAID SOCIAL``), 2 snake_case or
    all lower case (``paid_social``)."""
    if "_" in spelling or spelling == spelling.lower():
        return 2
    return 1 if spelling == spelling.upper() else 0


def best_spelling(counts: Counter) -> str:
    """The spelling a new group is shown in: written for people (mixed case, no ``_``) before all upper case before
    snake_case or all lower case, then the most frequent, then alphabetical; runs of spaces made one."""
    return " ".join(min(counts, key=lambda s: (_machine_likeness(s), -counts[s], s)).split())


class LabelBook:
    """The shown spelling of every label group of a workspace, per field, learning as files are loaded.

    ``known()`` returns ``(field, spelling, rows)`` for what the workspace already holds; it is read once, when
    the first label column is normalised."""

    def __init__(self, known: Callable[[], Iterable[tuple[str, str, int]]] | None = None):
        self._known = known
        self._shown: dict[str, dict[str, str]] | None = None

    def _book(self) -> dict[str, dict[str, str]]:
        if self._shown is None:
            groups: dict[str, dict[str, Counter]] = {f: {} for f in LABEL_FIELDS}
            for fld, spelling, rows in (self._known() if self._known else ()):
                if fld in groups and spelling is not None:
                    key = self.group(fld, spelling)
                    groups[fld].setdefault(key, Counter())[spelling] += int(rows)
            # a workspace loaded before labels were normalised may hold several spellings: the most frequent wins
            self._shown = {f: {k: c.most_common(1)[0][0] for k, c in g.items()} for f, g in groups.items()}
        return self._shown

    @staticmethod
    def group(fld: str, spelling: str) -> str:
        """The group a spelling belongs to: a country's ISO code, else its :func:`label_key`."""
        if fld == "country":
            code = country_code(spelling)
            if code:
                return "iso:" + code
        return label_key(spelling)

    def shown(self, fld: str, spellings: Counter) -> dict[str, str]:
        """spelling -> the spelling shown, for the distinct spellings of one column (with their row counts)."""
        book = self._book()[fld]
        groups: dict[str, Counter] = {}
        for spelling, rows in spellings.items():
            groups.setdefault(self.group(fld, spelling), Counter())[spelling] += rows
        out = {}
        for key, members in groups.items():
            if key not in book:
                book[key] = country_name(key[4:]) if key.startswith("iso:") else best_spelling(members)
            out.update({s: book[key] for s in members})
        return out

    def normalise(self, fld: str, values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
        """A label column (text, nulls allowed) with every spelling replaced by its group's shown spelling."""
        if fld not in LABEL_FIELDS or values.null_count == len(values):
            return values
        counts = pc.value_counts(values)
        spellings = Counter({s: int(n) for s, n in zip(counts.field("values").to_pylist(),
                                                       counts.field("counts").to_pylist()) if s is not None})
        mapping = self.shown(fld, spellings)
        if all(k == v for k, v in mapping.items()):
            return values
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        olds = pa.array(list(mapping), pa.string())
        news = pa.array(list(mapping.values()), pa.string())
        return news.take(pc.index_in(values, value_set=olds))

    def normalise_columns(self, kind_fields: Iterable[str], columns: dict[str, pa.Array]) -> None:
        """Every label field of a staged file (``f_<field>`` columns), in place."""
        for fld in kind_fields:
            name = f"f_{fld}"
            if fld in LABEL_FIELDS and name in columns:
                columns[name] = self.normalise(fld, columns[name])
