"""A product catalog's rows (the ``catalog`` kind, table ``products``): what the vendors' layouts need beyond
their mapping, carried out on a staged file (:func:`derive_catalog`), and what a catalog replaces
(:func:`report_replaced`).

* Shopify's products export has one row per variant: the product's title and category are on its first row
  only, so the others take them from the row of their ``Handle``; a variant is named ``Title - Value1 / Value2``
  (as Shopify names order lines), and one without a SKU is known by its handle (and option values). A row that
  holds only one more image of a product is set aside with that reason.
* WooCommerce's products export lists a variation under its parent (``Parent``: ``id:101`` or the parent's
  SKU): a variation without categories takes its parent's. Several categories are comma-separated: the first
  counts.
* A category written as a path (``Home & Garden > Kitchen > Mugs``, Shopify's taxonomy, WooCommerce's ``>``)
  is its last step (``Mugs``).
* A row with a product name but no code is rejected (a row without a product names a category).
* A negative cost or price, or a margin of 100% or more, cannot be right: the row is rejected with its reason.
  A margin written as a fraction (every value between 0 and 1: ``0.35``) is read as a percentage (35%).
* A product on several rows of one file, or already in the workspace's catalog: the row loaded last counts
  (the mart ``product_catalog``); the report says how many.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from insights.ingest.load.rules import KEEP
from insights.ingest.mapping.profiles import by_name, column_of

IMAGE_ROW_REASON = "only another image of a product (same Handle): no variant, price or cost on this row"
_SHOPIFY_OPTIONS = ("Option1 Value", "Option2 Value", "Option3 Value")
_NO_OPTION = "default title"
SHOWN = 3


def _texts(column) -> list[str | None]:
    out = []
    for value in column.to_pylist():
        text = None if value is None else str(value).strip()
        out.append(text or None)
    return out


def derive_catalog(plan, report, staged, raw_columns) -> None:
    """The catalog's row rules on ``staged`` (in place), each said in the report (see the module docstring)."""
    profile = by_name(getattr(plan, "profile", None))
    if profile is not None and profile.name.startswith("Shopify products"):
        _shopify_variants(plan, report, staged, raw_columns)
    if profile is not None and profile.name == "WooCommerce products":
        _woo_variations(plan, report, staged, raw_columns)
    _category_leaves(plan, report, staged, first_of_list=profile is not None and profile.name.startswith("Woo"))
    _impossible_amounts(staged)
    _margin_fractions(plan, report, staged)
    # a row without a product code is a category's (a translation, a margin %), never a product's
    staged.bad["product_id"] = staged.bad["product_id"] | (staged.null("product_id") & ~staged.null("product_name"))


def _shopify_variants(plan, report, staged, raw_columns) -> None:
    cols = staged.columns
    handle_idx = column_of(plan.columns, "Handle")
    if handle_idx is None:
        handle_idx = column_of(plan.columns, "URL handle")        # the 2024 layout
    if handle_idx is None:
        return
    handles = _texts(raw_columns[handle_idx])
    options = [_texts(raw_columns[i]) for i in (column_of(plan.columns, h) for h in _SHOPIFY_OPTIONS)
               if i is not None]
    names, categories = cols["f_product_name"].to_pylist(), cols["f_category"].to_pylist()
    ids = cols["f_product_id"].to_pylist()
    prices, costs = cols["f_unit_price"].to_pylist(), cols["f_unit_cost"].to_pylist()
    first_name: dict[str, str] = {}
    first_category: dict[str, str] = {}
    for i, handle in enumerate(handles):
        if handle and names[i] and handle not in first_name:
            first_name[handle] = names[i]
        if handle and categories[i] and handle not in first_category:
            first_category[handle] = categories[i]
    images = variants = 0
    for i, handle in enumerate(handles):
        if handle is None:
            continue
        values = [o[i] for o in options if o[i]]
        if ids[i] is None and prices[i] is None and costs[i] is None and not values:
            staged.preset_aside[i] = IMAGE_ROW_REASON
            images += 1
            continue
        title = names[i] or first_name.get(handle)
        named = [v for v in values if v.lower() != _NO_OPTION]
        if names[i] is None:
            variants += 1
        names[i] = f"{title} - {' / '.join(named)}" if title and named else title
        categories[i] = categories[i] or first_category.get(handle)
        if ids[i] is None:
            ids[i] = "/".join([handle, *named])
    cols["f_product_name"] = pa.array(names, pa.string())
    cols["f_category"] = pa.array(categories, pa.string())
    cols["f_product_id"] = pa.array(ids, pa.string())
    if variants:
        report.notes.append(f"{variants:,} variant rows took their product's title and category from the "
                            "product's first row (same Handle).")
    if images:
        report.notes.append(f"{images:,} rows hold only another image of a product: set aside.")


