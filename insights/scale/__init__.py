"""Past one machine: the SQL files as Spark SQL, the canonical tables as Parquet."""
