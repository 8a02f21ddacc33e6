"""Exports of a report and of the province's consolidation: one prepared document
(document.py), one writer per format (xlsx.py, docx.py, pdf.py), each turning it into bytes."""
