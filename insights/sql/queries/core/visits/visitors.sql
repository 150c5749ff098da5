-- grain: one row per identified customer who visited the site in the $days days before $as_of (exclusive; null:
-- the day after the last event): their visits then, the last visit, the last visit that viewed and the last that
-- added to cart, carts left (visits with a cart and no purchase), the pages they viewed (newest first, at most 5),
-- and whether they bought since: an order (orders mart) or a purchase event at or after that visit began; as_of
-- is the window's end.
-- A visit is a session id (events without one: the customer and day); an anonymous visit that carries a customer
-- id at any point is that customer's. $customer_id (null: everyone) narrows it to one customer.
with bounds as (
    select coalesce(cast($as_of as timestamp), cast(cast(max(event_at) as date) + 1 as timestamp)) as as_of
    from events
),

window_events as (
    select e.*, coalesce(e.session_id, e.customer_id || '·' || strftime(e.event_at, '%Y-%m-%d')) as visit_key
    from events e, bounds b
    where e.event_at < b.as_of and e.event_at >= b.as_of - to_days(cast($days as integer))
),

visits as (
    select
        visit_key,
        max(customer_id)                                     as customer_id,
        min(event_at)                                        as started_at,
        max(event_at)                                        as ended_at,
        bool_or(event_type = 'view')                         as viewed,
        bool_or(event_type = 'cart')                         as carted,
        bool_or(event_type = 'purchase')                     as bought
    from window_events
    group by visit_key
),

pages as (
    select customer_id, list(page order by last_seen desc)[1:5] as pages_viewed
    -- the page's path only: a query string or fragment can carry an e-mail or a token (/account?email=…)
    from (select v.customer_id, regexp_replace(e.page, '[?#].*$', '') as page, max(e.event_at) as last_seen
          from window_events e join visits v using (visit_key)
          where e.event_type = 'view' and e.page is not null and v.customer_id is not null
          group by v.customer_id, regexp_replace(e.page, '[?#].*$', ''))
    group by customer_id
),

per_customer as (
    select
        customer_id,
        count(*)                                             as visits,
        max(ended_at)                                        as last_visit_at,
        max(started_at) filter (where viewed)                as last_view_at,
        max(started_at) filter (where carted)                as last_cart_at,
        count(*) filter (where carted and not bought)        as carts_left
    from visits
    where customer_id is not null and ($customer_id is null or customer_id = $customer_id)
    group by customer_id
),

bought_since as (
    select
        p.customer_id,
        max(o.ordered_at)                                    as last_order_at,
        bool_or(o.ordered_at >= p.last_view_at)              as ordered_since_view,
        bool_or(o.ordered_at >= p.last_cart_at)              as ordered_since_cart
    from per_customer p
    join orders o on o.customer_id = p.customer_id and o.is_order
    group by p.customer_id
),

bought_in_visit as (
    select
        p.customer_id,
        bool_or(v.bought and v.started_at >= p.last_view_at) as purchase_since_view,
        bool_or(v.bought and v.started_at >= p.last_cart_at) as purchase_since_cart
    from per_customer p
    join visits v on v.customer_id = p.customer_id
    group by p.customer_id
),

final as (
    select
        p.customer_id,
        (select as_of from bounds)                                                           as as_of,
        c.name,
        c.email,
        c.consent_email,
        p.visits,
        p.last_visit_at,
        p.last_view_at,
        p.last_cart_at,
        p.carts_left,
        array_to_string(pg.pages_viewed, ' ')                                                as pages_viewed,
        cast(b.last_order_at as date)                                                        as last_order_date,
        coalesce(c.orders, 0)                                                                as orders,
        cast(coalesce(c.net_revenue, 0) as double)                                           as net_revenue,
        p.last_view_at is not null and not coalesce(b.ordered_since_view, false)
            and not coalesce(iv.purchase_since_view, false)                                  as browsed_not_bought,
        p.last_cart_at is not null and not coalesce(b.ordered_since_cart, false)
            and not coalesce(iv.purchase_since_cart, false)                                  as cart_not_bought
    from per_customer p
    left join customers c using (customer_id)
    left join pages pg using (customer_id)
    left join bought_since b using (customer_id)
    left join bought_in_visit iv using (customer_id)
)

select * from final order by last_visit_at desc, customer_id
