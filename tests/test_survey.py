"""The satisfaction survey: the IKM score and grade, one response per ticket, phone and tablet."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import issue

from server.reports import figures as report_figures
from server.reports import periods
from server.survey import ikm
from server.survey.ikm import SurveyResult, ikm_grade, ikm_score

ALL_FOUR = {f"u{i}": 4 for i in range(1, 10)}


@pytest.fixture
def officer(login):
    return login("officer", counter=1)


def serve(client, officer, service="A"):
    """Issue a ticket, call it at counter 1, start and finish; return (ticket json, token)."""
    ticket = issue(client, service)
    called = officer.post("/api/counters/1/call-next").get_json()["ticket"]
    assert called["id"] == ticket["id"]
    assert officer.post(f"/api/tickets/{ticket['id']}/start").status_code == 200
    assert officer.post(f"/api/tickets/{ticket['id']}/finish").status_code == 200
    return ticket, ticket["status_url"].rsplit("/t/", 1)[1]


# ---- the score and the grade ---------------------------------------------------------------


@pytest.mark.parametrize(
    "score, grade, label",
    [
        (100, "A", "Sangat Baik"),
        (88.31, "A", "Sangat Baik"),
        (88.305, "A", "Sangat Baik"),
        (88.3049, "B", "Baik"),
        (88.30, "B", "Baik"),
        (76.61, "B", "Baik"),
        (76.605, "B", "Baik"),
        (76.60, "C", "Kurang Baik"),
        (76.6049, "C", "Kurang Baik"),
        (65.00, "C", "Kurang Baik"),
        (64.995, "C", "Kurang Baik"),
        (64.99, "D", "Tidak Baik"),
        (25.00, "D", "Tidak Baik"),
    ],
)
def test_grade_at_and_around_each_boundary(score, grade, label):
    assert ikm_grade(score) == (grade, label)
    assert ikm_grade(Decimal(str(score))) == (grade, label)


def test_score_is_the_element_average_times_25():
    assert ikm_score([4] * 9) == Decimal("100.00")
    assert ikm_score([1] * 9) == Decimal("25.00")
    # Element averages 3.5 (×5) and 3.0 (×4): mean 3.2777… × 25 = 81.944… → 81.94, B.
    averages = [3.5] * 5 + [3.0] * 4
    assert ikm_score(averages) == Decimal("81.94")
    assert ikm_grade(ikm_score(averages)) == ("B", "Baik")
    # 3.5324 × 25 = 88.31 exactly on the A boundary.
    assert ikm_score([3.5324]) == Decimal("88.31") and ikm_grade(ikm_score([3.5324]))[0] == "A"
    assert ikm_score([]) is None and ikm_grade(None) is None


def test_survey_results_roll_up_groups():
    rows = [
        {
            "service": "A",
            "counter_id": 1,
            "kind": "ikm",
            "respondents": 2,
            **{f"u{i}": 7 for i in range(1, 10)},
            "rating": 0,
            "r1": 0,
            "r2": 0,
            "r3": 0,
            "r4": 0,
        },
        {
            "service": "B",
            "counter_id": 2,
            "kind": "ikm",
            "respondents": 1,
            **{f"u{i}": 2 for i in range(1, 10)},
            "rating": 0,
            "r1": 0,
            "r2": 0,
            "r3": 0,
            "r4": 0,
        },
        {
            "service": "A",
            "counter_id": 1,
            "kind": "smiley",
            "respondents": 2,
            **{f"u{i}": 0 for i in range(1, 10)},
            "rating": 7,
            "r1": 0,
            "r2": 0,
            "r3": 1,
            "r4": 1,
        },
    ]
    results = ikm.survey_results(rows)
    overall: SurveyResult = results["all"]["all"]
    assert overall.respondents == 3 and overall.element_averages["u1"] == 3.0
    assert overall.score == Decimal("75.00") and overall.grade == ("C", "Kurang Baik")
    assert results["service"]["A"].score == Decimal("87.50")
    assert (
        results["counter"][1].smiley_score == Decimal("87.50") and results["counter"][1].smiley_counts[4] == 1
    )


# ---- the visitor's phone -------------------------------------------------------------------


def test_one_response_per_ticket_from_the_status_page(client, officer, loket):
    ticket, token = serve(client, officer)
    page = client.get(f"/t/{token}/survei")
    assert page.status_code == 200 and "Persyaratan" in page.get_data(as_text=True)
    response = client.post(f"/api/survey/{token}", json={"answers": ALL_FOUR, "comment": "Cepat sekali"})
    assert response.status_code == 201, response.get_json()
    again = client.post(f"/api/survey/{token}", json={"rating": 1})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_answered"
    assert "Terima kasih" in client.get(f"/t/{token}/survei").get_data(as_text=True)
    today = loket.queue.today()
    figures = report_figures.Figures().compute(
        loket.store, loket.config, periods.Period("day", *[date.fromisoformat(today)] * 2)
    )
    assert figures["survey"]["service"]["A"].score == Decimal("100.00")
    assert figures["comments"][0]["comment"] == "Cepat sekali"


def test_survey_opens_only_after_service(client, officer):
    ticket = issue(client, "A")
    token = ticket["status_url"].rsplit("/t/", 1)[1]
    assert "belum dibuka" in client.get(f"/t/{token}/survei").get_data(as_text=True)
    response = client.post(f"/api/survey/{token}", json={"rating": 4})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "not_done"
    assert client.get("/t/tidak-ada/survei").status_code == 404
    assert client.post("/api/survey/tidak-ada", json={"rating": 4}).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"rating": 5},
        {"rating": 0},
        {"rating": "4"},
        {"rating": True},
        {"answers": {**ALL_FOUR, "u9": 5}},
        {"answers": {"u1": 4}},
        {"answers": ALL_FOUR, "rating": 4},
        {"answers": [4] * 9},
    ],
)
def test_invalid_answers_are_refused(client, officer, body):
    _, token = serve(client, officer)
    response = client.post(f"/api/survey/{token}", json=body)
    assert response.status_code == 422 and response.get_json()["error"]["message"]


def test_survey_page_mode(client, officer):
    _, token = serve(client, officer)
    smileys = client.get(f"/t/{token}/survei?mode=smiley").get_data(as_text=True)
    assert "Sangat puas" in smileys and "Persyaratan" not in smileys
    html = client.get(f"/t/{token}/survei").get_data(as_text=True)
    assert "style=" not in html and "<script>" not in html


def test_status_page_survey_closes_after_a_week(client, officer, clock):
    _, token = serve(client, officer)
    clock.advance(days=8)
    response = client.post(f"/api/survey/{token}", json={"rating": 4})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "survey_closed"


# ---- the counter tablet --------------------------------------------------------------------


def test_tablet_asks_the_visitor_just_served(client, officer, login, clock):
    assert officer.get("/api/survey/counters/1/pending").get_json() == {"ticket": None}
    ticket, _ = serve(client, officer)
    pending = officer.get("/api/survey/counters/1/pending").get_json()["ticket"]
    assert pending["number"] == ticket["number"]
    page = officer.get("/survei/loket/1")
    assert page.status_code == 200 and "Sangat puas" in page.get_data(as_text=True)
    other = login("officer", counter=2)
    assert other.get("/api/survey/counters/1/pending").status_code == 403
    assert other.post(f"/api/survey/tickets/{ticket['id']}", json={"rating": 4}).status_code == 403
    assert client.get("/survei/loket/1").status_code == 401
    assert officer.post(f"/api/survey/tickets/{ticket['id']}", json={"rating": 3}).status_code == 201
    assert officer.get("/api/survey/counters/1/pending").get_json() == {"ticket": None}
    second, _ = serve(client, officer)
    clock.advance(minutes=16)
    assert officer.get("/api/survey/counters/1/pending").get_json() == {"ticket": None}
    late = officer.post(f"/api/survey/tickets/{second['id']}", json={"rating": 3})
    assert late.status_code == 409
