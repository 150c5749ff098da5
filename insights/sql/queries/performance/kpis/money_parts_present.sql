-- grain: one row (how many orders carry money parts: tax, shipping, refunds)
select count(*) from order_money
