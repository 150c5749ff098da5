"""Files laid out as real publishers export them: which column the owner's data lands in."""

from insights.ingest.prepare import ingest_files

ALEXA = """rating,date,variation,verified_reviews,feedback
5,31-Jul-18,Charcoal Fabric,Love my Echo so much,1
1,31-Jul-18,Walnut Finish,It stopped working after two days,0
4,30-Jul-18,Heather Gray Fabric,Sometimes it does not hear me well,1
"""


def test_review_text_is_the_review_not_the_feedback_flag(tmp_path, tmp_workspace):
    path = tmp_path / "amazon_alexa.csv"
    path.write_text(ALEXA)
    ingest_files(tmp_workspace, [path])
    rows = tmp_workspace.con.execute("select score, text from feedback order by source_row").fetchall()
    assert rows == [(5.0, "Love my Echo so much"), (1.0, "It stopped working after two days"),
                    (4.0, "Sometimes it does not hear me well")]


def test_alexa_reviews_keep_their_text(shared_data, tmp_workspace):
    path = shared_data / "amazon_alexa_reviews" / "amazon_alexa.tsv"
    ingest_files(tmp_workspace, [path])
    flags = tmp_workspace.con.execute("select count(*) from feedback where text in ('0', '1')").fetchone()[0]
    assert flags == 0
