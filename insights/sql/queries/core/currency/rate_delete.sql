-- grain: no rows (a delete): the owner's rate of a currency for a month (or for every month) replaced or removed
delete from currency_rates where currency = $currency and month is not distinct from $month
