-- grain: one row per product category x event type (view, cart) seen in the events
-- Product views and add-to-carts per category before a period ([$base_start, $start)) and in it
-- ([$start, $stop)). An event belongs to a category when a segment of its page path is the category's name
-- written as a URL slug ("Garden Tools" -> garden-tools) or the id of one of the category's products (as in
-- /products/sku-123); events whose page names no category (/cart, /checkout) are left out.
with products as (
    -- a line's category is its own, or the catalog's where it has none (line_products)
    select distinct category, lower(trim(product_id)) as product_key
    from (select l.product_id, l.is_non_product, coalesce(lp.category, l.category) as category
          from order_lines l left join line_products lp using (line_id))
    where not is_non_product and category is not null and trim(category) <> '' and product_id is not null
),

keys as (
    select distinct category,
           trim(regexp_replace(lower(trim(category)), '[^a-z0-9]+', '-', 'g'), '-') as page_key
    from products
    union
    select category, product_key from products where product_key <> ''
),

daily as (
    select cast(event_at as date) as event_date, lower(page) as page, event_type, count(*) as events
    from events
    where event_type in ('view', 'cart') and page is not null
      and event_at >= cast($base_start as timestamp) and event_at < cast($stop as timestamp)
    group by all
),

page_segments as (
    select distinct page, unnest(string_split(regexp_replace(page, '[?#].*$', ''), '/')) as segment
    from (select distinct page from daily)
),

page_category as (
    select distinct page_segments.page, keys.category
    from page_segments
    join keys on keys.page_key = page_segments.segment
),

final as (
    select
        page_category.category,
        daily.event_type,
        sum(daily.events) filter (where daily.event_date < cast($start as date))   as base_events,
        sum(daily.events) filter (where daily.event_date >= cast($start as date))  as period_events
    from daily
    join page_category using (page)
    group by all
)

select category, event_type, coalesce(base_events, 0) as base_events, coalesce(period_events, 0) as period_events
from final
order by category, event_type
