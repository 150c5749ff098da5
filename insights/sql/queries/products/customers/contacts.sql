-- grain: one row per resolved customer: whether they may be e-mailed, their address and name
-- Consent as the customers mart keeps it: only TRUE is consent (FALSE and unknown are not).
select customer_id, email, name, coalesce(consent_email, false) as consent_email
from customers
