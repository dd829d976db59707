"""The service layer: the `CRM` facade, permissions and the domain event bus."""

from clientcrm.service.crm import CRM
from clientcrm.service.views import ClientDetail, FigureRepair, RebuildReport, RecordSummary

__all__ = ["CRM", "ClientDetail", "FigureRepair", "RebuildReport", "RecordSummary"]
