-- grain: one row: the latest time any unit reached a step (how far the events go, for periods still converting)
select max(reached_at) as last_reached from _funnel_reach