def _woo_variations(plan, report, staged, raw_columns) -> None:
    cols = staged.columns
    type_idx, parent_idx, id_idx = (column_of(plan.columns, h) for h in ("Type", "Parent", "ID"))
    sku_idx = plan.mapping.get("product_id")
    if type_idx is None or parent_idx is None:
        return
    types, parents = _texts(raw_columns[type_idx]), _texts(raw_columns[parent_idx])
    own_ids = _texts(raw_columns[id_idx]) if id_idx is not None else [None] * staged.n
    skus = _texts(raw_columns[sku_idx]) if sku_idx is not None else [None] * staged.n
    categories = cols["f_category"].to_pylist()
    by_key: dict[str, str] = {}
    for i in range(staged.n):
        if categories[i]:
            if own_ids[i]:
                by_key[f"id:{own_ids[i]}"] = categories[i]
            if skus[i]:
                by_key[skus[i]] = categories[i]
    took = 0
    for i in range(staged.n):
        if categories[i] is None and parents[i] and "variation" in (types[i] or "").lower():
            categories[i] = by_key.get(parents[i].replace(" ", ""))
            took += categories[i] is not None
    cols["f_category"] = pa.array(categories, pa.string())
    if took:
        report.notes.append(f"{took:,} variations took their parent product's category.")


def _category_leaves(plan, report, staged, first_of_list: bool) -> None:
    """A category path's last step; of several comma-separated categories (WooCommerce), the first."""
    categories = staged.columns["f_category"].to_pylist()
    changed, example = 0, None
    for i, text in enumerate(categories):
        if text is None:
            continue
        first = text.split(",")[0] if first_of_list else text
        leaf = first.split(">")[-1].strip()
        if leaf and leaf != text:
            changed += 1
            example = example or (text, leaf)
            categories[i] = leaf
    if changed:
        staged.columns["f_category"] = pa.array(categories, pa.string())
        report.notes.append(f"{changed:,} categories are written as a path or a list (“{example[0]}”): the most "
                            f"specific one counts (“{example[1]}”).")


def _impossible_amounts(staged) -> None:
    """A negative cost or price is unreadable as a catalog amount (the check rejects the row, with its reason)."""
    for fld in ("unit_cost", "unit_price"):
        values = staged.columns[f"f_{fld}"]
        negative = np.asarray(pc.fill_null(pc.less(values, pa.scalar(0, values.type)), False)
                              .to_numpy(zero_copy_only=False), dtype=bool)
        staged.bad[fld] = staged.bad[fld] | negative


def _margin_fractions(plan, report, staged) -> None:
    values = staged.columns["f_margin_pct"]
    if plan.mapping.get("margin_pct") is None or values.null_count == len(values):
        return
    numbers = np.asarray(pc.fill_null(values.cast(pa.float64()), np.nan).to_numpy(zero_copy_only=False))
    known = ~np.isnan(numbers)
    if known.any() and np.all(np.abs(numbers[known]) <= 1):
        values = pc.multiply(values.cast(pa.decimal128(18, 4)), pa.scalar(100, pa.decimal128(18, 4)))
        staged.columns["f_margin_pct"] = values.cast(pa.decimal128(18, 4))
        numbers = numbers * 100
        report.notes.append("Margins are written as fractions (0.35): read as percentages (35%).")
    staged.bad["margin_pct"] = staged.bad["margin_pct"] | (known & ((numbers >= 100) | (numbers <= -100)))


def report_replaced(con, plan, staged, report) -> None:
    """Count the file's products and categories, the products it repeats and those it replaces (already in the
    workspace or in an earlier file of this upload): the row loaded last counts. In ``report.catalog`` and a note."""
    keep = staged.state == KEEP
    ids = staged.columns["f_product_id"].filter(pa.array(keep)).to_pylist()
    costs = staged.columns["f_unit_cost"].filter(pa.array(keep)).to_pylist()
    products = [p for p in ids if p is not None]
    distinct = list(dict.fromkeys(products))
    repeated = len(products) - len(distinct)
    con.execute("create temp table if not exists _batch_products (product_id varchar, file_name varchar)")
    con.register("_file_products", pa.table({"product_id": pa.array(distinct, pa.string())}))
    try:
        before = con.execute("""
            with known as (
                select p.product_id, coalesce(f.name, p.source_file) as file_name
                from products p left join files f on f.file_id = p.source_file
                union all
                select product_id, file_name from _batch_products)
            select count(distinct k.product_id), string_agg(distinct k.file_name, ', ' order by k.file_name)
            from known k where k.product_id in (select product_id from _file_products)""").fetchall()[0]
        con.execute("insert into _batch_products select product_id, ? from _file_products", [plan.name])
    finally:
        con.unregister("_file_products")
    replaced, sources = int(before[0] or 0), before[1]
    report.catalog = {"products": len(distinct), "categories": int(keep.sum()) - len(products),
                      "with_cost": len({p for p, c in zip(ids, costs) if p is not None and c is not None}),
                      "repeated_in_file": repeated, "replaced": replaced}
    if repeated:
        seen: set[str] = set()
        first = []
        for product in products:
            if product in seen and product not in first and len(first) < SHOWN:
                first.append(product)
            seen.add(product)
        rows = "1 row repeats" if repeated == 1 else f"{repeated:,} rows repeat"
        report.notes.append(f"{rows} a product code of an earlier row ({', '.join(first)}"
                            f"{' …' if repeated > SHOWN else ''}): the last row counts.")
    if replaced:
        report.notes.append(f"{replaced:,} products were in the catalog already ({sources}): this file's rows "
                            "replace them (the file loaded last counts).")


def drop_table(con) -> None:
    con.execute("drop table if exists _batch_products")
