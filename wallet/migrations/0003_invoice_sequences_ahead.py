"""Create the invoice counter rows for financial years 2024-25 to 2049-50 ahead of time.

Taking a number locks an existing row; creating the row during the first issue of a year would
let concurrent first issues race on the insert (MariaDB deadlocks on duplicate-key locks).
"""

from django.db import migrations


def create_rows(apps, schema_editor):
    InvoiceSequence = apps.get_model("wallet", "InvoiceSequence")
    for start in range(2024, 2050):
        InvoiceSequence.objects.get_or_create(financial_year=f"{start}-{(start + 1) % 100:02d}")


class Migration(migrations.Migration):
    dependencies = [
        ("wallet", "0002_payments_webhooks_invoices"),
    ]

    operations = [
        migrations.RunPython(create_rows, migrations.RunPython.noop),
    ]
