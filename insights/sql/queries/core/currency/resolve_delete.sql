-- grain: no rows (a delete): the rates in use are resolved again at every mart build
delete from reporting_rates
