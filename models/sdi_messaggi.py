"""Reading SDI's receipts and notifications (MessaggiTypes_v1.1.xsd): bytes in, a message out.

Pure: no database. The root element names the message (RicevutaConsegna RC, NotificaScarto NS,
NotificaMancataConsegna MC, NotificaEsito NE, NotificaDecorrenzaTermini DT,
AttestazioneTrasmissioneFattura AT); its children are unqualified. The signature is not checked
here (the receipts arrive over SDI's own channel, PEC or SDICoop).
"""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

from flask_babel import gettext

from .errors import DomainError
from .operations.sdi import MessaggioSdi
from .sdi import TipoNotificaSdi

NAMESPACE = "http://www.fatturapa.gov.it/sdi/messaggi/v1.0"
ROOTS = {
    "RicevutaConsegna": TipoNotificaSdi.RC,
    "NotificaScarto": TipoNotificaSdi.NS,
    "NotificaMancataConsegna": TipoNotificaSdi.MC,
    "NotificaEsito": TipoNotificaSdi.NE,
    "NotificaDecorrenzaTermini": TipoNotificaSdi.DT,
    "AttestazioneTrasmissioneFattura": TipoNotificaSdi.AT,
}
#: Receipts are small; anything larger is not one.
MAX_BYTES = 2_000_000


def _not_sdi(reason: str) -> DomainError:
    return DomainError(gettext("Not an SDI receipt: %(reason)s.", reason=reason))


def _text(root, tag: str) -> str | None:
    el = root.find(tag)
    return el.text.strip() if el is not None and el.text and el.text.strip() else None


def _when(text: str | None) -> dt.datetime | None:
    """An xsd:dateTime as a naive local time (SDI writes Italian time with its offset)."""
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


def parse_message(data: bytes) -> MessaggioSdi:
    """The message of an SDI receipt file; a refusal names what is wrong with it."""
    if len(data) > MAX_BYTES:
        raise _not_sdi(gettext("the file is too large"))
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise _not_sdi(gettext("the file declares a document type"))
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        raise _not_sdi(gettext("the file is not well-formed XML")) from None
    ns, _, name = root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", root.tag)
    if ns != NAMESPACE or name not in ROOTS:
        raise _not_sdi(gettext("unknown message %(name)s", name=name))
    tipo = ROOTS[name]
    nome_file, message_id = _text(root, "NomeFile"), _text(root, "MessageId")
    if not nome_file or not message_id:
        raise _not_sdi(gettext("NomeFile or MessageId missing"))
    ident = _text(root, "IdentificativoSdI")
    esito = descrizione = None
    if tipo == TipoNotificaSdi.NE:
        outcome = root.find("EsitoCommittente")
        if outcome is None:
            raise _not_sdi(gettext("EsitoCommittente missing"))
        esito, descrizione = _text(outcome, "Esito"), _text(outcome, "Descrizione")
    else:
        descrizione = _text(root, "Descrizione") or _text(root, "Note")
    errori = tuple(
        (_text(e, "Codice") or "", _text(e, "Descrizione") or "")
        for e in root.findall("ListaErrori/Errore")
    )
    return MessaggioSdi(
        tipo=tipo, nome_file=nome_file,
        identificativo_sdi=int(ident) if ident and ident.isdigit() else None,
        message_id=message_id,
        data_ora=_when(_text(root, "DataOraConsegna") or _text(root, "DataOraRicezione")),
        esito=esito, descrizione=descrizione, errori=errori,
    )
