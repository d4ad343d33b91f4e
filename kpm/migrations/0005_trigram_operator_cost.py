"""Tell the planner what a trigram comparison costs, so name search uses its index.

pg_trgm declares its `%` / `<%` / `%>` operator functions with the default COST 1, i.e. as
cheap as an integer comparison. Each really builds the trigram sets of both strings
(~2,3 µs per row measured here, ≈ 40 × cpu_operator_cost). With COST 1 the planner prefers a
sequential scan over the GIN index (`anggota_nama_trgm`) until the members table passes
~50.000 rows: at the demo's 24.000 members every name search scanned the whole table twice
(55 ms each, 250 ms per search under load) instead of 8 ms through the index.

Changing a function's cost needs its owner (whoever created the extension; the portal's
own database user on a normal install). Where it is not, the migration leaves the cost and
says so: search stays correct, only slower on small tables.
"""

from django.db import migrations

FUNCTIONS = (
    "similarity_op(text, text)",
    "word_similarity_op(text, text)",
    "word_similarity_commutator_op(text, text)",
)


def _set_cost(cost: int) -> str:
    statements = "\n".join(f"    ALTER FUNCTION {f} COST {cost};" for f in FUNCTIONS)
    return f"""
DO $$
BEGIN
{statements}
EXCEPTION WHEN insufficient_privilege OR undefined_function THEN
    RAISE NOTICE 'Biaya fungsi pg_trgm tidak dapat diubah (%): pencarian nama tetap benar, '
                 'hanya lebih lambat pada tabel kecil.', SQLERRM;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("kpm", "0004_komitmen_graduasi_sekolah_rakyat")]

    operations = [migrations.RunSQL(_set_cost(40), reverse_sql=_set_cost(1))]
