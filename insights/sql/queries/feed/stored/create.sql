-- grain: one row per stored feed result (a key naming the data version, the day looked at and the settings)
-- Not a mart: the detectors' findings for data that has not changed, so a warm feed reads them instead of
-- running every detector again. Derived data: dropping the table loses nothing but time.
create table if not exists feed_results (
    key           varchar primary key,
    data_version  varchar not null,
    computed_at   timestamp not null,
    insights      varchar not null
)
