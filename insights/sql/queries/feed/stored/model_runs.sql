-- grain: one row per stored model run (the detectors read the churn and CLV results)
select model, concat_ws('|', data_version, run_key, md5(coalesce(report::varchar, '')),
                        md5(coalesce(params::varchar, ''))) as run
from model_runs
order by model
