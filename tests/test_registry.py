"""Registry rules across rows (models/operations/anagrafiche.py), asked by the forms and usable
without them: one codice fiscale per person, one fiscal code per host."""

from __future__ import annotations

import pytest

from models import DomainError, EnteOspitante, Persona, db
from models.operations.anagrafiche import require_unique_fiscal_code

from . import factories as f
from .paths import english


@pytest.fixture
def en(app):
    """A session in a request context whose messages are the English msgids."""
    with app.test_request_context():
        english()
        yield db.session
        db.session.rollback()


def test_a_codice_fiscale_identifies_one_person(en):
    comune = f.make_comune(en)
    first = f.make_persona(en, comune, cognome="Rossi", nome="Mario")
    require_unique_fiscal_code(en, first)  # saving the person again is no duplicate

    twin = Persona(codice_fiscale=first.codice_fiscale.lower(), cognome="Altro", nome="Nome")

    with pytest.raises(DomainError) as refused:
        require_unique_fiscal_code(en, twin)
    assert refused.value.field == "codice_fiscale"
    assert refused.value.message == (f"A person with codice fiscale {first.codice_fiscale} is already "
                                     f"registered: {first}.")
    assert refused.value.existing is first


def test_a_fiscal_code_identifies_one_host(en):
    comune = f.make_comune(en)
    first = f.make_ente(en, comune)
    require_unique_fiscal_code(en, first)

    with pytest.raises(DomainError, match=f"A host with fiscal code {first.codice_fiscale} already exists"):
        require_unique_fiscal_code(en, EnteOspitante(codice_fiscale=first.codice_fiscale, ragione_sociale="Doppio"))
