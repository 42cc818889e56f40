"""The weekly complaint report (投诉处理周报) and the monthly service report (服务月报).

``figures.py`` is the one place that computes them; the terminal (``terminal.py``), the workbook
(``excel.py``), ``GET /api/stats`` and the supervisors' pushes (``handlers/reports_jobs.py``)
render the same objects.
"""

from handlers.reports.figures import MonthlyReport, Report, WeeklyReport, compute, monthly_report, weekly_report
from handlers.reports.period import MONTH, WEEK, BadPeriod, Period, last_complete, parse_period

__all__ = [
    "MONTH",
    "WEEK",
    "BadPeriod",
    "MonthlyReport",
    "Period",
    "Report",
    "WeeklyReport",
    "compute",
    "last_complete",
    "monthly_report",
    "parse_period",
    "weekly_report",
]
