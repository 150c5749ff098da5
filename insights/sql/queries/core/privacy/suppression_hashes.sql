-- grain: one row per suppressed identifier hash and scope (erased: never loaded again; do_not_contact: never exported)
select distinct identifier_hash, kind, scope from suppression
where $scope is null or scope = $scope
