"""Columns recognised by their headers: the spellings of each field (a few languages, compared after
:func:`normalise_header`), which kind of file the recognised headers point to (:func:`detect_kind`), and the
layout signature a confirmed mapping is remembered under."""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from typing import Sequence

from insights.ingest.mapping.fields import KINDS
from insights.ingest.mapping.spend_files import SPEND_EVIDENCE, SPEND_SYNONYMS, map_spend_headers
from insights.ingest.mapping.words import CORE_FIELDS, STAFF_HEADERS, header_cores

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
        "customer_id": ("customeruniqueid",) + _ID + ("userid", "buyer", "customercode"),
        "email": _EMAIL,
        "phone": _PHONE,
        "product_id": ("sku", "stockcode", "productid", "productcode", "itemid", "itemcode", "articleid",
                       "articlenumber", "artikelnummer", "variantsku", "lineitemsku", "productsku", "ean",
                       "barcode", "upc", "asin", "itemnumber", "partnumber"),
        "product_name": ("product", "productname", "description", "itemname", "item", "itemdescription",
                         "lineitemname", "productdescription", "title", "producttitle", "artikel",
                         "bezeichnung", "producto", "article", "articlename", "products"),
        "category": ("category", "productcategory", "productcategoryname", "producttype", "categoryname",
                     "department", "kategorie", "categoria", "categorie", "productgroup", "collection"),
        "quantity": ("quantity", "qty", "quantityordered", "units", "unitssold", "numberofcds", "numberofunits",
                     "lineitemquantity", "itemquantity", "menge", "anzahl", "cantidad", "quantite", "pieces",
                     "count", "itemcount", "qtyordered", "itemssold"),
        "unit_price": ("unitprice", "price", "itemprice", "lineitemprice", "priceeach", "priceperunit",
                       "sellingprice", "saleprice", "unitcost", "preis", "einzelpreis", "precio",
                       "precounitario", "prix", "prixunitaire", "unitamount", "rate", "itemcost", "costperitem"),
        "line_total": ("linetotal", "total", "amount", "sales", "revenue", "dollarvalue", "value", "totalprice",
                       "linerevenue", "lineamount", "subtotal", "totalamount", "salesamount", "netsales",
                       "grosssales", "betrag", "importe", "montant", "itemtotal", "extendedprice", "linesubtotal",
                       "itemsubtotal", "ordervalue"),
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
        # the customer's name on an order (never plain "Name": Shopify's order number, or a product's name)
        "name": ("customername", "billingname", "buyername", "fullname", "clientname", "contactname",
                 "purchasername", "kundenname", "nombrecliente", "nomclient"),
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
                          "newsletteroptin", "emailsubscribed", "emailmarketingconsent", "marketingconsent",
                          "acceptsemail", "emailsubscription", "newslettersubscription", "marketingemails",
                          "emailpermission", "marketingpermission", "consent"),
        "consent_sms": ("smsoptin", "acceptssmsmarketing", "smsconsent", "smsmarketing", "smssubscribed",
                        "smsmarketingconsent"),
        "status": ("status", "subscriptionstatus", "accountstatus", "customerstatus", "memberstatus"),
        "cancelled_at": ("cancelledat", "canceledat", "canceldate", "cancellationdate", "churndate",
                         "enddate", "unsubscribedat", "closedat"),
        "churn": ("churn", "churned", "exited", "attrition", "hasleft", "left", "churnlabel", "ischurned"),
    },
    "events": {
        "session_id": ("sessionid", "session", "visitid", "sessionkey", "gasessionid", "visit", "idvisit"),
        "event_at": ("timestamp", "eventtime", "eventat", "eventtimestamp", "time", "datetime", "date",
                     "eventdate", "ts", "occurredat", "hittime", "createdat", "lastactiondatetime"),
        # a visit log (Matomo) has one row per visit: what the visit came to (none / abandonedCart / ordered)
        "event_name": ("event", "eventname", "eventtype", "action", "eventaction", "type", "step",
                       "visitecommercestatus"),
        "customer_id": _ID + ("userid", "user", "visitorid", "clientid"),
        "email": _EMAIL,
        "page": ("page", "url", "pagepath", "pageurl", "landingpage", "path", "pagelocation", "screen",
                 "pagetitle"),
        "channel": _CHANNEL + ("referrer", "trafficsourcesource", "trafficsourcemedium"),
        "device": ("device", "devicecategory", "devicetype", "platform"),
        "order_id": ("orderid", "ordernumber", "transactionid", "invoiceno"),
        "source_event_id": ("eventid", "messageid", "hitid", "eventuuid", "idaction"),
    },
    "feedback": {
        # when the answer was given: a survey's end or submit date, a review's creation date
        "submitted_at": ("submittedat", "submitted", "reviewcreationdate", "reviewdate", "responsedate",
                         "surveydate", "createdat", "date", "timestamp", "datetime", "answeredat",
                         "completedat", "reviewanswertimestamp", "submitdate", "submitdateutc", "enddate",
                         "reviewcreatedutc", "reviewcreateddateutc", "reviewcreateddate", "reviewcreated",
                         "datesubmitted", "submissiondate"),
        "score": ("score", "nps", "npsscore", "rating", "reviewscore", "stars", "starrating", "csat",
                  "csatscore", "likelihoodtorecommend", "howlikely", "note", "bewertung", "puntuacion",
                  "reviewstars", "reviewrating", "overallrating"),
        "text": ("comment", "comments", "reviewcommentmessage", "review", "reviewtext", "text", "feedback",
                 "verifiedreviews", "message", "answer", "response", "body", "kommentar", "comentario",
                 "commentaire", "reviewbody", "opencomment", "reviewcontent", "whatcouldwedobetter"),
        "feedback_kind": ("type", "surveytype", "kind", "feedbacktype", "source", "channel"),
        "customer_id": _ID + ("userid", "respondentid", "reviewerid"),
        "email": _EMAIL,
        "order_id": ("orderid", "ordernumber", "invoiceno", "orderno", "transactionid", "referenceid"),
        "response_id": ("responseid", "reviewid", "submissionid", "surveyresponseid", "feedbackid", "answerid"),
    },
    "spend": SPEND_SYNONYMS,
    # a product catalog: Shopify's and WooCommerce's products exports, Olist's products and category translation,
    # a plain SKU / name / category / unit cost sheet, a category / margin % sheet
    "catalog": {
        "product_id": ("sku", "variantsku", "productid", "productcode", "itemcode", "itemid", "articlenumber",
                       "artikelnummer", "stockcode", "productsku", "itemnumber", "partnumber", "ean", "barcode",
                       "code", "handle", "id"),
        "product_name": ("productname", "name", "title", "producttitle", "product", "itemname", "item",
                         "description", "artikel", "bezeichnung", "producto", "articlename"),
        "category": ("category", "productcategory", "productcategoryname", "categories", "categoryname",
                     "producttype", "department", "kategorie", "categoria", "categorie", "productgroup",
                     "collection", "type"),
        "category_name": ("productcategorynameenglish", "categorynameenglish", "categoryenglish", "englishname",
                          "categorytranslation", "translatedcategory", "categorylabel", "displayname"),
        "unit_cost": ("unitcost", "cost", "costperitem", "costprice", "purchaseprice", "cogs", "itemcost",
                      "landedcost", "wholesaleprice", "buyprice", "einkaufspreis", "inkoopprijs", "costo", "cout",
                      "metawccogcost", "costofgoods"),
        "unit_price": ("price", "unitprice", "variantprice", "regularprice", "sellingprice", "retailprice",
                       "listprice", "rrp", "msrp", "saleprice", "verkaufspreis", "preis", "prix", "precio"),
        "currency": ("currency", "currencycode", "curr", "waehrung", "wahrung", "moneda", "devise"),
        "margin_pct": ("margin", "marginpct", "marginpercent", "marginpercentage", "grossmargin",
                       "grossmarginpct", "grossmarginpercent", "marginrate", "marge", "margen", "margine"),
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
    "spend": SPEND_EVIDENCE,
    "catalog": {"unit_cost": 4, "category_name": 3, "margin_pct": 3, "category": 2, "product_id": 2,
                "product_name": 1, "unit_price": 1},
}


