"""The weekly complaint report (投诉处理周报) and the monthly service report (服务月报).

``figures.py`` is the one place that computes them; the terminal (``terminal.py``), the workbook
(``excel.py``), ``GET /api/stats`` and the supervisors' pushes (``handlers/jobs/reports.py``)
render the same objects; ``compute_all`` gives the company's and every estate's at once.
"""

from handlers.reports.figures import (
    EstateRef,
    MonthlyReport,
    Report,
    ReportSet,
    UnknownEstate,
    WeeklyReport,
    compute,
    compute_all,
    find_estate,
    monthly_report,
    report_estates,
    weekly_report,
)
from handlers.reports.period import MONTH, WEEK, BadPeriod, Period, last_complete, parse_period

__all__ = [
    "MONTH",
    "WEEK",
    "BadPeriod",
    "EstateRef",
    "MonthlyReport",
    "Period",
    "Report",
    "ReportSet",
    "UnknownEstate",
    "WeeklyReport",
    "compute",
    "compute_all",
    "find_estate",
    "last_complete",
    "monthly_report",
    "parse_period",
    "report_estates",
    "weekly_report",
]
