"""SDI receipts and notifications built as SDI sends them (MessaggiTypes_v1.1.xsd), for the tests.

Every SDI message carries a ``ds:Signature``: a structurally valid one is enough for the schema
(the console does not verify SDI's signature). The schema lives in shared/fatturapa beside the
repository, never copied into it; it imports xmldsig by a relative location, mapped to the copy
bundled with xmlschema so that validation runs offline.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pytest

XSD = Path(__file__).resolve().parents[2] / "shared" / "fatturapa" / "MessaggiTypes_v1.1.xsd"
ROOTS = {"RC": "RicevutaConsegna", "NS": "NotificaScarto", "MC": "NotificaMancataConsegna",
         "NE": "NotificaEsito", "DT": "NotificaDecorrenzaTermini", "AT": "AttestazioneTrasmissioneFattura"}
SIGNATURE = """<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>
<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>
<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
<ds:Reference URI=""><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
<ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo>
<ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>"""


def messages_schema():
    """MessaggiTypes_v1.1.xsd, built offline; skips where shared/fatturapa is absent."""
    if not XSD.is_file():
        pytest.skip(f"SDI message schema not found at {XSD} (shared/ must sit beside the repository, "
                    "as in CI): receipt validation not run")
    xmlschema = pytest.importorskip("xmlschema", reason="xmlschema (dev extra) is not installed")
    bundled = Path(xmlschema.__file__).parent / "schemas" / "DSIG" / "xmldsig-core-schema.xsd"

    def mapper(uri: str) -> str:
        return str(bundled) if uri.endswith("xmldsig-core-schema.xsd") else uri

    return xmlschema.XMLSchema(str(XSD), allow="local", uri_mapper=mapper)


def receipt(kind: str, nome_file: str, message_id: str, identificativo: int = 111222333,
            esito: str = "EC01", errori=(("00200", "File non conforme al formato"),)) -> bytes:
    """The XML of an SDI message of ``kind`` (RC, NS, MC, NE, DT, AT) about file ``nome_file``."""
    when = "2025-04-03T10:15:00.000+02:00"
    head = f"<IdentificativoSdI>{identificativo}</IdentificativoSdI><NomeFile>{escape(nome_file)}</NomeFile>"
    destinatario = "<Destinatario><Codice>UF0001</Codice><Descrizione>Ufficio ragioneria</Descrizione></Destinatario>"
    body = {
        "RC": f"{head}<DataOraRicezione>{when}</DataOraRicezione><DataOraConsegna>{when}</DataOraConsegna>"
              f"{destinatario}<MessageId>{message_id}</MessageId>",
        "NS": f"{head}<DataOraRicezione>{when}</DataOraRicezione><ListaErrori>"
              + "".join(f"<Errore><Codice>{c}</Codice><Descrizione>{escape(d)}</Descrizione></Errore>"
                        for c, d in errori)
              + f"</ListaErrori><MessageId>{message_id}</MessageId>",
        "MC": f"{head}<DataOraRicezione>{when}</DataOraRicezione><Descrizione>Casella PEC piena</Descrizione>"
              f"<MessageId>{message_id}</MessageId>",
        "NE": f"{head}<EsitoCommittente versione=\"1.0\"><IdentificativoSdI>{identificativo}</IdentificativoSdI>"
              f"<Esito>{esito}</Esito><Descrizione>Esito del Comune</Descrizione></EsitoCommittente>"
              f"<MessageId>{message_id}</MessageId>",
        "DT": f"<IdentificativoSdI>{identificativo}</IdentificativoSdI><NomeFile>{escape(nome_file)}</NomeFile>"
              f"<Descrizione>Decorsi i termini</Descrizione><MessageId>{message_id}</MessageId>",
        "AT": f"{head}<DataOraRicezione>{when}</DataOraRicezione>{destinatario}<MessageId>{message_id}</MessageId>"
              "<HashFileOriginale>0123456789abcdef</HashFileOriginale>",
    }[kind]
    root = ROOTS[kind]
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<types:{root} xmlns:types="http://www.fatturapa.gov.it/sdi/messaggi/v1.0" versione="1.0">'
            f"{body}{SIGNATURE}</types:{root}>").encode()
