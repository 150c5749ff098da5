-- grain: one row per recommended product of one customer (the stored recommendations), best first
select rank, product_id, product_name, score, method
from recommendations_scores
where customer_id = $customer_id
order by rank
