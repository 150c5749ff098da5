-- grain: the canonical tables, each with its own grain below (one row per loaded line, CRM row, event, answer)
-- Canonical tables of a workspace. Money is DECIMAL(18,4): exact, reconciles to the cent.
-- source_row is the row number a spreadsheet shows (header = row 1).
-- row_hash is md5_number()::uuid of the file kind and the row's cells as read: equal rows, equal hashes, across files.

create table if not exists files (
    file_id      varchar primary key,
    path         varchar,
    name         varchar,
    sha256       varchar,
    kind         varchar,
    loaded_at    timestamp,
    report       json
);

create table if not exists rejects (
    file_id      varchar,
    source_row   bigint,
    column_name  varchar,
    value        varchar,
    reason       varchar
);

create table if not exists set_aside (
    file_id      varchar,
    source_row   bigint,
    reason       varchar
);

create table if not exists order_lines (
    line_id             bigint,
    source_file         varchar,
    source_row          bigint,
    order_id            varchar not null,
    customer_id         varchar,
    source_customer_id  varchar,
    email               varchar,
    phone               varchar,
    ordered_at          timestamp not null,
    product_id          varchar,
    product_name        varchar,
    category            varchar,
    quantity            decimal(18,4) not null,
    unit_price          decimal(18,4) not null,
    revenue             decimal(18,4) not null,
    currency            varchar,
    channel             varchar,
    country             varchar,
    status              varchar,
    is_cancellation     boolean default false,
    is_return           boolean default false,
    is_non_product      boolean default false,
    is_guest            boolean default false,
    delivered_at        timestamp,
    promised_at         timestamp,
    row_hash            uuid,
    source_revenue      decimal(18,4),         -- the line's revenue in its own currency, as loaded
    rate                decimal(18,8),         -- to the reporting currency (core/currency.py); null: no rate,
                                               -- revenue is then 0 and the line is left out of money totals
    customer_name       varchar                -- the customer's name as the order file writes it (Customer Name)
);

-- what an orders file says about an order or a line beyond its money: flags, tags (one row per tag, name 'tag'),
-- codes, methods, later dates (shipped_at, approved_at, ship_by …), payments (payment_type, payment_value …).
-- line_id is the order line the value came from, null for the whole order (an orders or payments file).
-- Values are text: dates as YYYY-MM-DD HH:MM:SS, flags as true/false, amounts as plain numbers.
-- The rule for which columns are kept: insights/ingest/load/attributes.py.
create table if not exists order_attributes (
    order_id            varchar not null,
    line_id             bigint,
    source_file         varchar,
    source_row          bigint,
    name                varchar not null,
    value               varchar not null,
    source_column       varchar
);

create table if not exists customer_records (
    record_id           bigint,
    source_file         varchar,
    source_row          bigint,
    customer_id         varchar,
    source_customer_id  varchar,
    name                varchar,
    email               varchar,
    phone               varchar,
    country             varchar,
    city                varchar,
    channel             varchar,
    signed_up_at        timestamp,
    consent_email       boolean,
    consent_sms         boolean,
    status              varchar,
    cancelled_at        timestamp,
    churned             boolean,
    attributes          json,
    row_hash            uuid
);

create table if not exists events (
    event_id            bigint,
    source_file         varchar,
    source_row          bigint,
    customer_id         varchar,
    source_customer_id  varchar,
    email               varchar,
    session_id          varchar,
    event_at            timestamp,
    event_type          varchar,
    event_name          varchar,
    page                varchar,
    channel             varchar,
    device              varchar,
    order_id            varchar,
    row_hash            uuid
);

create table if not exists feedback (
    feedback_id         bigint,
    source_file         varchar,
    source_row          bigint,
    customer_id         varchar,
    source_customer_id  varchar,
    email               varchar,
    submitted_at        timestamp,
    kind                varchar,
    score               double,
    text                varchar,
    order_id            varchar,
    row_hash            uuid
);

create table if not exists spend (
    spend_id            bigint,
    source_file         varchar,
    source_row          bigint,
    period_start        date,
    period_end          date,
    platform            varchar,
    channel_label       varchar,
    channel             varchar,
    campaign            varchar,
    campaign_type       varchar,
    amount              decimal(18,4),
    currency            varchar,
    clicks              bigint,
    impressions         bigint,
    conversions         decimal(18,4),
    row_hash            uuid
);

