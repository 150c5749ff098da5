-- grain: one row per feedback answer submitted before $cutoff and complaint word it contains
-- $negative_pattern is the packaged regular expression of complaint words (a bound value, never user text). The
-- words are grouped into topics, and answers counted once per topic, in Python
-- (insights/predictions/churn/topics.py).
with answers as (
    select
        customer_id,
        row_number() over ()                                                   as answer,
        list_distinct(regexp_extract_all(lower(text), $negative_pattern, 1))   as words
    from feedback
    where customer_id is not null and submitted_at < $cutoff and text is not null and text <> ''
),

final as (
    select customer_id, answer, unnest(words) as word
    from answers
    where len(words) > 0
)

select * from final order by customer_id, answer, word
