"""Stores: adapters of the repository ports (`clientcrm.ports`)."""
