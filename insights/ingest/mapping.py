"""Recognising what a file is and which of its columns is which canonical field.

A file is one of four kinds (``transactions``, ``customers``, ``events``, ``feedback``). Its columns are
mapped to the canonical fields of that kind first by header name (many spellings and a few languages,
compared after normalising: lower case, accents and punctuation removed) and then, for columns whose
names say nothing, by content (emails, dates, money, small whole numbers, ids).

The result is a plain dict ``field -> column index`` that the owner can change; a confirmed mapping is
remembered in the workspace's ``mapping_memory`` under a layout signature (the kind plus the normalised
headers), so the next export of the same layout maps itself.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Sequence

KINDS = ("transactions", "customers", "events", "feedback")

KIND_LABELS = {
    "transactions": "orders / order lines",
    "customers": "customer list",
    "events": "web or app events",
    "feedback": "surveys and reviews",
}

# Canonical fields per kind, in the order the mapping editor shows them. Most are columns of the canonical
# tables in sql/schema.sql; a few are inputs that the loader turns into columns:
#   line_total  -> the line's amount (unit_price = line_total / quantity) when the file has no unit price
#   first_name, last_name -> joined into customer_records.name
#   churn       -> customer_records.churned
#   customer_ref -> a second customer id (e.g. Olist's per-order customer_id beside customer_unique_id),
#                   used to link order files to the person; kept in attributes too
#   feedback_kind -> feedback.kind (nps, csat, review, survey)
FIELDS: dict[str, tuple[str, ...]] = {
    "transactions": ("order_id", "ordered_at", "customer_id", "email", "phone", "product_id",
                     "product_name", "category", "quantity", "unit_price", "line_total", "currency",
                     "channel", "country", "status", "delivered_at", "promised_at"),
    "customers": ("customer_id", "customer_ref", "name", "first_name", "last_name", "email", "phone",
                  "country", "city", "channel", "signed_up_at", "consent_email", "consent_sms", "status",
                  "cancelled_at", "churn"),
    "events": ("session_id", "event_at", "event_name", "customer_id", "email", "page", "channel",
               "device", "order_id"),
    "feedback": ("submitted_at", "score", "text", "feedback_kind", "customer_id", "email", "order_id"),
}

FIELD_LABELS = {
    "order_id": "Order number", "ordered_at": "Order date", "customer_id": "Customer ID",
    "customer_ref": "Second customer ID", "email": "E-mail", "phone": "Phone", "product_id": "Product code (SKU)",
    "product_name": "Product name", "category": "Category", "quantity": "Quantity", "unit_price": "Unit price",
    "line_total": "Line total (amount)", "currency": "Currency", "channel": "Channel", "country": "Country",
    "status": "Status", "delivered_at": "Delivered date", "promised_at": "Promised delivery date",
    "name": "Full name", "first_name": "First name", "last_name": "Last name", "city": "City",
    "signed_up_at": "Signup date", "consent_email": "E-mail opt-in", "consent_sms": "SMS opt-in",
    "cancelled_at": "Cancelled date", "churn": "Churned (yes/no)", "session_id": "Session ID",
    "event_at": "Event time", "event_name": "Event", "page": "Page", "device": "Device",
    "submitted_at": "Submitted at", "score": "Score / rating", "text": "Comment",
    "feedback_kind": "Type (nps/review)",
}

DATE_FIELDS = frozenset({"ordered_at", "delivered_at", "promised_at", "signed_up_at", "cancelled_at",
                         "event_at", "submitted_at"})
NUMBER_FIELDS = frozenset({"quantity", "unit_price", "line_total", "score"})
MONEY_FIELDS = frozenset({"unit_price", "line_total"})
ID_FIELDS = frozenset({"order_id", "customer_id", "customer_ref", "product_id", "session_id"})
BOOL_FIELDS = frozenset({"consent_email", "consent_sms", "churn"})

_ID = ("customerid", "customer", "customerno", "customernumber", "customernr", "custid", "clientid", "client",
       "clientnumber", "buyerid", "memberid", "accountid", "accountnumber", "contactid", "kundennummer",
       "kundenid", "idcliente", "numeroclient", "customerkey", "shopperid")
_EMAIL = ("email", "emailaddress", "mail", "customeremail", "emailadresse", "correo", "correoelectronico",
          "courriel", "buyeremail", "contactemail", "useremail", "billingemail")
_PHONE = ("phone", "phonenumber", "telephone", "tel", "mobile", "mobilephone", "mobilenumber", "cell",
          "cellphone", "telefon", "telefono", "telephonenumber", "customerphone", "billingphone", "phoneno")
_COUNTRY = ("country", "countrycode", "countryname", "shippingcountry", "billingcountry", "land", "pais",
            "pays", "customercountry")
_CHANNEL = ("channel", "saleschannel", "orderchannel", "marketingchannel", "sourcechannel", "source",
            "utmsource", "acquisitionchannel", "trafficsource", "referralsource", "leadsource", "medium")

# normalised header -> field, per kind. Earlier synonyms win when two columns claim one field.
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "transactions": {
        "order_id": ("orderid", "ordernumber", "orderno", "ordernr", "order", "invoiceno", "invoice",
                     "invoiceid", "invoicenumber", "invoicenr", "transactionid", "transaction", "receiptno",
                     "receiptid", "receiptnumber", "bestellnummer", "bestellung", "rechnungsnummer",
                     "numerocommande", "commande", "pedido", "numeropedido", "saleid", "salesorder",
                     "ordername", "orderref", "orderreference"),
        "ordered_at": ("orderdate", "invoicedate", "orderedat", "orderpurchasetimestamp", "purchasedate",
                       "transactiondate", "orderdatetime", "ordertime", "saledate", "salesdate", "createdat",
                       "date", "datetime", "timestamp", "paidat", "purchasedat", "bestelldatum", "datum",
                       "fecha", "datecommande", "created", "orderplaced", "placedat"),
        "customer_id": ("customeruniqueid",) + _ID + ("userid", "user", "buyer"),
        "email": _EMAIL,
        "phone": _PHONE,
        "product_id": ("sku", "stockcode", "productid", "productcode", "itemid", "itemcode", "articleid",
                       "articlenumber", "artikelnummer", "variantsku", "lineitemsku", "productsku", "ean",
                       "barcode", "upc", "asin", "itemnumber", "partnumber"),
        "product_name": ("product", "productname", "description", "itemname", "item", "itemdescription",
                         "lineitemname", "productdescription", "title", "producttitle", "artikel",
                         "bezeichnung", "producto", "article", "articlename"),
        "category": ("category", "productcategory", "productcategoryname", "producttype", "categoryname",
                     "department", "kategorie", "categoria", "categorie", "productgroup", "collection"),
        "quantity": ("quantity", "qty", "quantityordered", "units", "unitssold", "numberofcds", "numberofunits",
                     "lineitemquantity", "itemquantity", "menge", "anzahl", "cantidad", "quantite", "pieces",
                     "count", "itemcount", "qtyordered"),
        "unit_price": ("unitprice", "price", "itemprice", "lineitemprice", "priceeach", "priceperunit",
                       "sellingprice", "saleprice", "unitcost", "preis", "einzelpreis", "precio",
                       "precounitario", "prix", "prixunitaire", "unitamount", "rate"),
        "line_total": ("linetotal", "total", "amount", "sales", "revenue", "dollarvalue", "value", "totalprice",
                       "linerevenue", "lineamount", "subtotal", "totalamount", "salesamount", "netsales",
                       "grosssales", "betrag", "importe", "montant", "itemtotal", "extendedprice"),
        "currency": ("currency", "currencycode", "curr", "waehrung", "wahrung", "moneda", "devise"),
        "channel": _CHANNEL,
        "country": _COUNTRY,
        "status": ("status", "orderstatus", "financialstatus", "fulfillmentstatus", "state", "orderstate",
                   "paymentstatus", "transactiontype"),
        "delivered_at": ("delivereddate", "deliveredat", "deliverydate", "orderdeliveredcustomerdate",
                         "dateofdelivery", "deliveredon", "actualdeliverydate", "lieferdatum"),
        "promised_at": ("promiseddate", "promisedat", "promiseddeliverydate", "estimateddeliverydate",
                        "orderestimateddeliverydate", "expecteddeliverydate", "expecteddelivery", "duedate",
                        "deliverydue"),
    },
    "customers": {
        "customer_id": ("customeruniqueid",) + _ID + ("userid", "id", "uniqueid", "personid"),
        "name": ("name", "fullname", "customername", "contactname", "clientname", "displayname",
                 "nombre", "nom", "billingname"),
        "first_name": ("firstname", "givenname", "forename", "vorname", "prenom", "nombrepila", "first"),
        "last_name": ("lastname", "surname", "familyname", "nachname", "apellido", "nomdefamille", "last"),
        "email": _EMAIL,
        "phone": _PHONE,
        "country": _COUNTRY,
        "city": ("city", "town", "customercity", "ort", "stadt", "ciudad", "ville", "billingcity",
                 "shippingcity"),
        "channel": _CHANNEL + ("signupsource", "howdidyouhearaboutus"),
        "signed_up_at": ("signupdate", "signedupat", "signedup", "registrationdate", "registeredat",
                         "joindate", "joinedat", "datejoined", "customersince", "createdat", "created",
                         "firstseen", "accountcreated", "dateadded", "subscribedat", "optindate"),
        "consent_email": ("emailoptin", "acceptsemailmarketing", "acceptsmarketing", "newsletter",
                          "emailconsent", "emailmarketing", "marketingoptin", "optin", "subscribed",
                          "newsletteroptin", "emailsubscribed", "emailmarketingconsent"),
        "consent_sms": ("smsoptin", "acceptssmsmarketing", "smsconsent", "smsmarketing", "smssubscribed",
                        "smsmarketingconsent"),
        "status": ("status", "subscriptionstatus", "accountstatus", "customerstatus", "memberstatus"),
        "cancelled_at": ("cancelledat", "canceledat", "canceldate", "cancellationdate", "churndate",
                         "enddate", "unsubscribedat", "closedat"),
        "churn": ("churn", "churned", "exited", "attrition", "hasleft", "left", "churnlabel", "ischurned"),
    },
    "events": {
        "session_id": ("sessionid", "session", "visitid", "sessionkey", "gasessionid", "visit"),
        "event_at": ("timestamp", "eventtime", "eventat", "eventtimestamp", "time", "datetime", "date",
                     "eventdate", "ts", "occurredat", "hittime", "createdat"),
        "event_name": ("event", "eventname", "eventtype", "action", "eventaction", "type", "step"),
        "customer_id": _ID + ("userid", "user", "visitorid", "clientid"),
        "email": _EMAIL,
        "page": ("page", "url", "pagepath", "pageurl", "landingpage", "path", "pagelocation", "screen",
                 "pagetitle"),
        "channel": _CHANNEL + ("referrer",),
        "device": ("device", "devicecategory", "devicetype", "platform"),
        "order_id": ("orderid", "ordernumber", "transactionid", "invoiceno"),
    },
    "feedback": {
        "submitted_at": ("submittedat", "submitted", "reviewcreationdate", "reviewdate", "responsedate",
                         "surveydate", "createdat", "date", "timestamp", "datetime", "answeredat",
                         "completedat", "reviewanswertimestamp"),
        "score": ("score", "nps", "npsscore", "rating", "reviewscore", "stars", "starrating", "csat",
                  "csatscore", "likelihoodtorecommend", "howlikely", "note", "bewertung", "puntuacion"),
        "text": ("comment", "comments", "reviewcommentmessage", "review", "reviewtext", "text", "feedback",
                 "verifiedreviews", "message", "answer", "response", "body", "kommentar", "comentario",
                 "commentaire", "reviewbody", "opencomment"),
        "feedback_kind": ("type", "surveytype", "kind", "feedbacktype", "source", "channel"),
        "customer_id": _ID + ("userid", "user", "respondentid", "reviewerid"),
        "email": _EMAIL,
        "order_id": ("orderid", "ordernumber", "invoiceno", "orderno", "transactionid"),
    },
}

# how strongly a recognised field says "this file is of this kind"
_KIND_EVIDENCE = {
    "transactions": {"order_id": 3, "quantity": 3, "unit_price": 3, "line_total": 2, "product_id": 2,
                     "product_name": 1, "ordered_at": 2, "delivered_at": 2, "promised_at": 2, "currency": 1},
    "customers": {"customer_id": 1, "name": 2, "first_name": 3, "last_name": 3, "signed_up_at": 3,
                  "consent_email": 3, "consent_sms": 3, "churn": 3, "city": 2, "phone": 1, "email": 1,
                  "cancelled_at": 2},
    "events": {"session_id": 4, "event_name": 3, "page": 2, "device": 2},
    "feedback": {"score": 3, "text": 3, "feedback_kind": 1, "submitted_at": 1},
}

# fields without which a kind cannot be loaded (any one of each tuple)
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    # no order date is allowed: an orders table loaded with the file can complete it (else rows are rejected)
    "transactions": (("unit_price", "line_total"),),
    "customers": (("customer_id", "email", "phone"),),
    "events": (("event_at",), ("event_name",)),
    "feedback": (("score", "text"),),
}


def normalise_header(header: str) -> str:
    """``'E-Mail Adresse '`` → ``'emailadresse'``: lower case, accents and everything but letters/digits removed."""
    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def layout_signature(headers: Sequence[str], kind: str) -> str:
    """A key for "the same layout": the kind plus the normalised headers in order."""
    text = kind + "\x1f" + "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _map_by_name(headers: Sequence[str], kind: str) -> dict[str, tuple[int, int]]:
    """field -> (column index, rank of the synonym matched); best (lowest) rank wins, then leftmost column."""
    found: dict[str, tuple[int, int]] = {}
    taken: set[int] = set()
    norm = [normalise_header(h) for h in headers]
    candidates = []
    for fld, names in SYNONYMS[kind].items():
        for rank, name in enumerate(names):
            for idx, h in enumerate(norm):
                if h and h == name:
                    candidates.append((rank, idx, fld))
    # a synonym that is the field's first choice beats a vaguer one, across fields
    for rank, idx, fld in sorted(candidates):
        if fld in found or idx in taken:
            continue
        found[fld] = (idx, rank)
        taken.add(idx)
    # Olist-style second id: a plain "customer id" next to a "customer unique id"
    if kind == "customers" and "customer_id" in found and "customer_ref" not in found:
        for idx, h in enumerate(norm):
            if idx not in taken and h in _ID[:1] and norm[found["customer_id"][0]] == "customeruniqueid":
                found["customer_ref"] = (idx, 0)
                taken.add(idx)
    return found


def detect_kind(headers: Sequence[str], content_kinds: dict[str, int] | None = None) -> tuple[str, dict[str, int]]:
    """The most likely kind for these headers, with the evidence score of every kind."""
    scores = {}
    for kind in KINDS:
        matched = _map_by_name(headers, kind)
        scores[kind] = sum(_KIND_EVIDENCE[kind].get(f, 0) for f in matched)
    if content_kinds:
        for kind, extra in content_kinds.items():
            scores[kind] += extra
    best = max(KINDS, key=lambda k: (scores[k], -KINDS.index(k)))
    return best, scores


# ----- content -------------------------------------------------------------------------------------------
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_INT_RE = re.compile(r"^[+-]?\d{1,6}$")
_DEC_RE = re.compile(r"^[+-]?[$€£¥]?\s?\d{1,3}([,.\s']?\d{3})*([.,]\d{1,4})?$|^\(?[$€£]?\d+([.,]\d{1,2})\)?$")
_IDLIKE_RE = re.compile(r"^[A-Za-z]{0,3}[-_]?\d{3,}(\.0)?$|^[0-9a-f]{16,}$|^\d{4}-[A-Z]{5}$")


@dataclass
class ColumnProfile:
    """What the values of one column look like (from a sample of non-empty cells)."""
    index: int
    filled: int
    emails: float = 0.0
    dates: float = 0.0
    integers: float = 0.0
    decimals: float = 0.0
    idlike: float = 0.0
    distinct: float = 0.0
    has_fraction: bool = False


def profile_column(index: int, values: Sequence[str | None], date_share: Callable[[list[str]], float]) -> ColumnProfile:
    vals = [v.strip() for v in values if v is not None and str(v).strip() != ""]
    prof = ColumnProfile(index, len(vals))
    if not vals:
        return prof
    n = len(vals)
    prof.emails = sum(bool(_EMAIL_RE.match(v)) for v in vals) / n
    prof.integers = sum(bool(_INT_RE.match(v)) for v in vals) / n
    prof.decimals = sum(bool(_DEC_RE.match(v)) for v in vals) / n
    prof.idlike = sum(bool(_IDLIKE_RE.match(v)) for v in vals) / n
    prof.distinct = len(set(vals)) / n
    prof.has_fraction = any(re.search(r"[.,]\d{1,2}$", v) for v in vals)
    if prof.emails < 0.5:
        prof.dates = date_share(vals)
    return prof


def map_by_content(profiles: list[ColumnProfile], kind: str, mapping: dict[str, int | None],
                   confidence: dict[str, str], has_header: bool) -> None:
    """Fill still-unmapped fields from columns whose values speak for themselves (in place)."""
    taken = {i for i in mapping.values() if i is not None}
    fields = FIELDS[kind]

    def free(pred):
        return [p for p in profiles if p.index not in taken and p.filled and pred(p)]

    def assign(fld, prof):
        mapping[fld] = prof.index
        confidence[fld] = "content"
        taken.add(prof.index)

    if "email" in fields and mapping.get("email") is None:
        cols = free(lambda p: p.emails >= 0.8)
        if cols:
            assign("email", cols[0])
    date_field = {"transactions": "ordered_at", "customers": "signed_up_at", "events": "event_at",
                  "feedback": "submitted_at"}[kind]
    if mapping.get(date_field) is None:
        cols = free(lambda p: p.dates >= 0.9)
        if cols:
            assign(date_field, cols[0])
    if has_header:
        return  # named columns that matched nothing are left for the owner; guessing further misleads
    # headerless files: ids, quantities and money by shape, left to right
    if "customer_id" in fields and mapping.get("customer_id") is None:
        cols = free(lambda p: p.idlike >= 0.9 or (p.integers >= 0.99 and p.distinct < 0.9 and not p.has_fraction
                                                  and p.dates < 0.5))
        if cols:
            assign("customer_id", cols[0])
    if kind == "transactions":
        if mapping.get("quantity") is None:
            cols = free(lambda p: p.integers >= 0.99)
            if cols:
                assign("quantity", cols[0])
        if mapping.get("unit_price") is None and mapping.get("line_total") is None:
            cols = free(lambda p: p.decimals >= 0.95 and p.has_fraction)
            if cols:
                # a headerless amount is usually what the line cost in total (CDNOW: id date qty amount)
                assign("line_total", cols[0])


def missing_required(kind: str, mapping: dict[str, int | None]) -> list[str]:
    """Plain-words list of what the mapping still lacks before the file can be loaded."""
    missing = []
    for group in REQUIRED[kind]:
        if all(mapping.get(f) is None for f in group):
            missing.append(" or ".join(FIELD_LABELS[f] for f in group))
    return missing


@dataclass
class Proposal:
    kind: str
    mapping: dict[str, int | None]
    confidence: dict[str, str] = field(default_factory=dict)
    scores: dict[str, int] = field(default_factory=dict)


def propose(headers: Sequence[str], kind: str | None, profiles: list[ColumnProfile], has_header: bool) -> Proposal:
    """Kind (unless given) and mapping for a file from its headers and column profiles."""
    content_votes = {}
    if profiles:
        if any(p.emails >= 0.8 for p in profiles) and not has_header:
            content_votes["customers"] = 1
        if not has_header and any(p.decimals >= 0.95 and p.has_fraction for p in profiles):
            content_votes["transactions"] = 3
    detected, scores = detect_kind(headers, content_votes)
    kind = kind or detected
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    by_name = _map_by_name(headers, kind) if has_header else {}
    mapping: dict[str, int | None] = {f: None for f in FIELDS[kind]}
    confidence: dict[str, str] = {}
    for fld, (idx, rank) in by_name.items():
        mapping[fld] = idx
        confidence[fld] = "name" if rank < 3 else "name (variant)"
    map_by_content(profiles, kind, mapping, confidence, has_header)
    return Proposal(kind, mapping, confidence, scores)


# ----- the plan of one file ------------------------------------------------------------------------------
DATE_ORDERS = ("dmy", "mdy")


class FilePlan:
    """One file read and understood, ready to load: kind, mapping, date order, questions for the owner.

    ``mapping`` is ``canonical field -> column index`` (``None`` = not in this file); ``columns`` are the
    file's original headers; ``preview`` the first 20 rows as in the file; ``raw`` the reader's table.
    Change the mapping with :meth:`set_mapping`, the kind with :meth:`set_kind` (re-proposes the mapping),
    the order of ambiguous dates with :meth:`set_date_order`.
    """

    def __init__(self, raw, *, name: str, path: str | None, sha256: str, kind: str | None, memory=None):
        self.raw = raw
        self.name = name
        self.path = path
        self.sha256 = sha256
        self.columns: list[str] = [str(c) if c is not None else "" for c in raw.columns]
        self.has_header = bool(getattr(raw, "has_header", True))
        self.notes: list[str] = []
        self.date_order: str | None = None
        self.date_formats: dict[str, object] = {}
        self.questions: list[str] = []
        self.remembered = False
        self._memory = memory or {}
        self._profiles = self._profile()
        self._propose(kind, use_memory=True)

    # ---- proposing ----------------------------------------------------------------------------------
    def _sample(self, i: int, limit: int = 500) -> list:
        col = self.raw.data.column(i)
        return col.slice(0, limit).to_pylist()

    def _profile(self) -> list[ColumnProfile]:
        from insights.ingest import values as V

        def date_share(vals):
            import pyarrow as pa
            try:
                fmt = V.detect_date_format(pa.array(vals, pa.string()))
                if fmt.order == "unknown":
                    return 0.0
                res = V.parse_dates(pa.array(vals, pa.string()), fmt)
            except Exception:  # a column that is not dates at all
                return 0.0
            import numpy as np
            bad = np.asarray(res.errors if not hasattr(res.errors, "to_numpy") else
                             res.errors.to_numpy(zero_copy_only=False), dtype=bool)
            return float(1 - bad.mean()) if len(bad) else 0.0
        return [profile_column(i, self._sample(i), date_share) for i in range(len(self.columns))]

    def _propose(self, kind: str | None, use_memory: bool) -> None:
        proposal = propose(self.columns, kind, self._profiles, self.has_header)
        self.kind = proposal.kind
        self.mapping = proposal.mapping
        self.confidence = proposal.confidence
        self.kind_scores = proposal.scores
        self.remembered = False
        if use_memory:
            remembered = self._memory.get(layout_signature(self.columns, self.kind))
            if remembered is None and kind is None:
                for k in KINDS:
                    remembered = self._memory.get(layout_signature(self.columns, k))
                    if remembered:
                        break
            if remembered and (kind is None or remembered["kind"] == kind):
                self.kind = remembered["kind"]
                self.mapping = {f: None for f in FIELDS[self.kind]}
                for f, i in remembered["mapping"].items():
                    if f in self.mapping and i is not None and i < len(self.columns):
                        self.mapping[f] = int(i)
                self.confidence = {f: "remembered" for f, i in self.mapping.items() if i is not None}
                self.remembered = True
        self._detect_dates()

    def _detect_dates(self) -> None:
        """Per date column: its format from the data; ambiguous day/month order becomes a question."""
        from insights.ingest import values as V
        self.date_formats = {}
        self.questions = []
        ambiguous = []
        for fld in FIELDS[self.kind]:
            idx = self.mapping.get(fld)
            if fld not in DATE_FIELDS or idx is None:
                continue
            fmt = V.detect_date_format(self.raw.data.column(idx))
            self.date_formats[fld] = fmt
            if _is_ambiguous(fmt):
                ambiguous.append(self.columns[idx])
        if ambiguous:
            if self.date_order is None:
                self.date_order = "dmy"
            self.questions.append(
                f"The dates in {', '.join('“' + c + '”' for c in ambiguous)} could be day-first (31/12) or "
                f"month-first (12/31): nothing in the file tells. Read as "
                f"{'day-first' if self.date_order == 'dmy' else 'month-first'} — change it if that is wrong.")
            for fld, fmt in list(self.date_formats.items()):
                if _is_ambiguous(fmt):
                    self.date_formats[fld] = _resolve_order(fmt, self.date_order)
        else:
            orders = {_order_of(f) for f in self.date_formats.values()} - {None}
            self.date_order = orders.pop() if len(orders) == 1 else (self.date_order if orders else None)

    # ---- changing ------------------------------------------------------------------------------------
    def set_mapping(self, fld: str, column: int | None) -> None:
        if fld not in FIELDS[self.kind]:
            raise ValueError(f"{fld!r} is not a field of {self.kind}; expected one of {', '.join(FIELDS[self.kind])}")
        if column is not None and not 0 <= int(column) < len(self.columns):
            raise ValueError(f"column {column} is not in {self.name} (it has {len(self.columns)} columns)")
        if column is not None:
            for other, idx in self.mapping.items():
                if idx == column and other != fld:
                    self.mapping[other] = None  # one column feeds one field
        self.mapping[fld] = None if column is None else int(column)
        self.confidence[fld] = "you"
        self.remembered = False
        self._detect_dates()

    def set_kind(self, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
        self._propose(kind, use_memory=True)

    def set_date_order(self, order: str) -> None:
        if order not in DATE_ORDERS:
            raise ValueError(f"date order must be one of {DATE_ORDERS}, not {order!r}")
        self.date_order = order
        self._detect_dates()

    # ---- facts ---------------------------------------------------------------------------------------
    @property
    def role(self) -> str:
        """``orders`` for a transactions file with order numbers and dates but no prices; else ``lines``."""
        m = self.mapping
        if (self.kind == "transactions" and m.get("order_id") is not None and m.get("ordered_at") is not None
                and m.get("unit_price") is None and m.get("line_total") is None and m.get("quantity") is None):
            return "orders"
        return "lines"

    def missing_required(self) -> list[str]:
        """Fields still needed before loading (the first field of each unmet requirement)."""
        if self.role == "orders":
            return []
        return [group[0] for group in REQUIRED[self.kind] if all(self.mapping.get(f) is None for f in group)]

    @property
    def preview(self):
        import pandas as pd
        head = self.raw.data.slice(0, 20)
        frame = pd.DataFrame({i: head.column(i).to_pylist() for i in range(head.num_columns)})
        frame.columns = _unique_headers(self.columns)
        return frame

    def mapping_by_header(self) -> dict[str, str]:
        return {f: self.columns[i] for f, i in self.mapping.items() if i is not None}

    def __repr__(self) -> str:
        return f"FilePlan({self.name!r}, kind={self.kind!r}, mapping={self.mapping_by_header()})"


def _unique_headers(headers: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        h = h or "(no name)"
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


def _is_ambiguous(fmt) -> bool:
    return bool(getattr(fmt, "ambiguous", False))


def _resolve_order(fmt, order: str):
    return fmt.with_order(order) if hasattr(fmt, "with_order") else fmt


def _order_of(fmt) -> str | None:
    return getattr(fmt, "order", None)
