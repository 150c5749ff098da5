-- grain: the suppression rows of the listed identifier hashes and scope, removed (the owner lets them back)
delete from suppression where identifier_hash in (select unnest($hashes::varchar[])) and scope = $scope
