"""Writes the DOCX templates shipped in ``modelli/`` (issue 15, item 1):
``python -m views.exports.documenti.crea_modelli``.

The templates are the agency's documents, in Italian, with docxtpl placeholders
(``{{ persona.cognome }}``; the names are those of models/queries/documenti.py and the README).
An agency changes them in Word or LibreOffice and puts its copy, under the same file name, in
the folder ``DOCUMENTI_MODELLI_DIR``; this script only rebuilds the defaults.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

HERE = Path(__file__).parent / "modelli"
FIRMA = "________________________"


def _new(title: str, subtitle: str | None = None) -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Calibri", Pt(10.5)
    doc.add_paragraph("{{ agenzia.denominazione }} · {{ agenzia.indirizzo }} · "
                      "C.F. {{ agenzia.codice_fiscale }}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading(title, level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if subtitle:
        doc.add_paragraph(subtitle).alignment = WD_ALIGN_PARAGRAPH.CENTER
    return doc


def _fields(doc: Document, rows: list[tuple[str, str]]) -> None:
    """A two-column table: label, placeholder."""
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].text = value


def _signatures(doc: Document, who: list[str]) -> None:
    doc.add_paragraph("Luogo e data: ______________________, {{ oggi }}")
    table = doc.add_table(rows=2, cols=len(who))
    for i, label in enumerate(who):
        table.rows[0].cells[i].paragraphs[0].add_run(label).bold = True
        table.rows[1].cells[i].text = f"\n\n{FIRMA}"


def _events(doc: Document) -> None:
    """The diary as a table, a row per event (docxtpl's row loop)."""
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    for i, label in enumerate(("Data", "Evento", "Descrizione", "Autore")):
        table.rows[0].cells[i].paragraphs[0].add_run(label).bold = True
    table.rows[1].cells[0].text = "{%tr for e in eventi %}"
    for i, name in enumerate(("data", "tipo", "descrizione", "autore")):
        table.rows[2].cells[i].text = "{{ e." + name + " }}"
    table.rows[3].cells[0].text = "{%tr endfor %}"


def convenzione() -> Document:
    doc = _new("Convenzione", "n. {{ ente.convenzione_numero }} del {{ ente.convenzione_data }}")
    doc.add_paragraph("tra")
    doc.add_paragraph("{{ agenzia.denominazione }}, con sede in {{ agenzia.indirizzo }}, "
                      "codice fiscale {{ agenzia.codice_fiscale }}, di seguito «soggetto promotore»,")
    doc.add_paragraph("e")
    doc.add_paragraph("{{ ente.ragione_sociale }}, con sede in {{ ente.indirizzo }}, {{ ente.comune }}, "
                      "codice fiscale {{ ente.codice_fiscale }}, rappresentato da {{ ente.referente }}, "
                      "di seguito «ente ospitante».")
    for title, text in (
        ("Art. 1 – Oggetto", "L'ente ospitante si impegna ad accogliere presso le proprie strutture, su "
         "proposta del soggetto promotore, persone inserite in percorsi di politica attiva del lavoro del "
         "programma «{{ programma.nome }}» ({{ programma.titolare }}), secondo un progetto individuale "
         "sottoscritto per ciascuna persona."),
        ("Art. 2 – Impegni del soggetto promotore", "Il soggetto promotore nomina un tutor per ciascun "
         "percorso, predispone il progetto individuale, provvede alle coperture assicurative previste "
         "(INAIL e responsabilità civile verso terzi) e monitora l'andamento del percorso."),
        ("Art. 3 – Impegni dell'ente ospitante", "L'ente ospitante nomina un tutor aziendale "
         "({{ ente.tutor }}), garantisce il rispetto delle norme di salute e sicurezza, cura il registro "
         "delle presenze e segnala tempestivamente al soggetto promotore assenze e interruzioni."),
        ("Art. 4 – Durata", "La presente convenzione decorre dal {{ ente.convenzione_data }} e ha "
         "validità fino al {{ ente.convenzione_scadenza }}. Nessun percorso può essere avviato oltre tale data."),
        ("Art. 5 – Trattamento dei dati", "Le parti trattano i dati personali delle persone inserite ai "
         "soli fini della presente convenzione, nel rispetto del Regolamento (UE) 2016/679."),
    ):
        doc.add_heading(title, level=2)
        doc.add_paragraph(text)
    _signatures(doc, ["Per il soggetto promotore", "Per l'ente ospitante"])
    return doc


def progetto_formativo() -> Document:
    doc = _new("{{ percorso.titolo_progetto }}", "Programma «{{ programma.nome }}» · Comune inviante: "
               "{{ comune.nome }}")
    doc.add_heading("Persona", level=2)
    _fields(doc, [
        ("Cognome e nome", "{{ persona.nome_completo }}"),
        ("Codice fiscale", "{{ persona.codice_fiscale }}"),
        ("Nata/o il", "{{ persona.data_nascita }} {% if persona.luogo_nascita %}a {{ persona.luogo_nascita }}{% endif %}"),
        ("Residenza", "{{ persona.comune_residenza }} {{ persona.indirizzo }}"),
        ("Tipo di percorso", "{{ percorso.tipologia }}"),
    ])
    doc.add_heading("Soggetto promotore ed ente ospitante", level=2)
    _fields(doc, [
        ("Soggetto promotore", "{{ agenzia.denominazione }}"),
        ("Tutor del soggetto promotore", "{{ tutor_agenzia }}"),
        ("Ente ospitante", "{{ ente.ragione_sociale }} ({{ ente.codice_fiscale }})"),
        ("Sede di svolgimento", "{{ postazione.luogo or ente.indirizzo }} {{ ente.comune }}"),
        ("Tutor dell'ente ospitante", "{{ ente.tutor }}"),
        ("Convenzione", "n. {{ ente.convenzione_numero }} del {{ ente.convenzione_data }}, "
                        "valida fino al {{ ente.convenzione_scadenza }}"),
        ("Assistente sociale", "{{ assistente_sociale }}"),
    ])
    doc.add_heading("Periodo, orario e attività", level=2)
    _fields(doc, [
        ("Data di avvio", "{{ percorso.data_avvio }}"),
        ("Data di fine prevista", "{{ percorso.data_fine_prevista }}"),
        ("Ore settimanali", "{{ postazione.ore_settimanali }}"),
        ("Mansione", "{{ postazione.mansione }}"),
        ("Attività", "{{ postazione.descrizione }}"),
        ("Indennità di partecipazione", "{{ indennita }}"),
    ])
    doc.add_heading("Obiettivi", level=2)
    doc.add_paragraph("{{ percorso.obiettivi }}")
    doc.add_heading("Coperture assicurative e obblighi", level=2)
    doc.add_paragraph("La persona è assicurata contro gli infortuni sul lavoro presso l'INAIL e per la "
                      "responsabilità civile verso terzi a cura del soggetto promotore. La persona si impegna "
                      "a seguire le indicazioni dei tutor, a rispettare i regolamenti dell'ente ospitante e a "
                      "mantenere la riservatezza sulle informazioni acquisite.")
    _signatures(doc, ["La persona", "Il tutor del soggetto promotore", "Per l'ente ospitante"])
    return doc


def relazione_finale() -> Document:
    doc = _new("Relazione finale", "{{ percorso.tipologia }} · {{ persona.nome_completo }}")
    doc.add_paragraph("Alla cortese attenzione di {{ assistente_sociale or 'servizio sociale' }}, "
                      "Comune di {{ comune.nome }}")
    doc.add_heading("Il percorso", level=2)
    _fields(doc, [
        ("Persona", "{{ persona.nome_completo }} ({{ persona.codice_fiscale }})"),
        ("Programma", "{{ programma.nome }}"),
        ("Segnalazione e presa in carico", "{{ percorso.data_segnalazione }} – {{ percorso.data_presa_in_carico }}"),
        ("Ente ospitante e mansione", "{{ ente.ragione_sociale }} {{ postazione.mansione }}"),
        ("Periodo", "dal {{ percorso.data_avvio }} al {{ percorso.data_fine or percorso.data_fine_prevista }}"),
        ("Ore di presenza", "{{ ore.presenza }}"),
        ("Ore di tutoraggio", "{{ ore.affiancamento }}"),
        ("Esito", "{{ percorso.esito }} {{ percorso.datore_lavoro }} {{ percorso.tipo_contratto }} "
                  "{{ percorso.data_assunzione }}"),
        ("Motivo della conclusione", "{{ percorso.motivo_chiusura }}"),
    ])
    doc.add_heading("Andamento: colloqui, visite e verifiche", level=2)
    _events(doc)
    doc.add_heading("Valutazione del tutor", level=2)
    doc.add_paragraph("Competenze acquisite, partecipazione, criticità e prospettive:")
    for _ in range(4):
        doc.add_paragraph("_" * 90)
    _signatures(doc, ["Il tutor del soggetto promotore ({{ tutor_agenzia }})"])
    return doc


def scheda_percorso() -> Document:
    doc = _new("Scheda percorso", "{{ persona.nome_completo }} · {{ percorso.tipologia }} · {{ comune.nome }}")
    _fields(doc, [
        ("Persona", "{{ persona.nome_completo }}"),
        ("Codice fiscale", "{{ persona.codice_fiscale }}"),
        ("Residenza", "{{ persona.comune_residenza }}"),
        ("Contatti", "{{ persona.telefono }} {{ persona.email }}"),
        ("Programma", "{{ programma.nome }}"),
        ("Comune inviante", "{{ comune.nome }}"),
        ("Stato", "{{ percorso.stato }}"),
        ("Operatore", "{{ tutor_agenzia }}"),
        ("Assistente sociale", "{{ assistente_sociale }}"),
        ("Segnalazione", "{{ percorso.data_segnalazione }}"),
        ("Presa in carico", "{{ percorso.data_presa_in_carico }}"),
        ("Primo colloquio", "{{ percorso.data_primo_colloquio }}"),
        ("Avvio", "{{ percorso.data_avvio }}"),
        ("Fine prevista", "{{ percorso.data_fine_prevista }}"),
        ("Ente ospitante", "{{ ente.ragione_sociale }}"),
        ("Postazione", "{{ postazione.mansione }}"),
        ("Fine ed esito", "{{ percorso.data_fine }} {{ percorso.esito }}"),
        ("Obiettivi", "{{ percorso.obiettivi }}"),
    ])
    doc.add_heading("Proroghe", level=2)
    doc.add_paragraph("{% for x in proroghe %}{{ x.data }}: fine prevista dal {{ x.da }} al {{ x.a }} "
                      "({{ x.motivo }}). {% else %}Nessuna.{% endfor %}")
    doc.add_heading("Diario", level=2)
    _events(doc)
    doc.add_paragraph("Documento generato il {{ oggi }}.")
    return doc


TEMPLATES = {
    "convenzione": convenzione,
    "progetto_formativo": progetto_formativo,
    "relazione_finale": relazione_finale,
    "scheda_percorso": scheda_percorso,
}


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, build in TEMPLATES.items():
        build().save(HERE / f"{name}.docx")
        print(HERE / f"{name}.docx")


if __name__ == "__main__":
    main()
