"""The province's exports for 30, 100 and 300 units (and 1000 with BENCH_UNITS): seconds and peak
memory, each export in a process of its own. The peak is the largest resident set of the process,
as the kernel reports it."""
import os
import subprocess
import sys
from pathlib import Path

from bench.common import populate, print_table

SIZES = tuple(int(n) for n in os.environ.get("BENCH_UNITS", "30,100,300").split(","))
# Seconds (issue 10): xlsx 300 ≤ 3, docx 300 ≤ 5, pdf 30 ≤ 5 and 300 ≤ 30; every export < 1 GB.
TARGETS = {("xlsx", 300): 3, ("docx", 300): 5, ("pdf", 30): 5, ("pdf", 300): 30}
MEMORY_MB = 1024
SCRIPT = Path(__file__).with_name("export_one.py")


def measure(database_url, period_code, fmt):
    """(seconds, peak MB) of one export run in a child process."""
    child = subprocess.Popen([sys.executable, str(SCRIPT), database_url, period_code, fmt],
                             stdout=subprocess.PIPE, text=True)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise RuntimeError(f"export {fmt} failed ({child.returncode})")
    return float(out.split()[0]), usage.ru_maxrss / 1024


def run():
    database_url = os.environ["DATABASE_URL"]
    rows, seconds_at = [], {}
    for units in SIZES:
        period = populate(units)
        for fmt in ("xlsx", "docx", "pdf"):
            seconds, peak = measure(database_url, period.code, fmt)
            seconds_at[(fmt, units)] = seconds
            target = TARGETS.get((fmt, units))
            verdict = []
            if target:
                verdict.append(f"≤ {target} s: {'đạt' if seconds <= target else 'CHƯA ĐẠT'}")
            verdict.append(f"< 1 GB: {'đạt' if peak < MEMORY_MB else 'CHƯA ĐẠT'}")
            rows.append((units, fmt, f"{seconds:.2f}", f"{peak:.0f}", "; ".join(verdict)))
    if (s300 := seconds_at.get(("xlsx", 300))) and (s1000 := seconds_at.get(("xlsx", 1000))):
        rows.append(("1000/300", "xlsx", f"× {s1000 / s300:.2f}", "", f"≤ × 3,5: {'đạt' if s1000 / s300 <= 3.5 else 'CHƯA ĐẠT'}"))
    print_table("Xuất báo cáo tổng hợp (mỗi lần một tiến trình)", ["đơn vị", "định dạng", "giây", "bộ nhớ đỉnh MB", "mục tiêu"],
                rows)
    return rows
