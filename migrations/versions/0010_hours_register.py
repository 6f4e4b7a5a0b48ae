"""hours register: shifts and absences, patron saints, meals, dated indemnity rules, internship
lengths by category, extensions (issue 12)

Revision ID: 6a2f4b9c1d07
Revises: 6a2f9c3e1d57
Create Date: 2026-12-02 07:07:06

The programme's one indemnity amount, minimum attendance and pro-rata flag become its first
dated rule (from the programme's start); the 2-12 month internship length (24 for L. 68/99,
L. 381/91 and income support) becomes the programme's length rules, so that nothing changes
for existing data until someone edits them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6a2f4b9c1d07'
down_revision = '6a2f9c3e1d57'
branch_labels = None
depends_on = None

ORE_IN_GIORNATA = "(assenza IS NULL AND ore > 0 AND ore <= 24) OR (assenza IS NOT NULL AND ore = 0)"
COPY_RULES = """
INSERT INTO regola_indennita (programma_id, valida_dal, importo_pieno, ore_giornaliere_part_time,
    presenza_minima_pct, pro_rata_sotto_minimo, pro_rata_mese_parziale, conta_malattia,
    conta_ferie, conta_festivita, conta_giustificata, conta_ingiustificata)
SELECT id, data_inizio, indennita_mensile, 4, presenza_minima_pct, indennita_pro_rata,
    {false}, {false}, {false}, {false}, {false}, {false}
