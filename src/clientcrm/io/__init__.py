"""Files in and out: client lists from the spreadsheets owners bring, other platforms'
sales exports, and the lists owners take away.

from clientcrm.io import read_clients

report = crm.import_clients(read_clients("members.csv").rows(), actor, dry_run=True)
"""

from clientcrm.io.bookings import BookingField, BookingFile, read_bookings
from clientcrm.io.cells import safe_cell
from clientcrm.io.clients import ClientFile, read_clients
from clientcrm.io.export import (
    CLIENT_COLUMNS,
    PURCHASE_COLUMNS,
    PURCHASE_METRIC_COLUMNS,
    client_rows,
    purchase_metric_rows,
    purchase_rows,
    write_clients,
    write_clients_xlsx,
    write_csv,
)
from clientcrm.io.headers import ClientField, fold_header, map_headers
from clientcrm.io.sales import SaleField, SaleFile, read_sales
from clientcrm.io.text import Table, open_table
from clientcrm.io.timeline import TIMELINE_COLUMNS, timeline_rows, write_timeline_pdf
from clientcrm.models.importing import (
    BookingRow,
    ClientRow,
    ImportMode,
    ImportReport,
    RowOutcome,
    RowResult,
    SaleRow,
)

__all__ = [
    "CLIENT_COLUMNS",
    "PURCHASE_COLUMNS",
    "PURCHASE_METRIC_COLUMNS",
    "TIMELINE_COLUMNS",
    "BookingField",
    "BookingFile",
    "BookingRow",
    "ClientField",
    "ClientFile",
    "ClientRow",
    "ImportMode",
    "ImportReport",
    "RowOutcome",
    "RowResult",
    "SaleField",
    "SaleFile",
    "SaleRow",
    "Table",
    "client_rows",
    "fold_header",
    "map_headers",
    "open_table",
    "purchase_metric_rows",
    "purchase_rows",
    "read_bookings",
    "read_clients",
    "read_sales",
    "safe_cell",
    "timeline_rows",
    "write_clients",
    "write_clients_xlsx",
    "write_csv",
    "write_timeline_pdf",
]
