-- grain: one row per insight and customer on its exported list: whether the customer was held back (the control)
create table if not exists insight_holdouts (
    insight_id   varchar not null,
    customer_id  varchar not null,
    held_back    boolean not null,
    primary key (insight_id, customer_id)
)
