"""The satisfaction survey's score (IKM, PermenPAN-RB 14/2017), free of Flask and SQL: the nine
elements and the smiley rating, the score and its grade at the official boundaries, and the
figures per group from :func:`server.survey.queries.survey_sums` rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# The nine elements (unsur) and the four answers of each, from worst (1) to best (4).
ELEMENTS: tuple[tuple[str, str, tuple[str, str, str, str]], ...] = (
    ("u1", "Persyaratan", ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")),
    ("u2", "Sistem, mekanisme, dan prosedur", ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah")),
    ("u3", "Waktu penyelesaian", ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat")),
    ("u4", "Biaya/tarif", ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")),
    (
        "u5",
        "Produk spesifikasi jenis pelayanan",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    ("u6", "Kompetensi pelaksana", ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten")),
    (
        "u7",
        "Perilaku pelaksana",
        ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"),
    ),
    (
        "u8",
        "Penanganan pengaduan, saran dan masukan",
        ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"),
    ),
    ("u9", "Sarana dan prasarana", ("Buruk", "Cukup", "Baik", "Sangat baik")),
)
ELEMENT_CODES = tuple(code for code, _, _ in ELEMENTS)
SMILEYS = ((1, "Tidak puas"), (2, "Kurang puas"), (3, "Puas"), (4, "Sangat puas"))

# (lowest score of the grade, grade, quality label), best first.
GRADES = (
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
    (Decimal("25.00"), "D", "Tidak Baik"),
)


def ikm_score(element_averages: Iterable[float]) -> Decimal | None:
    """IKM = the mean of the elements' average scores (each 1–4) × 25, rounded to 2 decimals.

    The regulation weighs each of the nine elements equally (1/9), which is this mean. A quick
    smiley rating is one element. None without answers.
    """
    values = [v for v in element_averages if v is not None]
    if not values:
        return None
    exact = Decimal(str(sum(values) / len(values))) * 25
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def ikm_grade(score: Decimal | float | None) -> tuple[str, str] | None:
    """(grade, label) of a score at the official boundaries 88.31 / 76.61 / 65.00.

    The score is first rounded to two decimals, as published; below 65.00 is D (Tidak Baik).
    """
    if score is None:
        return None
    rounded = Decimal(str(score)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    for lowest, grade, label in GRADES:
        if rounded >= lowest:
            return grade, label
    return GRADES[-1][1], GRADES[-1][2]


@dataclass(frozen=True)
class SurveyResult:
    """Survey figures of one group (a service, a counter, the whole office)."""

    respondents: int
    element_averages: dict[str, float | None] = field(default_factory=dict)
    smiley_respondents: int = 0
    smiley_average: float | None = None
    smiley_counts: dict[int, int] = field(default_factory=dict)

    @property
    def score(self) -> Decimal | None:
        """IKM of the full nine-element answers."""
        return ikm_score(self.element_averages.values()) if self.respondents else None

    @property
    def grade(self) -> tuple[str, str] | None:
        return ikm_grade(self.score)

    @property
    def smiley_score(self) -> Decimal | None:
        """The quick rating on the same 25–100 scale."""
        return ikm_score([self.smiley_average]) if self.smiley_respondents else None

    @property
    def smiley_grade(self) -> tuple[str, str] | None:
        return ikm_grade(self.smiley_score)

    def as_dict(self) -> dict:
        grade, smiley_grade = self.grade, self.smiley_grade
        return {
            "respondents": self.respondents,
            "element_averages": self.element_averages,
            "score": float(self.score) if self.score is not None else None,
            "grade": grade[0] if grade else None,
            "grade_label": grade[1] if grade else None,
            "smiley_respondents": self.smiley_respondents,
            "smiley_average": self.smiley_average,
            "smiley_counts": self.smiley_counts,
            "smiley_score": float(self.smiley_score) if self.smiley_score is not None else None,
            "smiley_grade": smiley_grade[0] if smiley_grade else None,
            "smiley_grade_label": smiley_grade[1] if smiley_grade else None,
        }


def survey_results(rows: Iterable[Mapping]) -> dict[str, dict]:
    """:class:`SurveyResult` per group from survey.queries.survey_sums rows:
    ``{"all": {"all": r}, "service": {code: r}, "counter": {id: r}}``."""
    sums: dict = {"all": {}, "service": {}, "counter": {}}
    fields = ("respondents", *ELEMENT_CODES, "rating", "r1", "r2", "r3", "r4")
    for row in rows:
        for by, key in (("all", "all"), ("service", row["service"]), ("counter", row["counter_id"])):
            if key is None:
                continue
            total = sums[by].setdefault(key, {"ikm": Counter(), "smiley": Counter()})[row["kind"]]
            for name in fields:
                total[name] += row[name] or 0
    return {by: {key: _survey_result(kinds) for key, kinds in groups.items()} for by, groups in sums.items()}


def _survey_result(kinds: dict) -> SurveyResult:
    full, quick = kinds["ikm"], kinds["smiley"]
    n, m = int(full["respondents"]), int(quick["respondents"])
    return SurveyResult(
        respondents=n,
        element_averages={code: full[code] / n for code in ELEMENT_CODES} if n else {},
        smiley_respondents=m,
        smiley_average=quick["rating"] / m if m else None,
        smiley_counts={i: int(quick[f"r{i}"]) for i in range(1, 5)},
    )