def normalise_header(header: str) -> str:
    """``'E-Mail Adresse '`` → ``'emailadresse'``: lower case, accents and everything but letters/digits removed."""
    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def layout_signature(headers: Sequence[str], kind: str) -> str:
    """A key for "the same layout": the kind plus the normalised headers in order."""
    text = kind + "\x1f" + "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


_CORE_RANK = 1000   # a qualified header ranks after every exact spelling


def map_by_name(headers: Sequence[str], kind: str) -> dict[str, tuple[int, int]]:
    """field -> (column index, rank of the synonym matched); best (lowest) rank wins, then leftmost column."""
    if kind == "spend":     # headers compared without the currency they name ("Cost (EUR)")
        return map_spend_headers(headers)
    found: dict[str, tuple[int, int]] = {}
    taken: set[int] = set()
    norm = [normalise_header(h) for h in headers]
    # a header's own words without its qualifier ("Email (Billing)", "Default Address City"), after every exact name
    cores = [[normalise_header(c) for c in header_cores(h)] for h in headers]
    candidates = []
    for fld, names in SYNONYMS[kind].items():
        for rank, name in enumerate(names):
            for idx, h in enumerate(norm):
                if fld == "customer_id" and h in STAFF_HEADERS and kind != "events":
                    continue  # the till's user or staff member is not the customer
                if h and h == name:
                    candidates.append((rank, idx, fld))
                elif fld in CORE_FIELDS and name in cores[idx]:
                    candidates.append((_CORE_RANK + rank, idx, fld))
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
    """The most likely kind for these headers, with the evidence score of every kind.

    Every recognised header adds its weight (``_KIND_EVIDENCE``) to its kind, so the whole header counts, not
    one field; ``content_kinds`` adds what the values say (event names, answers to a question: see
    ``mapping.plan.content_votes``)."""
    scores = {}
    for kind in KINDS:
        matched = map_by_name(headers, kind)
        scores[kind] = sum(_KIND_EVIDENCE[kind].get(f, 0) for f in matched)
    if content_kinds:
        for kind, extra in content_kinds.items():
            scores[kind] += extra
    best = max(KINDS, key=lambda k: (scores[k], -KINDS.index(k)))
    return best, scores


