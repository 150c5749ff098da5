-- grain: one row per matching customer (at most $limit)
-- Customers whose id, name, email or phone contains the query. $pattern and $digits_pattern are LIKE patterns
-- built in Python with % _ and \ escaped; $text / $digits are the normalised query for exact-match ranking.
with matches as (
    select
        s.customer_id,
        case
            when s.search_id = $text or s.search_email = $text                          then 0
            when ($digits <> '' and s.search_phone = $digits) or s.search_name = $text  then 1
            when starts_with(s.search_id, $text) or starts_with(s.search_name, $text)
                 or starts_with(s.search_email, $text)                                  then 2
            else 3
        end as match_rank
    from segment_customer_search s
    where s.search_id like $pattern escape '\'
       or s.search_name like $pattern escape '\'
       or s.search_email like $pattern escape '\'
       or (length($digits) >= 4 and s.search_phone like $digits_pattern escape '\')
),

final as (
    select
        c.customer_id,
        c.name,
        c.email,
        c.phone,
        c.country,
        c.orders,
        cast(c.net_revenue as double)   as net_revenue,
        c.last_order_at,
        m.match_rank
    from matches m
    join customers c on c.customer_id = m.customer_id
)

select * from final
order by match_rank, net_revenue desc nulls last, customer_id
limit $limit
