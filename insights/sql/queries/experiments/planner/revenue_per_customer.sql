-- grain: one row per identified customer with an order before $as_of: what they spent in the $window_days from
-- $as_of (the outcome a campaign sent that day would be read on) and in the $pre_days before it (what the
-- regression adjustment uses). Revenue counts every order id's net revenue, as a campaign's outcome does
-- (queries/experiments/campaign/outcomes.sql).
select
    customer_id,
    coalesce(sum(net_revenue) filter (where ordered_at >= $as_of
                                        and ordered_at < $as_of + to_days($window_days)), 0)   as revenue_after,
    coalesce(sum(net_revenue) filter (where ordered_at < $as_of
                                        and ordered_at >= $as_of - to_days($pre_days)), 0)     as revenue_before
from orders
where customer_id is not null
group by customer_id
having min(ordered_at) < $as_of
order by customer_id