# kinds counted by kind_confidence only when some evidence points to them
EVIDENCE_ONLY_KINDS = frozenset({"spend"})
# evidence points that make the winning kind e (2.72) times as likely per point over the others' (a softmax)
KIND_EVIDENCE_SCALE = 2.0
# below this the report calls the kind a guess and says how to force it
GUESS_BELOW = 0.6


def kind_confidence(scores: dict[str, int]) -> tuple[float, str | None]:
    """(How sure the detected kind is, 0–1; the runner-up kind) from the evidence of every kind.

    The share of the best kind in a softmax of the evidence (``KIND_EVIDENCE_SCALE`` points per factor e): one
    recognised order number alone (3 points against none) gives 0.60, an order file with dates, quantities and
    prices over 0.99, two kinds with equal evidence at most 0.5. No evidence at all gives 1 / the kinds scored
    (0.25 for four). Only the kinds in ``scores`` count (``detect_kind`` scores every kind; a catalog vetoed by
    an order's or a person's fields weighs nothing), and a kind added later (spend, :data:`EVIDENCE_ONLY_KINDS`)
    only where some evidence points to it, so that it does not make every other detection less sure."""
    kinds = [k for k in KINDS if k in scores and (k not in EVIDENCE_ONLY_KINDS or scores.get(k, 0) > 0)]
    order = sorted(kinds, key=lambda k: (-scores.get(k, 0), KINDS.index(k)))
    best = scores.get(order[0], 0)
    weights = [math.exp((scores.get(k, 0) - best) / KIND_EVIDENCE_SCALE) for k in order]
    runner_up = order[1] if scores.get(order[1], 0) > 0 else None
    return round(weights[0] / sum(weights), 2), runner_up


