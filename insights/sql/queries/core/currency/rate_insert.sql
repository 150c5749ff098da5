-- grain: no rows (an insert): one rate of the owner's rate table
insert into currency_rates values ($currency, $month, $rate)
