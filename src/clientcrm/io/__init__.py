"""Files in and out: client lists from the spreadsheets owners bring.

from clientcrm.io import read_clients

report = crm.import_clients(read_clients("members.csv").rows(), actor, dry_run=True)
"""

from clientcrm.io.cells import safe_cell
from clientcrm.io.clients import ClientFile, read_clients
from clientcrm.io.export import CLIENT_COLUMNS, client_rows, write_clients, write_clients_xlsx
from clientcrm.io.headers import ClientField, fold_header, map_headers
from clientcrm.io.text import Table, open_table
from clientcrm.models.importing import ClientRow, ImportMode, ImportReport, RowOutcome, RowResult

__all__ = [
    "CLIENT_COLUMNS",
    "ClientField",
    "ClientFile",
    "ClientRow",
    "ImportMode",
    "ImportReport",
    "RowOutcome",
    "RowResult",
    "Table",
    "client_rows",
    "fold_header",
    "map_headers",
    "open_table",
    "read_clients",
    "safe_cell",
    "write_clients",
    "write_clients_xlsx",
]
