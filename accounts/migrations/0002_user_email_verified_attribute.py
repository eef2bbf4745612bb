from django.db import migrations, models


class Migration(migrations.Migration):
    """Rename the attribute only: the column stays ``is_verified`` (see User.email_verified)."""

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RenameField(
                    model_name="user", old_name="is_verified", new_name="email_verified"
                ),
                migrations.AlterField(
                    model_name="user",
                    name="email_verified",
                    field=models.BooleanField(
                        db_column="is_verified", default=False, verbose_name="email verified"
                    ),
                ),
            ],
        ),
    ]
