"""python -m insights ingest --kind KIND=FILE, and how sure the detected kind is (--json and the human report)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from insights.cli import main

VENDOR = Path(__file__).resolve().parent / "vendor_exports"
SURVEY = "Date,Score,Comment\n2024-03-01,9,Great coffee and fast delivery\n2024-03-02,4,Arrived late and cold\n"
# a list of e-mails: a customer list, or not
UNCLEAR = "email\nana@example.com\nbo@example.com\n"


def test_kind_per_file_forces_one_file_and_detects_the_other(tmp_path, capsys):
    shutil.copy(VENDOR / "trustpilot_reviews.csv", tmp_path / "reviews.csv")
    (tmp_path / "nps.csv").write_text(SURVEY, encoding="utf-8")
    files = [str(tmp_path / "reviews.csv"), str(tmp_path / "nps.csv")]
    # 7 of the 22 reviews have no customer key: more than 1% rejected, so the load needs --yes
    assert main(["ingest", *files, "--workspace", str(tmp_path / "ws"), "--json", "--yes",
                 "--kind", "customers=reviews.csv"]) == 0
    out = json.loads(capsys.readouterr().out)
    reviews, nps = out["files"]
    assert (reviews["name"], reviews["kind"], reviews["kind_confidence"], reviews["kind_runner_up"]) == (
        "reviews.csv", "customers", 1.0, None)
    assert nps["kind"] == "feedback" and nps["rows_loaded"] == 2
    assert nps["kind_confidence"] >= 0.6 and nps["kind_runner_up"] == "transactions"
    assert out["workspace"]["feedback"] == 2


def test_json_gives_the_detected_kinds_confidence(tmp_path, capsys):
    shutil.copy(VENDOR / "typeform_nps_responses.csv", tmp_path / "typeform.csv")
    assert main(["ingest", str(tmp_path / "typeform.csv"), "--workspace", str(tmp_path / "ws"), "--json"]) == 0
    f = json.loads(capsys.readouterr().out)["files"][0]
    assert (f["kind"], f["kind_runner_up"], f["rows_loaded"]) == ("feedback", "transactions", 28)
    assert 0.9 <= f["kind_confidence"] <= 1.0


def test_a_plain_kind_still_means_every_file(tmp_path, capsys):
    (tmp_path / "a.csv").write_text(SURVEY, encoding="utf-8")
    (tmp_path / "b.csv").write_text(SURVEY.replace("2024-03", "2024-04"), encoding="utf-8")
    assert main(["ingest", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"), "--workspace", str(tmp_path / "ws"),
                 "--json", "--kind", "feedback"]) == 0
    files = json.loads(capsys.readouterr().out)["files"]
    assert [f["kind"] for f in files] == ["feedback", "feedback"] and [f["rows_loaded"] for f in files] == [2, 2]


def test_a_low_confidence_kind_is_called_a_guess_with_the_way_to_force_it(tmp_path, capsys):
    (tmp_path / "refs.csv").write_text(UNCLEAR, encoding="utf-8")
    (tmp_path / "nps.csv").write_text(SURVEY, encoding="utf-8")
    main(["ingest", str(tmp_path / "refs.csv"), str(tmp_path / "nps.csv"), "--workspace", str(tmp_path / "ws")])
    out = capsys.readouterr().out
    refs, nps = out.split("nps.csv  (")
    assert "is a guess (confidence" in refs and "--kind " in refs and "=refs.csv" in refs
    assert "kind: feedback (confidence" in nps and "guess" not in nps


def test_unknown_kind_or_file_is_a_one_line_error(tmp_path, capsys):
    (tmp_path / "nps.csv").write_text(SURVEY, encoding="utf-8")
    path, ws = str(tmp_path / "nps.csv"), str(tmp_path / "ws")
    assert main(["ingest", path, "--workspace", ws, "--kind", "surveys=nps.csv"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "unknown kind 'surveys'" in err and "feedback" in err
    assert main(["ingest", path, "--workspace", ws, "--kind", "feedback=web.csv"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "'web.csv' is not one of the files to load (nps.csv)" in err
    assert not (tmp_path / "ws").exists()
