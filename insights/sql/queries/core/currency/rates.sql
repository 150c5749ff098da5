-- grain: one row per currency and month of the owner's rate table (month null: every month)
select currency, month, rate from currency_rates order by currency, month nulls first