# words (stems, compared inside the normalised header) that say a column is about marketing consent, in a few
# languages: strong ones alone, weak ones beside a word for e-mail, news or SMS ("Subscribed" alone may be a
# subscription box). A header that says the opposite (unsubscribed, opt-out, do not e-mail) is never consent,
# nor one that names a time, a source or a reason of the consent.
_CONSENT_STEMS = ("consent", "optin", "optedin", "marketing", "newsletter", "accepts", "permission", "gdpr",
                  "dsgvo", "mailing", "einwilligung", "zustimmung", "werbung", "nieuwsbrief", "toestemming",
                  "consentement", "infolettre", "boletin", "consenso")
_WEAK_CONSENT_STEMS = ("subscri", "suscri", "aanmelding", "anmeldung", "iscrizione", "inscri", "contact", "ok",
                       "allowed", "agreed", "wants")
_CHANNEL_STEMS = ("mail", "news", "sms", "text", "whatsapp", "promo", "offers")
_NOT_CONSENT_STEMS = ("unsub", "optout", "optedout", "donot", "dont", "nomarketing", "abgemeldet", "afgemeld",
                      "abmeld", "desinscri", "desuscri", "bounce", "cleaned", "blocked", "blacklist", "suppress")
_NOT_A_FLAG_WORDS = frozenset({"time", "timestamp", "date", "datum", "fecha", "at", "on", "ip", "source", "channel",
                               "campaign", "reason", "count", "score", "rating", "method", "type", "id", "by",
                               "form", "url", "text"})
_SMS_STEMS = ("sms", "textmessage", "texts", "whatsapp", "mobilemarketing")


def consent_field_named(header: str) -> str | None:
    """``consent_email`` or ``consent_sms`` when a header's words speak of marketing consent ("Marketing OK?",
    "Newsletter (Y/N)", "Einwilligung Werbung", "SMS marketing opt in"); None otherwise. Only a hint: the
    column is consent when its values are yes/no as well (``mapping.content``)."""
    norm = normalise_header(header)
    strong = any(stem in norm for stem in _CONSENT_STEMS)
    weak = any(stem in norm for stem in _WEAK_CONSENT_STEMS) and any(stem in norm for stem in _CHANNEL_STEMS)
    if not (strong or weak) or any(stem in norm for stem in _NOT_CONSENT_STEMS):
        return None
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(header))   # camelCase words apart
    words = set(re.findall(r"[a-z]+", unicodedata.normalize("NFKD", spaced).lower()))
    if words & _NOT_A_FLAG_WORDS - {"text"}:
        return None
    return "consent_sms" if any(stem in norm for stem in _SMS_STEMS) or "text" in words else "consent_email"


_QUESTION_WORDS = frozenset({
    "how", "what", "why", "which", "would", "will", "did", "do", "does", "are", "is", "was", "were", "could",
    "can", "should", "where", "when", "who", "overall", "please", "hoe", "wat", "waarom", "welke", "zou", "wie",
    "warum", "welche", "wurden", "würden", "comment", "pourquoi", "quel", "quelle", "quelles",
    "recommanderiez", "como", "cómo", "que", "qué", "por", "cual", "cuál", "recomendarias"})


def is_question(header: str) -> bool:
    """A survey column titled with its question ("How likely are you to recommend us to a friend?")."""
    text = str(header or "").strip()
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 3:
        return False
    return text.endswith("?") or words[0] in _QUESTION_WORDS
