"""Which acquisition channel of the shop each spend label pays for: the channel map, a workspace setting.

A spend label (``Meta Ads``, ``paid_search``, ``Google Ads Search``) goes to one of the shop's acquisition channels
(the channels its customers came by: the CRM's, else their first order's), in this order:

1. the owner's own choice, remembered in the workspace (``setting:acquisition_channel_map``: label → channel, or
   ``""`` for "no channel of mine");
2. the same label, case and separators ignored (``paid_social`` is ``Paid Social``; ``values.labels.label_key``);
3. one family of channels (:data:`FAMILIES`): ``Meta Ads``, ``Facebook``, ``Instagram`` and ``Paid Social`` are paid
   social; ``Google Ads`` (and its search and shopping campaigns), ``Microsoft Ads``, ``Bing`` and ``Paid Search``
   are paid search — the label goes to the shop channel of its family;
4. else to no channel: its spend is reported as unmatched, never divided by zero or dropped.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from insights.ingest.values.labels import label_key

SETTING = "acquisition_channel_map"

# families of channel labels (compared by label_key); a spend label and a shop channel of one family are one channel
FAMILIES: dict[str, frozenset[str]] = {
    "paid social": frozenset({
        "paid social", "social ads", "paid socials", "meta", "meta ads", "facebook", "facebook ads", "fb ads",
        "instagram", "instagram ads", "tiktok", "tiktok ads", "pinterest", "pinterest ads", "snapchat ads",
        "linkedin ads", "social paid", "paidsocial", "cpc social"}),
    "paid search": frozenset({
        "paid search", "google ads", "google ads search", "google ads shopping", "google ads performance max",
        "google shopping", "google search", "adwords", "google adwords", "microsoft ads", "microsoft advertising",
        "microsoft ads search", "bing", "bing ads", "sem", "ppc", "cpc", "search ads", "google cpc", "google / cpc",
        "paidsearch", "search paid"}),
    "display": frozenset({"display", "google ads display", "google display network", "programmatic", "banner ads"}),
    "video": frozenset({"video", "google ads video", "youtube", "youtube ads"}),
    "email": frozenset({"email", "e mail", "newsletter", "mailchimp", "klaviyo", "email marketing", "email tool"}),
    "affiliate": frozenset({"affiliate", "affiliates", "affiliate marketing", "partners"}),
    "influencer": frozenset({"influencer", "influencers", "influencer marketing", "creators"}),
}


def family(label: str) -> str | None:
    key = label_key(label)
    return next((name for name, members in FAMILIES.items() if key in members or key == name), None)


@dataclass(frozen=True)
class ChannelChoice:
    """One spend label and the shop channel its spend counts for (None: none), with why."""
    label: str
    channel: str | None
    rule: str          # "yours", "same name", "same family (paid social)", "no match"


def saved_map(ws) -> dict[str, str]:
    """The owner's remembered choices: label_key of a spend label → shop channel ("" = none of the shop's)."""
    text = ws.setting(SETTING)
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def remember(ws, label: str, channel: str | None) -> None:
    """Remember the owner's choice for ``label`` (``channel`` None or "": the label pays for none of the shop's
    channels). A setting, not data: the workspace's content hash does not change."""
    choices = saved_map(ws)
    choices[label_key(label)] = channel or ""
    ws.set_setting(SETTING, json.dumps(choices, ensure_ascii=False, sort_keys=True))


def forget(ws, label: str | None = None) -> None:
    """Drop the owner's choice for ``label`` (every choice when None): the rules decide again."""
    if label is None:
        ws.set_setting(SETTING, None)
        return
    choices = saved_map(ws)
    choices.pop(label_key(label), None)
    ws.set_setting(SETTING, json.dumps(choices, ensure_ascii=False, sort_keys=True) if choices else None)


def choose(labels, shop_channels, saved: dict[str, str] | None = None) -> dict[str, ChannelChoice]:
    """label → :class:`ChannelChoice` for every spend label, against the shop's channels (most customers first:
    the first of a family wins when several are)."""
    saved = saved or {}
    shop = list(dict.fromkeys(c for c in shop_channels if c))
    by_key = {label_key(c): c for c in reversed(shop)}
    out = {}
    for label in labels:
        key = label_key(label)
        if key in saved:
            own = saved[key]
            out[label] = ChannelChoice(label, own or None, "yours")
        elif key in by_key:
            out[label] = ChannelChoice(label, by_key[key], "same name")
        else:
            fam = family(label)
            match = next((c for c in shop if fam and family(c) == fam), None)
            out[label] = ChannelChoice(label, match, f"same family ({fam})" if match else "no match")
    return out


def apply_choices(ws, wanted: dict[str, str | None], current: dict[str, ChannelChoice]) -> list[str]:
    """Remember the owner's edits: each label whose wanted channel differs from ``current``'s; returns them."""
    wanted = {label: _channel_or_none(channel) for label, channel in wanted.items()}
    changed = [label for label, channel in wanted.items() if label in current and channel != current[label].channel]
    for label in changed:
        remember(ws, label, wanted[label])
    return changed


def _channel_or_none(value) -> str | None:
    """A table cell as a channel: empty, None or NaN (an emptied cell of an editor) is no channel."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value).strip() or None
