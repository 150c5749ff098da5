-- grain: one row per scope, kind and reason of the suppression list (counts only: the list holds no address)
select scope, kind, coalesce(reason, '') as reason, count(*) as identifiers, min(added_at) as first_added,
       max(added_at) as last_added
from suppression group by all order by scope, kind, reason
