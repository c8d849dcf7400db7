"""Every table module, imported once so ``SQLModel.metadata`` holds them all.

alembic's env.py and the migration tests import this instead of naming each module.
"""

import app.analytics.models
import app.calls.models
import app.campaigns.models
import app.rules.models
import app.webhooks.models  # noqa: F401
