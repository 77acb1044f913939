"""Tables for the book: pandoc pipe tables with escaped cells and a CSV download link."""
from analysis.report.tables.display import TableDisplay, TableView, show_table
from analysis.report.tables.download import csv_bytes, csv_data_uri, csv_download_html
from analysis.report.tables.markdown import md_escape, pipe_table

__all__ = ["TableDisplay", "TableView", "csv_bytes", "csv_data_uri", "csv_download_html", "md_escape", "pipe_table", "show_table"]
