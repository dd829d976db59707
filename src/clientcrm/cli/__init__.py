"""The ``clientcrm`` command line: a thin layer over `clientcrm.CRM` (extra ``cli``)."""