FROM programma
"""
GENERAL_LENGTH = """
INSERT INTO durata_tirocinio (programma_id, categoria_id, mesi_minimi, mesi_massimi)
SELECT id, NULL, 2, 12 FROM programma
"""
LONG_LENGTH = """
INSERT INTO durata_tirocinio (programma_id, categoria_id, mesi_minimi, mesi_massimi)
SELECT programma.id, categoria_svantaggio.id, 2, 24 FROM programma, categoria_svantaggio
WHERE categoria_svantaggio.codice IN ('L68', 'L381', 'SOSTEGNO_REDDITO')
"""


#: Tables rebuilt by batch mode on SQLite keep AUTOINCREMENT (migration 0008).
AUTOINCREMENT = {'sqlite_autoincrement': True}


def upgrade():
    op.create_table('durata_tirocinio',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programma_id', sa.Integer(), nullable=False),
    sa.Column('categoria_id', sa.Integer(), nullable=True),
    sa.Column('mesi_minimi', sa.Integer(), nullable=True),
    sa.Column('mesi_massimi', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.CheckConstraint('mesi_massimi > 0', name=op.f('ck_durata_tirocinio_mesi_massimi')),
    sa.CheckConstraint('mesi_minimi IS NULL OR (mesi_minimi >= 0 AND mesi_minimi <= mesi_massimi)', name=op.f('ck_durata_tirocinio_mesi_minimi')),
    sa.ForeignKeyConstraint(['categoria_id'], ['categoria_svantaggio.id'], name=op.f('fk_durata_tirocinio_categoria_id_categoria_svantaggio'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['programma_id'], ['programma.id'], name=op.f('fk_durata_tirocinio_programma_id_programma'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_durata_tirocinio')),
    sa.UniqueConstraint('programma_id', 'categoria_id', name='uq_durata_tirocinio_categoria'),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('durata_tirocinio', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.create_index(batch_op.f('ix_durata_tirocinio_categoria_id'), ['categoria_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_durata_tirocinio_programma_id'), ['programma_id'], unique=False)

    op.create_table('regola_indennita',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programma_id', sa.Integer(), nullable=False),
    sa.Column('valida_dal', sa.Date(), nullable=False),
    sa.Column('valida_al', sa.Date(), nullable=True),
    sa.Column('importo_pieno', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('importo_con_pasti', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('importo_part_time', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('ore_giornaliere_part_time', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('importo_ente_pubblico', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('presenza_minima_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('pro_rata_sotto_minimo', sa.Boolean(), nullable=False),
    sa.Column('pro_rata_mese_parziale', sa.Boolean(), nullable=False),
    sa.Column('conta_malattia', sa.Boolean(), nullable=False),
    sa.Column('conta_ferie', sa.Boolean(), nullable=False),
    sa.Column('conta_festivita', sa.Boolean(), nullable=False),
    sa.Column('conta_giustificata', sa.Boolean(), nullable=False),
    sa.Column('conta_ingiustificata', sa.Boolean(), nullable=False),
    sa.Column('riferimento', sa.String(length=200), nullable=True),
    sa.CheckConstraint('importo_pieno >= 0 AND (importo_con_pasti IS NULL OR importo_con_pasti >= 0) AND (importo_part_time IS NULL OR importo_part_time >= 0) AND (importo_ente_pubblico IS NULL OR importo_ente_pubblico >= 0)', name=op.f('ck_regola_indennita_importo_non_negativo')),
    sa.CheckConstraint('ore_giornaliere_part_time > 0 AND ore_giornaliere_part_time <= 24', name=op.f('ck_regola_indennita_ore_giornaliere_part_time')),
    sa.CheckConstraint('presenza_minima_pct >= 0 AND presenza_minima_pct <= 100', name=op.f('ck_regola_indennita_presenza_minima_pct')),
    sa.CheckConstraint('valida_al IS NULL OR valida_al >= valida_dal', name=op.f('ck_regola_indennita_validita')),
    sa.ForeignKeyConstraint(['programma_id'], ['programma.id'], name=op.f('fk_regola_indennita_programma_id_programma'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regola_indennita')),
    sa.UniqueConstraint('programma_id', 'valida_dal', name='uq_regola_indennita_dal'),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('regola_indennita', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.create_index(batch_op.f('ix_regola_indennita_programma_id'), ['programma_id'], unique=False)

    op.create_table('proroga',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('percorso_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.Date(), nullable=False),
    sa.Column('fine_prevista_precedente', sa.Date(), nullable=False),
    sa.Column('nuova_fine_prevista', sa.Date(), nullable=False),
    sa.Column('motivo', sa.Text(), nullable=False),
    sa.Column('utente_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("motivo <> ''", name=op.f('ck_proroga_proroga_motivata')),
    sa.CheckConstraint('nuova_fine_prevista > fine_prevista_precedente', name=op.f('ck_proroga_proroga_in_avanti')),
    sa.ForeignKeyConstraint(['percorso_id'], ['percorso.id'], name=op.f('fk_proroga_percorso_id_percorso'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['utente_id'], ['utente.id'], name=op.f('fk_proroga_utente_id_utente'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proroga')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('proroga', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.create_index(batch_op.f('ix_proroga_percorso_id'), ['percorso_id'], unique=False)

    with op.batch_alter_table('comune', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column('patrono_nome', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('patrono_giorno', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('patrono_mese', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            'patrono',
            "(patrono_giorno IS NULL AND patrono_mese IS NULL) OR (patrono_mese >= 1 AND "
            "patrono_mese <= 12 AND patrono_giorno >= 1 AND patrono_giorno <= 31)")

    with op.batch_alter_table('ore', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column('entrata', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('uscita', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('entrata_2', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('uscita_2', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('assenza', sa.Enum('MALATTIA', 'FERIE', 'FESTIVITA', 'GIUSTIFICATA', 'INGIUSTIFICATA', name='tipo_assenza', native_enum=False, create_constraint=True), nullable=True))
        batch_op.drop_constraint(op.f('ck_ore_ore_in_giornata'), type_='check')
        batch_op.create_check_constraint('ore_in_giornata', ORE_IN_GIORNATA)
        batch_op.create_check_constraint(
            'assenza_senza_orari', "assenza IS NULL OR (tipo = 'PRESENZA' AND entrata IS NULL)")
        batch_op.create_check_constraint(
            'primo_turno',
            "(entrata IS NULL AND uscita IS NULL) OR "
            "(entrata IS NOT NULL AND uscita IS NOT NULL AND uscita > entrata)")
        batch_op.create_check_constraint(
            'secondo_turno',
            "(entrata_2 IS NULL AND uscita_2 IS NULL) OR (uscita IS NOT NULL "
            "AND entrata_2 IS NOT NULL AND uscita_2 IS NOT NULL AND entrata_2 >= uscita "
            "AND uscita_2 > entrata_2)")

    with op.batch_alter_table('postazione', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column('pasti_forniti', sa.Boolean(), server_default=sa.false(), nullable=False))

    false = "false" if op.get_bind().dialect.name == "postgresql" else "0"
    op.execute(COPY_RULES.format(false=false))
    op.execute(GENERAL_LENGTH)
    op.execute(LONG_LENGTH)
    with op.batch_alter_table('programma', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.drop_constraint(op.f('ck_programma_indennita_mensile'), type_='check')
        batch_op.drop_constraint(op.f('ck_programma_presenza_minima_pct'), type_='check')
        batch_op.drop_column('indennita_mensile')
        batch_op.drop_column('presenza_minima_pct')
        batch_op.drop_column('indennita_pro_rata')



def downgrade():
    with op.batch_alter_table('programma', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column('indennita_pro_rata', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('presenza_minima_pct', sa.Numeric(precision=5, scale=2), server_default='70', nullable=False))
        batch_op.add_column(sa.Column('indennita_mensile', sa.Numeric(precision=12, scale=2), server_default='0', nullable=False))
    # Back to one amount per programme: its latest rule's full-time figures.
    op.execute("""
        UPDATE programma SET
          indennita_mensile = COALESCE((SELECT importo_pieno FROM regola_indennita r
              WHERE r.programma_id = programma.id ORDER BY valida_dal DESC LIMIT 1), 0),
          presenza_minima_pct = COALESCE((SELECT presenza_minima_pct FROM regola_indennita r
              WHERE r.programma_id = programma.id ORDER BY valida_dal DESC LIMIT 1), 70)
    """)
    with op.batch_alter_table('programma', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.alter_column('presenza_minima_pct', server_default=None)
        batch_op.alter_column('indennita_mensile', server_default=None)
        batch_op.create_check_constraint('indennita_mensile', 'indennita_mensile >= 0')
        batch_op.create_check_constraint(
            'presenza_minima_pct', 'presenza_minima_pct >= 0 AND presenza_minima_pct <= 100')

    with op.batch_alter_table('postazione', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.drop_column('pasti_forniti')

    # Absences have no hours: they cannot go back to a table that requires them.
    op.execute("DELETE FROM ore WHERE assenza IS NOT NULL")
    with op.batch_alter_table('ore', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.drop_constraint(op.f('ck_ore_secondo_turno'), type_='check')
        batch_op.drop_constraint(op.f('ck_ore_primo_turno'), type_='check')
        batch_op.drop_constraint(op.f('ck_ore_assenza_senza_orari'), type_='check')
        batch_op.drop_constraint(op.f('ck_ore_ore_in_giornata'), type_='check')
        batch_op.drop_constraint(op.f('ck_ore_tipo_assenza'), type_='check')
        batch_op.drop_column('assenza')
        batch_op.drop_column('uscita_2')
        batch_op.drop_column('entrata_2')
        batch_op.drop_column('uscita')
        batch_op.drop_column('entrata')
        batch_op.create_check_constraint('ore_in_giornata', 'ore > 0 AND ore <= 24')

    with op.batch_alter_table('comune', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.drop_constraint(op.f('ck_comune_patrono'), type_='check')
        batch_op.drop_column('patrono_mese')
        batch_op.drop_column('patrono_giorno')
        batch_op.drop_column('patrono_nome')

    with op.batch_alter_table('proroga', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proroga_percorso_id'))
    op.drop_table('proroga')
    with op.batch_alter_table('regola_indennita', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regola_indennita_programma_id'))
    op.drop_table('regola_indennita')
    with op.batch_alter_table('durata_tirocinio', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.drop_index(batch_op.f('ix_durata_tirocinio_programma_id'))
        batch_op.drop_index(batch_op.f('ix_durata_tirocinio_categoria_id'))
    op.drop_table('durata_tirocinio')
