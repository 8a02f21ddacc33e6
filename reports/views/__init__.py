"""Thin views: read the request, ask permissions.py, call one service, render or redirect.

officer.py — home page, report page, JSON upload and download;
review.py — the provincial office's status board and review actions;
consolidation.py — the province's consolidated tables, per period and per year.
"""
