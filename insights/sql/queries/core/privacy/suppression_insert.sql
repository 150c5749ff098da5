-- grain: one row written per new (identifier hash, scope) of the registered frame _suppress_new
insert into suppression
select distinct n.identifier_hash, n.kind, n.scope, n.reason, n.source, $added_at
from _suppress_new n
where not exists (select 1 from suppression s where s.identifier_hash = n.identifier_hash and s.scope = n.scope)