-- products: one row per loaded catalog row (insights/ingest/load/catalog.py). A row names a product (product_id:
-- its SKU or code) or, without a product, a category (category_name: its translation; margin_pct: its gross
-- margin in %). A product on several rows or files: the row loaded last counts (mart product_catalog).
create table if not exists products (
    product_row_id      bigint,
    source_file         varchar,
    source_row          bigint,
    product_id          varchar,
    name                varchar,
    category            varchar,
    category_name       varchar,
    unit_cost           decimal(18,4),
    price               decimal(18,4),
    currency            varchar,
    margin_pct          decimal(18,4),
    row_hash            uuid
);

create table if not exists identity_merges (
    customer_id  varchar,
    merged_key   varchar,
    key_kind     varchar,
    reason       varchar
);

create table if not exists mapping_memory (
    layout_signature varchar primary key,
    kind             varchar,
    mapping          json
);

-- currency_rates: the owner's rates to the reporting currency (insights/core/currency.py): one amount of the
-- currency is worth `rate` of the reporting currency; month null = every month without a rate of its own.
create table if not exists currency_rates (
    currency            varchar not null,
    month               date,
    rate                decimal(18,8) not null
);

-- reporting_rates: the rates in use, resolved from currency_rates at every mart build (core/currency.py): one row
-- per currency written by the order lines or the catalogs' costs ('' for none: the currency the owner stated,
-- else the reporting one) and month of the order lines. rate: 1 for the reporting currency, null without a rate.
create table if not exists reporting_rates (
    currency            varchar not null,
    month               date not null,
    rate                decimal(18,8)
);

create table if not exists workspace_meta (
    key   varchar primary key,
    value varchar
);

-- order_money: one row per order whose export carries the order's money parts (e.g. Shopify's orders export),
-- written by insights/ingest/load/shopify.py. The export's own figures (subtotal after discounts, discount,
-- shipping, taxes, total, refunded amount) and the parts of the source system's sales report (gross sales,
-- discounts, returns, shipping, all without tax when the shop's prices include it). ordered_at_utc is the
-- order's instant (for the shop's time zone); cancelled_at / refunded_at are local times, null when unknown.
create table if not exists order_money (
    order_id            varchar not null,
    source_file         varchar,
    source_row          bigint,
    currency            varchar,
    ordered_at_utc      timestamp,             -- UTC, without zone
    financial_status    varchar,
    is_cancelled        boolean,
    cancelled_at        timestamp,
    taxes_included      boolean,
    subtotal            decimal(18,4),
    discount_amount     decimal(18,4),
    shipping_charged    decimal(18,4),
    taxes_charged       decimal(18,4),
    total               decimal(18,4),
    refunded_amount     decimal(18,4),
    refunded_at         timestamp,
    gross_sales         decimal(18,4),
    discounts           decimal(18,4),
    returns             decimal(18,4),
    shipping            decimal(18,4),
    shipping_returned   decimal(18,4),
    taxes_returned      decimal(18,4)
);

-- privacy (insights/core/suppression.py, insights/privacy/). suppression: identifiers never to load again
-- (scope 'erased') or never to export (scope 'do_not_contact': unsubscribed, bounced, asked not to be contacted),
-- kept as keyed hashes (HMAC-SHA256 with the workspace's own key of "kind:value"), never as the address itself.
create table if not exists suppression (
    identifier_hash     varchar not null,
    kind                varchar not null,      -- email, phone, customer_id
    scope               varchar not null,      -- erased, do_not_contact
    reason              varchar,
    source              varchar,               -- an erasure's receipt id or the list's file name
    added_at            timestamp
);

-- privacy_log: who did what to personal data, and when (erasures, reveals, exports, retention runs, lists);
-- subject is a pseudonym or a count, never a name, address or phone.
create table if not exists privacy_log (
    logged_at           timestamp not null,
    action              varchar not null,
    actor               varchar,
    subject             varchar,
    detail              json
);
