-- grain: one row per product (level 'product') or category (level 'category') whose page the events name — and
-- per month of the session's first view of it when $by_month ('YYYY-MM'; null otherwise) — with the sessions that
-- viewed it between $since and $until (nulls: no bound) and how many of those sessions went on to add to cart and
-- to buy (any product: an events export rarely says which product a cart event is for).
-- A page names a product or a category when its last path segment, lower case with everything but letters and
-- digits dropped, equals the product's code, the product's name or the category written the same way:
-- '/p/te-101-l' → TE-101-L, '/products/pillow-large' → Pillow (large), '/garden-tools' → Garden Tools.
-- A session counts once per product however often it viewed the page; cancelled and non-product lines never
-- name a product.
with catalog as (
    select product_id, any_value(product_name) as product_name, any_value(category) as category
    from order_lines
    where product_id is not null and not is_non_product and not is_cancellation
    group by product_id
),

keys as (
    select 'product' as level, product_id as subject, product_name as name,
           regexp_replace(lower(product_id), '[^a-z0-9]+', '', 'g') as page_key
    from catalog
    union
    select 'product', product_id, product_name, regexp_replace(lower(product_name), '[^a-z0-9]+', '', 'g')
    from catalog where product_name is not null
    union
    select distinct 'category', category, category, regexp_replace(lower(category), '[^a-z0-9]+', '', 'g')
    from catalog where category is not null
),

-- a key that names two subjects of one level (two products called the same) names neither
unique_keys as (
    select level, page_key, min(subject) as subject, min(name) as name
    from keys
    where page_key <> ''
    group by level, page_key
    having count(distinct subject) = 1
),

pages as (
    select page,
           regexp_replace(lower(regexp_extract(page, '([^/?#]+)/*(?:[?#].*)?$', 1)), '[^a-z0-9]+', '', 'g') as page_key
    from (select distinct page from events where page is not null)
),

viewed as (
    select k.subject, any_value(k.name) as name, e.session_id, min(e.event_at) as first_view
    from events e
    join pages p on p.page = e.page
    join unique_keys k on k.page_key = p.page_key and k.level = $level
    where e.event_type = 'view' and e.session_id is not null
      and ($since is null or e.event_at >= $since) and ($until is null or e.event_at < $until)
    group by k.subject, e.session_id
),

after_view as (
    select
        v.subject,
        v.name,
        v.session_id,
        case when $by_month then strftime(v.first_view, '%Y-%m') end       as month,
        bool_or(e.event_type = 'cart' and e.event_at >= v.first_view)     as carted,
        bool_or(e.event_type = 'purchase' and e.event_at >= v.first_view) as bought
    from viewed v
    join events e on e.session_id = v.session_id
    group by v.subject, v.name, v.session_id, v.first_view
)

select
    subject,
    month,
    any_value(name)                         as name,
    count(*)                                as sessions,
    count(*) filter (where carted)          as carted,
    count(*) filter (where bought)          as bought
from after_view
group by subject, month
order by month, sessions desc, subject
