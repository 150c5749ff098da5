-- grain: one row (the most frequent currency written in the orders; NULL when none is)
select mode(currency) from orders where currency is not null
