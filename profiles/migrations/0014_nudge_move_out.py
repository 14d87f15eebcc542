# The nudges about waiting questions belong to the insights (reports 0002): the model
# leaves this app's state only. Its table keeps its name and its rows (database_operations=[]).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('profiles', '0013_notifications_move_out'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='Nudge',
                ),
            ],
            database_operations=[],
        ),
    ]
