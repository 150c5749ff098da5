-- grain: no rows (an update of order_lines): a line stored before lines kept their own amount, or written by
-- hand, takes its revenue as the amount in its own currency
update order_lines set source_revenue = revenue where source_revenue is null
