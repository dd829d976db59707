"""Which column of a client file holds what: headers matched to fields automatically.

A header is compared folded: accents, case, spaces and punctuation dropped, and the numbered
"value" columns of Google Contacts ("E-mail 1 - Value") read as their field. The synonyms
cover the exports owners bring (Mailchimp, Google Contacts, Outlook, Square, Mindbody,
Vagaro, Fresha, Acuity) and the seeds' markets' languages (English, German, Spanish,
Portuguese, French, Italian).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from typing import TypeVar

from clientcrm.errors import ValidationError
from clientcrm.rules.search import fold

__all__ = ["ClientField", "F", "fold_header", "map_headers", "match_columns"]

F = TypeVar("F", bound=enum.StrEnum)


class ClientField(enum.StrEnum):
    """What a column of a client file may hold."""

    NAME = "name"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    EMAIL = "email"
    PHONE = "phone"
    NOTES = "notes"
    TAGS = "tags"


def fold_header(header: str) -> str:
    """A header as it is compared: no accents, lower case, letters and digits only, without
    the numbering of repeated columns ("E-mail 1 - Value": "email")."""
    folded = re.sub(r"[^a-z0-9]", "", fold(header))
    return re.sub(r"\d*(value)?$", "", folded) or folded


_SYNONYMS: dict[ClientField, tuple[str, ...]] = {
    ClientField.NAME: (
        "name", "fullname", "clientname", "customername", "contactname", "displayname",
        "membername", "client", "customer", "contact", "nome", "nomecompleto", "nombre",
        "nombrecompleto", "nomcomplet", "nom", "vollername", "vollstandigername", "kundenname",
        "kunde", "cliente", "nominativo",
    ),
    ClientField.FIRST_NAME: (
        "firstname", "givenname", "forename", "first", "vorname", "prenom", "primeironome",
        "nombrepila", "nome",  "nombre",
    ),
    ClientField.LAST_NAME: (
        "lastname", "surname", "familyname", "last", "nachname", "familienname", "apellido",
        "apellidos", "sobrenome", "ultimonome", "cognome", "nomdefamille", "nom",
    ),
    ClientField.EMAIL: (
        "email", "emailaddress", "mail", "emailadresse", "mailadresse", "correo",
        "correoelectronico", "correoe", "endereodeemail", "enderecodeemail", "courriel",
        "adressemail", "adresseemail", "primaryemail", "customeremail", "clientemail",
        "emails", "emailaddresses",
    ),
    ClientField.PHONE: (
        "phone", "phonenumber", "mobile", "mobilephone", "mobilenumber", "cellphone", "cell",
        "telephone", "tel", "telefone", "telefono", "telefon", "telefonnummer", "handy",
        "mobil", "celular", "movil", "portable", "primaryphone", "homephone", "phones",
        "contactnumber", "whatsapp",
    ),
    ClientField.NOTES: (
        "notes", "note", "comments", "comment", "remarks", "memo", "clientnotes", "notizen",
        "notiz", "bemerkungen", "notas", "nota", "observacoes", "observaciones", "remarques",
        "commentaires",
    ),
    ClientField.TAGS: (
        "tags", "tag", "labels", "label", "groups", "groupmembership", "etiquetas",
        "etiquettes", "schlagworte",
    ),
}  # fmt: skip

_SPLIT_NAME_ONLY = {"nome": ClientField.FIRST_NAME, "nombre": ClientField.FIRST_NAME}
"""Words that are the whole name alone, and the first name beside a last-name column."""
_LAST_NAME_ONLY = {"nom": ClientField.LAST_NAME}
"""Words that are the whole name alone, and the last name beside a first-name column."""


def match_columns(
    headers: Sequence[str],
    synonyms: Mapping[F, tuple[str, ...]],
    explicit: Mapping[str, str] | None = None,
) -> tuple[dict[int, F], list[tuple[int, str]]]:
    """Which column holds which field of ``synonyms``' enum: ``explicit`` (header to field
    name) first, then the synonyms; the first column found for a field wins. Also returns
    the columns whose folded header is a synonym of more than one field, for the caller to
    settle.

    Raises:
        ValidationError: an explicit mapping names a header or field that does not exist.
    """
    fields = type(next(iter(synonyms)))
    found: dict[int, F] = {}
    folded = [fold_header(h) for h in headers]
    for header, name in (explicit or {}).items():
        matches = [i for i, f in enumerate(folded) if f == fold_header(header)]
        if not matches:
            raise ValidationError("mapping", f"the file has no column {header!r}")
        try:
            found[matches[0]] = fields(name)
        except ValueError:
            choices = ", ".join(f.value for f in fields)
            raise ValidationError("mapping", f"{name!r} is not one of: {choices}") from None
    taken = set(found.values())
    ambiguous = []
    for index, word in enumerate(folded):
        if index in found:
            continue
        candidates = {field for field, words in synonyms.items() if word in words}
        if len(candidates) > 1:
            ambiguous.append((index, word))
        elif candidates and (field := candidates.pop()) not in taken:
            found[index] = field
            taken.add(field)
    return found, ambiguous


def map_headers(
    headers: Sequence[str],
    explicit: Mapping[str, str] | None = None,
    synonyms: Mapping[ClientField, tuple[str, ...]] | None = None,
) -> dict[int, ClientField]:
    """Which column of a client file holds which field: ``explicit`` (header to field name)
    first, then synonyms (the usual ones and ``synonyms``, folded); the first column found
    for a field wins.

    Raises:
        ValidationError: an explicit mapping names a header or field that does not exist,
            or no column holds an email, or none holds a name (nor first and last names).
    """
    words = {
        f: w + tuple(fold_header(x) for x in (synonyms or {}).get(f, ()))
        for f, w in _SYNONYMS.items()
    }
    found, ambiguous = match_columns(headers, words, explicit)
    taken = set(found.values())
    halves = {ClientField.FIRST_NAME, ClientField.LAST_NAME}
    for index, word in ambiguous:  # "Nome", "Nombre", "Nom": the name, or half of it
        half = _SPLIT_NAME_ONLY if ClientField.LAST_NAME in taken else _LAST_NAME_ONLY
        chosen = half.get(word, ClientField.NAME) if taken & halves else ClientField.NAME
        if chosen not in taken:
            found[index] = chosen
            taken.add(chosen)
    _require(taken)
    return dict(sorted(found.items()))


def _require(taken: set[ClientField]) -> None:
    if ClientField.EMAIL not in taken:
        raise ValidationError("mapping", "no column holds an email (map one with --map)")
    names = {ClientField.NAME, ClientField.FIRST_NAME, ClientField.LAST_NAME}
    if not taken & names:
        raise ValidationError("mapping", "no column holds a name, or first and last names")
