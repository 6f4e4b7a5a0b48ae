"""The person's own data as one JSON document (GDPR art. 15 and 20: structured, common,
machine-readable); pure: the record in, bytes out."""

from __future__ import annotations

import json


def person_json(record: dict, produced_at: str, produced_by: str) -> bytes:
    """``record`` (models/queries/gdpr.py) with who produced it and when."""
    document = {
        "documento": "Dati personali trattati (art. 15 e 20 GDPR)",
        "prodotto_il": produced_at,
        "prodotto_da": produced_by,
        **record,
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def filename(persona_id: int, day: str) -> str:
    return f"dati-persona-{persona_id}-{day}.json"
